/**
 * Request bodies of writes: JSON validated and keyed in one pass (also 10 MB of it), CSV, form
 * bodies, invalid bodies and Content-Types (WR-02, WR-03, WR-04, WR-18, MT-12).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(app, "POST", path, { body, headers });

Deno.test("POST a JSON scalar inserts nothing", async () => {
  const before = await rows(app, "select * from test.no_pk order by a");
  const res = await post("/no_pk", '"just a string"', { Prefer: "return=representation" });
  assert.deepEqual(await summary(res), { status: 201, body: [] });
  assert.deepEqual(await rows(app, "select * from test.no_pk order by a"), before);
});

Deno.test("POST ignores insignificant whitespace around the body", async () => {
  const res = await post(
    "/json_table",
    '\t \n \r [{ "data": { "foo":"bar" } }, \t \n \r {"data": 34}]\t \n \r ',
    {
      Prefer: "return=representation",
    },
  );
  assert.deepEqual(await summary(res), { status: 201, body: [{ data: { foo: "bar" } }, { data: 34 }] });
});

Deno.test("POST keeps a json column's duplicate keys as sent", async () => {
  const res = await post("/tbl_w_json", '{ "data": { "a": 1, "a": 2 }, "id": 3 }', {
    Prefer: "return=representation",
  });
  assert.equal(res.status, 201);
  assert.equal(await res.text(), '[{"id":3,"data":{ "a": 1, "a": 2 }}]');
});

Deno.test("POST arrays whose objects have different keys is 400 PGRST102 and inserts nothing", async () => {
  const before = await rows(app, "select * from test.articles order by id");
  for (
    const body of [
      '[{"id": 100, "body": "x"}, {"id": 111, "body": "y", "owner": "me"}]',
      '[{"id": 100, "body": "xxxxx"}, 123, "xxxx", {"id": 111, "body": "xxxx"}]',
    ]
  ) {
    const res = await post("/articles", body);
    assert.deepEqual(await summary(res, ["content-type"]), {
      status: 400,
      "content-type": "application/json; charset=utf-8",
      body: { code: "PGRST102", details: null, hint: null, message: "All object keys must match" },
    });
  }
  assert.deepEqual(await rows(app, "select * from test.articles order by id"), before);
});

Deno.test("POST empty or invalid JSON is 400 PGRST102 and inserts nothing", async () => {
  const before = await rows(app, "select * from test.simple_pk order by k");
  for (const body of ["}{ x = 2", "", '{"k": "a",}']) {
    const res = await post("/simple_pk", body);
    assert.deepEqual(await summary(res), {
      status: 400,
      body: { code: "PGRST102", details: null, hint: null, message: "Empty or invalid json" },
    });
  }
  assert.deepEqual(await rows(app, "select * from test.simple_pk order by k"), before);
});

Deno.test("POST with another Content-Type is 400 PGRST102", async () => {
  const res = await post("/simple_pk", "k=1", { "Content-Type": "text/plain" });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "PGRST102", details: null, hint: null, message: "Content-Type not acceptable: text/plain" },
  });
});

Deno.test("POST a form body inserts one row of strings cast by PostgreSQL", async () => {
  const res = await post(
    "/menagerie",
    "integer=7&double=2.71828&varchar=forms+are+fun&boolean=false&date=1900-01-01&enum=todo",
    { "Content-Type": "application/x-www-form-urlencoded" },
  );
  assert.deepEqual(await summary(res, ["content-type"]), { status: 201, "content-type": null, body: "" });
  assert.deepEqual(await rows(app, "select * from test.menagerie where integer = 7"), [
    {
      integer: 7,
      double: 2.71828,
      varchar: "forms are fun",
      boolean: false,
      date: "1900-01-01",
      enum: "todo",
    },
  ]);
});

Deno.test("POST CSV inserts rows and answers CSV", async () => {
  const res = await post("/no_pk", "a,b\nbar,baz", {
    "Content-Type": "text/csv",
    Accept: "text/csv",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 201,
    "content-type": "text/csv; charset=utf-8",
    body: "a,b\nbar,baz",
  });
});

Deno.test("POST CSV reads NULL as null and an empty field as an empty string", async () => {
  const res = await post("/no_pk", "a,b\nNULL,foo\n,empty", {
    "Content-Type": "text/csv",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 201, body: [{ a: null, b: "foo" }, { a: "", b: "empty" }] });
});

Deno.test("POST CSV returns only the selected columns", async () => {
  const res = await post("/projects?select=id", "id,name,client_id\n8001,Xenix,1\n8002,Windows NT,1", {
    "Content-Type": "text/csv",
    Accept: "text/csv",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-type", "content-range"]), {
    status: 201,
    "content-type": "text/csv; charset=utf-8",
    "content-range": "*/*",
    body: "id\n8001\n8002",
  });
});

Deno.test("POST CSV with a short line is 400 PGRST102 and inserts nothing", async () => {
  const before = await rows(app, "select * from test.no_pk order by a, b");
  const res = await post("/no_pk", "a,b\nfoo,bar\nbaz", { "Content-Type": "text/csv" });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 400,
    "content-type": "application/json; charset=utf-8",
    body: {
      code: "PGRST102",
      details: null,
      hint: null,
      message: "All lines must have same number of fields",
    },
  });
  assert.deepEqual(await rows(app, "select * from test.no_pk order by a, b"), before);
});

Deno.test("POST a 10 MB JSON array reaches PostgreSQL as one body and inserts every row", async () => {
  const n = 60_000;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(JSON.stringify({ id: i, name: `row ${i} ${"x".repeat(100)}`, data: { i, tags: ["a", "b"] } }));
  }
  const body = `[${parts.join(",")}]`;
  assert.ok(body.length > 10_000_000);
  const res = await post("/bulk_rows", body, { Prefer: "count=exact" });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 201,
    "content-range": `*/${n}`,
    body: "",
  });
  assert.deepEqual(
    await rows(
      app,
      "select count(*)::int as n, max(id) as max, sum((data->>'i')::int)::bigint as s from test.bulk_rows",
    ),
    [
      { n, max: n - 1, s: (n * (n - 1)) / 2 },
    ],
  );
});

Deno.test("a large body arriving in chunks is read whole, whatever its Content-Length says", async () => {
  const rowsOf = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i, name: "x".repeat(200) }));
  for (const [from, declaredDelta] of [[100_000, 0], [200_000, -5000], [300_000, 5000]]) {
    const bytes = new TextEncoder().encode(`[${rowsOf(from, 1000).join(",")}]`);
    // In 7 KiB pieces, as a socket would deliver them.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < bytes.length; at += 7168) c.enqueue(bytes.slice(at, at + 7168));
        c.close();
      },
    });
    const res = await app.handler(
      new Request("http://localhost/bulk_rows", {
        method: "POST",
        body: stream,
        headers: {
          "content-type": "application/json",
          "content-length": String(bytes.length + declaredDelta),
          prefer: "count=exact",
        },
      }),
    );
    assert.deepEqual(await summary(res, ["content-range"]), {
      status: 201,
      "content-range": "*/1000",
      body: "",
    });
  }
  assert.deepEqual(await rows(app, "select count(*)::int as n from test.bulk_rows where id >= 100000"), [{
    n: 3000,
  }]);
});
