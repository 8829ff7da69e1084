/**
 * pgrst: a complete REST API for a PostgreSQL database, compatible with PostgREST 16, as a
 * web-standard `(Request) => Promise<Response>` handler that mounts in any fetch-style server.
 *
 * @example
 * ```ts
 * import { createHandler } from "./mod.ts";
 *
 * const handler = await createHandler({
 *   config: { dbUri: "postgres://authenticator:secret@localhost/app", dbSchemas: ["api"], dbAnonRole: "anon" },
 * });
 * Deno.serve((req) => handler(req));
 * // … later
 * await handler.close();
 * ```
 *
 * @module
 */
import { defaultConfig } from "./lib/config/config.ts";
import type { AppConfig } from "./lib/config/types.ts";
import type { Database } from "./lib/db/db.ts";
import { startPgrst } from "./lib/pgrst.ts";

export type {
  AppConfig,
  LogLevel,
  OpenApiMode,
  QualifiedName,
  TxEnd,
  Verbosity,
} from "./lib/config/types.ts";
export { type ErrorBody, PgrstError } from "./lib/errors.ts";
export { PGRST_VERSION, POSTGREST_VERSION } from "./lib/version.ts";

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** Configuration; anything not given takes PostgREST's default. */
  readonly config?: Partial<AppConfig>;
  /** A database to use instead of connecting to `config.dbUri`. */
  readonly database?: Database;
}

/** The request handler returned by {@link createHandler}. */
export interface PgrstHandler {
  /** Answers one API request. */
  (request: Request): Promise<Response>;
  /** Reloads the schema cache (as `NOTIFY pgrst, 'reload schema'` does). */
  reloadSchema(): Promise<void>;
  /** Closes every database connection. */
  close(): Promise<void>;
}

/**
 * Connects to the database, loads the schema cache and returns the API handler.
 *
 * @example
 * ```ts
 * const handler = await createHandler({ config: { dbUri: "postgres://localhost/app", dbAnonRole: "anon" } });
 * const res = await handler(new Request("http://localhost/items?id=eq.1"));
 * ```
 */
export async function createHandler(options: HandlerOptions = {}): Promise<PgrstHandler> {
  const pgrst = await startPgrst({ config: defaultConfig(options.config), database: options.database });
  const handler = (request: Request) => pgrst.handler(request);
  return Object.assign(handler, { reloadSchema: pgrst.reloadSchema, close: pgrst.close });
}
