/**
 * A small hand-built catalog (schema `api`) and a helper that runs a query string through the
 * request parser, the planner and the SQL builder, without a database — for golden-SQL tests and
 * the SQL fuzzer.
 */
import {
  type Catalog,
  type Column,
  qiKey,
  type Relationship,
  type Representation,
  type Table,
} from "../../../lib/catalog/types.ts";
import { defaultConfig } from "../../../lib/config/config.ts";
import type { AppConfig } from "../../../lib/config/types.ts";
import { planAction } from "../../../lib/plan/plan.ts";
import type { ActionPlan, ReadPlan } from "../../../lib/plan/types.ts";
import { buildMainQuery } from "../../../lib/query/main_query.ts";
import { readPlanToCountQuery, readPlanToQuery } from "../../../lib/query/read.ts";
import { render, type RenderedSql } from "../../../lib/query/sql.ts";
import { parseApiRequest } from "../../../lib/request/api_request.ts";
import { parsePreferences } from "../../../lib/request/preferences.ts";
import type { ApiRequest } from "../../../lib/request/types.ts";

function column(name: string, type: string, nominalType = type): Column {
  return {
    name,
    description: null,
    nullable: true,
    type,
    nominalType,
    maxLength: null,
    default: null,
    enumValues: [],
    generated: false,
  };
}

function table(name: string, pk: string[], columns: Column[]): Table {
  return {
    schema: "api",
    name,
    description: null,
    kind: "table",
    isView: false,
    insertable: true,
    updatable: true,
    deletable: true,
    pk,
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
  };
}

export const TABLES: readonly Table[] = [
  table("items", ["id"], [
    column("id", "bigint"),
    column("name", "text"),
    column("data", "jsonb"),
    column("doc", "json"),
    column("tags", "text[]"),
    column("tsv", "tsvector"),
    column("body", "text"),
    column("period", "tstzrange"),
    column("color", "integer", "api.color"),
    column("num", "api.complex"),
  ]),
  table("clients", ["id"], [column("id", "integer"), column("name", "text")]),
  table("projects", ["id"], [
    column("id", "integer"),
    column("name", "text"),
    column("client_id", "integer"),
  ]),
];

const clients = { schema: "api", name: "clients" };
const projects = { schema: "api", name: "projects" };

const RELATIONSHIPS: Relationship[] = [
  {
    kind: "fk",
    table: projects,
    foreignTable: clients,
    isSelf: false,
    cardinality: { kind: "m2o", constraint: "projects_client_id_fkey", columns: [["client_id", "id"]] },
    tableIsView: false,
    foreignTableIsView: false,
  },
  {
    kind: "fk",
    table: clients,
    foreignTable: projects,
    isSelf: false,
    cardinality: { kind: "o2m", constraint: "projects_client_id_fkey", columns: [["id", "client_id"]] },
    tableIsView: false,
    foreignTableIsView: false,
  },
];

const REPRESENTATIONS: Representation[] = [
  { sourceType: "text", targetType: "api.color", function: { schema: "api", name: "color_from_text" } },
  { sourceType: "api.color", targetType: "json", function: { schema: "api", name: "color_to_json" } },
];

export const CATALOG: Catalog = {
  pgVersion: { num: 150000, full: "PostgreSQL 15.0" },
  tables: new Map(TABLES.map((t) => [qiKey(t.schema, t.name), t])),
  relationships: new Map([
    [qiKey("api", "projects"), [RELATIONSHIPS[0]]],
    [qiKey("api", "clients"), [RELATIONSHIPS[1]]],
  ]),
  routines: new Map(),
  representations: REPRESENTATIONS,
  mediaHandlers: [],
  schemaDescriptions: new Map([["api", null]]),
};

export const CONFIG: AppConfig = defaultConfig({ dbSchemas: ["api"], dbAnonRole: "anon" });

/** `GET /path` (or another method) as an `ApiRequest`. */
export function apiRequest(
  path: string,
  options: { headers?: Record<string, string>; method?: string; config?: AppConfig } = {},
): ApiRequest {
  const config = options.config ?? CONFIG;
  const headers = new Headers(options.headers ?? {});
  const prefer = headers.get("prefer");
  return parseApiRequest(
    { method: options.method ?? "GET", url: new URL(`http://localhost${path}`), headers, body: null },
    config,
    parsePreferences(prefer === null ? [] : [prefer], { allowTxOverride: false }),
  );
}

export interface Planned {
  readonly req: ApiRequest;
  readonly plan: ActionPlan;
  readonly readPlan: ReadPlan;
}

export function plan(
  path: string,
  options: { headers?: Record<string, string>; method?: string; config?: AppConfig } = {},
): Planned {
  const req = apiRequest(path, options);
  const p = planAction(req, options.config ?? CONFIG, CATALOG);
  if (p.kind !== "db" || p.plan.kind !== "read") throw new Error(`not a read plan: ${path}`);
  return { req, plan: p, readPlan: p.plan.readPlan };
}

/** The root SELECT of a read (`readPlanToQuery`), rendered. */
export function selectSql(path: string, options: Parameters<typeof plan>[1] = {}): RenderedSql {
  return render(readPlanToQuery(plan(path, options).readPlan));
}

/** The count query of a read, rendered. */
export function countSql(path: string, options: Parameters<typeof plan>[1] = {}): RenderedSql {
  return render(readPlanToCountQuery(plan(path, options).readPlan));
}

/** The whole main statement of a read, rendered. */
export function mainSql(path: string, options: Parameters<typeof plan>[1] = {}): RenderedSql {
  const { req, plan: p } = plan(path, options);
  return render(buildMainQuery(p, options.config ?? CONFIG, req).main!);
}
