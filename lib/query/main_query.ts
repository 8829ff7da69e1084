/**
 * The statements of one request's transaction (PostgREST's `MainQuery`): the transaction settings,
 * the optional pre-request call, the main statement and the optional count EXPLAIN.
 */
import type { AppConfig } from "../config/types.ts";
import type { ActionPlan } from "../plan/types.ts";
import type { ApiRequest } from "../request/types.ts";
import { mainCall } from "./call.ts";
import { mainWrite } from "./mutate.ts";
import { readPlanToCountQuery } from "./read.ts";
import { render, type RenderedSql, type Sql } from "./sql.ts";
import { explainCount, mainRead, shouldExplainCount, withMediaType } from "./statements.ts";

export interface MainQuery {
  readonly main: Sql | null;
  readonly explain: Sql | null;
}

/** The statements as text and parameters, ready for the driver. */
export interface RenderedQuery {
  readonly main: RenderedSql | null;
  readonly explain: RenderedSql | null;
}

export function renderMainQuery(q: MainQuery): RenderedQuery {
  return { main: q.main && render(q.main), explain: q.explain && render(q.explain) };
}

export function buildMainQuery(plan: ActionPlan, config: AppConfig, req: ApiRequest): MainQuery {
  if (plan.kind === "noDb") return { main: null, explain: null };
  const p = plan.plan;
  switch (p.kind) {
    case "read": {
      let count: Sql | undefined;
      const countQuery = () => count ??= readPlanToCountQuery(p.readPlan);
      const main = mainRead({
        plan: p.readPlan,
        countQuery,
        count: req.preferences.count,
        maxRows: config.dbMaxRows,
        range: req.topLevelRange,
        handler: p.handler,
      });
      return {
        main: withMediaType(p.media, main),
        explain: shouldExplainCount(req.preferences.count) ? explainCount(countQuery()) : null,
      };
    }
    case "call":
      return {
        main: withMediaType(
          p.media,
          mainCall({
            call: p.callPlan,
            plan: p.readPlan,
            count: req.preferences.count,
            maxRows: config.dbMaxRows,
            range: req.topLevelRange,
            handler: p.handler,
          }),
        ),
        explain: null,
      };
    case "mutate":
      return {
        main: withMediaType(
          p.media,
          mainWrite({
            readPlan: p.readPlan,
            mutatePlan: p.mutatePlan,
            media: p.media,
            handler: p.handler,
            preferences: req.preferences,
          }),
        ),
        explain: null,
      };
    default:
      return { main: null, explain: null };
  }
}
