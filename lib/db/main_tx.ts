/**
 * Runs one request's transaction and decodes its result (PostgREST's `MainTx`): settings,
 * pre-request, main statement (and the count EXPLAIN), then COMMIT or ROLLBACK. The checks that
 * must roll back a write (singular `Accept`, PUT primary key, `max-affected`) run on the results
 * before the transaction ends; for read-only transactions they run after (nothing can change).
 */
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import type { CrudPlan, MediaHandler } from "../plan/types.ts";
import type { RenderedQuery } from "../query/main_query.ts";
import { render, type RenderedSql, Sql } from "../query/sql.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";
import type { Database, IsolationLevel, Rows, Statement } from "./db.ts";

export interface ResultSet {
  /** Total rows (count=exact/estimated/planned), when requested. */
  readonly tableTotal: number | null;
  /** Rows in this response (or affected by the write). */
  readonly queryTotal: number;
  /** `Location` query pairs of an insert (`return=headers-only`). */
  readonly location: readonly (readonly [string, string])[];
  /** The body, serialized by PostgreSQL. */
  readonly body: string;
  readonly gucHeaders: string | null;
  readonly gucStatus: string | null;
  /** Rows inserted by an upsert (201 vs 200). */
  readonly inserted: number | null;
}

export type DbResult =
  | { readonly kind: "crud"; readonly plan: CrudPlan; readonly resultSet: ResultSet }
  | { readonly kind: "plan"; readonly media: MediaType; readonly body: string };

export interface TxInput {
  readonly plan: CrudPlan;
  readonly explain: boolean;
  readonly query: RenderedQuery;
  readonly txSettings: RenderedSql;
  readonly preRequest: Sql | null;
  readonly isolation: IsolationLevel;
  readonly config: AppConfig;
  readonly req: ApiRequest;
}

/** A statement for the driver, from SQL built by `lib/query` (rendered here unless it already is). */
export function stmt(q: Sql | RenderedSql, prepare: boolean): Statement {
  const { text, params } = q instanceof Sql ? render(q) : q;
  return { text, params, prepare };
}

const num = (v: string | null | undefined): number | null =>
  v === null || v === undefined || v === "" ? null : Number(v);

/** Decodes the main statement's row: `[total, page_total, (header,) body, headers, status, inserted]`. */
export function decodeResultSet(rows: Rows, withLocation: boolean, empty: ResultSet): ResultSet {
  const row = rows[0];
  if (!row) return empty;
  const off = withLocation ? 1 : 0;
  const location = withLocation && row[2] ? (JSON.parse(row[2]) as string[]).map(splitKeyValue) : [];
  return {
    tableTotal: num(row[0]),
    queryTotal: num(row[1]) ?? 0,
    location,
    body: row[2 + off] ?? "",
    gucHeaders: row[3 + off],
    gucStatus: row[4 + off],
    inserted: num(row[5 + off]),
  };
}

function splitKeyValue(kv: string): [string, string] {
  const i = kv.indexOf("=");
  return [kv.slice(0, i), kv.slice(i + 1)];
}

/** `Plan Rows` of `EXPLAIN (FORMAT JSON)` output. */
function explainTotal(rows: Rows | undefined): number | null {
  const text = rows?.[0]?.[0];
  if (!text) return null;
  try {
    const rowsEstimate = JSON.parse(text)?.[0]?.Plan?.["Plan Rows"];
    return typeof rowsEstimate === "number" ? rowsEstimate : null;
  } catch {
    return null;
  }
}

function isSingular(media: MediaType): boolean {
  return media.kind === "singularJson" || (media.kind === "plan" && media.for.kind === "singularJson");
}

/** `db-tx-end` and `Prefer: tx=…` decide the end of the transaction. */
export function shouldRollback(config: AppConfig, req: ApiRequest): boolean {
  const tx = req.preferences.transaction;
  const rollbackAll = config.dbTxEnd === "rollback" || config.dbTxEnd === "rollback-allow-override";
  return tx === "rollback" || (rollbackAll && tx !== "commit");
}

function failNotSingular(media: MediaType, rs: ResultSet): Error | undefined {
  return isSingular(media) && rs.queryTotal !== 1 ? Errors.singularity(rs.queryTotal) : undefined;
}

function failMaxAffected(req: ApiRequest, rs: ResultSet): Error | undefined {
  const p = req.preferences;
  return p.maxAffected !== null && p.handling === "strict" && rs.queryTotal > p.maxAffected
    ? Errors.maxAffectedViolation(rs.queryTotal)
    : undefined;
}

const EMPTY_READ: ResultSet = {
  tableTotal: null,
  queryTotal: 0,
  location: [],
  body: "",
  gucHeaders: null,
  gucStatus: null,
  inserted: null,
};

/**
 * The checks a plan needs on its result set before the transaction ends, or `undefined` when
 * nothing can fail (then COMMIT is pipelined with the rest: one round trip).
 */
function checksFor(plan: CrudPlan, req: ApiRequest): ((rs: ResultSet) => Error | undefined) | undefined {
  const singular = isSingular(plan.media);
  const maxAffected = req.preferences.maxAffected !== null && req.preferences.handling === "strict";
  if (plan.kind === "mutate" && plan.mutation === "singleUpsert") {
    return (rs) => rs.queryTotal !== 1 ? Errors.putMatchingPk() : undefined;
  }
  const limited = maxAffected && (plan.kind === "call" ||
    (plan.kind === "mutate" && (plan.mutation === "update" || plan.mutation === "delete")));
  if (!singular && !limited) return undefined;
  return (rs) => failNotSingular(plan.media, rs) ?? (limited ? failMaxAffected(req, rs) : undefined);
}

export async function runMainTx(db: Database, input: TxInput): Promise<DbResult> {
  const { plan, query, config, req } = input;
  const prepare = config.dbPreparedStatements;
  const statements: Statement[] = [stmt(input.txSettings, prepare)];
  if (input.preRequest) statements.push(stmt(input.preRequest, prepare));
  const mainIndex = statements.length;
  statements.push(stmt(query.main!, prepare));
  const explainIndex = query.explain ? statements.push(stmt(query.explain, prepare)) - 1 : -1;

  const withLocation = plan.kind === "mutate";
  const empty: ResultSet = plan.kind === "call" ? { ...EMPTY_READ, tableTotal: 0 } : EMPTY_READ;
  const check = checksFor(plan, req);
  const readOnly = plan.txMode.readOnly;
  const rollback = shouldRollback(config, req);

  if (input.explain) {
    const rows = await db.transaction({ isolation: input.isolation, readOnly, statements, rollback });
    return { kind: "plan", media: plan.media, body: rows[mainIndex].map((r) => r[0] ?? "").join("\n") };
  }
  let decoded: ResultSet | undefined;
  const decode = (results: readonly Rows[]) =>
    decoded ??= decodeResultSet(results[mainIndex], withLocation, empty);
  const results = await db.transaction({
    isolation: input.isolation,
    readOnly,
    statements,
    rollback,
    // Read-only transactions cannot change anything: check after a pipelined COMMIT instead.
    check: readOnly || !check ? undefined : (r) => check(decode(r)),
  });
  let rs = decode(results);
  if (readOnly && check) {
    const e = check(rs);
    if (e) throw e;
  }
  if (explainIndex >= 0) {
    const estimate = explainTotal(results[explainIndex]);
    rs = { ...rs, tableTotal: countTotal(req.preferences.count, config.dbMaxRows, rs.tableTotal, estimate) };
  }
  return { kind: "crud", plan, resultSet: rs };
}

/**
 * The total of `count=planned` (the planner's estimate) and `count=estimated` (the exact count,
 * limited to db-max-rows + 1, unless it exceeds db-max-rows: then the larger of it and the estimate).
 * PostgREST compares `Maybe` values here: without db-max-rows (`Nothing`) every exact count is
 * "greater", so the estimate is consulted too, and without an estimate there is no total.
 */
export function countTotal(
  count: ApiRequest["preferences"]["count"],
  maxRows: number | null,
  exact: number | null,
  estimate: number | null,
): number | null {
  if (count === "planned") return estimate;
  if (count !== "estimated" || exact === null) return exact;
  if (maxRows !== null && exact <= maxRows) return exact;
  return estimate === null ? null : Math.max(exact, estimate);
}

export type { MediaHandler };
