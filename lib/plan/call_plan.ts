/**
 * Function calls (`/rpc/f`): choosing the overload from the argument names (PostgREST's
 * `findProc`, with its PGRST202/PGRST203 errors), the arguments (named from a JSON body, or
 * direct from the query string / a form body, with variadic repetition) and the `CallPlan`.
 */
import { noRpcHint } from "../catalog/fuzzy.ts";
import { compareText } from "../catalog/relationships.ts";
import type { Catalog, Routine, RoutineParam } from "../catalog/types.ts";
import { qiKey } from "../catalog/types.ts";
import { Errors } from "../errors.ts";
import type { MediaType } from "../request/types.ts";
import type { CoercibleLogicTree, ReadPlan } from "./types.ts";

/** A direct argument: `?v=1`, or repeated `?v=1&v=2` for a variadic parameter. */
export type RpcParamValue = { readonly kind: "fixed"; readonly value: string } | {
  readonly kind: "variadic";
  readonly values: readonly string[];
};

export type CallArgs =
  | { readonly kind: "direct"; readonly args: ReadonlyMap<string, RpcParamValue> }
  /** The JSON body (its UTF-8 bytes), passed to PostgreSQL as one parameter (`null` = no body). */
  | { readonly kind: "json"; readonly raw: Uint8Array | null }
  /** A raw body for a single unnamed text/xml/bytea parameter. */
  | { readonly kind: "raw"; readonly raw: Uint8Array };

export type CallParams =
  /** `f(a := …, b := …)` */
  | { readonly kind: "keyParams"; readonly params: readonly RoutineParam[] }
  /** `f(…)` with the single unnamed parameter */
  | { readonly kind: "onePosParam"; readonly param: RoutineParam };

export interface CallPlan {
  readonly routine: Routine;
  readonly params: CallParams;
  readonly args: CallArgs;
  readonly scalar: boolean;
  readonly setOfScalar: boolean;
  /** Columns filtered on (they must be selected from the function's result). */
  readonly filterFields: ReadonlySet<string>;
  /** Columns the representation needs (`*` or the selected and embed-join columns). */
  readonly returning: ReadonlySet<string>;
}

const SINGLE_PARAM_TYPES: Partial<Record<MediaType["kind"], string>> = {
  json: "json",
  text: "text",
  xml: "xml",
  octet: "bytea",
};

function hasSingleUnnamedParam(r: Routine, contentType: MediaType, isInvPost: boolean): boolean {
  if (!isInvPost || r.params.length !== 1 || r.params[0].name !== "") return false;
  const t = r.params[0].type;
  if (contentType.kind === "json") return t === "json" || t === "jsonb";
  return SINGLE_PARAM_TYPES[contentType.kind] === t;
}

function matchesParams(
  r: Routine,
  keys: ReadonlySet<string>,
  contentType: MediaType,
  isInvPost: boolean,
): boolean {
  if (r.params.length === 0) {
    return keys.size === 0 &&
      !(isInvPost &&
        (contentType.kind === "octet" || contentType.kind === "text" || contentType.kind === "xml"));
  }
  const required = new Set(r.params.filter((p) => p.required).map((p) => p.name));
  const optional = new Set(r.params.filter((p) => !p.required).map((p) => p.name));
  const rest = [...keys].filter((k) => !optional.has(k));
  return rest.length === required.size && rest.every((k) => required.has(k));
}

/** The overload to call, or PGRST202 (not found, with hints) / PGRST203 (ambiguous). */
export function findProc(
  catalog: Catalog,
  schema: string,
  name: string,
  argumentKeys: ReadonlySet<string>,
  contentType: MediaType,
  isInvPost: boolean,
): Routine {
  const overloads = catalog.routines.get(qiKey(schema, name)) ?? [];
  const matching = overloads.filter((r) => matchesParams(r, argumentKeys, contentType, isInvPost));
  const fallback = overloads.filter((r) =>
    !matchesParams(r, argumentKeys, contentType, isInvPost) &&
    hasSingleUnnamedParam(r, contentType, isInvPost)
  );
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) throw ambiguous(matching);
  if (fallback.length === 1) return fallback[0];
  if (fallback.length > 1) throw ambiguous(fallback);
  // Like PostgREST's `S.toList` of the argument set: in code point order.
  const keys = [...argumentKeys].sort(compareText);
  throw noRpc(catalog, schema, name, keys, contentType, isInvPost, overloads);
}

function ambiguous(procs: readonly Routine[]) {
  const sigs = procs.map((p) =>
    `${p.schema}.${p.name}(${p.params.map((a) => `${a.name} => ${a.type}`).join(", ")})`
  );
  return Errors.ambiguousRpc(`Could not choose the best candidate function between: ${sigs.join(", ")}`);
}

function noRpc(
  catalog: Catalog,
  schema: string,
  name: string,
  keys: readonly string[],
  contentType: MediaType,
  isInvPost: boolean,
  overloads: readonly Routine[],
) {
  const func = `${schema}.${name}`;
  const onlySingle = isInvPost && (contentType.kind === "text" || contentType.kind === "xml" ||
    contentType.kind === "octet");
  const fmtPrms = (p: string) => keys.length === 0 ? " without parameters" : p;
  const message = `Could not find the function ${func}${
    onlySingle ? "" : fmtPrms(`(${keys.join(", ")})`)
  } in the schema cache`;
  const prmsDet = ` with parameter${keys.length > 1 ? "s " : " "}${keys.join(", ")}`;
  let detail: string;
  if (isInvPost && contentType.kind === "text") detail = " with a single unnamed text parameter";
  else if (isInvPost && contentType.kind === "xml") detail = " with a single unnamed xml parameter";
  else if (isInvPost && contentType.kind === "octet") detail = " with a single unnamed bytea parameter";
  else if (isInvPost && contentType.kind === "json") {
    detail = `${fmtPrms(prmsDet)} or with a single unnamed json/jsonb parameter`;
  } else detail = fmtPrms(prmsDet);
  const details =
    `Searched for the function ${func}${detail}, but no matches were found in the schema cache.`;
  const hint = onlySingle ? null : noRpcHint(catalog, schema, name, keys, overloads);
  return Errors.noRpc(message, details, hint);
}

/** Query-string (or form) arguments: repeated keys feed variadic parameters, otherwise the last wins. */
export function toRpcParams(
  r: Routine,
  pairs: readonly (readonly [string, string])[],
): Map<string, RpcParamValue> {
  const out = new Map<string, RpcParamValue>();
  const variadic = new Set(r.params.filter((p) => p.variadic).map((p) => p.name));
  for (const [k, v] of pairs) {
    if (r.hasVariadic && variadic.has(k)) {
      const prev = out.get(k);
      out.set(k, { kind: "variadic", values: prev?.kind === "variadic" ? [...prev.values, v] : [v] });
    } else {
      out.set(k, { kind: "fixed", value: v });
    }
  }
  return out;
}

/** Names of the columns filtered on anywhere in the read tree. */
export function filterFieldNames(plan: ReadPlan): Set<string> {
  const names = new Set<string>();
  const visit = (t: CoercibleLogicTree) => {
    if (t.kind === "expr") t.children.forEach(visit);
    else names.add(t.filter.kind === "filter" ? t.filter.field.name : t.filter.relation);
  };
  const walk = (p: ReadPlan) => {
    p.where.forEach(visit);
    p.children.forEach(walk);
  };
  walk(plan);
  return names;
}

/**
 * Columns a write's RETURNING or a call's select must include so that `select=` and embeds work:
 * `*` when selected, else the selected columns plus the embeds' join columns.
 */
export function inferColsEmbedNeeds(plan: ReadPlan, pkCols: readonly string[]): Set<string> {
  const fields = new Set(plan.select.map((s) => s.field.name));
  if (fields.has("*")) return new Set(["*"]);
  const fkCols = plan.children.flatMap((c) => {
    const rel = c.relToParent;
    if (rel === null || rel.kind === "computed") return [];
    const card = rel.cardinality;
    return card.kind === "m2m" ? card.junction.sourceColumns.map((p) => p[0]) : card.columns.map((p) => p[0]);
  });
  const hasComputedRel = plan.children.some((c) => c.relToParent?.kind === "computed");
  // A computed relationship needs the whole row.
  if (hasComputedRel) return new Set(["*"]);
  return new Set([...fields, ...fkCols, ...pkCols]);
}

/**
 * The call of `routine` (PostgREST's `callPlan`): a single unnamed parameter takes the whole body
 * positionally; otherwise only the parameters named by the arguments are passed (`a := …`), so the
 * others keep their DEFAULTs.
 */
export function planCall(
  routine: Routine,
  paramKeys: ReadonlySet<string>,
  args: CallArgs,
  readPlan: ReadPlan,
): CallPlan {
  const ps = routine.params;
  const params: CallParams = ps.length === 1 && ps[0].name === ""
    ? { kind: "onePosParam", param: ps[0] }
    : { kind: "keyParams", params: ps.filter((p) => paramKeys.has(p.name)) };
  return {
    routine,
    params,
    args,
    scalar: !routine.returnType.setOf && routine.returnType.type.kind === "scalar",
    setOfScalar: routine.returnType.setOf && routine.returnType.type.kind === "scalar",
    filterFields: filterFieldNames(readPlan),
    returning: inferColsEmbedNeeds(readPlan, []),
  };
}
