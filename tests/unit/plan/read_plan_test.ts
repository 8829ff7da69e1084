import assert from "node:assert/strict";
import { PgrstError } from "../../../lib/errors.ts";
import type { CoercibleField, CoercibleLogicTree, ReadPlan } from "../../../lib/plan/types.ts";
import { CONFIG, plan } from "./read_fixture.ts";

function rootFilterField(p: ReadPlan, i = 0): CoercibleField {
  const t: CoercibleLogicTree = p.where[i];
  assert.ok(t.kind === "stmt" && t.filter.kind === "filter");
  return t.filter.field;
}

function errorOf(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PgrstError, `expected a PgrstError, got ${e}`);
    return { status: e.status, ...e.body() };
  }
  assert.fail("expected an error");
}

Deno.test("planRead() resolves filter fields with their column types", () => {
  const f = rootFilterField(plan("/items?name=eq.x").readPlan);
  assert.deepEqual([f.name, f.irType, f.baseType, f.toJson, f.toTsVector, f.transform], [
    "name",
    "text",
    "text",
    true,
    null,
    null,
  ]);
});

Deno.test("planRead() keeps native arrows on json/jsonb and uses to_jsonb() on other types", () => {
  assert.equal(rootFilterField(plan("/items?data->a=eq.1").readPlan).toJson, false);
  assert.equal(rootFilterField(plan("/items?doc->a=eq.1").readPlan).toJson, false);
  assert.equal(rootFilterField(plan("/items?num->a=eq.1").readPlan).toJson, true);
  assert.equal(rootFilterField(plan("/items?nope->a=eq.1").readPlan).toJson, true);
});

Deno.test("planRead() wraps non-tsvector columns for fts, never tsvector columns or unknown names", () => {
  assert.deepEqual(rootFilterField(plan("/items?body=fts(simple).x").readPlan).toTsVector, {
    language: "simple",
  });
  assert.deepEqual(rootFilterField(plan("/items?body=fts.x").readPlan).toTsVector, { language: null });
  assert.equal(rootFilterField(plan("/items?tsv=fts(simple).x").readPlan).toTsVector, null);
  assert.equal(rootFilterField(plan("/items?computed_tsv=fts(simple).x").readPlan).toTsVector, null);
  assert.equal(rootFilterField(plan("/items?body=eq.x").readPlan).toTsVector, null);
});

Deno.test("planRead() installs the text parser of a data representation on filter fields", () => {
  const f = rootFilterField(plan("/items?color=eq.red").readPlan);
  assert.deepEqual([f.irType, f.transform], ["text", { schema: "api", name: "color_from_text" }]);
  const out = plan("/items?select=color").readPlan.select[0];
  assert.deepEqual([out.field.transform, out.alias], [{ schema: "api", name: "color_to_json" }, "color"]);
});

Deno.test("planRead() names JSON paths after their last key, or the column for index-only paths", () => {
  const select = plan("/items?select=data->a->>b,data->0,data->a->1,x:data->c").readPlan.select;
  assert.deepEqual(select.map((s) => s.alias), ["b", "data", "a", "x"]);
});

Deno.test("planRead() puts logic trees before filters on a node", () => {
  const where = plan("/items?id=eq.1&or=(id.eq.2,id.eq.3)&name=eq.x").readPlan.where;
  assert.deepEqual(
    where.map((t) => t.kind === "stmt" && t.filter.kind === "filter" ? t.filter.field.name : t.kind),
    [
      "expr",
      "id",
      "name",
    ],
  );
});

Deno.test("planRead() takes the top-level range from limit/offset and the Range header", () => {
  assert.deepEqual(plan("/items?limit=3&offset=2").readPlan.range, { offset: 2, upper: 4 });
  assert.deepEqual(plan("/items?limit=10", { headers: { Range: "2-5" } }).readPlan.range, {
    offset: 2,
    upper: 5,
  });
  assert.deepEqual(plan("/items", { headers: { Range: "2-5" }, method: "HEAD" }).readPlan.range, {
    offset: 0,
    upper: null,
  });
  assert.deepEqual(plan("/items?limit=0").readPlan.range, { offset: 0, upper: -1 });
  assert.deepEqual(plan("/items?offset=-3").readPlan.range, { offset: 0, upper: null });
});

Deno.test("planRead() caps every level with db-max-rows", () => {
  const config = { ...CONFIG, dbMaxRows: 2 };
  const p = plan("/clients?select=id,projects(id)&limit=10&offset=1&projects.limit=1", { config }).readPlan;
  assert.deepEqual(p.range, { offset: 1, upper: 2 });
  assert.deepEqual(p.children[0].range, { offset: 0, upper: 0 });
  const all = plan("/clients?select=id,projects(id)", { config }).readPlan;
  assert.deepEqual([all.range, all.children[0].range], [{ offset: 0, upper: 1 }, { offset: 0, upper: 1 }]);
});

Deno.test("planRead() files embedded ranges, orders and logic under their embed", () => {
  const p =
    plan("/clients?select=id,projects(id)&projects.order=id.desc&projects.offset=1&projects.or=(id.eq.1)")
      .readPlan;
  const child = p.children[0];
  assert.deepEqual(child.range, { offset: 1, upper: null });
  assert.equal(child.order.length, 1);
  assert.equal(child.where[0].kind, "expr");
  assert.deepEqual([p.order, p.where.length], [[], 0]);
});

Deno.test("planRead() refuses filters on resources that are not embedded (PGRST108)", () => {
  assert.deepEqual(errorOf(() => plan("/clients?select=id&projects.or=(id.eq.1)")), {
    status: 400,
    code: "PGRST108",
    details: null,
    hint: "Verify that 'projects' is included in the 'select' query parameter.",
    message: "'projects' is not an embedded resource in this request",
  });
});

Deno.test("planRead() refuses aggregates unless db-aggregates-enabled (PGRST123)", () => {
  const notAllowed = {
    status: 400,
    code: "PGRST123",
    details: null,
    hint: null,
    message: "Use of aggregate functions is not allowed",
  };
  assert.deepEqual(errorOf(() => plan("/items?select=id.sum()")), notAllowed);
  assert.deepEqual(errorOf(() => plan("/clients?select=projects(count())")), notAllowed);
  const allowed = plan("/items?select=id.sum(),name", { config: { ...CONFIG, dbAggregatesEnabled: true } });
  assert.deepEqual(allowed.readPlan.select.map((s) => s.aggregate), ["sum", null]);
});

Deno.test("planAction() negotiates singular, stripped and HEAD handlers", () => {
  const handler = (path: string, headers: Record<string, string>, method = "GET") => {
    const p = plan(path, { headers, method }).plan;
    assert.ok(p.kind === "db" && p.plan.kind === "read");
    return p.plan.handler;
  };
  assert.deepEqual(handler("/items", { Accept: "application/vnd.pgrst.object+json;nulls=stripped" }), {
    kind: "singleJson",
    stripNulls: true,
  });
  assert.deepEqual(handler("/items", { Accept: "application/vnd.pgrst.array+json;nulls=stripped" }), {
    kind: "arrayJsonStrip",
  });
  assert.deepEqual(handler("/items", { Accept: "application/vnd.pgrst.array+json" }), { kind: "json" });
  assert.deepEqual(handler("/items", {}, "HEAD"), { kind: "noAgg" });
});
