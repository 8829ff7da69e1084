/**
 * Golden SQL of function calls (`lib/query/call.ts`): requests parsed and planned against a small
 * in-memory catalog, then rendered, so each test shows the exact statement and parameters pgrst
 * sends for a call, in PostgREST's shape (`Query/QueryBuilder.hs` callPlanToQuery,
 * `Statements.hs` mainCall).
 */
import assert from "node:assert/strict";
import type { Catalog, Column, Routine, RoutineParam, Table } from "../../../lib/catalog/types.ts";
import { qiKey } from "../../../lib/catalog/types.ts";
import { defaultConfig } from "../../../lib/config/config.ts";
import type { AppConfig } from "../../../lib/config/types.ts";
import { planAction } from "../../../lib/plan/plan.ts";
import type { CallReadPlan } from "../../../lib/plan/types.ts";
import { callPlanToQuery } from "../../../lib/query/call.ts";
import { buildMainQuery } from "../../../lib/query/main_query.ts";
import { render } from "../../../lib/query/sql.ts";
import { parseApiRequest } from "../../../lib/request/api_request.ts";
import { parsePreferences } from "../../../lib/request/preferences.ts";

function column(name: string, type: string): Column {
  return {
    name,
    description: null,
    nullable: true,
    type,
    nominalType: type,
    maxLength: null,
    default: null,
    enumValues: [],
    generated: false,
  };
}

const projectColumns = [column("id", "integer"), column("name", "text"), column("client_id", "integer")];
const projects: Table = {
  schema: "api",
  name: "projects",
  description: null,
  kind: "table",
  isView: false,
  insertable: true,
  updatable: true,
  deletable: true,
  pk: ["id"],
  columns: projectColumns,
  columnsByName: new Map(projectColumns.map((c) => [c.name, c])),
};

function param(name: string, type: string, opts: Partial<RoutineParam> = {}): RoutineParam {
  return { name, type, typeMaxLength: type, required: true, variadic: false, ...opts };
}

function routine(
  name: string,
  params: RoutineParam[],
  ret: Routine["returnType"],
  opts: Partial<Routine> = {},
) {
  return {
    schema: "api",
    name,
    description: null,
    params,
    returnType: ret,
    volatility: "volatile",
    hasVariadic: params.some((p) => p.variadic),
    isolationLevel: null,
    settings: [],
    ...opts,
  } satisfies Routine;
}

const int4 = {
  setOf: false,
  type: { kind: "scalar", type: { schema: "pg_catalog", name: "int4" } },
} as const;
const setofInt4 = { ...int4, setOf: true } as const;
const setofProjects = {
  setOf: true,
  type: { kind: "composite", type: { schema: "api", name: "projects" }, isAlias: false },
} as const;

const routines: Routine[] = [
  routine("add_them", [param("a", "integer"), param("b", "integer")], int4),
  routine("getallprojects", [], setofProjects, { volatility: "stable" }),
  routine("getproject", [param("id", "integer")], setofProjects),
  routine("variadic_param", [param("v", "text[]", { variadic: true, required: false })], setofInt4),
  routine("char_param", [param("c", "character", { typeMaxLength: "character varying" })], int4),
  routine("unnamed_json", [param("", "json")], int4),
  routine("unnamed_bytea", [param("", "bytea")], int4),
  routine("unnamed_text", [param("", "text")], int4),
  routine("ret_image", [], {
    setOf: false,
    type: { kind: "scalar", type: { schema: "api", name: "image/png" } },
  }),
  routine("ret_void", [], {
    setOf: false,
    type: { kind: "scalar", type: { schema: "pg_catalog", name: "void" } },
  }),
];

const catalog: Catalog = {
  pgVersion: { num: 150000, full: "PostgreSQL 15" },
  tables: new Map([[qiKey("api", "projects"), projects]]),
  relationships: new Map(),
  routines: new Map(routines.map((r) => [qiKey(r.schema, r.name), [r]])),
  representations: [],
  mediaHandlers: [
    {
      mediaType: "image/png",
      function: { schema: "api", name: "ret_image" },
      relation: null,
      isAggregate: false,
      binary: true,
    },
    {
      mediaType: "application/vnd.twkb",
      function: { schema: "api", name: "twkb_agg" },
      relation: { schema: "api", name: "projects" },
      isAggregate: true,
      binary: true,
    },
  ],
  schemaDescriptions: new Map(),
};

const config: AppConfig = defaultConfig({ dbSchemas: ["api"], dbAnonRole: "anon" });

interface Init {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
}

function request(path: string, init: Init = {}) {
  const headers = new Headers(init.headers);
  const body = init.body === undefined
    ? null
    : typeof init.body === "string"
    ? new TextEncoder().encode(init.body)
    : init.body;
  const prefer = headers.get("prefer");
  const preferences = parsePreferences(prefer === null ? [] : [prefer], { allowTxOverride: false });
  return parseApiRequest(
    { method: init.method ?? "GET", url: new URL(`http://localhost${path}`), headers, body },
    config,
    preferences,
  );
}

function plan(path: string, init: Init = {}): CallReadPlan {
  const action = planAction(request(path, init), config, catalog);
  assert.equal(action.kind, "db");
  const p = action.plan;
  assert.equal(p.kind, "call");
  return p as CallReadPlan;
}

/** The call (the `pgrst_source` CTE) of a request. */
/** Text and parameters; a body travels as its bytes, shown here as its text. */
function callSql(path: string, init: Init = {}) {
  const { text, params } = render(callPlanToQuery(plan(path, init).callPlan));
  return { text, params: params.map((p) => p instanceof Uint8Array ? new TextDecoder().decode(p) : p) };
}

/** The whole main statement of a request. */
function mainSql(path: string, init: Init = {}) {
  const req = request(path, init);
  const action = planAction(req, config, catalog);
  return render(buildMainQuery(action, config, req).main!);
}

const postJson = (body: string): Init => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body,
});

const SCALAR_ADD_THEM = `SELECT pgrst_call.pgrst_scalar FROM (SELECT "api"."add_them"`;

Deno.test("callPlanToQuery() binds GET arguments, each cast to its parameter's type", () => {
  assert.deepEqual(callSql("/rpc/add_them?a=1&b=2"), {
    text: `${SCALAR_ADD_THEM}("a" := $1::integer, "b" := $2::integer) pgrst_scalar) pgrst_call`,
    params: ["1", "2"],
  });
});

Deno.test("callPlanToQuery() binds form fields like GET arguments", () => {
  const form = {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "b=2&a=1",
  };
  assert.deepEqual(callSql("/rpc/add_them", form), {
    text: `${SCALAR_ADD_THEM}("a" := $1::integer, "b" := $2::integer) pgrst_scalar) pgrst_call`,
    params: ["1", "2"],
  });
});

Deno.test("callPlanToQuery() reads a JSON body once, with json_to_record, as one parameter", () => {
  assert.deepEqual(callSql("/rpc/add_them", postJson('{"a":1,"b":2}')), {
    text: "SELECT pgrst_call.pgrst_scalar FROM (SELECT $1::json AS json_data) pgrst_payload, " +
      'LATERAL (SELECT "a", "b" FROM json_to_record(pgrst_payload.json_data) AS _("a" integer, "b" integer) LIMIT 1) pgrst_body , ' +
      'LATERAL (SELECT "api"."add_them"("a" := pgrst_body."a", "b" := pgrst_body."b") pgrst_scalar) pgrst_call',
    params: ['{"a":1,"b":2}'],
  });
});

Deno.test("callPlanToQuery() passes the request body's own bytes, undecoded", () => {
  const req = request("/rpc/add_them", postJson('{"a":1,"b":2}'));
  const action = planAction(req, config, catalog);
  assert.ok(action.kind === "db" && action.plan.kind === "call");
  const { params } = render(callPlanToQuery(action.plan.callPlan));
  assert.ok(req.payload?.kind === "json");
  assert.equal(params[0], req.payload.raw);
});

Deno.test("callPlanToQuery() takes the first object of a JSON array (json_to_recordset … LIMIT 1)", () => {
  const { text, params } = callSql("/rpc/add_them", postJson('[{"a":1,"b":2},{"a":3,"b":4}]'));
  assert.match(
    text,
    /FROM json_to_recordset\(pgrst_payload\.json_data\) AS _\("a" integer, "b" integer\) LIMIT 1\)/,
  );
  assert.deepEqual(params, ['[{"a":1,"b":2},{"a":3,"b":4}]']);
});

Deno.test("callPlanToQuery() passes repeated VARIADIC arguments as one array parameter", () => {
  assert.deepEqual(callSql("/rpc/variadic_param?v=1&v=two%2C%22three%22"), {
    text:
      'SELECT pgrst_call.pgrst_scalar FROM (SELECT "api"."variadic_param"(VARIADIC "v" := $1::text[]::text[]) pgrst_scalar) pgrst_call',
    params: ['{"1","two,\\"three\\""}'],
  });
  const json = callSql("/rpc/variadic_param", postJson('{"v":["a","b"]}'));
  assert.match(json.text, /"api"\."variadic_param"\(VARIADIC "v" := pgrst_body\."v"\)/);
});

Deno.test("callPlanToQuery() calls without arguments when none are given, also for optional ones", () => {
  assert.deepEqual(callSql("/rpc/variadic_param"), {
    text: 'SELECT pgrst_call.pgrst_scalar FROM (SELECT "api"."variadic_param"() pgrst_scalar) pgrst_call',
    params: [],
  });
  assert.deepEqual(callSql("/rpc/getallprojects"), {
    text: 'SELECT pgrst_call.* FROM "api"."getallprojects"() pgrst_call',
    params: [],
  });
});

Deno.test("callPlanToQuery() reads character parameters as character varying (any length)", () => {
  assert.deepEqual(callSql("/rpc/char_param?c=abcdef").text.includes('"c" := $1::character varying'), true);
});

Deno.test("callPlanToQuery() selects the selected and the filtered columns of a row-returning function", () => {
  assert.deepEqual(callSql("/rpc/getproject?id=1&select=id&name=eq.x&or=(client_id.eq.1)"), {
    text:
      'SELECT pgrst_call."client_id", pgrst_call."id", pgrst_call."name" FROM "api"."getproject"("id" := $1::integer) pgrst_call',
    params: ["1"],
  });
});

Deno.test("callPlanToQuery() gives a single unnamed parameter the whole body", () => {
  assert.deepEqual(callSql("/rpc/unnamed_json", postJson('{"x":1}')), {
    text:
      'SELECT pgrst_call.pgrst_scalar FROM (SELECT "api"."unnamed_json"($1::json) pgrst_scalar) pgrst_call',
    params: ['{"x":1}'],
  });
  const text = { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" };
  assert.deepEqual(callSql("/rpc/unnamed_text", text).params, ["hi"]);
  const bytes = {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream" },
    body: new Uint8Array([1, 0, 255]),
  };
  assert.deepEqual(callSql("/rpc/unnamed_bytea", bytes), {
    text:
      'SELECT pgrst_call.pgrst_scalar FROM (SELECT "api"."unnamed_bytea"($1::bytea) pgrst_scalar) pgrst_call',
    params: ["\\x0100ff"],
  });
});

Deno.test("mainCall() counts 1 row for a function returning one value", () => {
  assert.deepEqual(mainSql("/rpc/add_them?a=1&b=2"), {
    text: "WITH pgrst_source AS (" +
      `${SCALAR_ADD_THEM}("a" := $1::integer, "b" := $2::integer) pgrst_scalar) pgrst_call) ` +
      "SELECT null::bigint AS total_result_set, 1 AS page_total, " +
      "coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null') AS body, " +
      "nullif(current_setting('response.headers', true), '') AS response_headers, " +
      "nullif(current_setting('response.status', true), '') AS response_status, " +
      `'' AS response_inserted FROM (SELECT "add_them".* FROM "pgrst_source" AS "add_them"   ) _postgrest_t`,
    params: ["1", "2"],
  });
});

Deno.test("mainCall() pages and counts a set-returning function's rows with a count CTE", () => {
  assert.deepEqual(mainSql("/rpc/getallprojects?select=id&limit=2", { headers: { Prefer: "count=exact" } }), {
    text: 'WITH pgrst_source AS (SELECT pgrst_call."id" FROM "api"."getallprojects"() pgrst_call) ' +
      ', pgrst_source_count AS (SELECT 1  FROM "pgrst_source" AS "projects")' +
      "SELECT (SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_result_set, " +
      "pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, " +
      "nullif(current_setting('response.headers', true), '') AS response_headers, " +
      "nullif(current_setting('response.status', true), '') AS response_status, " +
      `'' AS response_inserted FROM (SELECT "projects"."id" FROM "pgrst_source" AS "projects"   LIMIT $1 OFFSET $2) _postgrest_t`,
    params: ["2", "0"],
  });
});

Deno.test("mainCall() sends the bytes of a bytea media-type domain as hex", () => {
  const { text } = mainSql("/rpc/ret_image", { headers: { Accept: "image/png" } });
  assert.match(
    text,
    / coalesce\(encode\(string_agg\(_postgrest_t\.pgrst_scalar::bytea, ''::bytea\), 'hex'\), ''\) AS body, /,
  );
  const agg = mainSql("/rpc/getallprojects", { headers: { Accept: "application/vnd.twkb" } });
  assert.match(agg.text, / encode\("api"\."twkb_agg"\(_postgrest_t::"api"\."projects"\), 'hex'\) AS body, /);
});

Deno.test("planAction() reads STABLE functions READ ONLY on POST, VOLATILE ones READ WRITE", () => {
  assert.deepEqual(plan("/rpc/getallprojects", postJson("{}")).txMode, { readOnly: true, isolation: null });
  assert.deepEqual(plan("/rpc/getproject", postJson('{"id":1}')).txMode, {
    readOnly: false,
    isolation: null,
  });
  assert.deepEqual(plan("/rpc/getproject?id=1").txMode, { readOnly: true, isolation: null });
});

Deno.test("planAction() rejects max-affected on a function not returning SETOF (PGRST128)", () => {
  const strict = {
    ...postJson('{"a":1,"b":2}'),
    headers: { "Content-Type": "application/json", Prefer: "handling=strict, max-affected=1" },
  };
  assert.throws(() => plan("/rpc/add_them", strict), { code: "PGRST128" });
  const lenient = { ...strict, headers: { "Content-Type": "application/json", Prefer: "max-affected=1" } };
  assert.equal(plan("/rpc/add_them", lenient).routine.name, "add_them");
});
