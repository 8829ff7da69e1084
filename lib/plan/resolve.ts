/**
 * Field resolution: turns a name (plus JSON path) into a `CoercibleField` that knows the
 * column's type and, through data representations, the function that formats or parses it.
 * PostgREST's `ResolverContext` functions.
 */
import { type Catalog, qiKey, type QualifiedIdentifier, type Table } from "../catalog/types.ts";
import type { Field, Filter, LogicTree, OpExpr, OrderTerm } from "../request/types.ts";
import type { CoercibleField, CoercibleFilter, CoercibleLogicTree, CoercibleOrderTerm } from "./types.ts";
import { unknownField } from "./types.ts";

export interface ResolverContext {
  readonly catalog: Catalog;
  /** The relation being resolved against; changes as the planner recurses into embeds. */
  readonly qi: QualifiedIdentifier;
  /** Output format for data representations ("json"). */
  readonly outputType: string;
}

const representationIndex = new WeakMap<Catalog, Map<string, QualifiedIdentifier>>();

function representationFunction(
  catalog: Catalog,
  source: string,
  target: string,
): QualifiedIdentifier | null {
  if (catalog.representations.length === 0) return null;
  let index = representationIndex.get(catalog);
  if (!index) {
    index = new Map(catalog.representations.map((r) => [`${r.sourceType}\u0000${r.targetType}`, r.function]));
    representationIndex.set(catalog, index);
  }
  return index.get(`${source}\u0000${target}`) ?? null;
}

export function findTable(catalog: Catalog, qi: QualifiedIdentifier): Table | undefined {
  return catalog.tables.get(qiKey(qi.schema, qi.name));
}

export function columnField(table: Table, name: string, toTsVector: CoercibleField["toTsVector"] = null) {
  const col = table.columnsByName.get(name);
  if (!col) return null;
  const field: CoercibleField = {
    ...unknownField(col.name),
    toTsVector,
    irType: col.nominalType,
    baseType: col.type,
    default: col.default,
  };
  return field;
}

/** Resolves a field of the context's relation; unknown names stay untyped (PostgreSQL decides). */
export function resolveTypeOrUnknown(
  ctx: ResolverContext,
  field: Field,
  toTsVector: CoercibleField["toTsVector"],
): CoercibleField {
  const table = findTable(ctx.catalog, ctx.qi);
  // Unknown names (computed fields, or no table at all) are never wrapped in to_tsvector():
  // PostgreSQL decides whether `@@` applies, as it does for a tsvector-returning function.
  const res = (table && columnField(table, field.name, toTsVector)) ?? unknownField(field.name);
  // json/jsonb take arrows natively (so their indexes apply); tsvector is not wrapped in
  // to_tsvector; any other type gets `to_jsonb(col)->…` for arrow paths.
  if (res.irType === "json" || res.irType === "jsonb") {
    return { ...res, jsonPath: field.jsonPath, toJson: false };
  }
  if (res.baseType === "tsvector") {
    return { ...res, jsonPath: field.jsonPath, toJson: true, toTsVector: null };
  }
  return { ...res, jsonPath: field.jsonPath, toJson: true };
}

function withTransformer(ctx: ResolverContext, source: string, target: string, field: CoercibleField) {
  const fn = representationFunction(ctx.catalog, source, target);
  return fn ? { ...field, irType: source, transform: fn } : field;
}

/** Output format: the column's type → json, when a representation exists. */
export function withOutputFormat(ctx: ResolverContext, field: CoercibleField): CoercibleField {
  return withTransformer(ctx, field.irType, ctx.outputType, field);
}

/** Filter values: text → the column's type. */
export function withTextParse(ctx: ResolverContext, field: CoercibleField): CoercibleField {
  return withTransformer(ctx, "text", field.irType, field);
}

/** Request bodies: json → the column's type. */
export function withJsonParse(ctx: ResolverContext, field: CoercibleField): CoercibleField {
  return withTransformer(ctx, "json", field.irType, field);
}

export function resolveOutputField(ctx: ResolverContext, field: Field): CoercibleField {
  return withOutputFormat(ctx, resolveTypeOrUnknown(ctx, field, null));
}

export function resolveQueryInputField(ctx: ResolverContext, field: Field, opExpr: OpExpr): CoercibleField {
  const toTsVector = opExpr.kind === "op" && opExpr.operation.kind === "fts"
    ? { language: opExpr.operation.language }
    : null;
  return withTextParse(ctx, resolveTypeOrUnknown(ctx, field, toTsVector));
}

export function resolveFilter(ctx: ResolverContext, filter: Filter): CoercibleFilter {
  return {
    kind: "filter",
    field: resolveQueryInputField(ctx, filter.field, filter.opExpr),
    opExpr: filter.opExpr,
  };
}

export function resolveLogicTree(ctx: ResolverContext, tree: LogicTree): CoercibleLogicTree {
  return tree.kind === "stmt" ? { kind: "stmt", filter: resolveFilter(ctx, tree.filter) } : {
    kind: "expr",
    negated: tree.negated,
    operator: tree.operator,
    children: tree.children.map((t) => resolveLogicTree(ctx, t)),
  };
}

export function resolveOrder(ctx: ResolverContext, term: OrderTerm): CoercibleOrderTerm {
  return term.relation === null
    ? {
      kind: "field",
      field: resolveTypeOrUnknown(ctx, term.field, null),
      direction: term.direction,
      nulls: term.nulls,
    }
    : {
      kind: "relation",
      relation: term.relation,
      field: term.field,
      direction: term.direction,
      nulls: term.nulls,
    };
}
