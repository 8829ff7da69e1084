/**
 * SQL fragments shared by the statement builders: identifiers and columns, JSON paths, filters,
 * logic trees, ordering, limits, select items. Every request value is a `param()`.
 */
import type { QualifiedIdentifier } from "../catalog/types.ts";
import { unknownField } from "../plan/types.ts";
import type {
  CoercibleField,
  CoercibleFilter,
  CoercibleLogicTree,
  CoercibleOrderTerm,
  CoercibleSelectField,
  JoinCondition,
  SpreadSelectField,
} from "../plan/types.ts";
import type { AggregateFunction, JsonPath, Range } from "../request/types.ts";
import { empty, ident, join, param, safeType, type Sql, sql } from "./sql.ts";
import { FTS_SQL, QUANT_SQL, SIMPLE_SQL } from "./operators.ts";

/** `"schema"."name"`, or just `"name"` when the schema is empty (aliases, CTEs). */
export function fromQi(qi: QualifiedIdentifier): Sql {
  return qi.schema === "" ? sql`${ident(qi.name)}` : sql`${ident(qi.schema, qi.name)}`;
}

export function column(qi: QualifiedIdentifier, name: string): Sql {
  return name === "*" ? sql`${fromQi(qi)}.*` : sql`${fromQi(qi)}.${ident(name)}`;
}

export function jsonPath(path: JsonPath): Sql {
  return join(
    path.map((op) => {
      const operand = op.operand.kind === "key"
        ? sql`${param(op.operand.value)}`
        : sql`${param(op.operand.value)}::int`;
      return op.arrow === "->" ? sql`->${operand}` : sql`->>${operand}`;
    }),
    empty,
  );
}

function ftsLanguage(language: string | null): Sql {
  return language === null ? empty : sql`${param(language)}, `;
}

/** A field of `table`: the column, JSON path (on `to_jsonb()` for non-json types), `to_tsvector()`. */
export function field(table: QualifiedIdentifier, f: CoercibleField): Sql {
  let s: Sql;
  if (f.fullRow) s = sql`${ident(table.name)}`;
  else if (f.jsonPath.length === 0) s = column(table, f.name);
  else if (f.toJson) s = sql`to_jsonb(${column(table, f.name)})${jsonPath(f.jsonPath)}`;
  else s = sql`${column(table, f.name)}${jsonPath(f.jsonPath)}`;
  return f.toTsVector ? sql`to_tsvector(${ftsLanguage(f.toTsVector.language)}${s})` : s;
}

function callUnary(fn: QualifiedIdentifier, arg: Sql): Sql {
  return sql`${fromQi(fn)}(${arg})`;
}

/** The field with its output representation function applied, if any. */
export function tableCoerce(table: QualifiedIdentifier, f: CoercibleField): Sql {
  return f.transform ? callUnary(f.transform, field(table, f)) : field(table, f);
}

/** A body column parsed from JSON: `parser("col") AS "col"` or just `"col"`. */
export function coerceNamed(f: CoercibleField): Sql {
  return f.transform
    ? sql`${callUnary(f.transform, sql`${ident(f.name)}`)} AS ${ident(f.name)}`
    : sql`${ident(f.name)}`;
}

export function as(alias: string | null): Sql {
  return alias === null ? empty : sql` AS ${ident(alias)}`;
}

/** `CAST( x AS type )` — the type name passed the grammar's safe alphabet. */
export function applyCast(cast: string | null, s: Sql): Sql {
  return cast === null ? s : sql`CAST( ${s} AS ${safeType(cast)} )`;
}

const AGG_SQL: Record<AggregateFunction, Sql> = {
  sum: sql`SUM`,
  avg: sql`AVG`,
  max: sql`MAX`,
  min: sql`MIN`,
  count: sql`COUNT`,
};

export function applyAggregate(agg: AggregateFunction | null, aggCast: string | null, s: Sql): Sql {
  return agg === null ? s : applyCast(aggCast, sql`${AGG_SQL[agg]}(${s})`);
}

export function selectItem(table: QualifiedIdentifier, s: CoercibleSelectField): Sql {
  return sql`${applyAggregate(s.aggregate, s.aggregateCast, applyCast(s.cast, tableCoerce(table, s.field)))}${
    as(s.alias)
  }`;
}

export function fullSelName(aggAlias: string, name: string): Sql {
  return name === "*" ? sql`${ident(aggAlias)}.*` : sql`${ident(aggAlias)}.${ident(name)}`;
}

export function spreadSelectItem(aggAlias: string, s: SpreadSelectField): Sql {
  return sql`${applyAggregate(s.aggregate, s.aggregateCast, fullSelName(aggAlias, s.name))}${as(s.alias)}`;
}

export function spreadJoinSelectItem(
  aggAlias: string,
  order: readonly CoercibleOrderTerm[],
  s: SpreadSelectField,
): Sql {
  return sql`COALESCE(json_agg(${fullSelName(aggAlias, s.name)} ${
    orderBy({ schema: "", name: aggAlias }, order)
  }),'[]')::jsonb AS ${ident(s.alias ?? s.name)}`;
}

/**
 * PostgreSQL array literal built from the list values, sent as ONE parameter:
 * `{"a","b \"c\""}`. (We don't use "IN", we use "= ANY": one statement shape for any list length.)
 */
export function arrayLiteral(values: readonly string[]): string {
  const esc = (v: string) => `"${v.replaceAll("\0", "").replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  return `{${values.map(esc).join(",")}}`;
}

function literalForField(value: string, f: CoercibleField): Sql {
  return f.transform ? callUnary(f.transform, sql`${param(value)}`) : sql`${param(value)}`;
}

function arrayLiteralForField(values: readonly string[], f: CoercibleField): Sql {
  return f.transform
    ? sql`(SELECT ${callUnary(f.transform, sql`unnest(${param(arrayLiteral(values))}::text[])`)})`
    : sql`${param(arrayLiteral(values))}`;
}

const IS_SQL = {
  null: sql`NULL`,
  not_null: sql`NOT NULL`,
  true: sql`TRUE`,
  false: sql`FALSE`,
  unknown: sql`UNKNOWN`,
} as const;

export function filter(table: QualifiedIdentifier, f: CoercibleFilter): Sql {
  if (f.kind === "nullEmbed") {
    return f.negated
      ? sql`${ident(f.relation)} IS DISTINCT FROM NULL`
      : sql`${ident(f.relation)} IS NOT DISTINCT FROM NULL`;
  }
  if (f.opExpr.kind === "noOp") return empty;
  const notOp = f.opExpr.negated ? sql`NOT` : empty;
  const fld = field(table, f.field);
  const op = f.opExpr.operation;
  switch (op.kind) {
    case "simple":
      return sql`${notOp} ${fld} ${SIMPLE_SQL[op.op]} ${literalForField(op.value, f.field)}`;
    case "quant": {
      const isLike = op.op === "like" || op.op === "ilike";
      const value = isLike
        ? sql`${param(op.value.replaceAll("*", "%"))}`
        : literalForField(op.value, f.field);
      const quantified = op.quantifier === "any"
        ? sql`ANY(${value})`
        : op.quantifier === "all"
        ? sql`ALL(${value})`
        : value;
      return sql`${notOp} ${fld} ${QUANT_SQL[op.op]} ${quantified}`;
    }
    case "is":
      // IS cannot take a parameter; the grammar only admits these five keywords.
      return sql`${notOp} ${fld} IS ${IS_SQL[op.value]}`;
    case "isdistinct":
      return sql`${notOp} ${fld} IS DISTINCT FROM ${param(op.value)}`;
    case "in":
      return op.values.length === 1 && op.values[0] === ""
        ? sql`${notOp} ${fld} = ANY('{}') `
        : sql`${notOp} ${fld} = ANY (${arrayLiteralForField(op.values, f.field)}) `;
    case "fts":
      return sql`${notOp} ${fld} ${FTS_SQL[op.op]}(${ftsLanguage(op.language)}${param(op.value)}) `;
  }
}

export function logicTree(table: QualifiedIdentifier, t: CoercibleLogicTree): Sql {
  if (t.kind === "stmt") return filter(table, t.filter);
  const op = t.operator === "and" ? sql` AND ` : sql` OR `;
  return sql`${t.negated ? sql`NOT` : empty} (${join(t.children.map((c) => logicTree(table, c)), op)})`;
}

export function joinCondition(c: JoinCondition): Sql {
  return sql`${column(c.left[0], c.left[1])} = ${column(c.right[0], c.right[1])}`;
}

const DIRECTION = { asc: sql`ASC`, desc: sql`DESC` } as const;
const NULLS = { first: sql`NULLS FIRST`, last: sql`NULLS LAST` } as const;

export function orderTerm(table: QualifiedIdentifier, o: CoercibleOrderTerm): Sql {
  // A related order names a column of the embed's subquery, with no type known: JSON paths apply
  // to it as they are (PostgREST's `unknownField`), without `to_jsonb()`.
  const term = o.kind === "field"
    ? field(table, o.field)
    : field({ schema: "", name: o.relation }, unknownField(o.field.name, o.field.jsonPath));
  const dir = o.direction ? DIRECTION[o.direction] : empty;
  const nulls = o.nulls ? NULLS[o.nulls] : empty;
  const sep = o.direction && o.nulls ? sql` ` : empty;
  return sql`${term} ${dir}${sep}${nulls}`;
}

export function orderBy(table: QualifiedIdentifier, terms: readonly CoercibleOrderTerm[]): Sql {
  return terms.length === 0 ? empty : sql`ORDER BY ${join(terms.map((t) => orderTerm(table, t)))}`;
}

/** `LIMIT $n OFFSET $m` (parameters), nothing for all rows. */
export function limitOffset(r: Range): Sql {
  if (r.offset === 0 && r.upper === null) return empty;
  const limit = r.upper === null ? sql`ALL` : sql`${param(Math.max(0, r.upper - r.offset + 1))}`;
  return sql`LIMIT ${limit} OFFSET ${param(r.offset)}`;
}

/** `nullif(current_setting('x', true), '')` for a fixed setting name. */
export function currentSetting(name: "response.headers" | "response.status" | "pgrst.inserted"): Sql {
  const SETTINGS = {
    "response.headers": sql`nullif(current_setting('response.headers', true), '')`,
    "response.status": sql`nullif(current_setting('response.status', true), '')`,
    "pgrst.inserted": sql`nullif(current_setting('pgrst.inserted', true), '')`,
  } as const;
  return SETTINGS[name];
}
