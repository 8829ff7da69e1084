/**
 * SELECT statements from a read plan tree: one SELECT per node, embeds joined with
 * `LEFT JOIN LATERAL` (`INNER` for `!inner`) sub-selects that aggregate each level to JSON
 * (`row_to_json` for to-one, `json_agg` for to-many), plus the count query for `Prefer: count`.
 */
import type { QualifiedIdentifier } from "../catalog/types.ts";
import type { CoercibleLogicTree, CoercibleSelectField, ReadPlan, RelSelectField } from "../plan/types.ts";
import { unknownField } from "../plan/types.ts";
import {
  filter,
  fromQi,
  joinCondition,
  limitOffset,
  logicTree,
  orderBy,
  selectItem,
  spreadJoinSelectItem,
  spreadSelectItem,
  tableCoerce,
} from "./fragments.ts";
import { empty, ident, join, type Sql, sql } from "./sql.ts";

/** The name the node's columns are qualified with: its alias, or the relation itself. */
export function nodeQi(plan: ReadPlan): QualifiedIdentifier {
  const rel = plan.relToParent;
  if (rel?.kind === "computed") return { schema: "", name: plan.fromAlias ?? rel.function.name };
  return plan.fromAlias === null ? plan.from : { schema: "", name: plan.fromAlias };
}

function fromClause(plan: ReadPlan): Sql {
  const rel = plan.relToParent;
  // A computed relationship calls the function on the parent row, cast to the table type
  // (needed when the function is overloaded for several tables).
  const source = rel?.kind === "computed"
    ? sql`${fromQi(rel.function)}(${ident(rel.tableAlias.name)}::${fromQi(rel.table)})`
    : fromQi(plan.from);
  const alias = plan.fromAlias === null ? empty : sql` AS ${ident(plan.fromAlias)}`;
  const junction = rel?.kind === "fk" && rel.cardinality.kind === "m2m"
    ? sql`, ${fromQi(rel.cardinality.junction.table)}`
    : empty;
  return sql` FROM ${source}${alias}${junction}`;
}

const DEFAULT_SELECT: CoercibleSelectField = {
  field: unknownField("*"),
  aggregate: null,
  aggregateCast: null,
  cast: null,
  alias: null,
};

export function readPlanToQuery(plan: ReadPlan): Sql {
  const qi = nodeQi(plan);
  const selects = (plan.select.length === 0 && plan.children.length === 0 ? [DEFAULT_SELECT] : plan.select)
    .map((s) => selectItem(qi, s));
  const spreadExtra = plan.relSpread?.kind === "toMany"
    ? plan.relSpread.extraSelect.map(([rel, s]) =>
      selectItem(rel === null ? qi : { schema: "", name: rel }, s)
    )
    : [];
  const conditions = [...plan.where.map((t) => logicTree(qi, t)), ...plan.relJoinConds.map(joinCondition)];
  const where = conditions.length === 0 ? empty : sql` WHERE ${join(conditions, sql` AND `)}`;
  return sql`SELECT ${join([...selects, ...spreadExtra, ...joinSelects(plan)])}${fromClause(plan)}${
    join(joins(plan), sql` `)
  }${where} ${groupBy(qi, plan.select, plan.relSelect)} ${orderBy(qi, plan.order)} ${
    limitOffset(plan.range)
  }`;
}

function joinSelects(plan: ReadPlan): Sql[] {
  return plan.relSelect.flatMap((r): Sql[] => {
    const agg = ident(r.aggAlias);
    if (r.kind === "spread") return r.fields.map((f) => spreadSelectItem(r.aggAlias, f));
    if (r.empty) return [];
    return r.mode === "object"
      ? [sql`row_to_json(${agg}.*)::jsonb AS ${ident(r.name)}`]
      : [sql`COALESCE( ${agg}.${agg}, '[]') AS ${ident(r.name)}`];
  });
}

function joins(plan: ReadPlan): Sql[] {
  if (plan.children.length === 0) return [];
  return plan.relSelect.map((r) => {
    const node = plan.children.find((c) => c.relAggAlias === r.aggAlias)!;
    return joinFor(r, node);
  });
}

function joinFor(r: RelSelectField, node: ReadPlan): Sql {
  const inner = node.relJoinType === "inner";
  const agg = ident(r.aggAlias);
  const lateral = (sub: Sql, cond: Sql) =>
    sql` ${inner ? sql`INNER` : sql`LEFT`} JOIN LATERAL ( ${sub} ) AS ${agg} ON ${cond}`;
  const subquery = readPlanToQuery(node);
  const selectAgg = sql`SELECT json_agg(${agg})::jsonb AS ${agg}`;
  const fromAgg = sql` FROM (${subquery} ) AS ${agg}`;
  const joinCond = inner ? sql`${agg} IS NOT NULL` : sql`TRUE`;
  if (r.kind === "json") {
    return r.mode === "object"
      ? lateral(subquery, sql`TRUE`)
      : lateral(sql`${selectAgg}${fromAgg}`, joinCond);
  }
  if (node.relSpread?.kind === "toMany") {
    const order = node.relSpread.order;
    const items = r.fields.map((f) => spreadJoinSelectItem(r.aggAlias, order, f));
    const sel = items.length === 0 ? selectAgg : sql`${selectAgg}, ${join(items)}`;
    return lateral(sql`${sel}${fromAgg}`, joinCond);
  }
  return lateral(subquery, sql`TRUE`);
}

function groupBy(
  qi: QualifiedIdentifier,
  select: readonly CoercibleSelectField[],
  relSelect: readonly RelSelectField[],
) {
  const anyAgg = select.some((s) => s.aggregate !== null) ||
    relSelect.some((r) => r.kind === "spread" && r.fields.some((f) => f.aggregate !== null));
  if (!anyAgg) return empty;
  const terms = [
    ...select.filter((s) => s.aggregate === null).map((s) =>
      s.alias !== null ? sql`${ident(s.alias)}` : tableCoerceGroup(qi, s)
    ),
    ...relSelect.flatMap((r): Sql[] => {
      if (r.kind === "json") return [sql`${ident(r.name)}`];
      const fields = r.fields.filter((f) => f.aggregate === null)
        .map((f) => sql`${ident(r.aggAlias)}.${ident(f.alias ?? f.name)}`);
      return fields.length === 0 ? [] : [join(fields)];
    }),
  ];
  return terms.length === 0 ? empty : sql` GROUP BY ${join(terms)}`;
}

function tableCoerceGroup(qi: QualifiedIdentifier, s: CoercibleSelectField): Sql {
  // PostgREST groups by the plain field (without the output representation function).
  return tableCoerce(qi, { ...s.field, transform: null });
}

/**
 * The count query of the root: only WHERE (no LIMIT/OFFSET), `SELECT 1` so no expensive
 * columns are computed; `!inner` embeds become `EXISTS` sub-queries.
 */
export function readPlanToCountQuery(plan: ReadPlan): Sql {
  const qi = nodeQi(plan);
  const countTree = (t: CoercibleLogicTree): Sql => {
    if (t.kind === "expr") {
      const op = t.operator === "and" ? sql` AND ` : sql` OR `;
      return sql`${t.negated ? sql`NOT` : empty} (${join(t.children.map(countTree), op)})`;
    }
    const f = t.filter;
    if (f.kind === "nullEmbed") {
      const node = plan.children.find((c) => c.relAggAlias === f.relation);
      return node ? sql`${f.negated ? empty : sql`NOT `}EXISTS (${readPlanToCountQuery(node)})` : empty;
    }
    return filter(qi, f);
  };
  const exists = plan.children.filter((c) => c.relJoinType === "inner")
    .map((c) => sql`EXISTS (${readPlanToCountQuery(c)} )`);
  const conditions = [...plan.where.map(countTree), ...plan.relJoinConds.map(joinCondition), ...exists];
  const where = conditions.length === 0 ? empty : sql` WHERE ${join(conditions, sql` AND `)}`;
  return sql`SELECT 1 ${fromClause(plan)}${where}`;
}
