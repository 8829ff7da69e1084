/**
 * Function calls as SQL: `f(a := …)` with arguments from one JSON parameter (expanded with
 * `json_to_record`), from direct query-string values (each a parameter, cast to the parameter's
 * type; variadic ones as one text[] parameter), or a single unnamed parameter taking the whole
 * body. The result feeds the `pgrst_source` CTE of `mainCall`.
 */
import type { RoutineParam } from "../catalog/types.ts";
import type { CallPlan } from "../plan/call_plan.ts";
import type { MediaHandler, ReadPlan } from "../plan/types.ts";
import type { Preferences, Range } from "../request/types.ts";
import { arrayLiteral, fromQi } from "./fragments.ts";
import { readPlanToCountQuery, readPlanToQuery } from "./read.ts";
import { isJsonObject } from "./mutate.ts";
import { empty, ident, join, param, type Sql, sql, typeName } from "./sql.ts";
import { countParts, handlerBody, RESPONSE_GUCS, shouldCount } from "./statements.ts";

function hex(bytes: Uint8Array): string {
  let s = "\\x";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** The single unnamed parameter gets the whole body, cast to its type. */
function singleParameter(plan: CallPlan, p: RoutineParam): Sql {
  const args = plan.args;
  if (args.kind === "raw") {
    return p.type === "bytea"
      ? sql`${param(hex(args.raw))}::bytea`
      : sql`${param(new TextDecoder().decode(args.raw))}::${typeName(p.type)}`;
  }
  const body = args.kind === "json" ? args.raw : JSON.stringify(Object.fromEntries(
    [...args.args].map(([k, v]) => [k, v.kind === "fixed" ? v.value : v.values]),
  ));
  return sql`${param(body)}::${typeName(p.type)}`;
}

function variadicKeyword(p: RoutineParam): Sql {
  return p.variadic ? sql`VARIADIC ` : empty;
}

/** `FROM (SELECT $1::json …) pgrst_payload, LATERAL (SELECT … FROM json_to_record(…) LIMIT 1) pgrst_body`. */
function fromJsonArgs(raw: Uint8Array | null, params: readonly RoutineParam[]): Sql {
  const body = raw ?? "{}";
  const toRecord = isJsonObject(body) ? sql`json_to_record` : sql`json_to_recordset`;
  const names = join(params.map((p) => sql`${ident(p.name)}`));
  const typed = join(params.map((p) => sql`${ident(p.name)} ${typeName(p.typeMaxLength)}`));
  return sql`FROM (SELECT ${
    param(body)
  }::json AS json_data) pgrst_payload, LATERAL (SELECT ${names} FROM ${toRecord}(pgrst_payload.json_data) AS _(${typed}) LIMIT 1) pgrst_body `;
}

export function callPlanToQuery(plan: CallPlan): Sql {
  const scalar = plan.scalar || plan.setOfScalar;
  const fn = fromQi({ schema: plan.routine.schema, name: plan.routine.name });
  const callIt = (argument: Sql) =>
    scalar ? sql`(SELECT ${fn}(${argument}) pgrst_scalar) pgrst_call` : sql`${fn}(${argument}) pgrst_call`;
  let from: Sql;
  const params = plan.params;
  if (params.kind === "onePosParam") {
    from = sql`FROM ${callIt(singleParameter(plan, params.param))}`;
  } else if (params.params.length === 0) {
    from = sql`FROM ${callIt(empty)}`;
  } else if (plan.args.kind === "direct") {
    const args = plan.args.args;
    const fmtArg = (p: RoutineParam) => {
      const v = args.get(p.name);
      const value = v === undefined
        ? sql`NULL`
        : v.kind === "variadic"
        ? sql`${param(arrayLiteral(v.values))}::text[]`
        : sql`${param(v.value)}`;
      return sql`${variadicKeyword(p)}${ident(p.name)} := ${value}::${typeName(p.typeMaxLength)}`;
    };
    from = sql`FROM ${callIt(join(params.params.map(fmtArg)))}`;
  } else {
    const raw = plan.args.kind === "json" ? plan.args.raw : null;
    const named = join(
      params.params.map((p) => sql`${variadicKeyword(p)}${ident(p.name)} := pgrst_body.${ident(p.name)}`),
    );
    from = sql`${fromJsonArgs(raw, params.params)}, LATERAL ${callIt(named)}`;
  }
  return sql`SELECT ${scalar ? sql`pgrst_call.pgrst_scalar` : returnedColumns(plan)} ${from}`;
}

/** The returned columns plus the filtered ones (deduplicated); `*` when everything is selected. */
function returnedColumns(plan: CallPlan): Sql {
  const r = [...plan.returning];
  if (r.length === 0) return sql`*`;
  if (r.length === 1 && r[0] === "*") return sql`pgrst_call.*`;
  const cols = [...new Set([...r, ...plan.filterFields])].sort();
  return join(cols.map((c) => sql`pgrst_call.${ident(c)}`));
}

export interface MainCallArgs {
  readonly call: CallPlan;
  readonly plan: ReadPlan;
  readonly count: Preferences["count"];
  readonly maxRows: number | null;
  readonly range: Range;
  readonly handler: MediaHandler;
}

export function mainCall(a: MainCallArgs): Sql {
  const single = !a.call.routine.returnType.setOf;
  const pageCount = single ? sql`1` : sql`pg_catalog.count(_postgrest_t)`;
  const [cte, total] = countParts(
    () => readPlanToCountQuery(a.plan),
    pageCount,
    shouldCount(a.count),
    a.maxRows,
    a.range,
  );
  return sql`WITH pgrst_source AS (${
    callPlanToQuery(a.call)
  }) ${cte}SELECT ${total} AS total_result_set, ${pageCount} AS page_total, ${
    handlerBody(a.call.routine, a.handler)
  } AS body, ${RESPONSE_GUCS}, '' AS response_inserted FROM (${readPlanToQuery(a.plan)}) _postgrest_t`;
}
