/**
 * The main statements: every read, write and call is ONE statement returning one row —
 * `total_result_set, page_total, [header,] body, response_headers, response_status,
 * response_inserted` — with the body serialized by PostgreSQL (JSON, CSV, GeoJSON, a custom
 * media handler). `EXPLAIN` wraps it for `vnd.pgrst.plan`.
 */
import type { Routine } from "../catalog/types.ts";
import type { MediaHandler, ReadPlan } from "../plan/types.ts";
import type { MediaType, Preferences, Range } from "../request/types.ts";
import { currentSetting, fromQi } from "./fragments.ts";
import { readPlanToQuery } from "./read.ts";
import { empty, param, type Sql, sql } from "./sql.ts";

const SOURCE = sql`pgrst_source`;

function returnsScalar(r: Routine | null): boolean {
  return r !== null && !r.returnType.setOf && r.returnType.type.kind === "scalar";
}

function returnsSetOfScalar(r: Routine | null): boolean {
  return r !== null && r.returnType.setOf && r.returnType.type.kind === "scalar";
}

function returnsSingleComposite(r: Routine | null): boolean {
  return r !== null && !r.returnType.setOf && r.returnType.type.kind === "composite";
}

const strip = (on: boolean, s: Sql) => on ? sql`json_strip_nulls(${s})` : s;

function asJson(r: Routine | null, stripNulls: boolean): Sql {
  if (returnsSingleComposite(r)) {
    return sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t)->0`)}, 'null')`;
  }
  if (returnsScalar(r)) {
    return sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t.pgrst_scalar)->0`)}, 'null')`;
  }
  if (returnsSetOfScalar(r)) {
    return sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t.pgrst_scalar)`)}, '[]')`;
  }
  return sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t)`)}, '[]')`;
}

function asJsonSingle(r: Routine | null, stripNulls: boolean): Sql {
  return returnsScalar(r)
    ? sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t.pgrst_scalar)->0`)}, 'null')`
    : sql`coalesce(${strip(stripNulls, sql`json_agg(_postgrest_t)->0`)}, 'null')`;
}

/** CSV: a header from the first row's keys, then each row in PostgreSQL's composite text format. */
const AS_CSV =
  sql`(SELECT coalesce(string_agg(a.k, ','), '')  FROM (    SELECT json_object_keys(r)::text as k    FROM (       SELECT row_to_json(hh) as r from pgrst_source as hh limit 1    ) s  ) a) || '\n' || coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')`;

const AS_GEOJSON =
  sql`json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(_postgrest_t)::json), '[]'))`;

/**
 * Bytes travel as hex text (rows come back as text; `encode` does not depend on `bytea_output`)
 * and are decoded in `lib/response`.
 */
const asHex = (bytes: Sql) => sql`encode(${bytes}, 'hex')`;

/** The body expression for a media handler. */
export function handlerBody(routine: Routine | null, handler: MediaHandler): Sql {
  switch (handler.kind) {
    case "arrayJsonStrip":
      return asJson(routine, true);
    case "singleJson":
      return asJsonSingle(routine, handler.stripNulls);
    case "json":
      return asJson(routine, false);
    case "geojson":
      return AS_GEOJSON;
    case "csv":
      return AS_CSV;
    case "custom": {
      const fn = fromQi(handler.function);
      const body = returnsScalar(routine)
        ? sql`${fn}(_postgrest_t.pgrst_scalar)`
        : handler.target === null
        ? sql`${fn}(_postgrest_t)`
        : sql`${fn}(_postgrest_t::${fromQi(handler.target)})`;
      return handler.binary ? asHex(body) : body;
    }
    case "scalar":
      return handler.binary
        ? sql`coalesce(${asHex(sql`string_agg(_postgrest_t.pgrst_scalar::bytea, ''::bytea)`)}, '')`
        : sql`coalesce(string_agg(_postgrest_t.pgrst_scalar::text, ''), '')`;
    case "noAgg":
      return sql`''::text`;
  }
}

/** `count=exact` (and `estimated`, limited to max-rows + 1) need a count; `planned` uses EXPLAIN. */
export function shouldCount(count: Preferences["count"]): boolean {
  return count === "exact" || count === "estimated";
}

export function shouldExplainCount(count: Preferences["count"]): boolean {
  return count === "planned" || count === "estimated";
}

const isAllRows = (r: Range) => r.offset === 0 && r.upper === null;

/** The count CTE and the `total_result_set` expression (PostgREST's `countF`). */
export function countParts(
  countQuery: () => Sql,
  pageCount: Sql,
  doCount: boolean,
  maxRows: number | null,
  range: Range,
): [cte: Sql, total: Sql] {
  if (!doCount) return [empty, sql`null::bigint`];
  // Without max-rows or a range the page is the whole result: no second count needed.
  if (maxRows === null && isAllRows(range)) return [empty, pageCount];
  return [
    sql`, pgrst_source_count AS (${countQuery()})`,
    sql`(SELECT pg_catalog.count(*) FROM pgrst_source_count)`,
  ];
}

const RESPONSE_GUCS = sql`${currentSetting("response.headers")} AS response_headers, ${
  currentSetting("response.status")
} AS response_status`;

export interface MainReadArgs {
  readonly plan: ReadPlan;
  /** Built only when a count is wanted. */
  readonly countQuery: () => Sql;
  readonly count: Preferences["count"];
  readonly maxRows: number | null;
  readonly range: Range;
  readonly handler: MediaHandler;
}

export function mainRead(a: MainReadArgs): Sql {
  const countQuery = a.count === "estimated" && a.maxRows !== null
    ? () => sql`${a.countQuery()} LIMIT ${param(a.maxRows! + 1)}`
    : a.countQuery;
  const pageCount = sql`pg_catalog.count(_postgrest_t)`;
  const [cte, total] = countParts(countQuery, pageCount, shouldCount(a.count), a.maxRows, a.range);
  return sql`WITH ${SOURCE} AS ( ${
    readPlanToQuery(a.plan)
  } ) ${cte} SELECT ${total} AS total_result_set, ${pageCount} AS page_total, ${
    handlerBody(null, a.handler)
  } AS body, ${RESPONSE_GUCS}, '' AS response_inserted FROM ( SELECT * FROM ${SOURCE} ) _postgrest_t`;
}

export { RESPONSE_GUCS, SOURCE };

/** `EXPLAIN (FORMAT JSON)` of the count query, for `count=planned|estimated`. */
export function explainCount(countQuery: Sql): Sql {
  return sql`EXPLAIN (FORMAT JSON) ${countQuery}`;
}

const PLAN_OPTIONS = {
  analyze: sql`ANALYZE`,
  verbose: sql`VERBOSE`,
  settings: sql`SETTINGS`,
  buffers: sql`BUFFERS`,
  wal: sql`WAL`,
} as const;

/** Wraps a main statement in EXPLAIN for `application/vnd.pgrst.plan`. */
export function withMediaType(media: MediaType, main: Sql): Sql {
  if (media.kind !== "plan") return main;
  const fmt = media.format === "json" ? sql`FORMAT JSON` : sql`FORMAT TEXT`;
  const opts = media.options.map((o) => sql`, ${PLAN_OPTIONS[o]}`);
  return sql`EXPLAIN (${fmt}${opts.reduce((acc, o) => sql`${acc}${o}`, empty)}) ${main}`;
}
