/**
 * The planner: `ApiRequest` + catalog + config → `ActionPlan` (what to run and how to answer).
 * Reads, writes and calls all build a read plan tree (writes and calls read back from the
 * `pgrst_source` CTE); OPTIONS is answered from the catalog alone. Pure.
 */
import { tableNotFoundHint } from "../catalog/fuzzy.ts";
import { type Catalog, qiKey, type QualifiedIdentifier } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import { mediaTypeToString } from "../request/media_type.ts";
import { checkPreferences } from "../request/preferences.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";
import { planMutate } from "./mutate_plan.ts";
import { negotiateContent } from "./negotiate.ts";
import { hasDefaultSelect, planRead } from "./read_plan.ts";
import { type CallArgs, findProc, planCall, toRpcParams } from "./call_plan.ts";
import type { ActionPlan, CallReadPlan, CrudPlan, InspectPlan } from "./types.ts";

/** The table (or view…) of the request, or 404 PGRST205 with a fuzzy hint. */
export function findTableQi(catalog: Catalog, schema: string, name: string): QualifiedIdentifier {
  if (!catalog.tables.has(qiKey(schema, name))) {
    throw Errors.tableNotFound(schema, name, tableNotFoundHint(catalog, schema, name));
  }
  return { schema, name };
}

function isPlan(media: MediaType): boolean {
  return media.kind === "plan";
}

export function planAction(req: ApiRequest, config: AppConfig, catalog: Catalog): ActionPlan {
  const action = req.action;
  switch (action.kind) {
    case "relationRead": {
      const qi = findTableQi(catalog, req.schema, action.name);
      const readPlan = planRead(qi, config, catalog, req);
      const [handler, media] = negotiateContent(config, req, qi, catalog, hasDefaultSelect(readPlan));
      checkPreferences(req.preferences);
      const plan: CrudPlan = {
        kind: "read",
        readPlan,
        txMode: { readOnly: true, isolation: null },
        handler,
        media,
        headersOnly: action.headersOnly,
        qi,
      };
      return { kind: "db", plan, explain: isPlan(media) };
    }
    case "relationInfo":
      return {
        kind: "noDb",
        plan: { kind: "relationInfo", qi: findTableQi(catalog, req.schema, action.name) },
      };
    case "schemaInfo":
      return { kind: "noDb", plan: { kind: "schemaInfo" } };
    case "schemaRead":
      return { kind: "db", plan: inspectPlan(req, action.headersOnly), explain: false };
    case "relationMutate": {
      const qi = findTableQi(catalog, req.schema, action.name);
      const readPlan = planRead(qi, config, catalog, req);
      const mutatePlan = planMutate(action.mutation, qi, req, catalog, readPlan);
      checkPreferences(req.preferences);
      const [handler, media] = negotiateContent(config, req, qi, catalog, hasDefaultSelect(readPlan));
      const plan: CrudPlan = {
        kind: "mutate",
        readPlan,
        mutation: action.mutation,
        mutatePlan,
        txMode: { readOnly: false, isolation: null },
        handler,
        media,
        qi,
      };
      return { kind: "db", plan, explain: isPlan(media) };
    }
    case "routine":
      return callReadPlan(req, config, catalog, action.name, action.method.kind === "invoke");
    case "routineInfo": {
      const call = callReadPlan(req, config, catalog, action.name, false);
      return { kind: "noDb", plan: { kind: "routineInfo", routine: (call.plan as CallReadPlan).routine } };
    }
  }
}

/** `/rpc/f`: the overload, its arguments, the read plan over its result and the transaction mode. */
function callReadPlan(
  req: ApiRequest,
  config: AppConfig,
  catalog: Catalog,
  name: string,
  isInvPost: boolean,
): Extract<ActionPlan, { kind: "db" }> {
  const paramKeys = isInvPost ? req.columns : new Set(req.query.rpcParams.map(([k]) => k));
  const routine = findProc(catalog, req.schema, name, paramKeys, req.contentType, isInvPost);
  const rt = routine.returnType.type;
  // A function returning rows of a table can embed that table's relationships.
  const relIdentifier = {
    schema: routine.schema,
    name: rt.kind === "composite" ? rt.type.name : routine.name,
  };
  const readPlan = planRead(relIdentifier, config, catalog, req);
  const payload = req.payload;
  const args: CallArgs = !isInvPost
    ? { kind: "direct", args: toRpcParams(routine, req.query.rpcParams) }
    : payload?.kind === "urlEncoded"
    ? { kind: "direct", args: toRpcParams(routine, payload.pairs) }
    : payload?.kind === "raw"
    ? { kind: "raw", raw: payload.raw }
    : { kind: "json", raw: payload?.kind === "json" || payload?.kind === "rawJson" ? payload.raw : null };
  const readOnly = !isInvPost || routine.volatility !== "volatile";
  const callPlan = planCall(routine, paramKeys, args, readPlan);
  const [handler, media] = negotiateContent(config, req, relIdentifier, catalog, hasDefaultSelect(readPlan));
  checkPreferences(req.preferences);
  const p = req.preferences;
  if (p.maxAffected !== null && p.handling === "strict" && !routine.returnType.setOf) {
    throw Errors.maxAffectedRpcViolation();
  }
  const plan: CallReadPlan = {
    kind: "call",
    readPlan,
    callPlan,
    routine,
    txMode: { readOnly, isolation: routine.isolationLevel },
    handler,
    media,
    headersOnly: req.action.kind === "routine" && req.action.method.kind === "read" &&
      req.action.method.headersOnly,
  };
  return { kind: "db", plan, explain: isPlan(media) };
}

/** `GET /`: the OpenAPI document, for `application/openapi+json`, `application/json` or `*∕*`. */
function inspectPlan(req: ApiRequest, headersOnly: boolean): InspectPlan {
  const ok = req.accept.some((m) => m.kind === "openapi" || m.kind === "json" || m.kind === "any");
  if (!ok) throw Errors.mediaType(req.accept.map(mediaTypeToString));
  return { kind: "inspect", schema: req.schema, headersOnly, media: { kind: "openapi" } };
}
