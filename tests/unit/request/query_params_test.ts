import assert from "node:assert/strict";
import { parseQueryParams } from "../../../lib/request/query_params.ts";
import { col, errorBody, field, pgrst100, rel } from "./grammar_helpers.ts";

const parse = (qs: string, isRpcRead = false) => parseQueryParams(qs, isRpcRead);

Deno.test("parseQueryParams() sorts the canonical query string by key (PostgREST doctest)", () => {
  assert.equal(parse("a=1&c=3&b=2&d", true).canonical, "a=1&b=2&c=3&d=");
  assert.equal(parse("?b=eq.1&a=eq.1").canonical, "a=eq.1&b=eq.1");
  assert.equal(parse("").canonical, "");
  assert.equal(parse("?").canonical, "");
});

Deno.test("parseQueryParams() re-encodes the canonical query string like urlEncodeVars", () => {
  // Values of a repeated key are joined with commas; the sort is stable.
  assert.equal(parse("b=eq.2&a=gt.1&b=eq.1").canonical, "a=gt.1&b=eq.2,eq.1");
  assert.equal(
    parse("select=id,name&name=like.*a b*").canonical,
    "name=like.%2Aa%20b%2A&select=id%2Cname",
  );
  assert.equal(parse("n=eq.%C3%A9+x").canonical, "n=eq.%C3%A9%20x");
  assert.equal(parse("x=eq.a~b_c-d.e").canonical, "x=eq.a~b_c-d.e");
  // Empty segments between separators are pairs with an empty key; a trailing one is not.
  assert.equal(parse("a=eq.1&&b=eq.2&").canonical, "=&a=eq.1&b=eq.2");
});

Deno.test("parseQueryParams() decodes + as space, %XX as bytes and keeps malformed escapes", () => {
  const [, f1] = parse("name=eq.a+b%20c").filters[0];
  assert.equal(
    f1.opExpr.kind === "op" && "value" in f1.opExpr.operation && f1.opExpr.operation.value,
    "a b c",
  );
  const [, f2] = parse("name=eq.100%&x=eq.%zz%4").filters[0];
  assert.equal(
    f2.opExpr.kind === "op" && "value" in f2.opExpr.operation && f2.opExpr.operation.value,
    "100%",
  );
  assert.equal(parse("x=eq.%zz%4").canonical, "x=eq.%25zz%254");
  const [, f3] = parse("name=eq.caf%C3%A9%F0%9F%98%80").filters[0];
  assert.equal(
    f3.opExpr.kind === "op" && "value" in f3.opExpr.operation && f3.opExpr.operation.value,
    "café😀",
  );
  // Invalid UTF-8 becomes U+FFFD.
  const [, f4] = parse("name=eq.%FF").filters[0];
  assert.equal(
    f4.opExpr.kind === "op" && "value" in f4.opExpr.operation && f4.opExpr.operation.value,
    "\uFFFD",
  );
});

Deno.test("parseQueryParams() splits pairs on & and on ;", () => {
  assert.deepEqual(parse("a=eq.1;b=eq.2").filters.map(([, f]) => f.field.name), ["a", "b"]);
});

Deno.test("parseQueryParams() selects everything by default and reads the first select", () => {
  assert.deepEqual(parse("").select, [col("*")]);
  assert.deepEqual(parse("select").select, [col("*")]);
  assert.deepEqual(parse("select=").select, []);
  assert.deepEqual(parse("select=name,location").select, [col("name"), col("location")]);
  assert.deepEqual(parse("select=a&select=b").select, [col("a")]);
  assert.deepEqual(parse("select=id,projects(id)").select, [col("id"), rel("projects", [col("id")])]);
});

Deno.test("parseQueryParams() reads filters and splits root from embedded ones (PostgREST doctest)", () => {
  const q = parse("a.b=eq.0&id=gte.18&id=lte.30&clients.projects.name=eq.x");
  assert.deepEqual(q.filters[0], [["a"], {
    field: field("b"),
    opExpr: {
      kind: "op",
      negated: false,
      operation: { kind: "quant", op: "eq", quantifier: null, value: "0" },
    },
  }]);
  assert.deepEqual(q.filtersRoot.map((f) => f.field.name), ["id", "id"]);
  assert.deepEqual(q.filtersNotRoot.map(([p, f]) => [p, f.field.name]), [[["a"], "b"], [[
    "clients",
    "projects",
  ], "name"]]);
  assert.deepEqual([...q.filterFields], ["a.b", "id", "clients.projects.name"]);
  assert.deepEqual(q.rpcParams, []);
});

Deno.test("parseQueryParams() keeps reserved names out of filters, but only exact ones", () => {
  const q = parse(
    "select=id&columns=a,b&on_conflict=a&order=id&limit=1&offset=2&and=(a.eq.1)&or=(a.eq.1)&x.select=eq.1",
  );
  assert.deepEqual(q.filters.map(([p, f]) => [p, f.field.name]), [[["x"], "select"]]);
  assert.deepEqual([...q.columns!], ["a", "b"]);
  assert.deepEqual(q.onConflict, ["a"]);
  assert.equal(q.logic.length, 2);
  assert.equal(q.order.length, 1);
});

Deno.test("parseQueryParams() reads columns and on_conflict lists", () => {
  assert.deepEqual([...parse('columns=id, name ,"a,b"').columns!], ["id", "name", "a,b"]);
  assert.equal(parse("").columns, null);
  assert.deepEqual(parse("on_conflict=name,id").onConflict, ["name", "id"]);
  assert.equal(parse("").onConflict, null);
  assert.deepEqual(
    errorBody(() => parse("columns=")),
    pgrst100(
      '"failed to parse columns parameter ()" (line 1, column 1)',
      "unexpected end of input expecting field name (* or [a..z0..9_$])",
    ),
  );
  assert.deepEqual(
    errorBody(() => parse("on_conflict=,a")),
    pgrst100(
      '"failed to parse on_conflict parameter (,a)" (line 1, column 1)',
      'unexpected "," expecting field name (* or [a..z0..9_$])',
    ),
  );
});

Deno.test("parseQueryParams() reads order and logic per embed level", () => {
  const q = parse("order=id.desc&projects.order=name&or=(id.eq.1,id.eq.2)&child_entities.not.and=(id.eq.1)");
  assert.deepEqual(q.order.map(([p, terms]) => [p, terms.length]), [[[], 1], [["projects"], 1]]);
  assert.deepEqual(q.logic.map(([p, t]) => [p, t.kind === "expr" && t.negated]), [[[], false], [[
    "child_entities",
  ], true]]);
});

Deno.test("parseQueryParams() turns RPC read arguments into rpcParams", () => {
  const q = parse("min=0&max=15&id=eq.1&a.b=5", true);
  assert.deepEqual(q.rpcParams, [["min", "0"], ["max", "15"], ["b", "5"]]);
  assert.deepEqual(q.filters.map(([, f]) => f.field.name), ["id"]);
  assert.deepEqual([...q.filterFields], ["min", "max", "id", "a.b"]);
  assert.deepEqual(
    errorBody(() => parse("min=0")),
    pgrst100(
      '"failed to parse filter (0)" (line 1, column 1)',
      'unexpected "0" expecting "not" or operator (eq, gt, ...)',
    ),
  );
});

Deno.test("parseQueryParams() derives ranges from limit and offset at every level", () => {
  const q = parse("limit=5&offset=10&clients.limit=2&clients.offset=1&x.y.offset=3&z.limit=0");
  assert.deepEqual([...q.ranges], [
    ["clients", { offset: 1, upper: 2 }],
    ["x.y", { offset: 3, upper: null }],
    ["z", { offset: 0, upper: -1 }],
    ["", { offset: 10, upper: 14 }],
  ]);
  assert.deepEqual(parse("limit=3").ranges.get(""), { offset: 0, upper: 2 });
  assert.deepEqual(parse("offset=-4").ranges.get(""), { offset: -4, upper: null });
  assert.deepEqual(parse("limit=-1").ranges.get(""), { offset: 0, upper: -2 });
  // A repeated key keeps its last value; unreadable numbers are ignored (Haskell's readMaybe).
  assert.deepEqual(parse("limit=1&limit=2").ranges.get(""), { offset: 0, upper: 1 });
  assert.deepEqual(parse("limit=abc").ranges.get(""), { offset: 0, upper: null });
  assert.deepEqual(parse("limit=(4)").ranges.get(""), { offset: 0, upper: 3 });
  assert.deepEqual(parse("limit=abc&offset=2").ranges.get(""), { offset: 2, upper: 1 });
  assert.equal(parse("").ranges.size, 0);
});

Deno.test("parseQueryParams() checks limit/offset embed paths like PostgREST's planner", () => {
  assert.deepEqual(
    errorBody(() => parse("(.offset=1")),
    pgrst100(
      '"failed to parse tree path ((.limit)" (line 1, column 1)',
      'unexpected "(" expecting field name (* or [a..z0..9_$])',
    ),
  );
});

Deno.test("parseQueryParams() checks parameters in PostgREST's order", () => {
  const body = (qs: string) => (errorBody(() => parse(qs)).message as string).replace(/ \(line.*/, "");
  const all = "x=bad&select=a(&or=()&order=id.ac&columns=,";
  assert.equal(body(all), '"failed to parse order (id.ac)"');
  assert.equal(body("x=bad&select=a(&or=()&columns=,"), '"failed to parse logic tree (())"');
  assert.equal(body("x=bad&select=a(&columns=,"), '"failed to parse columns parameter (,)"');
  assert.equal(body("x=bad&select=a(&on_conflict=,"), '"failed to parse select parameter (a()"');
  assert.equal(body("x=bad&on_conflict=,"), '"failed to parse filter (bad)"');
  assert.equal(body("on_conflict=,&(.limit=1"), '"failed to parse on_conflict parameter (,)"');
});

Deno.test("parseQueryParams() reports a nesting deeper than the stack as a PGRST100", () => {
  const depth = 100_000;
  const body = errorBody(() => parse("select=" + "a(".repeat(depth) + ")".repeat(depth)));
  assert.equal(body.code, "PGRST100");
  assert.equal(body.details, "nesting too deep");
});
