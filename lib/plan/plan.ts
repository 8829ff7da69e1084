/**
 * The planner: `ApiRequest` + catalog + config → `ActionPlan` (what to run and how to answer).
 * Reads, writes and calls all build a read plan tree (writes and calls read back from the
 * `pgrst_source` CTE); OPTIONS is answered from the catalog alone. Pure.
 */
import { tableNotFoundHint } from "../catalog/fuzzy.ts";
import { type Catalog, qiKey, type QualifiedIdentifier } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import { mediaTypeString } from "../request/media_type.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";
import { planMutate } from "./mutate_plan.ts";
import { negotiateContent } from "./negotiate.ts";
import { hasDefaultSelect, planRead } from "./read_plan.ts";
import type { ActionPlan, CrudPlan, InspectPlan } from "./types.ts";

/** The table (or view…) of the request, or 404 PGRST205 with a fuzzy hint. */
export function findTableQi(catalog: Catalog, schema: string, name: string): QualifiedIdentifier {
  if (!catalog.tables.has(qiKey(schema, name))) {
    throw Errors.tableNotFound(schema, name, tableNotFoundHint(catalog, schema, name));
  }
  return { schema, name };
}

function checkPreferences(req: ApiRequest): void {
  const p = req.preferences;
  if (p.invalid.length > 0 && p.handling === "strict") throw Errors.invalidPreferences(p.invalid);
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
      checkPreferences(req);
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
      checkPreferences(req);
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
    case "routineInfo":
      throw Errors.notImplemented(`${action.kind} is not implemented yet`);
  }
}

/** `GET /`: the OpenAPI document, for `application/openapi+json`, `application/json` or `*∕*`. */
function inspectPlan(req: ApiRequest, headersOnly: boolean): InspectPlan {
  const ok = req.accept.some((m) => m.kind === "openapi" || m.kind === "json" || m.kind === "any");
  if (!ok) throw Errors.mediaType(req.accept.map(mediaTypeString));
  return { kind: "inspect", schema: req.schema, headersOnly, media: { kind: "openapi" } };
}
