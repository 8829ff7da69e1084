/**
 * The request pipeline. Only this module knows the order of the stages, and only it catches:
 *
 *   Request → authenticate → parseApiRequest → planAction → buildMainQuery → runMainTx → respond → Response
 *
 * Errors of any stage become PostgREST's error responses; database errors are mapped with the
 * authentication state (42501 is 401 for the anonymous role, 403 otherwise).
 */
import type { AppState } from "./app_state.ts";
import { runMainTx } from "./db/main_tx.ts";
import { PgrstError } from "./errors.ts";
import { fromDbError } from "./pg_errors.ts";
import { legacyWarnings } from "./plan/embed.ts";
import { planAction } from "./plan/plan.ts";
import type { ActionPlan, ReadPlan } from "./plan/types.ts";
import { buildMainQuery } from "./query/main_query.ts";
import { buildPreRequest, buildTxSettings } from "./query/tx_settings.ts";
import { parseApiRequest } from "./request/api_request.ts";
import { parsePreferences } from "./request/preferences.ts";
import type { ApiRequest } from "./request/types.ts";
import { type PgrstResponse, respond, respondInfo } from "./response/response.ts";
import type { HeaderList } from "./response/headers.ts";
import { POSTGREST_VERSION } from "./version.ts";

const SERVER = `postgrest/${POSTGREST_VERSION}`;
const encoder = new TextEncoder();

export type Handler = (request: Request) => Promise<Response>;

export function createApp(state: AppState): Handler {
  return async (request) => {
    let authenticated = false;
    let res: PgrstResponse;
    let plan: ActionPlan | undefined;
    try {
      const config = state.config;
      const url = new URL(request.url);
      const auth = await state.authenticate(request.headers.get("authorization"));
      authenticated = auth.authenticated;
      const catalog = state.catalog;
      if (catalog === null) throw state.catalogError();
      const body = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
      const preferences = parsePreferences(
        request.headers.has("prefer") ? [request.headers.get("prefer")!] : [],
        config.dbTxEnd.endsWith("allow-override"),
      );
      const req = parseApiRequest(
        { method: request.method, url, headers: request.headers, body },
        config,
        preferences,
      );
      plan = planAction(req, config, catalog);
      if (plan.kind === "noDb") {
        res = respondInfo(plan.plan, catalog);
      } else if (plan.plan.kind === "inspect") {
        throw new PgrstError(404, { code: "PGRST126", message: "Root endpoint metadata is disabled" });
      } else {
        const query = buildMainQuery(plan, config, req);
        const result = await runMainTx(state.db, {
          plan: plan.plan,
          explain: plan.explain,
          query,
          txSettings: buildTxSettings(txContext(state, req, auth.role, auth.claims)),
          preRequest: config.dbPreRequest ? buildPreRequest(config.dbPreRequest) : null,
          isolation: config.roleIsolationLevels.get(auth.role) ?? "read committed",
          config,
          req,
        });
        res = respond(result, req, config, catalog);
      }
    } catch (e) {
      return errorResponse(state, fromDbError(e, authenticated));
    }
    return toResponse(state, request, res, plan);
  };
}

function txContext(state: AppState, req: ApiRequest, role: string, claims: string) {
  const config = state.config;
  return {
    searchPath: [req.schema, ...config.dbExtraSearchPath],
    role,
    claims,
    method: req.method,
    path: req.path,
    headers: JSON.stringify(Object.fromEntries(req.headers)),
    cookies: JSON.stringify(Object.fromEntries(req.cookies)),
    appSettings: config.appSettings,
    timezone: req.preferences.timezone,
  };
}

function rootReadPlan(plan: ActionPlan | undefined): ReadPlan | null {
  return plan?.kind === "db" && plan.plan.kind !== "inspect" ? plan.plan.readPlan : null;
}

function toResponse(
  state: AppState,
  request: Request,
  res: PgrstResponse,
  plan: ActionPlan | undefined,
): Response {
  const headers = new Headers();
  for (const [k, v] of res.headers) headers.append(k, v);
  if (!headers.has("vary")) headers.set("Vary", "Accept, Prefer, Range");
  const readPlan = rootReadPlan(plan);
  if (readPlan !== null) {
    for (const w of legacyWarnings(readPlan)) {
      headers.append(
        "Warning",
        `299 PostgREST/${POSTGREST_VERSION} "Using the relation name '${w.name}' instead of its alias '${w.alias}' in filters, orders or limits is deprecated"`,
      );
    }
  }
  addCommonHeaders(state, request, headers);
  // A string body would make `Response` add `Content-Type: text/plain` to responses that have
  // none (a 201 without representation); bytes do not.
  const body = res.body === null || request.method === "HEAD"
    ? null
    : headers.has("content-type")
    ? res.body
    : encoder.encode(res.body);
  return new Response(body, { status: res.status, headers });
}

function addCommonHeaders(state: AppState, request: Request, headers: Headers): void {
  headers.set("Server", SERVER);
  const trace = state.config.serverTraceHeader;
  if (trace !== null) headers.set(trace, request.headers.get(trace) ?? "");
}

export function errorResponse(state: AppState, e: unknown, request?: Request): Response {
  const err = e instanceof PgrstError ? e : internalError(state, e);
  const body = JSON.stringify(err.body(state.config.clientErrorVerbosity));
  const headers: HeaderList = [
    ["Content-Type", "application/json; charset=utf-8"],
    ["Content-Length", String(new TextEncoder().encode(body).length)],
    ["Proxy-Status", `PostgREST; error=${err.code}`],
    ...err.headers.map(([k, v]) => [k, v] as [string, string]),
  ];
  if (err.status === 503) headers.push(["Retry-After", String(state.retryAfterSeconds())]);
  const h = new Headers();
  for (const [k, v] of headers) h.append(k, v);
  h.set("Server", SERVER);
  if (request) addCommonHeaders(state, request, h);
  if (err.status >= 500) state.logError(err);
  return new Response(body, { status: err.status, statusText: err.statusText, headers: h });
}

function internalError(state: AppState, e: unknown): PgrstError {
  state.logError(e);
  return new PgrstError(500, { code: "PGRSTX00", message: "Internal server error" });
}
