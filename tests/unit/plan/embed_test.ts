/**
 * Embedding in the planner and the SQL builder, without a database: a hand-built catalog (foreign
 * keys → relationships as the catalog derives them), requests parsed from URLs, and the golden SQL
 * PostgREST's `QueryBuilder` writes for them.
 */
import assert from "node:assert/strict";
import { noRelBetweenHint } from "../../../lib/catalog/fuzzy.ts";
import { catalogToJson } from "../../../lib/catalog/json.ts";
import { deriveRelationships } from "../../../lib/catalog/relationships.ts";
import { type Catalog, type Column, qiKey, type Table } from "../../../lib/catalog/types.ts";
import type { KeyConstraint } from "../../../lib/catalog/view_deps.ts";
import { defaultConfig } from "../../../lib/config/config.ts";
import type { AppConfig } from "../../../lib/config/types.ts";
import { PgrstError } from "../../../lib/errors.ts";
import { legacyWarningHint } from "../../../lib/plan/embed.ts";
import { planRead } from "../../../lib/plan/read_plan.ts";
import type { ReadPlan } from "../../../lib/plan/types.ts";
import { readPlanToCountQuery, readPlanToQuery } from "../../../lib/query/read.ts";
import { render } from "../../../lib/query/sql.ts";
import { parseApiRequest } from "../../../lib/request/api_request.ts";
import { parsePreferences } from "../../../lib/request/preferences.ts";

// --- a small catalog: clients ← projects ← tasks ⇄ users (through users_tasks), a self reference

let oidSeq = 1000;
const OIDS = new Map<string, string>();
const oid = (t: string) => OIDS.get(t) ?? (OIDS.set(t, String(oidSeq++)), OIDS.get(t)!);
const qi = (name: string) => ({ schema: "api", name });

function pk(table: string, cols: string[]): KeyConstraint {
  return {
    name: `${table}_pkey`,
    type: "p",
    relOid: oid(table),
    table: qi(table),
    isRoot: true,
    refOid: null,
    refTable: null,
    columns: cols.map((name, i) => ({ attnum: i + 1, name, refAttnum: null, refName: null })),
  };
}

function fk(name: string, table: string, ref: string, cols: [string, string][]): KeyConstraint {
  return {
    name,
    type: "f",
    relOid: oid(table),
    table: qi(table),
    isRoot: true,
    refOid: oid(ref),
    refTable: qi(ref),
    columns: cols.map(([col, refCol], i) => ({
      attnum: 10 + i,
      name: col,
      refAttnum: i + 1,
      refName: refCol,
    })),
  };
}

function table(name: string, columns: string[], pkCols: string[]): Table {
  const cols: Column[] = columns.map((c) => ({
    name: c,
    description: null,
    nullable: true,
    type: c === "id" || c.endsWith("_id") ? "integer" : "text",
    nominalType: c === "id" || c.endsWith("_id") ? "integer" : "text",
    maxLength: null,
    default: null,
    enumValues: [],
    generated: false,
  }));
  return {
    schema: "api",
    name,
    description: null,
    kind: "table",
    isView: false,
    insertable: true,
    updatable: true,
    deletable: true,
    pk: pkCols,
    columns: cols,
    columnsByName: new Map(cols.map((c) => [c.name, c])),
  };
}

const TABLES = [
  table("clients", ["id", "name"], ["id"]),
  table("projects", ["id", "name", "client_id"], ["id"]),
  table("tasks", ["id", "name", "project_id"], ["id"]),
  table("users", ["id", "name"], ["id"]),
  table("users_tasks", ["user_id", "task_id"], ["task_id", "user_id"]),
  table("family", ["id", "parent_id"], ["id"]),
];

const CONSTRAINTS = [
  pk("clients", ["id"]),
  pk("projects", ["id"]),
  pk("tasks", ["id"]),
  pk("users", ["id"]),
  pk("users_tasks", ["task_id", "user_id"]),
  pk("family", ["id"]),
  fk("client", "projects", "clients", [["client_id", "id"]]),
  fk("tasks_project_id_fkey", "tasks", "projects", [["project_id", "id"]]),
  fk("users_tasks_user_id_fkey", "users_tasks", "users", [["user_id", "id"]]),
  fk("users_tasks_task_id_fkey", "users_tasks", "tasks", [["task_id", "id"]]),
  fk("family_parent_id_fkey", "family", "family", [["parent_id", "id"]]),
];

function catalog(): Catalog {
  const derived = deriveRelationships({
    schemas: ["api"],
    constraints: CONSTRAINTS,
    keyDeps: [],
    primaryKeys: new Map(TABLES.map((t) => [qiKey(t.schema, t.name), t.pk])),
    computed: [{
      kind: "computed",
      function: qi("top_client"),
      table: qi("projects"),
      foreignTable: qi("clients"),
      tableAlias: qi("projects"),
      isSelf: false,
      singleRow: true,
    }],
  });
  return {
    pgVersion: { num: 150000, full: "PostgreSQL 15" },
    tables: new Map(TABLES.map((t) => [qiKey(t.schema, t.name), t])),
    relationships: derived.byTable,
    relationshipKeys: derived.keys,
    routines: new Map(),
    representations: [],
    mediaHandlers: [],
    schemaDescriptions: new Map([["api", null]]),
  };
}

const CATALOG = catalog();

function plan(path: string, config: Partial<AppConfig> = {}): ReadPlan {
  const cfg = defaultConfig({ dbSchemas: ["api"], ...config });
  const url = new URL(`http://localhost${path}`);
  const req = parseApiRequest(
    { method: "GET", url, headers: new Headers(), body: null },
    cfg,
    parsePreferences([], { allowTxOverride: false }),
  );
  return planRead(qi(url.pathname.slice(1)), cfg, CATALOG, req);
}

const sqlOf = (path: string, config: Partial<AppConfig> = {}) => render(readPlanToQuery(plan(path, config)));

function planError(path: string): Record<string, unknown> {
  try {
    plan(path);
  } catch (e) {
    if (e instanceof PgrstError) return { status: e.status, ...e.body() };
    throw e;
  }
  throw new Error(`no error for ${path}`);
}

// --- golden SQL --------------------------------------------------------------------------------

Deno.test("readPlanToQuery() joins a many-to-one embed laterally and builds it with row_to_json", () => {
  assert.deepEqual(sqlOf("/projects?select=id,clients(name)"), {
    text: 'SELECT "api"."projects"."id", row_to_json("projects_clients_1".*)::jsonb AS "clients" ' +
      'FROM "api"."projects" LEFT JOIN LATERAL ( SELECT "clients_1"."name" FROM "api"."clients" AS "clients_1" ' +
      'WHERE "clients_1"."id" = "api"."projects"."client_id"    ) AS "projects_clients_1" ON TRUE   ',
    params: [],
  });
});

Deno.test("readPlanToQuery() aggregates a one-to-many embed with json_agg and COALESCE to []", () => {
  assert.deepEqual(sqlOf("/clients?select=id,projects(id)"), {
    text:
      'SELECT "api"."clients"."id", COALESCE( "clients_projects_1"."clients_projects_1", \'[]\') AS "projects" ' +
      'FROM "api"."clients" LEFT JOIN LATERAL ( SELECT json_agg("clients_projects_1")::jsonb AS "clients_projects_1" ' +
      'FROM (SELECT "projects_1"."id" FROM "api"."projects" AS "projects_1" ' +
      'WHERE "projects_1"."client_id" = "api"."clients"."id"    ) AS "clients_projects_1" ) AS "clients_projects_1" ON TRUE   ',
    params: [],
  });
});

Deno.test("readPlanToQuery() joins a many-to-many through its junction in the FROM list", () => {
  const { text } = sqlOf("/users?select=id,tasks(id)");
  assert.ok(
    text.includes(
      'FROM (SELECT "api"."tasks"."id" FROM "api"."tasks", "api"."users_tasks" ' +
        'WHERE "api"."users_tasks"."task_id" = "api"."tasks"."id" AND "api"."users_tasks"."user_id" = "api"."users"."id"    )',
    ),
    text,
  );
});

Deno.test("readPlanToQuery() makes !inner an INNER JOIN on a non-null aggregate", () => {
  const { text, params } = sqlOf("/clients?select=id,projects!inner(id)&projects.id=eq.1");
  assert.ok(text.includes(' INNER JOIN LATERAL ( SELECT json_agg("clients_projects_1")::jsonb'), text);
  assert.ok(text.endsWith(') AS "clients_projects_1" ON "clients_projects_1" IS NOT NULL   '), text);
  assert.deepEqual(params, ["1"]);
});

Deno.test("readPlanToQuery() selects nothing of an empty embed but keeps its join", () => {
  const { text } = sqlOf("/projects?select=id,clients()&clients=not.is.null");
  assert.ok(
    text.startsWith(
      'SELECT "api"."projects"."id" FROM "api"."projects" LEFT JOIN LATERAL ( SELECT "clients_1".* ',
    ),
    text,
  );
  assert.ok(text.includes(' WHERE "projects_clients_1" IS DISTINCT FROM NULL '), text);
});

Deno.test("readPlanToQuery() spreads a to-one embed's columns from its lateral alias", () => {
  const { text } = sqlOf("/projects?select=id,...clients(client:name)");
  assert.ok(text.startsWith('SELECT "api"."projects"."id", "projects_clients_1"."client" FROM'), text);
});

Deno.test("readPlanToQuery() aggregates every column of a to-many spread, ordered by the spread's order", () => {
  const { text } = sqlOf("/clients?select=id,...projects(name)&projects.order=id.desc");
  assert.ok(
    text.includes(
      'SELECT json_agg("clients_projects_1")::jsonb AS "clients_projects_1", ' +
        'COALESCE(json_agg("clients_projects_1"."name" ORDER BY "clients_projects_1"."clients_projects_1_id_1" DESC),\'[]\')::jsonb AS "name" ' +
        'FROM (SELECT "projects_1"."name", "projects_1"."id" AS "clients_projects_1_id_1" FROM',
    ),
    text,
  );
});

Deno.test("readPlanToQuery() orders by a related to-one column through its lateral alias, JSON paths as they are", () => {
  const { text, params } = sqlOf("/projects?select=id,clients(name)&order=clients(name->>x).desc.nullslast");
  assert.ok(text.endsWith(' ORDER BY "projects_clients_1"."name"->>$1 DESC NULLS LAST '), text);
  assert.deepEqual(params, ["x"]);
});

Deno.test("readPlanToQuery() calls a computed relationship on the parent row cast to its table", () => {
  const { text } = sqlOf("/projects?select=id,top_client(name)");
  assert.ok(
    text.includes(
      'LEFT JOIN LATERAL ( SELECT "clients_1"."name" FROM "api"."top_client"("projects"::"api"."projects") AS "clients_1"    ) AS "projects_top_client_1" ON TRUE',
    ),
    text,
  );
});

Deno.test("readPlanToQuery() caps every level with db-max-rows", () => {
  const { text, params } = sqlOf("/clients?select=id,projects(id)&projects.limit=5", { dbMaxRows: 2 });
  assert.equal(text.match(/LIMIT \$\d+ OFFSET \$\d+/g)?.length, 2);
  assert.deepEqual(params, ["2", "0", "2", "0"]);
});

Deno.test("readPlanToCountQuery() counts with EXISTS for inner embeds and null-embed filters", () => {
  const count = (path: string) => render(readPlanToCountQuery(plan(path))).text;
  assert.equal(
    count("/projects?select=id,clients!inner(id)"),
    'SELECT 1  FROM "api"."projects" WHERE EXISTS (SELECT 1  FROM "api"."clients" AS "clients_1" ' +
      'WHERE "clients_1"."id" = "api"."projects"."client_id" )',
  );
  assert.equal(
    count("/projects?select=id,clients()&clients=is.null"),
    'SELECT 1  FROM "api"."projects" WHERE NOT EXISTS (SELECT 1  FROM "api"."clients" AS "clients_1" ' +
      'WHERE "clients_1"."id" = "api"."projects"."client_id")',
  );
});

// --- planning: order of embeds, relationship choice, errors --------------------------------------

Deno.test("planRead() moves an embed named by a filter to the front of its siblings", () => {
  const names = (path: string) => plan(path).children.map((c) => c.relName);
  assert.deepEqual(names("/projects?select=id,clients(id),tasks(id)"), ["clients", "tasks"]);
  assert.deepEqual(names("/projects?select=id,clients(id),tasks(id)&tasks.id=eq.1"), ["tasks", "clients"]);
  assert.deepEqual(
    names("/projects?select=id,clients(id),tasks(id),top_client(id)&tasks.id=eq.1&top_client.order=id"),
    ["top_client", "tasks", "clients"],
  );
});

Deno.test("planRead() tells a self reference's parent (by column) from its children (by table)", () => {
  const rel = (path: string) => {
    const r = plan(path).children[0].relToParent;
    return r?.kind === "fk" ? r.cardinality.kind : r?.kind;
  };
  assert.equal(rel("/family?select=parent_id(id)"), "m2o");
  assert.equal(rel("/family?select=family(id)"), "o2m");
  assert.equal(rel("/family?select=family!parent_id(id)"), "o2m");
});

Deno.test("planRead() turns a spread on a to-many relationship into a to-many spread", () => {
  assert.equal(plan("/projects?select=...clients(name)").children[0].relSpread?.kind, "toOne");
  assert.equal(plan("/clients?select=...projects(name)").children[0].relSpread?.kind, "toMany");
});

Deno.test("planRead() without a relationship is 400 PGRST200 with a fuzzy hint", () => {
  assert.deepEqual(planError("/projects?select=taskz(*)"), {
    status: 400,
    code: "PGRST200",
    details:
      "Searched for a foreign key relationship between 'projects' and 'taskz' in the schema 'api', but no matches were found.",
    hint: "Perhaps you meant 'tasks' instead of 'taskz'.",
    message: "Could not find a relationship between 'projects' and 'taskz' in the schema cache",
  });
  assert.deepEqual(planError("/projects?select=tasks!nope(*)"), {
    status: 400,
    code: "PGRST200",
    details:
      "Searched for a foreign key relationship between 'projects' and 'tasks' using the hint 'nope' in the schema 'api', but no matches were found.",
    hint: null,
    message: "Could not find a relationship between 'projects' and 'tasks' in the schema cache",
  });
});

Deno.test("planRead() orders on a to-many embed is 400 PGRST118, on no embed PGRST108", () => {
  assert.deepEqual(planError("/clients?select=id,projects(id)&order=projects(id)"), {
    status: 400,
    code: "PGRST118",
    details: "'clients' and 'projects' do not form a many-to-one or one-to-one relationship",
    hint: null,
    message: "A related order on 'projects' is not possible",
  });
  assert.deepEqual(planError("/clients?select=id&projects.id=eq.1"), {
    status: 400,
    code: "PGRST108",
    details: null,
    hint: "Verify that 'projects' is included in the 'select' query parameter.",
    message: "'projects' is not an embedded resource in this request",
  });
});

Deno.test("planRead() with an aggregate in a to-many spread is 400 PGRST127", () => {
  try {
    plan("/clients?select=...projects(id.count())", { dbAggregatesEnabled: true });
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof PgrstError);
    assert.deepEqual(e.body(), {
      code: "PGRST127",
      details: "Aggregates are not implemented for one-to-many or many-to-many spreads.",
      hint: null,
      message: "Feature not implemented",
    });
  }
});

Deno.test("legacyWarningHint() lists relation names used for aliased embeds, or null", () => {
  assert.equal(legacyWarningHint(plan("/clients?select=id,ps:projects(id)&ps.order=id")), null);
  assert.equal(
    legacyWarningHint(
      plan("/clients?select=id,ps:projects(id,ts:tasks(id))&projects.order=id&projects.tasks.order=id"),
    ),
    "`projects` to `ps`, `tasks` to `ts`",
  );
});

Deno.test("relationship map entries emptied by a private junction still count as found", () => {
  const junction = (c: KeyConstraint): KeyConstraint => ({ ...c, table: { schema: "private", name: "j" } });
  const derived = deriveRelationships({
    schemas: ["api"],
    constraints: [
      pk("end_1", ["id"]),
      pk("end_2", ["id"]),
      junction(pk("j", ["a", "b"])),
      junction(fk("j_a_fkey", "j", "end_1", [["a", "id"]])),
      junction(fk("j_b_fkey", "j", "end_2", [["b", "id"]])),
    ],
    keyDeps: [],
    primaryKeys: new Map([[qiKey("private", "j"), ["a", "b"]]]),
    computed: [],
  });
  const cat = { ...CATALOG, relationships: derived.byTable, relationshipKeys: derived.keys };
  // found, with nothing close to suggest: no hint, not a suggestion of another parent
  assert.equal(noRelBetweenHint(cat, "end_1", "end_2", "api"), null);
  assert.equal(
    noRelBetweenHint(cat, "end_11", "end_2", "api"),
    "Perhaps you meant 'end_1' instead of 'end_11'.",
  );
  const json = JSON.parse(JSON.stringify(catalogToJson(cat)));
  assert.deepEqual(
    json.dbRelationships.map(([[t, schema], rels]: [[{ qiName: string }, string], unknown[]]) => [
      t.qiName,
      schema,
      rels.length,
    ]),
    [["end_1", "api", 0], ["end_1", "private", 0], ["end_2", "api", 0], ["end_2", "private", 0]],
  );
});
