/**
 * INSERT, UPDATE and DELETE statements from a `MutatePlan` (PostgREST's `mutatePlanToQuery`),
 * and the main write statement that wraps one in `WITH pgrst_source AS (…)` and reads the
 * representation, the counts and the Location back from it (PostgREST's `mainWrite`).
 *
 * The body is ONE parameter, read by PostgreSQL with `json_to_record(set)` (or its `jsonb`
 * twin plus the columns' defaults for `Prefer: missing=default`); filter values are
 * parameters too. Only column defaults, written by PostgreSQL itself for the catalog, are inlined.
 */
import type { QualifiedIdentifier } from "../catalog/types.ts";
import type { InsertPlan, MutatePlan, UpdatePlan } from "../plan/mutate_plan.ts";
import type { CoercibleField, CoercibleLogicTree, MediaHandler, ReadPlan } from "../plan/types.ts";
import type { MediaType, Preferences } from "../request/types.ts";
import { arrayLiteral, coerceNamed, column, currentSetting, fromQi, logicTree } from "./fragments.ts";
import { readPlanToQuery } from "./read.ts";
import { catalogExpression, empty, ident, join, param, type Sql, sql, typeName } from "./sql.ts";
import { handlerBody, RESPONSE_GUCS, SOURCE, withMediaType } from "./statements.ts";

const BODY: QualifiedIdentifier = { schema: "", name: "pgrst_body" };

/** Whether the body is a JSON object (else an array): its first non-blank character is `{`. */
export function isJsonObject(body: string | Uint8Array | null): boolean {
  if (body === null) return false;
  for (let i = 0; i < body.length; i++) {
    const c = typeof body === "string" ? body.charCodeAt(i) : body[i];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c === 123;
  }
  return false;
}

interface BodyOptions {
  /** Start with `SELECT pgrst_body.col, …` (INSERT … SELECT). */
  readonly select: boolean;
  /** Use only the first element of an array body (UPDATE). */
  readonly limitOne: boolean;
  /** Fill absent keys with the columns' defaults (`Prefer: missing=default`). */
  readonly defaults: boolean;
}

/** `jsonb_build_object('col', <default>, …)` for the fields that have a default. */
function defaultsObject(fields: readonly CoercibleField[]): Sql {
  const pairs = fields.filter((f) => f.default !== null)
    .map((f) => sql`${param(f.name)}::text, ${catalogExpression(f.default!)}`);
  return sql`jsonb_build_object(${join(pairs)})`;
}

/**
 * `[SELECT …] FROM (SELECT $1 AS json_data) pgrst_payload, [defaults,] LATERAL (…) pgrst_body`:
 * the body as rows typed like the target columns (PostgREST's `fromJsonBodyF`).
 */
export function fromJsonBody(
  body: string | Uint8Array | null,
  fields: readonly CoercibleField[],
  o: BodyOptions,
): Sql {
  const object = isJsonObject(body);
  const selectClause = o.select ? sql`SELECT ${join(fields.map((f) => column(BODY, f.name)))} ` : empty;
  const placeholder = o.defaults ? sql`${param(body)}::jsonb` : sql`${param(body)}::json`;
  const defaults = !o.defaults
    ? empty
    : object
    ? sql`LATERAL (SELECT ${defaultsObject(fields)} || pgrst_payload.json_data AS val) pgrst_json_defs, `
    : sql`LATERAL (SELECT jsonb_agg(${
      defaultsObject(fields)
    } || elem) AS val from jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, `;
  const source = o.defaults ? sql`pgrst_json_defs.val` : sql`pgrst_payload.json_data`;
  let rows: Sql;
  if (fields.length === 0) {
    // `{}` is one row without columns, `[{}, {}]` as many rows as elements.
    rows = object
      ? sql`(values(1)) _ `
      : o.defaults
      ? sql`jsonb_array_elements(${source}) _ `
      : sql`json_array_elements(${source}) _ `;
  } else {
    const toRecord = o.defaults
      ? (object ? sql`jsonb_to_record` : sql`jsonb_to_recordset`)
      : (object ? sql`json_to_record` : sql`json_to_recordset`);
    const typed = join(fields.map((f) => sql`${ident(f.name)} ${typeName(f.irType)}`));
    rows = sql`${toRecord}(${source}) AS _(${typed}) ${o.limitOne ? sql`LIMIT 1` : empty}`;
  }
  return sql`${selectClause}FROM (SELECT ${placeholder} AS json_data) pgrst_payload, ${defaults}LATERAL (SELECT ${
    join(fields.map(coerceNamed))
  } FROM ${rows}) pgrst_body `;
}

/** `RETURNING "s"."t"."col", …`, or `RETURNING 1` just to count the rows. */
export function returning(qi: QualifiedIdentifier, columns: readonly string[]): Sql {
  return columns.length === 0 ? sql`RETURNING 1` : sql`RETURNING ${join(columns.map((c) => column(qi, c)))}`;
}

function whereClause(qi: QualifiedIdentifier, trees: readonly CoercibleLogicTree[]): Sql {
  return trees.length === 0 ? empty : sql` WHERE ${join(trees.map((t) => logicTree(qi, t)), sql` AND `)}`;
}

/**
 * Counts inserted rows in the `pgrst.inserted` setting for upserts (201 vs 200): +1 for each
 * body row about to be inserted, -1 for each that turned into an update (`ON CONFLICT`).
 */
function countInserted(add: boolean): Sql {
  const current = sql`coalesce(${currentSetting("pgrst.inserted")}::int, 0)`;
  return add
    ? sql`set_config('pgrst.inserted', (${current} + 1)::text, true) <> '0'`
    : sql`set_config('pgrst.inserted', (${current} - 1)::text, true) <> '-1'`;
}

function insertQuery(p: InsertPlan): Sql {
  const cols = p.columns.length === 0 ? sql` ` : sql`(${join(p.columns.map((c) => ident(c.name)))}) `;
  const body = fromJsonBody(p.body, p.columns, { select: true, limitOne: false, defaults: p.applyDefaults });
  const isPut = p.where.length > 0;
  const mergeDups = p.onConflict?.resolution === "merge-duplicates";
  let where = empty;
  if (isPut) {
    where = sql`WHERE ${countInserted(true)} AND ${join(p.where.map((t) => logicTree(BODY, t)), sql` AND `)}`;
  } else if (mergeDups) {
    where = sql`WHERE ${countInserted(true)}`;
  }
  let conflict = empty;
  const oc = p.onConflict;
  if (oc !== null && oc.columns.length > 0) {
    const target = sql` ON CONFLICT(${join(oc.columns.map((c) => ident(c)))}) `;
    if (oc.resolution === "ignore-duplicates" || p.columns.length === 0) {
      conflict = sql`${target}DO NOTHING`;
    } else {
      const sets = join(p.columns.map((c) => sql`${ident(c.name)} = EXCLUDED.${ident(c.name)}`));
      conflict = sql`${target}DO UPDATE SET ${sets}${
        isPut || mergeDups ? sql` WHERE ${countInserted(false)}` : empty
      }`;
    }
  }
  return sql`INSERT INTO ${fromQi(p.into)}${cols}${body}${where}${conflict} ${
    returning(p.into, p.returning)
  }`;
}

function updateQuery(p: UpdatePlan): Sql {
  if (p.columns.length === 0) {
    // `UPDATE t SET` needs a column: select nothing instead, with the columns `select=` reads.
    const qi = { schema: "", name: p.table.name };
    const cols = p.returning.length === 0 ? sql`NULL` : join(p.returning.map((c) => column(qi, c)));
    return sql`SELECT ${cols} FROM ${fromQi(p.table)} WHERE false`;
  }
  const sets = join(p.columns.map((c) => sql`${ident(c.name)} = ${column(BODY, c.name)}`));
  const body = fromJsonBody(p.body, p.columns, { select: false, limitOne: true, defaults: p.applyDefaults });
  return sql`UPDATE ${fromQi(p.table)} SET ${sets} ${body}${whereClause(p.table, p.where)} ${
    returning(p.table, p.returning)
  }`;
}

export function mutatePlanToQuery(plan: MutatePlan): Sql {
  switch (plan.kind) {
    case "insert":
      return insertQuery(plan);
    case "update":
      return updateQuery(plan);
    case "delete":
      return sql`DELETE FROM ${fromQi(plan.table)} ${whereClause(plan.table, plan.where)} ${
        returning(plan.table, plan.returning)
      }`;
  }
}

const NO_LOCATION = sql`array[]::text[]`;

/** `["pk=eq.v", "pk2=is.null"]` of the single inserted row, from its primary key columns. */
function locationQuery(pk: readonly string[]): Sql {
  return sql`(WITH data AS (SELECT row_to_json(_) AS row FROM ${SOURCE} AS _ LIMIT 1) SELECT array_agg(json_data.key || '=' || coalesce('eq.' || json_data.value, 'is.null')) FROM data CROSS JOIN json_each_text(data.row) AS json_data WHERE json_data.key = ANY(${
    param(arrayLiteral(pk))
  }::text[]))`;
}

export interface MainWriteArgs {
  readonly readPlan: ReadPlan;
  readonly mutatePlan: MutatePlan;
  readonly media: MediaType;
  readonly handler: MediaHandler;
  readonly preferences: Preferences;
}

/**
 * `WITH pgrst_source AS (<write>) SELECT '' AS total_result_set, count AS page_total,
 * <Location pairs> AS header, <body> AS body, <response GUCs>, <inserted> FROM (<representation>)`
 * — one row; `header` is a JSON array of `key=value` strings.
 */
export function mainWrite(a: MainWriteArgs): Sql {
  const m = a.mutatePlan;
  const isInsert = m.kind === "insert";
  const isPut = isInsert && m.where.length > 0;
  const upsert = isInsert && (isPut || a.preferences.resolution === "merge-duplicates");
  // An upsert with no body rows never sets the counter: nothing was inserted (200).
  const inserted = upsert ? sql`coalesce(${currentSetting("pgrst.inserted")}::int, 0)` : sql`''`;
  const count = sql`pg_catalog.count(_postgrest_t)`;
  const location = isInsert && a.preferences.representation === "headers-only"
    ? sql`CASE WHEN ${count} = 1 THEN coalesce(${
      locationQuery(m.pkColumns)
    }, ${NO_LOCATION}) ELSE ${NO_LOCATION} END`
    : NO_LOCATION;
  // Without a body to build, no `select=` column is read (they may not have been returned).
  const select = a.handler.kind === "noAgg" ? sql`SELECT * FROM ${SOURCE}` : readPlanToQuery(a.readPlan);
  const main = sql`WITH ${SOURCE} AS (${
    mutatePlanToQuery(m)
  }) SELECT '' AS total_result_set, ${count} AS page_total, array_to_json(${location})::text AS header, ${
    handlerBody(null, a.handler)
  } AS body, ${RESPONSE_GUCS}, ${inserted} AS response_inserted FROM (${select}) _postgrest_t`;
  return withMediaType(a.media, main);
}
