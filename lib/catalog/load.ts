/**
 * Schema catalog, stage 3 of 3: loading (input: a `Database` and the exposed schemas; output: an
 * immutable `Catalog` plus the figures PostgREST logs). All catalog queries run in ONE read-only
 * transaction, pipelined by the driver, after `search_path` is emptied (PostgREST's
 * `querySchemaCache`).
 *
 * Log lines built from `CatalogStats` (PostgREST's wording):
 *   Schema cache queried in 3.8 milliseconds
 *   Schema cache loaded 15 Relations, 8 Relationships, 8 RPCs, 0 Domain Representations, 4 Media Type Handlers
 *   Schema cache loaded in 0.4 milliseconds
 * and, when `queryTimings` is on (log-level debug), one more line from `formatQueryTimings`:
 *   tables: 1.2 ms, keydeps: 0.9 ms, rels: 0.3 ms, funcs: 0.8 ms, comprels: 0.2 ms, dreps: 0.1 ms, mhandlers: 0.2 ms
 */
import type { Database, Rows, Statement } from "../db/db.ts";
import { param, render, type Sql, sql } from "../query/sql.ts";
import type { Catalog, Table } from "./types.ts";
import { qiKey } from "./types.ts";
import {
  constraintsQuery,
  emptySearchPath,
  pgVersionQuery,
  relationsQuery,
  schemaDescriptionsQuery,
  sleepQuery,
  viewsQuery,
} from "./queries.ts";
import {
  computedRelationshipsQuery,
  mediaHandlersQuery,
  representationsQuery,
  routinesQuery,
} from "./routine_queries.ts";
import {
  decodeComputedRelationships,
  decodeConstraints,
  decodeMediaHandlers,
  decodeRelations,
  decodeRepresentations,
  decodeRoutines,
  decodeViews,
  mediaHandlerKey,
  primaryKeysByOid,
} from "./decode.ts";
import { deriveRelationships, viewPrimaryKeys } from "./relationships.ts";
import { viewKeyDependencies } from "./view_deps.ts";

/** PostgREST's default `db-hoisted-tx-settings`. */
export const DEFAULT_HOISTED_TX_SETTINGS: readonly string[] = [
  "statement_timeout",
  "plan_filter.statement_cost_limit",
  "default_transaction_isolation",
];

export interface LoadCatalogOptions {
  /** `db-schemas`. A schema that does not exist fails the load (3F000), as in PostgREST. */
  readonly schemas: readonly string[];
  /** `db-extra-search-path`: views there may sit in the middle of a chain of views. */
  readonly extraSearchPath: readonly string[];
  /** `db-hoisted-tx-settings`: the function `SET` clauses kept in `Routine.settings`. */
  readonly hoistedTxSettings?: readonly string[];
  /** `internal-schema-cache-query-sleep-before-queries` (milliseconds; tests only). */
  readonly sleepBeforeQueries?: number | null;
  /** `internal-schema-cache-query-sleep` (milliseconds, after the queries; tests only). */
  readonly sleepAfterQueries?: number | null;
  /** Time each query in the database (PostgREST does at log-level debug). */
  readonly queryTimings?: boolean;
  /** Clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

export interface CatalogStats {
  /** Milliseconds the transaction took ("Schema cache queried in …"). */
  readonly queriedMs: number;
  /** Milliseconds spent building the catalog from the rows ("Schema cache loaded in …"). */
  readonly loadedMs: number;
  /** Per-query milliseconds as PostgreSQL printed them, when `queryTimings` was on. */
  readonly queryTimings: readonly (readonly [string, string])[] | null;
  readonly relations: number;
  /** Entries of PostgREST's relationships map: (table, target schema) pairs. */
  readonly relationships: number;
  readonly routines: number;
  readonly representations: number;
  /** Custom handlers plus the four overridable builtins PostgREST counts. */
  readonly mediaHandlers: number;
}

export interface LoadedCatalog {
  readonly catalog: Catalog;
  readonly stats: CatalogStats;
}

const TIMED = ["tables", "keydeps", "rels", "funcs", "comprels", "dreps", "mhandlers"] as const;
type Timed = typeof TIMED[number];

/** The builtin handlers PostgREST puts in its map before the custom ones (all for any relation). */
const BUILTIN_HANDLER_KEYS = ["*/*", "application/json", "text/csv", "application/geo+json"]
  .map((mt) => `anyelement\0${mt}`);

const statement = (q: Sql): Statement => ({ ...render(q), prepare: false });

/** Loads the catalog; see `loadCatalogWithStats` for the figures PostgREST logs. */
export async function loadCatalog(db: Database, options: LoadCatalogOptions): Promise<Catalog> {
  return (await loadCatalogWithStats(db, options)).catalog;
}

export async function loadCatalogWithStats(
  db: Database,
  options: LoadCatalogOptions,
): Promise<LoadedCatalog> {
  const now = options.now ?? (() => performance.now());
  const { schemas, extraSearchPath } = options;
  const timed: Record<Timed, Sql> = {
    tables: relationsQuery(schemas),
    keydeps: viewsQuery(schemas, extraSearchPath),
    rels: constraintsQuery,
    funcs: routinesQuery(schemas, options.hoistedTxSettings ?? DEFAULT_HOISTED_TX_SETTINGS),
    comprels: computedRelationshipsQuery,
    dreps: representationsQuery,
    mhandlers: mediaHandlersQuery(schemas),
  };

  const statements: Statement[] = [statement(emptySearchPath)];
  const position = new Map<string, number>();
  const add = (name: string, q: Sql) => {
    position.set(name, statements.length);
    statements.push(statement(q));
  };
  if (options.sleepBeforeQueries != null) add("sleep1", sleepQuery(options.sleepBeforeQueries));
  add("version", pgVersionQuery);
  add("schemas", schemaDescriptionsQuery(schemas));
  for (const name of TIMED) {
    if (options.queryTimings) add(`${name}:start`, timerStart(name));
    add(name, timed[name]);
    if (options.queryTimings) add(`${name}:stop`, timerStop(name));
  }
  if (options.sleepAfterQueries != null) add("sleep2", sleepQuery(options.sleepAfterQueries));
  if (options.queryTimings) add("timings", timingsQuery);

  const started = now();
  const results = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements,
  });
  const queriedMs = now() - started;
  const rowsOf = (name: string): Rows => results[position.get(name)!] ?? [];

  const built = now();
  const constraints = decodeConstraints(rowsOf("rels"));
  const keyDeps = viewKeyDependencies(decodeViews(rowsOf("keydeps")), constraints);
  const viewPks = viewPrimaryKeys(keyDeps);
  const tablePks = primaryKeysByOid(constraints);

  const tables = new Map<string, Table>();
  for (const rel of decodeRelations(rowsOf("tables"))) {
    const { oid: _, ...table } = rel;
    const key = qiKey(rel.schema, rel.name);
    tables.set(key, { ...table, pk: (rel.isView ? viewPks.get(key) : tablePks.get(rel.oid)) ?? [] });
  }
  // Junctions are looked up by primary key wherever they live; non-exposed ones are dropped later.
  const primaryKeys = new Map<string, readonly string[]>();
  for (const c of constraints) {
    if (c.type === "p") primaryKeys.set(qiKey(c.table.schema, c.table.name), tablePks.get(c.relOid) ?? []);
  }
  for (const [key, t] of tables) primaryKeys.set(key, t.pk);

  const relationships = deriveRelationships({
    schemas,
    constraints,
    keyDeps,
    primaryKeys,
    computed: decodeComputedRelationships(rowsOf("comprels")),
  });
  const routines = decodeRoutines(rowsOf("funcs"));
  const representations = decodeRepresentations(rowsOf("dreps"));
  const mediaHandlers = decodeMediaHandlers(rowsOf("mhandlers"));
  const [versionRow] = rowsOf("version");
  const descriptions = new Map(rowsOf("schemas").map(([name, description]) => [name ?? "", description]));

  const catalog: Catalog = {
    pgVersion: { num: Number(versionRow?.[0] ?? 0), full: versionRow?.[1] ?? "" },
    tables,
    relationships: relationships.byTable,
    relationshipKeys: relationships.keys,
    routines,
    representations,
    mediaHandlers,
    schemaDescriptions: new Map(schemas.map((s) => [s, descriptions.get(s) ?? null])),
  };

  const timingRows = options.queryTimings ? rowsOf("timings") : undefined;
  const stats: CatalogStats = {
    queriedMs,
    loadedMs: now() - built,
    queryTimings: timingRows ? TIMED.map((name, i) => [name, timingRows[i]?.[0] ?? ""] as const) : null,
    relations: tables.size,
    relationships: relationships.count,
    routines: routines.size,
    representations: new Set(representations.map((r) => `${r.sourceType}\0${r.targetType}`)).size,
    mediaHandlers: new Set([...BUILTIN_HANDLER_KEYS, ...mediaHandlers.map(mediaHandlerKey)]).size,
  };
  return { catalog, stats };
}

// Per-query timers, PostgREST's `sqlTimedStatement`: a transaction-local setting holds the start
// time, then the elapsed interval; one last statement reads them all in milliseconds.
function timerStart(name: Timed): Sql {
  return sql`select set_config(${param(`pgrst.${name}`)}, clock_timestamp()::text, true)`;
}

function timerStop(name: Timed): Sql {
  return sql`select set_config(${param(`pgrst.${name}`)},
    (clock_timestamp() - current_setting(${param(`pgrst.${name}`)})::timestamptz)::text, true)`;
}

const timingsQuery: Sql = sql`
  select extract('milliseconds' from current_setting(s, false)::interval)::text
  from unnest(array['pgrst.tables', 'pgrst.keydeps', 'pgrst.rels', 'pgrst.funcs', 'pgrst.comprels',
    'pgrst.dreps', 'pgrst.mhandlers']) with ordinality as t(s, i)
  order by i`;

/** `15 Relations, 8 Relationships, 8 RPCs, 0 Domain Representations, 4 Media Type Handlers`. */
export function catalogSummary(stats: CatalogStats): string {
  return [
    `${stats.relations} Relations`,
    `${stats.relationships} Relationships`,
    `${stats.routines} RPCs`,
    `${stats.representations} Domain Representations`,
    `${stats.mediaHandlers} Media Type Handlers`,
  ].join(", ");
}

/** Milliseconds with one decimal, as PostgREST's `showMillis` prints them. */
export function formatMillis(ms: number): string {
  return ms.toFixed(1);
}

/** `tables: 1.2 ms, keydeps: 0.9 ms, …` (the debug line after "Schema cache queried in"). */
export function formatQueryTimings(timings: readonly (readonly [string, string])[]): string {
  return timings.map(([label, ms]) => `${label}: ${ms} ms`).join(", ");
}
