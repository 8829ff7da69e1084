import assert from "node:assert/strict";
import type { Relationship } from "../../../lib/catalog/types.ts";
import { defaultConfig } from "../../../lib/config/config.ts";
import { PgrstError } from "../../../lib/errors.ts";
import { type MutatePlan, planMutate } from "../../../lib/plan/mutate_plan.ts";
import { planAction } from "../../../lib/plan/plan.ts";
import { planRead } from "../../../lib/plan/read_plan.ts";
import type { CoercibleLogicTree } from "../../../lib/plan/types.ts";
import type {
  ApiRequest,
  Filter,
  LogicTree,
  Mutation,
  Payload,
  Preferences,
  QueryParams,
  SelectItem,
} from "../../../lib/request/types.ts";
import { ALL_ROWS } from "../../../lib/request/types.ts";
import { catalogOf, column, table } from "../../helpers/catalog_builder.ts";

const config = defaultConfig({ dbSchemas: ["test"] });

const items = table("test", "items", [
  column("id", "integer", { default: "nextval('test.items_id_seq'::regclass)" }),
  column("name", "text", { default: "'Default'::text" }),
  column("client_id", "integer"),
  column("total", "integer", { generated: true, default: "(id * 2)" }),
  column("color", "test.color"),
], ["id"]);
const compound = table("test", "compound", [
  column("k1", "integer"),
  column("k2", "text"),
  column("extra", "text"),
], [
  "k1",
  "k2",
]);
const noPk = table("test", "no_pk", [column("a", "text"), column("b", "text")]);
const clients = table("test", "clients", [column("id", "integer"), column("name", "text")], ["id"]);
const toClients: Relationship = {
  kind: "fk",
  table: { schema: "test", name: "items" },
  foreignTable: { schema: "test", name: "clients" },
  isSelf: false,
  cardinality: { kind: "m2o", constraint: "items_client_id_fkey", columns: [["client_id", "id"]] },
  tableIsView: false,
  foreignTableIsView: false,
};
const catalog = catalogOf([items, compound, noPk, clients], {
  relationships: [toClients],
  representations: [{
    sourceType: "json",
    targetType: "test.color",
    function: { schema: "test", name: "json_to_color" },
  }],
});

function field(name: string): SelectItem {
  return {
    kind: "field",
    field: { name, jsonPath: [] },
    aggregate: null,
    aggregateCast: null,
    cast: null,
    alias: null,
  };
}

const STAR = field("*");

function eqFilter(name: string, value: string, negated = false): Filter {
  return {
    field: { name, jsonPath: [] },
    opExpr: { kind: "op", negated, operation: { kind: "quant", op: "eq", quantifier: null, value } },
  };
}

const NO_PREFS: Preferences = {
  resolution: null,
  representation: null,
  count: null,
  transaction: null,
  missing: null,
  handling: null,
  timezone: null,
  maxAffected: null,
  invalid: [],
};

interface ReqOptions {
  readonly table?: string;
  readonly query?: Partial<QueryParams>;
  readonly prefs?: Partial<Preferences>;
  readonly body?: string;
  readonly columns?: readonly string[];
}

function request(mutation: Mutation, o: ReqOptions = {}): ApiRequest {
  const filters = o.query?.filtersRoot ?? [];
  const query: QueryParams = {
    canonical: "",
    rpcParams: [],
    ranges: new Map(),
    order: [],
    logic: [],
    columns: null,
    select: [STAR],
    filters: filters.map((f) => [[], f] as const),
    filtersRoot: filters,
    filtersNotRoot: [],
    filterFields: new Set(filters.map((f) => f.field.name)),
    onConflict: null,
    ...o.query,
  };
  const body = o.body ?? '{"id":1}';
  const payload: Payload | null = mutation === "delete" ? null : {
    kind: "json",
    raw: new TextEncoder().encode(body),
    keys: new Set(o.columns ?? ["id"]),
    isArray: body.trimStart().startsWith("["),
  };
  return {
    action: { kind: "relationMutate", name: o.table ?? "items", mutation },
    method: { create: "POST", update: "PATCH", singleUpsert: "PUT", delete: "DELETE" }[mutation],
    path: `/${o.table ?? "items"}`,
    schema: "test",
    negotiatedByProfile: false,
    query,
    preferences: { ...NO_PREFS, ...o.prefs },
    topLevelRange: ALL_ROWS,
    payload,
    columns: new Set(mutation === "delete" ? [] : o.columns ?? ["id"]),
    accept: [{ kind: "any" }],
    contentType: { kind: "json" },
    headers: [],
    cookies: [],
  };
}

function plan(mutation: Mutation, o: ReqOptions = {}): MutatePlan {
  const req = request(mutation, o);
  const qi = { schema: "test", name: o.table ?? "items" };
  return planMutate(mutation, qi, req, catalog, planRead(qi, config, catalog, req));
}

function rejects(f: () => unknown, code: string, status: number, message?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof PgrstError);
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

Deno.test("planMutate() resolves the columns of a POST, sorted, with their types and defaults", () => {
  const p = plan("create", { columns: ["name", "id"] });
  assert.equal(p.kind, "insert");
  if (p.kind !== "insert") return;
  assert.deepEqual(p.columns.map((c) => [c.name, c.irType, c.default]), [
    ["id", "integer", "nextval('test.items_id_seq'::regclass)"],
    ["name", "text", "'Default'::text"],
  ]);
  const body = p.body instanceof Uint8Array ? new TextDecoder().decode(p.body) : p.body;
  assert.deepEqual([p.into, body, p.onConflict, p.where, p.pkColumns, p.applyDefaults], [
    { schema: "test", name: "items" },
    '{"id":1}',
    null,
    [],
    ["id"],
    false,
  ]);
});

Deno.test("planMutate() rejects an unknown column with 400 PGRST204", () => {
  rejects(
    () => plan("create", { columns: ["id", "helicopter"] }),
    "PGRST204",
    400,
    "Could not find the 'helicopter' column of 'items' in the schema cache",
  );
  rejects(() => plan("update", { columns: ["nope"] }), "PGRST204", 400);
});

Deno.test("planMutate() parses represented columns with their json → domain function", () => {
  const p = plan("create", { columns: ["color"] });
  assert.ok(p.kind === "insert");
  assert.deepEqual(p.columns[0].transform, { schema: "test", name: "json_to_color" });
  assert.equal(p.columns[0].irType, "json");
});

Deno.test("planMutate() never applies a generated column's expression as a default", () => {
  const p = plan("create", { columns: ["total"], prefs: { missing: "default" } });
  assert.ok(p.kind === "insert");
  assert.equal(p.columns[0].default, null);
  assert.equal(p.applyDefaults, true);
});

Deno.test("planMutate() ignores root filters on POST", () => {
  const p = plan("create", { query: { filtersRoot: [eqFilter("id", "2")] } });
  assert.ok(p.kind === "insert");
  assert.deepEqual(p.where, []);
});

Deno.test("planMutate() upserts on the primary key or on on_conflict columns", () => {
  const pk = plan("create", { prefs: { resolution: "merge-duplicates" } });
  assert.ok(pk.kind === "insert");
  assert.deepEqual(pk.onConflict, { resolution: "merge-duplicates", columns: ["id"] });
  const unique = plan("create", {
    prefs: { resolution: "ignore-duplicates" },
    query: { onConflict: ["name"] },
  });
  assert.ok(unique.kind === "insert");
  assert.deepEqual(unique.onConflict, { resolution: "ignore-duplicates", columns: ["name"] });
  const none = plan("create", { table: "no_pk", columns: ["a"], prefs: { resolution: "merge-duplicates" } });
  assert.ok(none.kind === "insert");
  assert.deepEqual(none.onConflict, { resolution: "merge-duplicates", columns: [] });
});

Deno.test("planMutate() returns nothing for return=minimal and no preference", () => {
  assert.deepEqual(plan("create").returning, []);
  assert.deepEqual(plan("create", { prefs: { representation: "minimal" } }).returning, []);
});

Deno.test("planMutate() returns * when * is selected", () => {
  assert.deepEqual(plan("delete", { prefs: { representation: "representation" } }).returning, ["*"]);
});

Deno.test("planMutate() returns the selected columns and the primary key (for Location)", () => {
  const p = plan("create", {
    prefs: { representation: "headers-only" },
    query: { select: [field("name"), field("client_id")] },
  });
  assert.deepEqual(p.returning, ["client_id", "id", "name"]);
});

Deno.test("planMutate() returns the columns an embed joins on (inferColsEmbedNeeds)", () => {
  const select: SelectItem[] = [field("name"), {
    kind: "relation",
    relation: "clients",
    alias: null,
    hint: null,
    joinType: null,
    children: [field("name")],
  }];
  const p = plan("update", {
    prefs: { representation: "representation" },
    query: { select },
    columns: ["name"],
  });
  assert.deepEqual(p.returning, ["client_id", "id", "name"]);
});

Deno.test("planMutate() filters PATCH and DELETE with root filters then root logic trees", () => {
  const logic: LogicTree = {
    kind: "expr",
    negated: false,
    operator: "or",
    children: [{ kind: "stmt", filter: eqFilter("id", "1") }, { kind: "stmt", filter: eqFilter("id", "2") }],
  };
  const embedded: LogicTree = { kind: "stmt", filter: eqFilter("name", "x") };
  const select: SelectItem[] = [STAR, {
    kind: "relation",
    relation: "clients",
    alias: null,
    hint: null,
    joinType: null,
    children: [STAR],
  }];
  for (const mutation of ["update", "delete"] as const) {
    const p = plan(mutation, {
      query: { select, filtersRoot: [eqFilter("name", "a")], logic: [[[], logic], [["clients"], embedded]] },
    });
    assert.ok(p.kind === mutation);
    const where = p.where as readonly CoercibleLogicTree[];
    assert.equal(where.length, 2);
    assert.ok(where[0].kind === "stmt" && where[0].filter.kind === "filter");
    assert.equal(where[0].filter.field.name, "name");
    assert.equal(where[0].filter.field.irType, "text");
    assert.ok(where[1].kind === "expr" && where[1].operator === "or");
  }
});

Deno.test("planMutate() accepts PUT with eq filters on all and only the primary key", () => {
  const p = plan("singleUpsert", {
    table: "compound",
    columns: ["k1", "k2", "extra"],
    query: { filtersRoot: [eqFilter("k2", "a"), eqFilter("k1", "1")] },
    prefs: { missing: "default", resolution: "ignore-duplicates" },
  });
  assert.ok(p.kind === "insert");
  assert.deepEqual(p.onConflict, { resolution: "merge-duplicates", columns: ["k1", "k2"] });
  assert.deepEqual(p.columns.map((c) => c.name), ["extra", "k1", "k2"]);
  assert.equal(p.where.length, 2);
  assert.deepEqual(p.pkColumns, []);
  assert.equal(p.applyDefaults, false);
});

Deno.test("planMutate() rejects PUT filters other than eq on the whole primary key with 405 PGRST105", () => {
  const message = "Filters must include all and only primary key columns with 'eq' operators";
  const cases: ReqOptions[] = [
    { query: { filtersRoot: [eqFilter("name", "x")] } },
    { query: { filtersRoot: [eqFilter("id", "1", true)] } },
    { query: { filtersRoot: [eqFilter("id", "1"), eqFilter("name", "x")] } },
    {
      query: {
        filtersRoot: [{
          field: { name: "id", jsonPath: [] },
          opExpr: { kind: "op", negated: false, operation: { kind: "in", values: ["1"] } },
        }],
      },
    },
    {
      query: {
        filtersRoot: [{
          field: { name: "id", jsonPath: [] },
          opExpr: {
            kind: "op",
            negated: false,
            operation: { kind: "quant", op: "eq", quantifier: "any", value: "{1}" },
          },
        }],
      },
    },
    {
      query: {
        filtersRoot: [eqFilter("id", "1")],
        logic: [[[], { kind: "stmt", filter: eqFilter("id", "1") }]],
      },
    },
    { query: {} },
    { table: "compound", query: { filtersRoot: [eqFilter("k1", "1")] } },
    { table: "no_pk", query: { filtersRoot: [eqFilter("a", "1"), eqFilter("b", "2")] } },
  ];
  for (const c of cases) rejects(() => plan("singleUpsert", c), "PGRST105", 405, message);
  // The filters are checked before the columns.
  rejects(() => plan("singleUpsert", { columns: ["nope"] }), "PGRST105", 405);
});

Deno.test("planAction() plans a write in a read-write transaction", () => {
  const req = request("delete", { prefs: { representation: "representation" } });
  const p = planAction(req, config, catalog);
  assert.ok(p.kind === "db" && p.plan.kind === "mutate");
  assert.deepEqual(p.plan.txMode, { readOnly: false, isolation: null });
  assert.equal(p.plan.mutation, "delete");
  assert.equal(p.plan.mutatePlan.kind, "delete");
  assert.deepEqual(p.plan.handler, { kind: "json" });
  // The representation is read from the CTE, aliased as the table.
  assert.deepEqual([p.plan.readPlan.from, p.plan.readPlan.fromAlias], [
    { schema: "", name: "pgrst_source" },
    "items",
  ]);
});

Deno.test("planAction() builds no body without return=representation", () => {
  const p = planAction(request("create", { prefs: { representation: "headers-only" } }), config, catalog);
  assert.ok(p.kind === "db" && p.plan.kind === "mutate");
  assert.deepEqual(p.plan.handler, { kind: "noAgg" });
});

Deno.test("planAction() rejects writes to unknown tables with 404 PGRST205", () => {
  rejects(
    () => planAction(request("create", { table: "garlic", columns: ["helicopter"] }), config, catalog),
    "PGRST205",
    404,
  );
});

Deno.test("planAction() rejects invalid preferences with handling=strict", () => {
  const req = request("create", { prefs: { handling: "strict", invalid: ["foo"] } });
  rejects(() => planAction(req, config, catalog), "PGRST122", 400);
});
