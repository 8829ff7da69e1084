import assert from "node:assert/strict";
import { PgrstError } from "../../../lib/errors.ts";
import { csvToJson, parseCsvRows } from "../../../lib/request/csv.ts";
import { parsePayload } from "../../../lib/request/payload.ts";
import type { Action, MediaType, QueryParams } from "../../../lib/request/types.ts";

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);

function query(columns: string[] | null = null): QueryParams {
  return {
    canonical: "",
    rpcParams: [],
    ranges: new Map(),
    order: [],
    logic: [],
    columns: columns === null ? null : new Set(columns),
    select: [],
    filters: [],
    filtersRoot: [],
    filtersNotRoot: [],
    filterFields: new Set(),
    onConflict: null,
  };
}

const POST: Action = { kind: "relationMutate", name: "t", mutation: "create" };
const PATCH: Action = { kind: "relationMutate", name: "t", mutation: "update" };
const DELETE: Action = { kind: "relationMutate", name: "t", mutation: "delete" };
const PUT: Action = { kind: "relationMutate", name: "t", mutation: "singleUpsert" };
const JSON_MT: MediaType = { kind: "json" };

function parse(body: string | Uint8Array, o: { action?: Action; ct?: MediaType; columns?: string[] } = {}) {
  return parsePayload(
    typeof body === "string" ? enc.encode(body) : body,
    o.ct ?? JSON_MT,
    query(o.columns ?? null),
    o.action ?? POST,
  );
}

function rejects(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof PgrstError);
    assert.deepEqual([e.status, e.code, e.message, e.details, e.hint], [
      400,
      "PGRST102",
      message,
      null,
      null,
    ]);
    return true;
  });
}

Deno.test("parsePayload() keeps a JSON object as text with its keys", () => {
  const body = '{"id": 1, "name": "x", "nested": {"k": [1]}}';
  assert.deepEqual(parse(body), {
    payload: { kind: "json", raw: utf8(body), keys: new Set(["id", "name", "nested"]), isArray: false },
    columns: new Set(["id", "name", "nested"]),
  });
});

Deno.test("parsePayload() keeps a uniform JSON array as text with its keys", () => {
  const body = '[{"a":1,"b":2},{"b":3,"a":4}]';
  assert.deepEqual(parse(body), {
    payload: { kind: "json", raw: utf8(body), keys: new Set(["a", "b"]), isArray: true },
    columns: new Set(["a", "b"]),
  });
});

Deno.test("parsePayload() rejects arrays whose objects have different keys", () => {
  rejects(
    () => parse('[{"id":100,"body":"x"},{"id":111,"body":"y","owner":"me"}]'),
    "All object keys must match",
  );
  rejects(
    () => parse('[{"id":100,"body":"xxxxx"},123,"xxxx",{"id":111,"body":"xxxx"}]'),
    "All object keys must match",
  );
  rejects(() => parse("[1, 2]"), "All object keys must match");
});

Deno.test("parsePayload() rejects empty and invalid JSON", () => {
  for (const body of ["", "}{ x = 2", "{", '{"a":1,}', "[1,]"]) {
    rejects(() => parse(body), "Empty or invalid json");
    rejects(() => parse(body, { action: PATCH }), "Empty or invalid json");
    rejects(() => parse(body, { action: PUT }), "Empty or invalid json");
  }
});

Deno.test("parsePayload() reports invalid JSON before mismatched keys", () => {
  rejects(() => parse('[{"a":1},{"b":2},'), "Empty or invalid json");
});

Deno.test("parsePayload() rejects invalid UTF-8 as invalid JSON", () => {
  rejects(() => parse(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), "Empty or invalid json");
});

Deno.test("parsePayload() turns a JSON scalar into an empty array (nothing inserted)", () => {
  for (const body of ["1", '"x"', "null", "true"]) {
    assert.deepEqual(parse(body), {
      payload: { kind: "json", raw: utf8("[]"), keys: new Set(), isArray: true },
      columns: new Set(),
    });
  }
});

Deno.test("parsePayload() forwards the body unparsed with columns=", () => {
  const body = '[{"id": 1, "smth": "here"}, 333, "asdf"';
  assert.deepEqual(parse(body, { columns: ["id", "body"] }), {
    payload: { kind: "rawJson", raw: utf8(body) },
    columns: new Set(["id", "body"]),
  });
  assert.deepEqual(parse("", { action: PATCH, columns: ["id"] }).payload, { kind: "rawJson", raw: utf8("") });
});

Deno.test("parsePayload() ignores columns= on PUT", () => {
  const r = parse('{"id":1}', { action: PUT, columns: ["x"] });
  assert.deepEqual(r.columns, new Set(["id"]));
});

Deno.test("parsePayload() reads no body on DELETE", () => {
  assert.deepEqual(parse("}{ not json", { action: DELETE }), { payload: null, columns: new Set() });
});

Deno.test("parsePayload() turns a form body into one object of strings", () => {
  const r = parse("integer=7&double=2.71828&varchar=forms+are+fun&money=$3.99&a=1&a=2", {
    ct: { kind: "urlencoded" },
  });
  assert.ok(r.payload?.kind === "json");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.payload.raw)), {
    integer: "7",
    double: "2.71828",
    varchar: "forms are fun",
    money: "$3.99",
    a: "2",
  });
  assert.equal(r.payload.isArray, false);
  assert.deepEqual(r.columns, new Set(["integer", "double", "varchar", "money", "a"]));
});

Deno.test("parsePayload() turns CSV into a JSON array with the header as keys", () => {
  const r = parse("a,b\nNULL,foo\n,bar\n", { ct: { kind: "csv" } });
  assert.ok(r.payload?.kind === "json");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.payload.raw)), [{ a: null, b: "foo" }, {
    a: "",
    b: "bar",
  }]);
  assert.deepEqual(r.columns, new Set(["a", "b"]));
});

Deno.test("parsePayload() rejects CSV rows of another length than the header", () => {
  rejects(
    () => parse("a,b\nfoo,bar\nbaz", { ct: { kind: "csv" } }),
    "All lines must have same number of fields",
  );
  rejects(
    () => parse("a,b\nfoo,bar,baz", { ct: { kind: "csv" } }),
    "All lines must have same number of fields",
  );
});

Deno.test("parsePayload() rejects other content types on tables", () => {
  rejects(() => parse("hi", { ct: { kind: "text" } }), "Content-Type not acceptable: text/plain");
  rejects(() => parse("<a/>", { ct: { kind: "xml" } }), "Content-Type not acceptable: text/xml");
  rejects(
    () => parse("x", { ct: { kind: "other", type: "application/x-thing" } }),
    "Content-Type not acceptable: application/x-thing",
  );
});

Deno.test("parseCsvRows() reads quoted fields, doubled quotes and CRLF", () => {
  assert.deepEqual(parseCsvRows('id,name\r\n1,"Rock ""n"" Roll, live"\r\n2,\r\n'), [
    ["id", "name"],
    ["1", 'Rock "n" Roll, live'],
    ["2", ""],
  ]);
  assert.deepEqual(parseCsvRows('a\n"multi\nline"'), [["a"], ["multi\nline"]]);
});

Deno.test("parseCsvRows() skips blank lines, as cassava", () => {
  assert.deepEqual(parseCsvRows("a,b\n\n1,2\n\n"), [["a", "b"], ["1", "2"]]);
  assert.deepEqual(parseCsvRows("a\r\n\r\nx\r\n"), [["a"], ["x"]]);
});

Deno.test("parseCsvRows() reports an unterminated quoted field", () => {
  assert.equal(typeof parseCsvRows('a\n"open'), "string");
  assert.equal(typeof parseCsvRows('a\n"x"y'), "string");
});

Deno.test("csvToJson() reads NULL as null, also quoted (cassava unquotes before PostgREST looks)", () => {
  const r = csvToJson('a,b,c\nNULL,"NULL",null');
  assert.ok(r.kind === "ok");
  assert.deepEqual(JSON.parse(r.json), [{ a: null, b: null, c: "null" }]);
});

Deno.test("csvToJson() gives no keys for a header without rows", () => {
  assert.deepEqual(csvToJson("a,b\n"), { kind: "ok", json: "[]", keys: new Set() });
});
