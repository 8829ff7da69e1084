/**
 * The request pipeline. Only this module knows the order of the stages, and only it catches:
 *
 *   Request → authenticate → parseApiRequest → planAction → buildMainQuery → runMainTx → respond → Response
 *
 * Errors of any stage become PostgREST's error responses; database errors are mapped with the
 * authentication state (42501 is 401 for the anonymous role, 403 otherwise).
 */
import type { AppState } from "./app_state.ts";
import { DbConnectionError, DbServerError } from "./db/db.ts";
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
import { type PgrstResponse, respond, respondInfo } from "./response/response.ts";
import type { HeaderList } from "./response/headers.ts";
import { corsHeaders, corsPreflight } from "./response/cors.ts";
import { POSTGREST_VERSION } from "./version.ts";
import { timestamp } from "./app_state.ts";

const SERVER = `postgrest/${POSTGREST_VERSION}`;

/** Connection details the server knows and the `Request` does not (for the access log). */
export interface RequestInfo {
  readonly remoteAddr?: string;
}

export type Handler = (request: Request, info?: RequestInfo) => Promise<Response>;

export function createApp(state: AppState): Handler {
  const handle = createPipeline(state);
  return async (request, info) => {
    const preflight = corsPreflight(request, state.config.serverCorsAllowedOrigins);
    if (preflight !== null) return preflight;
    const response = await handle(request);
    for (const [k, v] of corsHeaders(request, state.config.serverCorsAllowedOrigins)) {
      response.headers.set(k, v);
    }
    accessLog(state, request, response, info);
    return response;
  };
}

function createPipeline(state: AppState): (request: Request) => Promise<Response> {
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
      const prefer = request.headers.get("prefer");
      const preferences = parsePreferences(prefer === null ? [] : [prefer], {
        allowTxOverride: config.dbTxEnd.endsWith("allow-override"),
      });
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
          txSettings: buildTxSettings({
            config,
            auth,
            request: req,
            functionSettings: plan.plan.kind === "call" ? plan.plan.routine.settings : undefined,
          }),
          preRequest: config.dbPreRequest ? buildPreRequest(config.dbPreRequest) : null,
          isolation: plan.plan.txMode.isolation ?? config.roleIsolationLevels.get(auth.role) ??
            "read committed",
          config,
          req,
        });
        res = respond(result, req, config, catalog);
      }
    } catch (e) {
      if (e instanceof DbConnectionError || (e instanceof DbServerError && /^(08|57P0)/.test(e.code))) {
        state.onConnectionLost();
      }
      return errorResponse(state, fromDbError(e, authenticated), request);
    }
    try {
      return toResponse(state, request, res, plan);
    } catch (e) {
      // A header `Headers` refuses (e.g. a line break from response.headers) must not escape.
      return errorResponse(state, e, request);
    }
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
  for (const [k, v] of res.headers) headers.append(k, headerBytes(v));
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
  return new Response(res.body === null || request.method === "HEAD" ? null : res.body, {
    status: res.status,
    headers,
  });
}

/**
 * Header values go out as bytes: names from the database (`Content-Location: /موارد`, schema names,
 * `response.headers`) are sent UTF-8 encoded, as PostgREST does, one byte per character of the
 * string `Headers` accepts.
 */
function headerBytes(value: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let out = "";
  for (const b of new TextEncoder().encode(value)) out += String.fromCharCode(b);
  return out;
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

/** Apache-style access log on stdout: all requests at info, 4xx+ at warn, 5xx at error. */
function accessLog(
  state: AppState,
  request: Request,
  response: Response,
  info: RequestInfo | undefined,
): void {
  const level = state.config.logLevel;
  const s = response.status;
  const show = level === "info" || level === "debug" || (level === "warn" && s >= 400) ||
    (level === "error" && s >= 500);
  if (!show) return;
  const url = new URL(request.url);
  const size = response.headers.get("content-length") ?? "-";
  const q = (v: string | null) => JSON.stringify(v ?? "");
  state.sink.out(
    `${info?.remoteAddr ?? "-"} - - [${
      timestamp(new Date())
    }] "${request.method} ${url.pathname}${url.search} HTTP/1.1" ${s} ${size} ${
      q(request.headers.get("referer"))
    } ${q(request.headers.get("user-agent"))}`,
  );
}
