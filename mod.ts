/**
 * pgrst: a complete REST API for a PostgreSQL database, compatible with PostgREST 16, as a
 * web-standard `(Request) => Promise<Response>` handler that mounts in any fetch-style server
 * (`Deno.serve`, Hono, Oak, `@hono/node-server` on Node, Bun.serve).
 *
 * @example Serve the API
 * ```ts
 * import { createHandler } from "@pgrst/pgrst";
 *
 * const handler = await createHandler({
 *   config: {
 *     dbUri: "postgres://authenticator:secret@localhost:5432/app",
 *     dbSchemas: ["api"],
 *     dbAnonRole: "anon",
 *   },
 * });
 * const server = Deno.serve({ port: 3000 }, handler);
 * // … when done:
 * await server.shutdown();
 * await handler.close();
 * ```
 *
 * @example Mount it under a path in another server (Hono)
 * ```ts
 * import { Hono } from "hono";
 * import { createHandler } from "@pgrst/pgrst";
 *
 * const api = await createHandler({ config: { dbUri: "postgres://authenticator@localhost/app" } });
 * const app = new Hono();
 * app.get("/", (c) => c.text("my app"));
 * // pgrst sees the request without the prefix: /api/items?id=eq.1 → /items?id=eq.1
 * app.all("/api/*", (c) => {
 *   const url = new URL(c.req.url);
 *   url.pathname = url.pathname.slice("/api".length);
 *   return api(new Request(url, c.req.raw));
 * });
 * Deno.serve(app.fetch);
 * ```
 *
 * @module
 */
import { defaultConfig } from "./lib/config/config.ts";
import type { AppConfig } from "./lib/config/types.ts";
import type { Database } from "./lib/db/db.ts";
import { startPgrst } from "./lib/pgrst.ts";
import { type NodeIncoming, readFromIncoming } from "./lib/request/body.ts";
import * as version from "./lib/version.ts";

export type {
  AppConfig,
  LogLevel,
  OpenApiMode,
  QualifiedName,
  TxEnd,
  Verbosity,
} from "./lib/config/types.ts";
export { type ErrorBody, type ErrorDetails, PgrstError } from "./lib/errors.ts";
export type { NodeIncoming } from "./lib/request/body.ts";
export type {
  Database,
  IsolationLevel,
  Notification,
  ParamValue,
  Rows,
  Statement,
  TxSpec,
} from "./lib/db/db.ts";

/** pgrst's version, e.g. `0.1.0`. */
export const PGRST_VERSION: string = version.PGRST_VERSION;
/** The PostgREST version whose behaviour pgrst reproduces, e.g. `16.1`. */
export const POSTGREST_VERSION: string = version.POSTGREST_VERSION;

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Configuration: PostgREST's options by their camel-case names (`db-anon-role` is
   * `dbAnonRole`); anything not given takes PostgREST's default.
   */
  readonly config?: Partial<AppConfig>;
  /**
   * A database to use instead of connecting to `config.dbUri`: any implementation of the
   * {@link Database} interface (pgrst's own drivers are node-postgres and embedded PGlite).
   */
  readonly database?: Database;
}

/**
 * Node's `IncomingMessage` as `@hono/node-server` hands it to a fetch handler (its bindings'
 * `incoming`); only the parts pgrst reads are named.
 */
export interface NodeBindings {
  /** The `IncomingMessage` the request was made from. */
  readonly incoming?: NodeIncoming;
}

/** The request handler returned by {@link createHandler}. */
export interface PgrstHandler {
  /**
   * Answers one API request (paths as PostgREST sees them: `/items`, `/rpc/fn`, `/`).
   *
   * On Node, `node.incoming` is the `IncomingMessage` the request was made from, as
   * `@hono/node-server` passes it (`serve({ fetch: handler })` does this by itself): pgrst then
   * reads a large body straight from it into one buffer, instead of through `request.body`,
   * which on Node copies every chunk (a 10 MB body can cost three times that). Only pass it for a
   * request that carries that message's own body; once anything has started reading the
   * message, pgrst reads `request.body` as usual.
   */
  (request: Request, node?: NodeBindings): Promise<Response>;
  /** Reloads the schema cache (as `NOTIFY pgrst, 'reload schema'` does). */
  reloadSchema(): Promise<void>;
  /** Closes every database connection; the handler must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Connects to the database, loads the schema cache and returns the API handler.
 *
 * When the database cannot be reached the handler still starts: it answers 503 (`PGRST002`,
 * with `Retry-After`) and keeps retrying, as PostgREST does. API errors are answered as
 * responses, never thrown; see {@link PgrstError} for their shape.
 *
 * @example
 * ```ts
 * import { createHandler } from "@pgrst/pgrst";
 *
 * const handler = await createHandler({ config: { dbUri: "postgres://localhost/app", dbAnonRole: "anon" } });
 * const res = await handler(new Request("http://localhost/items?id=eq.1"));
 * console.log(res.status, await res.json());
 * await handler.close();
 * ```
 */
export async function createHandler(options: HandlerOptions = {}): Promise<PgrstHandler> {
  const pgrst = await startPgrst({ config: defaultConfig(options.config), database: options.database });
  const handler = (request: Request, node?: NodeBindings) => {
    // Deno.serve and others pass their own second argument: only an `incoming` with `on` counts.
    const incoming = node?.incoming;
    if (incoming !== undefined && typeof incoming.on === "function") readFromIncoming(request, incoming);
    return pgrst.handler(request);
  };
  return Object.assign(handler, { reloadSchema: pgrst.reloadSchema, close: pgrst.close });
}
