/**
 * The request pipeline. Only this module knows the order of the stages, and only it catches:
 *
 *   Request → authenticate → parseApiRequest → planAction → buildMainQuery → runMainTx → respond → Response
 *
 * Errors of any stage become PostgREST's error responses; database errors are mapped with the
 * authentication state (42501 is 401 for the anonymous role, 403 otherwise).
 *
 * Headers added here, as PostgREST's `App.hs` and Warp add them: `Server` and the
 * `server-trace-header` echo on every response (CORS preflights too); `Vary`, `Server-Timing`
 * (`server-timing-enabled`) and legacy-target `Warning` on successful ones only; `Retry-After` on
 * every 503.
 */
import type { AppState } from "./app_state.ts";
import { DbConnectionError, DbServerError } from "./db/db.ts";
import { runInspectTx } from "./db/inspect_tx.ts";
import { runMainTx } from "./db/main_tx.ts";
import { Errors, PgrstError } from "./errors.ts";
import { fromDbError } from "./pg_errors.ts";
import { LEGACY_TARGET_MESSAGE, legacyWarningHint } from "./plan/embed.ts";
import { planAction } from "./plan/plan.ts";
import type { ActionPlan, ReadPlan } from "./plan/types.ts";
import { buildMainQuery, renderMainQuery } from "./query/main_query.ts";
import { buildOpenApiQueries } from "./query/openapi.ts";
import { buildPreRequest, buildTxSettings } from "./query/tx_settings.ts";
import { parseApiRequest } from "./request/api_request.ts";
import { BodyBuffer, bodyReader } from "./request/body.ts";
import { parsePreferences } from "./request/preferences.ts";
import { type PgrstResponse, respond, respondInfo } from "./response/response.ts";
import { respondOpenApi } from "./response/openapi.ts";
import { headerBytes, type HeaderList } from "./response/headers.ts";
import { corsHeaders, corsPreflight } from "./response/cors.ts";
import { type ServerTiming, serverTimingHeader, stopwatch } from "./response/timing.ts";
import { POSTGREST_VERSION } from "./version.ts";
import { timestamp } from "./app_state.ts";

const SERVER = `postgrest/${POSTGREST_VERSION}`;
const encoder = new TextEncoder();

/** Connection details the server knows and the `Request` does not (for the access log). */
export interface RequestInfo {
  readonly remoteAddr?: string;
}

export type Handler = (request: Request, info?: RequestInfo) => Promise<Response>;

export function createApp(state: AppState): Handler {
  const handle = createPipeline(state);
  return async (request, info) => {
    const preflight = corsPreflight(request, state.config.serverCorsAllowedOrigins);
    if (preflight !== null) {
      addCommonHeaders(state, request, preflight.headers);
      return preflight;
    }
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
    const timing: ServerTiming = {};
    const lap = stopwatch(state.config.serverTimingEnabled);
    try {
      const config = state.config;
      const url = new URL(request.url);
      const auth = await state.authenticate(request.headers.get("authorization"));
      timing.jwt = lap();
      authenticated = auth.authenticated;
      const catalog = state.catalog;
      if (catalog === null) throw state.catalogError();
      const body = await readBody(request);
      lap(); // PostgREST reads the body before it starts timing the parse
      const prefer = request.headers.get("prefer");
      const preferences = parsePreferences(prefer === null ? [] : [prefer], {
        allowTxOverride: config.dbTxEnd.endsWith("allow-override"),
      });
      const req = parseApiRequest(
        { method: request.method, url, headers: request.headers, body },
        config,
        preferences,
      );
      timing.parse = lap();
      const { plan, query } = state.shapes.prepare(url, request.headers, req, config, catalog, (r) => {
        const plan = planAction(r, config, catalog);
        return { plan, query: renderMainQuery(buildMainQuery(plan, config, r)) };
      });
      timing.plan = lap();
      logLegacyTargetNames(state, request, url, plan);
      let res: PgrstResponse;
      if (plan.kind === "noDb") {
        timing.transaction = lap();
        res = respondInfo(plan.plan, catalog);
      } else if (plan.plan.kind === "inspect") {
        const schema = plan.plan.schema;
        const source = await runInspectTx(state.db, {
          schema,
          mode: config.openapiMode,
          queries: buildOpenApiQueries(schema, config.openapiMode),
          txSettings: buildTxSettings({ config, auth, request: req }),
          preRequest: config.dbPreRequest ? buildPreRequest(config.dbPreRequest) : null,
          isolation: config.roleIsolationLevels.get(auth.role) ?? "read committed",
          prepare: config.dbPreparedStatements,
          catalog,
        });
        timing.transaction = lap();
        res = respondOpenApi(plan.plan, source, req, config, catalog);
      } else {
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
        timing.transaction = lap();
        res = respond(result, req, config, catalog);
      }
      timing.response = lap();
      return toResponse(state, request, res, plan, config.serverTimingEnabled ? timing : null);
    } catch (e) {
      if (e instanceof DbConnectionError || (e instanceof DbServerError && /^(08|57P0)/.test(e.code))) {
        state.onConnectionLost();
      }
      return errorResponse(state, fromDbError(e, authenticated), request);
    }
  };
}

/** PostgREST logs every request that uses legacy target names, whatever the log level. */
function logLegacyTargetNames(state: AppState, request: Request, url: URL, plan: ActionPlan): void {
  const readPlan = rootReadPlan(plan);
  const hint = readPlan !== null && state.config.urlUseLegacyTargetNames ? legacyWarningHint(readPlan) : null;
  if (hint === null) return;
  state.log("crit", `WARNING: ${LEGACY_TARGET_MESSAGE}`);
  state.log(
    "crit",
    `Update filters, orders or limits that use ${hint} in \`${request.method} ${url.pathname}${url.search}\``,
  );
}

function rootReadPlan(plan: ActionPlan): ReadPlan | null {
  return plan.kind === "db" && plan.plan.kind !== "inspect" ? plan.plan.readPlan : null;
}

/** Bodies declared larger than this are read into one buffer of their size as they arrive. */
const STREAM_ABOVE = 64 * 1024;

/**
 * The request body's bytes. `arrayBuffer()` holds every chunk and then their copy (a 10 MB body
 * costs ~35 MB); a large body with a Content-Length is copied chunk by chunk into its place,
 * through the runtime's own reader when it has one (Node).
 */
async function readBody(request: Request): Promise<Uint8Array | null> {
  // GET and HEAD have no body (a fetch Request cannot carry one). Not touching `request.body`
  // when it is not needed matters on Node: @hono/node-server's lightweight Request builds a full
  // undici Request (AbortSignal, header copy) the moment `body` is read; `arrayBuffer()` reads
  // straight from the socket.
  if (request.method === "GET" || request.method === "HEAD") return null;
  const declared = Number(request.headers.get("content-length"));
  if (!Number.isSafeInteger(declared) || declared <= STREAM_ABOVE) {
    return new Uint8Array(await request.arrayBuffer());
  }
  const read = bodyReader(request);
  if (read !== undefined) return await read(declared);
  const stream = request.body;
  if (stream === null) return null;
  const body = new BodyBuffer(declared);
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) body.add(r.value);
  return body.bytes();
}

/** A fetch `Response` only carries final statuses (200–599); `response.status` may ask for others. */
function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 200 || status > 599) throw Errors.gucStatus();
}

function toResponse(
  state: AppState,
  request: Request,
  res: PgrstResponse,
  plan: ActionPlan,
  timing: ServerTiming | null,
): Response {
  checkStatus(res.status);
  const headers = res.headers;
  const has = (name: string) => headers.some(([k]) => k.length === name.length && k.toLowerCase() === name);
  // A string body would make `Response` add `Content-Type: text/plain` to responses that have
  // none; bytes do not. An empty body is no body (a 201 without representation): @hono/node-server
  // gives any body without a Content-Type `text/plain`. Content-Length stays as set.
  const body = res.body === null || res.body.length === 0 || request.method === "HEAD"
    ? null
    : typeof res.body !== "string" || has("content-type")
    ? res.body
    : encoder.encode(res.body);
  // Headers are added to the `Response` one by one: handing `Response` a header list costs ~3 µs
  // more per request on Deno (the init goes through WebIDL's generic sequence conversion). Values
  // are byte strings already (`headerBytes`): text from the database goes out as UTF-8. A string
  // body came with its Content-Type, which replaces the constructor's `text/plain`.
  const response = new Response(body, { status: res.status });
  const out = response.headers;
  let typed = typeof body !== "string";
  for (const [k, v] of headers) {
    if (!typed && k.length === 12 && k.toLowerCase() === "content-type") {
      out.set(k, v);
      typed = true;
    } else {
      out.append(k, v);
    }
  }
  if (timing !== null) out.append("Server-Timing", serverTimingHeader(timing));
  if (!has("vary")) out.append("Vary", "Accept, Prefer, Range");
  const readPlan = rootReadPlan(plan);
  const legacyHint = readPlan !== null && state.config.urlUseLegacyTargetNames
    ? legacyWarningHint(readPlan)
    : null;
  if (legacyHint !== null) {
    out.append(
      "Warning",
      `299 PostgRESTv${
        POSTGREST_VERSION.replaceAll(" ", "")
      } "${LEGACY_TARGET_MESSAGE} Update ${legacyHint} in query string filters, orders or limits."`,
    );
  }
  if (res.status === 503) out.append("Retry-After", String(state.retryAfterSeconds()));
  if (!has("server")) out.append("Server", SERVER);
  const trace = state.config.serverTraceHeader;
  if (trace !== null) out.append(trace, request.headers.get(trace) ?? "");
  return response;
}

/** Warp's `Server` header and the `server-trace-header` echo, on every response. */
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
    // the code may come from `RAISE SQLSTATE 'PGRST'`: any text, sent as UTF-8
    ["Proxy-Status", headerBytes(`PostgREST; error=${err.code}`) ?? "PostgREST"],
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
