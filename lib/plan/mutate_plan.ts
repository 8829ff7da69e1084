/**
 * The write plan (PostgREST's `MutatePlan` and `Plan.mutatePlan`): what an INSERT, UPDATE or
 * DELETE writes, where, and which columns it must RETURN for the representation read back from
 * `pgrst_source`.
 *
 * Input: the mutation, the relation, the request, the catalog and the read plan of the
 * representation (already planned, embeds resolved). Output: a `MutatePlan`. Pure.
 *
 * - Columns come from `columns=` or the payload's keys and must exist (400 PGRST204); each gets
 *   its json → domain representation parser, if any (`withJsonParse`).
 * - POST ignores root filters; PATCH and DELETE use them (and root logic trees) as WHERE.
 * - PUT must filter with `eq` on all and only the primary key columns (else 405 PGRST105); the
 *   filters then check the body row, so a body that disagrees with the URL inserts nothing
 *   (400 PGRST115 after the statement).
 */
import type { Catalog, QualifiedIdentifier, Relationship, Table } from "../catalog/types.ts";
import { Errors } from "../errors.ts";
import type { ApiRequest, Filter, Mutation, Preferences } from "../request/types.ts";
import {
  columnField,
  findTable,
  resolveFilter,
  resolveLogicTree,
  type ResolverContext,
  withJsonParse,
} from "./resolve.ts";
import type { CoercibleField, CoercibleLogicTree, ReadPlan } from "./types.ts";

export type Resolution = NonNullable<Preferences["resolution"]>;

export interface OnConflict {
  readonly resolution: Resolution;
  /** The conflict target: `on_conflict=` columns, or the primary key. Empty = no ON CONFLICT. */
  readonly columns: readonly string[];
}

export interface InsertPlan {
  readonly kind: "insert";
  readonly into: QualifiedIdentifier;
  readonly columns: readonly CoercibleField[];
  /** The JSON body, sent as one parameter (bytes: UTF-8 text as it came). */
  readonly body: string | Uint8Array | null;
  readonly onConflict: OnConflict | null;
  /** PUT only: the URL's primary-key filters, checked against the body row (`pgrst_body`). */
  readonly where: readonly CoercibleLogicTree[];
  /** Columns of the RETURNING clause (`*` for all); empty = `RETURNING 1`. */
  readonly returning: readonly string[];
  /** Primary key columns, for the Location header (empty for PUT). */
  readonly pkColumns: readonly string[];
  /** `Prefer: missing=default`: absent keys take the column's DEFAULT. */
  readonly applyDefaults: boolean;
}

export interface UpdatePlan {
  readonly kind: "update";
  readonly table: QualifiedIdentifier;
  readonly columns: readonly CoercibleField[];
  readonly body: string | Uint8Array | null;
  readonly where: readonly CoercibleLogicTree[];
  readonly returning: readonly string[];
  readonly applyDefaults: boolean;
}

export interface DeletePlan {
  readonly kind: "delete";
  readonly table: QualifiedIdentifier;
  readonly where: readonly CoercibleLogicTree[];
  readonly returning: readonly string[];
}

export type MutatePlan = InsertPlan | UpdatePlan | DeletePlan;

/** Sorted by code point, as PostgREST's `Set Text` lists them. */
function sortedText(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/** A column of the table with its JSON parser, or 400 PGRST204 (`resolveOrError`). */
function resolveOrError(ctx: ResolverContext, table: Table, name: string): CoercibleField {
  const field = columnField(table, name);
  if (field === null) throw Errors.columnNotFound(table.name, name);
  // Generated columns have no default to apply: their expression is not a value.
  const generated = table.columnsByName.get(name)?.generated ?? false;
  return withJsonParse(ctx, generated ? { ...field, default: null } : field);
}

/** `id=eq.1`: no negation, no quantifier. */
function isPlainEq(f: Filter): boolean {
  const e = f.opExpr;
  return e.kind === "op" && !e.negated && e.operation.kind === "quant" && e.operation.op === "eq" &&
    e.operation.quantifier === null;
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === new Set(b).size && b.every((x) => a.has(x));
}

/** The columns on the root's side of each embed's relationship; `null` = a computed one (all). */
function embedColumns(rel: Relationship | null): readonly string[] | null {
  if (rel === null) return [];
  if (rel.kind === "computed") return null;
  const c = rel.cardinality;
  return c.kind === "m2m" ? c.junction.sourceColumns.map(([col]) => col) : c.columns.map(([col]) => col);
}

/**
 * The columns a write must return so that the representation (`select=` and its embeds) can be
 * read from `pgrst_source` (PostgREST's `inferColsEmbedNeeds`): the selected columns, the
 * columns each embed joins on and the primary key (for Location); `*` when `*` is selected or a
 * computed relationship is embedded.
 */
export function inferColsEmbedNeeds(plan: ReadPlan, pkColumns: readonly string[]): string[] {
  const names = plan.select.map((s) => s.field.name);
  if (names.includes("*")) return ["*"];
  const joinCols: string[] = [];
  for (const child of plan.children) {
    const cols = embedColumns(child.relToParent);
    if (cols === null) return ["*"];
    joinCols.push(...cols);
  }
  return sortedText([...names, ...joinCols, ...pkColumns]);
}

export function planMutate(
  mutation: Mutation,
  qi: QualifiedIdentifier,
  req: ApiRequest,
  catalog: Catalog,
  readPlan: ReadPlan,
): MutatePlan {
  const table = findTable(catalog, qi);
  if (!table) throw Errors.tableNotFound(qi.schema, qi.name, null);
  const ctx: ResolverContext = { catalog, qi, outputType: "json" };
  const prefs = req.preferences;
  const query = req.query;
  const pk = table.pk;
  const representation = prefs.representation;
  const returning = representation === null || representation === "minimal"
    ? []
    : inferColsEmbedNeeds(readPlan, pk);
  const body = payloadBody(req);
  const applyDefaults = prefs.missing === "default";
  const typedColumns = () => sortedText(req.columns).map((c) => resolveOrError(ctx, table, c));
  // Root filters first (in order), then root logic trees.
  const where = (): CoercibleLogicTree[] => [
    ...query.filtersRoot.map((f): CoercibleLogicTree => ({ kind: "stmt", filter: resolveFilter(ctx, f) })),
    ...query.logic.filter(([path]) => path.length === 0).map(([, t]) => resolveLogicTree(ctx, t)),
  ];

  switch (mutation) {
    case "create": {
      const columns = typedColumns();
      return {
        kind: "insert",
        into: qi,
        columns,
        body,
        onConflict: prefs.resolution === null
          ? null
          : { resolution: prefs.resolution, columns: query.onConflict ?? pk },
        where: [],
        returning,
        pkColumns: pk,
        applyDefaults,
      };
    }
    case "update":
      return {
        kind: "update",
        table: qi,
        columns: typedColumns(),
        body,
        where: where(),
        returning,
        applyDefaults,
      };
    case "singleUpsert": {
      const valid = query.logic.length === 0 && pk.length > 0 && sameSet(query.filterFields, pk) &&
        query.filtersRoot.every(isPlainEq);
      if (!valid) throw Errors.invalidFilters();
      return {
        kind: "insert",
        into: qi,
        columns: typedColumns(),
        body,
        onConflict: { resolution: "merge-duplicates", columns: pk },
        where: where(),
        returning,
        pkColumns: [],
        applyDefaults: false,
      };
    }
    case "delete":
      return { kind: "delete", table: qi, where: where(), returning };
  }
}

/** The JSON text of the body (ApiRequest has validated it, or `columns=` forwards it as is). */
function payloadBody(req: ApiRequest): string | Uint8Array | null {
  const p = req.payload;
  if (p === null) return null;
  switch (p.kind) {
    case "json":
    case "rawJson":
      return p.raw;
    case "urlEncoded":
      return JSON.stringify(Object.fromEntries(p.pairs));
    case "raw":
      return new TextDecoder().decode(p.raw);
  }
}
