/**
 * Resource embedding in the read plan: finds the relationship of every embedded node (with
 * hints, disambiguation and PostgREST's errors), adds join conditions and aliases, and the
 * embed-related stages: related orders, null-embed filters, rel selects, spread aggregate
 * hoisting and to-many spread ordering.
 */
import type { Catalog, QualifiedIdentifier, Relationship } from "../catalog/types.ts";
import { findRelationships, noRelBetweenHint } from "../catalog/fuzzy.ts";
import { Errors } from "../errors.ts";
import type { Action } from "../request/types.ts";
import type {
  CoercibleLogicTree,
  CoercibleOrderTerm,
  CoercibleSelectField,
  JoinCondition,
  ReadPlan,
  RelSelectField,
  SpreadSelectField,
} from "./types.ts";
import { unknownField } from "./types.ts";

const SOURCE_CTE = "pgrst_source";

export function relIsToOne(rel: Relationship): boolean {
  if (rel.kind === "computed") return rel.singleRow;
  return rel.cardinality.kind === "m2o" || rel.cardinality.kind === "o2o";
}

/** `[relName, alias]` when a node was matched by its relation name although it has an alias. */
export function legacyTargetWarning(n: ReadPlan): { name: string; alias: string } | null {
  return n.relIsLegacyTargetNameMatch && n.relAlias !== null ? { name: n.relName, alias: n.relAlias } : null;
}

/** All legacy target-name matches of the tree (for the `Warning: 299` header). */
export function legacyWarnings(plan: ReadPlan): { name: string; alias: string }[] {
  const w = legacyTargetWarning(plan);
  return [...(w ? [w] : []), ...plan.children.flatMap(legacyWarnings)];
}

export const LEGACY_TARGET_MESSAGE =
  "Embedded resource was referenced by relation name even though it has an alias. This is deprecated and will stop working in a future release.";

/** PostgREST's replacement list for the warning: `` `tasks` to `the_tasks`, `a` to `b` ``. */
export function legacyWarningHint(plan: ReadPlan): string | null {
  const warnings = legacyWarnings(plan);
  return warnings.length === 0 ? null : warnings.map((w) => `\`${w.name}\` to \`${w.alias}\``).join(", ");
}

// ---------------------------------------------------------------- finding relationships

function singleCol(rel: Relationship): readonly [string, string] | null {
  if (rel.kind !== "fk" || rel.cardinality.kind === "m2m") return null;
  const cols = rel.cardinality.columns;
  return cols.length === 1 ? cols[0] : null;
}

function constraintOf(rel: Relationship): string | null {
  return rel.kind === "fk" && rel.cardinality.kind !== "m2m" ? rel.cardinality.constraint : null;
}

/** PostgREST's `findRel`: the one relationship between origin and target, or 300/400 errors. */
export function findRel(
  catalog: Catalog,
  schema: string,
  origin: string,
  target: string,
  hint: string | null,
): Relationship {
  const all = findRelationships(catalog, schema, origin);
  const rels = all.filter((rel) => {
    if (rel.kind === "computed") return target === rel.function.name;
    const card = rel.cardinality.kind;
    const fkCol = singleCol(rel);
    if (rel.isSelf) {
      if (hint === null) {
        // Children by the table name (O2M), the parent by the FK column (M2O).
        return (target === rel.foreignTable.name && card === "o2m") ||
          (fkCol?.[0] === target && card === "m2o");
      }
      return target === rel.foreignTable.name && card === "o2m" && fkCol?.[1] === hint;
    }
    if (hint === null) {
      return target === rel.foreignTable.name ||
        (constraintOf(rel) === target && !rel.foreignTableIsView) ||
        (fkCol?.[0] === target && !rel.foreignTableIsView);
    }
    return target === rel.foreignTable.name && (
      constraintOf(rel) === hint || fkCol?.[0] === hint || fkCol?.[1] === hint ||
      (rel.cardinality.kind === "m2m" && rel.cardinality.junction.table.name === hint)
    );
  });
  if (rels.length === 1) return rels[0];
  if (rels.length === 0) {
    throw Errors.noRelBetween(
      origin,
      target,
      hint,
      schema,
      noRelBetweenHint(catalog, origin, target, schema),
    );
  }
  throw Errors.ambiguousRelBetween(
    origin,
    target,
    rels.map(compressedRel),
    `Try changing '${target}' to one of the following: ${
      rels.map(relHint).join(", ")
    }. Find the desired relationship in the 'details' key.`,
  );
}

const fmtCols = (cols: readonly string[]) => `(${cols.join(", ")})`;

function compressedRel(rel: Relationship): Record<string, unknown> {
  if (rel.kind === "computed") return {};
  const embedding = `${rel.table.name} with ${rel.foreignTable.name}`;
  const c = rel.cardinality;
  if (c.kind === "m2m") {
    const j = c.junction;
    return {
      cardinality: "many-to-many",
      embedding,
      relationship: `${j.table.name} using ${j.constraint1}${
        fmtCols(j.sourceColumns.map((p) => p[1]))
      } and ${j.constraint2}${fmtCols(j.targetColumns.map((p) => p[1]))}`,
    };
  }
  const names = { m2o: "many-to-one", o2m: "one-to-many", o2o: "one-to-one" } as const;
  return {
    cardinality: names[c.kind],
    embedding,
    relationship: `${c.constraint} using ${rel.table.name}${
      fmtCols(c.columns.map((p) => p[0]))
    } and ${rel.foreignTable.name}${fmtCols(c.columns.map((p) => p[1]))}`,
  };
}

function relHint(rel: Relationship): string {
  if (rel.kind === "computed") return "";
  const c = rel.cardinality;
  return `'${rel.foreignTable.name}!${c.kind === "m2m" ? c.junction.table.name : c.constraint}'`;
}

// ---------------------------------------------------------------- adding relationships

function joinConditions(
  tblAlias: string | null,
  parentAlias: string | null,
  rel: Relationship,
): JoinCondition[] {
  if (rel.kind === "computed") return [];
  const schema = rel.table.schema;
  const aliasOr = (alias: string | null, name: string): QualifiedIdentifier =>
    alias === null ? { schema, name } : { schema: "", name: alias };
  const c = rel.cardinality;
  if (c.kind === "m2m") {
    const j = c.junction;
    return [
      ...j.targetColumns.map(([col, jcol]): JoinCondition => ({
        left: [j.table, jcol],
        right: [rel.foreignTable, col],
      })),
      ...j.sourceColumns.map(([col, jcol]): JoinCondition => ({
        left: [j.table, jcol],
        right: [aliasOr(parentAlias, rel.table.name), col],
      })),
    ];
  }
  return c.columns.map(([col, fcol]) => ({
    left: [aliasOr(tblAlias, rel.foreignTable.name), fcol],
    right: [aliasOr(parentAlias, rel.table.name), col],
  }));
}

/** Resolves every embedded node's relationship; the root reads from `pgrst_source` for writes/RPC. */
export function addRels(
  schema: string,
  action: Action,
  catalog: Catalog,
  parent: ReadPlan | null,
  node: ReadPlan,
): ReadPlan {
  if (parent === null) {
    const fromSource = action.kind === "relationMutate" || action.kind === "routine";
    const root = fromSource
      ? { ...node, from: { schema: "", name: SOURCE_CTE }, fromAlias: node.from.name }
      : node;
    return { ...root, children: root.children.map((c) => addRels(schema, action, catalog, root, c)) };
  }
  const origin = node.depth === 1 ? (parent.fromAlias ?? parent.from.name) : parent.from.name;
  const rel = findRel(catalog, schema, origin, node.relName, node.relHint);
  const newAlias = `${rel.foreignTable.name}_${node.depth}`;
  const aggAlias = `${rel.table.name}_${node.relAlias ?? node.relName}_${node.depth}`;
  const spread = node.relSpread !== null && !relIsToOne(rel)
    ? { kind: "toMany" as const, extraSelect: [], order: [] }
    : node.relSpread;
  let updated: ReadPlan;
  if (rel.kind === "fk" && rel.cardinality.kind === "m2m") {
    updated = {
      ...node,
      from: rel.foreignTable,
      relToParent: rel,
      relAggAlias: aggAlias,
      relJoinConds: joinConditions(null, parent.fromAlias, rel),
      relSpread: spread,
    };
  } else if (rel.kind === "computed") {
    const tableAlias = parent.fromAlias === null ? rel.table : { schema: "", name: parent.fromAlias };
    updated = {
      ...node,
      from: rel.foreignTable,
      relToParent: { ...rel, tableAlias },
      relAggAlias: aggAlias,
      fromAlias: newAlias,
      relSpread: spread,
    };
  } else {
    updated = {
      ...node,
      from: rel.foreignTable,
      relToParent: rel,
      relAggAlias: aggAlias,
      fromAlias: newAlias,
      relJoinConds: joinConditions(newAlias, parent.fromAlias, rel),
      relSpread: spread,
    };
  }
  return { ...updated, children: updated.children.map((c) => addRels(schema, action, catalog, updated, c)) };
}

// ---------------------------------------------------------------- stages after addRels

/** `order=rel(col)` must name an embedded to-one relation; it then orders by its aggregate alias. */
export function addRelatedOrders(plan: ReadPlan): ReadPlan {
  const order = plan.order.map((term): CoercibleOrderTerm => {
    if (term.kind === "field") return term;
    const found = plan.children.find((c) => (c.relAlias ?? c.relName) === term.relation);
    if (!found) throw Errors.notEmbedded(term.relation);
    if (found.relToParent !== null && relIsToOne(found.relToParent)) {
      return { ...term, relation: found.relAggAlias };
    }
    throw Errors.relatedOrderNotToOne(plan.from.name, found.relAlias ?? found.relName);
  });
  return { ...plan, order, children: plan.children.map(addRelatedOrders) };
}

/** `rel=is.null` / `rel=not.is.null` on an embedded resource become (anti-)join filters. */
export function addNullEmbedFilters(plan: ReadPlan): ReadPlan {
  const convert = (tree: CoercibleLogicTree): CoercibleLogicTree => {
    if (tree.kind === "expr") return { ...tree, children: tree.children.map(convert) };
    const f = tree.filter;
    if (f.kind !== "filter" || f.field.jsonPath.length > 0) return tree;
    const found = plan.children.find((c) => (c.relAlias ?? c.relName) === f.field.name);
    const op = f.opExpr;
    if (found && op.kind === "op" && op.operation.kind === "is" && op.operation.value === "null") {
      return {
        kind: "stmt",
        filter: { kind: "nullEmbed", negated: op.negated, relation: found.relAggAlias },
      };
    }
    return tree;
  };
  return { ...plan, where: plan.where.map(convert), children: plan.children.map(addNullEmbedFilters) };
}

export function addRelSelects(plan: ReadPlan): ReadPlan {
  if (plan.children.length === 0) return plan;
  const children = plan.children.map(addRelSelects);
  return { ...plan, relSelect: children.flatMap(relSelectField), children };
}

function relSelectField(node: ReadPlan): RelSelectField[] {
  if (node.relToParent === null) return [];
  if (node.relSpread !== null) {
    return [{ kind: "spread", fields: spreadSelectFields(node), aggAlias: node.relAggAlias }];
  }
  const onlyEmpty = (n: ReadPlan): boolean => n.select.length === 0 && n.children.every(onlyEmpty);
  return [{
    kind: "json",
    name: node.relAlias ?? node.relName,
    aggAlias: node.relAggAlias,
    mode: relIsToOne(node.relToParent) ? "object" : "array",
    empty: onlyEmpty(node),
  }];
}

function spreadSelectFields(node: ReadPlan): SpreadSelectField[] {
  const plain = (name: string): SpreadSelectField => ({
    name,
    aggregate: null,
    aggregateCast: null,
    alias: null,
  });
  return [
    ...node.select.map((s) => plain(s.alias ?? s.field.name)),
    ...node.relSelect.flatMap((r) => r.kind === "json" ? [plain(r.name)] : r.fields),
  ];
}

type HoistedAgg = {
  readonly key: readonly [string, string];
  readonly agg: Pick<CoercibleSelectField, "aggregate" | "aggregateCast" | "alias">;
};

/** Aggregates inside to-one spreads are computed at the nearest embedding (or root) level. */
export function hoistSpreadAggFunctions(plan: ReadPlan): ReadPlan {
  return hoistNode(plan)[0];
}

function hoistNode(plan: ReadPlan): [ReadPlan, HoistedAgg[]] {
  const results = plan.children.map(hoistNode);
  const children = results.map((r) => r[0]);
  const childAggs = results.flatMap((r) => r[1]);
  const isToOneSpread = plan.relSpread?.kind === "toOne";
  let select = plan.select;
  let aggs: HoistedAgg[] = [];
  if (!(plan.depth === 0 || (plan.relToParent !== null && !isToOneSpread))) {
    select = plan.select.map((s) => {
      if (s.aggregate === null) return s;
      aggs.push({
        key: [plan.relAggAlias, s.alias ?? s.field.name],
        agg: { aggregate: s.aggregate, aggregateCast: s.aggregateCast, alias: s.alias },
      });
      return { ...s, aggregate: null, aggregateCast: null };
    });
  }
  if (isToOneSpread) {
    aggs = [...aggs, ...childAggs.map((a) => ({ ...a, key: [plan.relAggAlias, a.key[1]] as const }))];
  }
  const relSelect = children.length === 0 || isToOneSpread ? plan.relSelect : plan.relSelect.map((r) => {
    if (r.kind !== "spread") return r;
    return {
      ...r,
      fields: r.fields.map((f) => {
        const h = childAggs.find((a) => a.key[0] === r.aggAlias && a.key[1] === f.name);
        return h
          ? { ...f, aggregate: h.agg.aggregate, aggregateCast: h.agg.aggregateCast, alias: h.agg.alias }
          : f;
      }),
    };
  });
  return [{ ...plan, select, relSelect, children }, aggs];
}

/** To-many spreads: ordering moves into the spread's aggregation (selected with unique aliases). */
export function addToManyOrderSelects(plan: ReadPlan): ReadPlan {
  if (plan.relSpread?.kind !== "toMany") {
    return { ...plan, children: plan.children.map(addToManyOrderSelects) };
  }
  const aggInSelect = plan.select.some((s) => s.aggregate !== null) ||
    plan.relSelect.some((r) => r.kind === "spread" && r.fields.some((f) => f.aggregate !== null));
  if (aggInSelect) {
    throw Errors.notImplemented("Aggregates are not implemented for one-to-many or many-to-many spreads.");
  }
  const alias = (name: string, i: number) => `${plan.relAggAlias}_${name}_${i}`;
  const extraSelect = plan.order.map((o, i): readonly [string | null, CoercibleSelectField] => {
    const name = o.kind === "field" ? o.field.name : o.field.name;
    const field = o.kind === "field" ? o.field : unknownField(o.field.name, o.field.jsonPath);
    return [o.kind === "relation" ? o.relation : null, {
      field,
      aggregate: null,
      aggregateCast: null,
      cast: null,
      alias: alias(name, i + 1),
    }];
  });
  const order = plan.order.map((o, i): CoercibleOrderTerm => ({
    kind: "field",
    field: unknownField(alias(o.field.name, i + 1)),
    direction: o.direction,
    nulls: o.nulls,
  }));
  return {
    ...plan,
    order: [],
    relSpread: { kind: "toMany", extraSelect, order },
    children: plan.children.map(addToManyOrderSelects),
  };
}
