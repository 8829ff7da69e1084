/**
 * The read plan: `select=`, filters, logic trees, order and ranges of an `ApiRequest` resolved
 * into a tree of `ReadPlan`s (one node per embedded resource), in PostgREST's stages:
 *
 *   init → filters → orders → ranges → logic → rels (embed.ts) → stars → aliases →
 *   related orders → null-embed filters → rel selects → aggregates → spreads → max-rows
 *
 * Input: the request, the catalog, the config. Output: the root `ReadPlan`. Pure.
 */
import type { QualifiedIdentifier } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import type { Action, ApiRequest, EmbedPath, Range, SelectItem } from "../request/types.ts";
import { ALL_ROWS } from "../request/types.ts";
import {
  addNullEmbedFilters,
  addRelatedOrders,
  addRels,
  addRelSelects,
  addToManyOrderSelects,
  hoistSpreadAggFunctions,
  legacyTargetWarning,
} from "./embed.ts";
import {
  findTable,
  resolveFilter,
  resolveLogicTree,
  resolveOrder,
  resolveOutputField,
  type ResolverContext,
  withOutputFormat,
} from "./resolve.ts";
import type { CoercibleLogicTree, CoercibleSelectField, ReadPlan } from "./types.ts";
import { columnField } from "./resolve.ts";

export const SOURCE_CTE = "pgrst_source";

export function emptyReadPlan(from: QualifiedIdentifier, relName: string, depth: number): ReadPlan {
  return {
    select: [],
    from,
    fromAlias: null,
    where: [],
    order: [],
    range: ALL_ROWS,
    relName,
    relToParent: null,
    relJoinConds: [],
    relAlias: null,
    relAggAlias: "",
    relHint: null,
    relJoinType: null,
    relSpread: null,
    relSelect: [],
    depth,
    relIsLegacyTargetNameMatch: false,
    children: [],
  };
}

/** Builds the read tree for `qi` (a table, or the relation an RPC returns). */
export function planRead(
  qi: QualifiedIdentifier,
  config: AppConfig,
  catalog: ApiCatalog,
  req: ApiRequest,
): ReadPlan {
  const ctx: ResolverContext = { catalog, qi, outputType: "json" };
  const legacy = config.urlUseLegacyTargetNames;
  let plan = initReadRequest(ctx, req.query.select);
  plan = addFilters(ctx, req, legacy, plan);
  plan = addOrders(ctx, req, legacy, plan);
  plan = addRanges(req, legacy, plan);
  plan = addLogicTrees(ctx, req, legacy, plan);
  plan = addRels(qi.schema, req.action, catalog, null, plan);
  plan = expandStars(ctx, false, plan);
  plan = addAliases(plan);
  plan = addRelatedOrders(plan);
  plan = addNullEmbedFilters(plan);
  plan = addRelSelects(plan);
  validateAggFunctions(config.dbAggregatesEnabled, plan);
  plan = hoistSpreadAggFunctions(plan);
  plan = addToManyOrderSelects(plan);
  return treeRestrictRange(config.dbMaxRows, req.action, plan);
}

type ApiCatalog = ResolverContext["catalog"];

function initReadRequest(ctx: ResolverContext, select: readonly SelectItem[]): ReadPlan {
  const build = (node: ReadPlan, items: readonly SelectItem[]): ReadPlan => {
    const fields: CoercibleSelectField[] = [];
    const children: ReadPlan[] = [];
    for (const item of items) {
      if (item.kind === "field") {
        fields.push({
          field: resolveOutputField({ ...ctx, qi: node.from }, item.field),
          aggregate: item.aggregate,
          aggregateCast: item.aggregateCast,
          cast: item.cast,
          alias: item.alias,
        });
      } else {
        const child: ReadPlan = {
          ...emptyReadPlan({ schema: ctx.qi.schema, name: item.relation }, item.relation, node.depth + 1),
          relAlias: item.kind === "relation" ? item.alias : null,
          relHint: item.hint,
          relJoinType: item.joinType,
          relSpread: item.kind === "spread" ? { kind: "toOne" } : null,
        };
        children.push(build(child, item.children));
      }
    }
    return { ...node, select: fields, children };
  };
  return build(emptyReadPlan(ctx.qi, ctx.qi.name, 0), select);
}

/** Applies `f` to the node at `path` (embedded names, or aliases), with PostgREST's errors. */
export function updateNode(
  legacy: boolean,
  path: EmbedPath,
  node: ReadPlan,
  f: (n: ReadPlan) => ReadPlan,
): ReadPlan {
  if (path.length === 0) return f(node);
  const [target, ...rest] = path;
  const matches = (n: ReadPlan, isLegacy: boolean) =>
    isLegacy ? n.relName === target || n.relAlias === target : (n.relAlias ?? n.relName) === target;
  const found = node.children.find((n) => matches(n, legacy));
  if (!found) {
    const legacyUse = legacy ? undefined : node.children.find((n) => matches(n, true));
    const warning = legacyUse ? legacyTargetWarning(markLegacy(legacyUse, target)) : null;
    throw Errors.notEmbedded(target, warning ?? undefined);
  }
  const updated = updateNode(legacy, rest, markLegacy(found, target), f);
  // As in PostgREST, the updated node moves to the front of its siblings (so its JSON key does).
  return { ...node, children: [updated, ...node.children.filter((n) => n !== found)] };
}

function markLegacy(n: ReadPlan, target: string): ReadPlan {
  return n.relName === target && n.relAlias !== null && n.relAlias !== target
    ? { ...n, relIsLegacyTargetNameMatch: true }
    : n;
}

function isRead(action: Action): boolean {
  return action.kind === "relationRead" || action.kind === "routine";
}

function addFilters(ctx: ResolverContext, req: ApiRequest, legacy: boolean, plan: ReadPlan): ReadPlan {
  const filters = isRead(req.action) ? req.query.filters : req.query.filtersNotRoot;
  // Applied in reverse so that, as in PostgREST's foldr, the first filter ends up first.
  for (const [path, filter] of filters.toReversed()) {
    plan = updateNode(legacy, path, plan, (n) => ({
      ...n,
      where: addFilterToLogicForest(
        { kind: "stmt", filter: resolveFilter({ ...ctx, qi: n.from }, filter) },
        n.where,
      ),
    }));
  }
  return plan;
}

/**
 * Each filter is prepended (PostgREST's `addFilterToLogicForest`); logic trees, added later, are
 * prepended too, so a node's WHERE lists its logic trees first, then its filters, each in order.
 */
function addFilterToLogicForest(f: CoercibleLogicTree, forest: readonly CoercibleLogicTree[]) {
  return [f, ...forest];
}

function addOrders(ctx: ResolverContext, req: ApiRequest, legacy: boolean, plan: ReadPlan): ReadPlan {
  for (const [path, terms] of req.query.order.toReversed()) {
    plan = updateNode(legacy, path, plan, (n) => ({
      ...n,
      order: terms.map((t) => resolveOrder({ ...ctx, qi: n.from }, t)),
    }));
  }
  return plan;
}

function addRanges(req: ApiRequest, legacy: boolean, plan: ReadPlan): ReadPlan {
  if (req.action.kind === "relationMutate") return plan;
  for (const [key, range] of [...req.query.ranges].toReversed()) {
    if (key === "") continue;
    plan = updateNode(legacy, key.split("."), plan, (n) => ({ ...n, range }));
  }
  return { ...plan, range: req.topLevelRange };
}

function addLogicTrees(ctx: ResolverContext, req: ApiRequest, legacy: boolean, plan: ReadPlan): ReadPlan {
  const trees = isRead(req.action) ? req.query.logic : req.query.logic.filter(([path]) => path.length > 0);
  for (const [path, tree] of trees.toReversed()) {
    plan = updateNode(legacy, path, plan, (n) => ({
      ...n,
      where: [resolveLogicTree({ ...ctx, qi: n.from }, tree), ...n.where],
    }));
  }
  return plan;
}

/**
 * Expands `*` into the table's columns when the table has data representations (so each column is
 * formatted), or when aggregates are involved (so grouping works), or in to-many spreads.
 */
function expandStars(ctx: ResolverContext, parentHasAgg: boolean, plan: ReadPlan): ReadPlan {
  const hasAgg = parentHasAgg || plan.select.some((s) => s.aggregate !== null) ||
    plan.relSpread?.kind === "toMany";
  const qi = plan.from.schema === "" && plan.from.name === SOURCE_CTE && plan.fromAlias !== null
    ? { schema: ctx.qi.schema, name: plan.fromAlias }
    : plan.from;
  const local = { ...ctx, qi };
  const table = findTable(ctx.catalog, qi);
  const columns = table?.columns ?? [];
  const isSpread = plan.relSpread !== null;
  const candidates = plan.select.filter((s) => s.aggregate === null || (isSpread && s.aggregate === "count"));
  const hasStar = candidates.some((s) => s.field.name === "*");
  const hasRepresentation = columns.some((c) =>
    withOutputFormat(local, columnField(table!, c.name)!).transform !== null
  );
  let select = plan.select;
  if (hasStar && (hasAgg || hasRepresentation)) {
    select = plan.select.flatMap((s) => {
      if (s.field.name === "*" && s.field.jsonPath.length === 0 && s.aggregate === null) {
        return columns.map((c) => ({ ...s, field: withOutputFormat(local, columnField(table!, c.name)!) }));
      }
      if (isSpread && s.field.name === "*" && s.field.jsonPath.length === 0 && s.aggregate === "count") {
        return [{ ...s, field: { ...s.field, fullRow: true } }];
      }
      return [s];
    });
  }
  return { ...plan, select, children: plan.children.map((c) => expandStars(ctx, hasAgg, c)) };
}

/**
 * Automatic aliases: JSON paths are named after their last key (or the column for pure index
 * paths), represented columns keep their name, aggregates in spreads are named after the function.
 */
function addAliases(plan: ReadPlan): ReadPlan {
  const isSpread = plan.relSpread !== null;
  const select = plan.select.map((s): CoercibleSelectField => {
    if (s.alias !== null) return s;
    if (s.aggregate !== null) return isSpread ? { ...s, alias: s.aggregate } : s;
    const path = s.field.jsonPath;
    if (path.length > 0) {
      const last = path[path.length - 1].operand;
      if (last.kind === "key") return { ...s, alias: last.value };
      const lastKey = path.toReversed().find((op) => op.operand.kind === "key");
      return { ...s, alias: lastKey?.operand.value ?? s.field.name };
    }
    if (s.field.transform !== null) return { ...s, alias: s.field.name };
    return s;
  });
  return { ...plan, select, children: plan.children.map(addAliases) };
}

function validateAggFunctions(allowed: boolean, plan: ReadPlan): void {
  if (!allowed && plan.select.some((s) => s.aggregate !== null)) throw Errors.aggregatesNotAllowed();
  plan.children.forEach((c) => validateAggFunctions(allowed, c));
}

/** `db-max-rows` caps every node of reads and calls (not the representation of writes). */
function treeRestrictRange(maxRows: number | null, action: Action, plan: ReadPlan): ReadPlan {
  if (maxRows === null || action.kind === "relationMutate") return plan;
  const restrict = (n: ReadPlan): ReadPlan => ({
    ...n,
    range: restrictRange(maxRows, n.range),
    children: n.children.map(restrict),
  });
  return restrict(plan);
}

export function restrictRange(maxRows: number | null, r: Range): Range {
  if (maxRows === null) return r;
  const cap = r.offset + maxRows - 1;
  return { offset: r.offset, upper: r.upper === null ? cap : Math.min(r.upper, cap) };
}

/** Whether the select is the default `*` with no embeds (custom handlers then apply). */
export function hasDefaultSelect(plan: ReadPlan): boolean {
  return plan.children.length === 0 && plan.select.length === 1 && plan.select[0].field.name === "*";
}
