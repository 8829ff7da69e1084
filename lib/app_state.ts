/**
 * The state a running pgrst shares between requests: the current config and catalog (each an
 * immutable snapshot, swapped atomically on reload), the database, the authenticator, logging.
 */
import { type AuthConfig, type Authenticator, type AuthResult, createAuthenticator } from "./auth/auth.ts";
import type { CacheStats } from "./auth/cache.ts";
import type { Catalog } from "./catalog/types.ts";
import type { AppConfig, LogLevel } from "./config/types.ts";
import type { Database } from "./db/db.ts";
import { Errors, PgrstError } from "./errors.ts";
import { ShapeCache, type ShapeCacheOptions } from "./shape_cache.ts";

export type { AuthResult };

export type Authenticate = (authorization: string | null) => Promise<AuthResult>;

const LEVELS: Record<LogLevel, number> = { crit: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface LogSink {
  /** Diagnostics (stderr). */
  readonly err: (line: string) => void;
  /** Access log (stdout). */
  readonly out: (line: string) => void;
}

export class AppState {
  #config: AppConfig;
  #catalog: Catalog | null;
  #retryAfter = 0;
  /** `null` when an `authenticate` function was given instead. */
  #authenticator: Authenticator | null = null;
  readonly db: Database;
  readonly sink: LogSink;
  /** Plans and SQL per request shape (emptied when the config or the catalog changes). */
  readonly shapes: ShapeCache;
  authenticate: Authenticate;
  /** Called when a request finds the database unreachable (starts recovery). */
  onConnectionLost: () => void = () => {};

  constructor(options: {
    config: AppConfig;
    db: Database;
    catalog: Catalog | null;
    sink: LogSink;
    authenticate?: Authenticate;
    shapeCache?: ShapeCacheOptions;
  }) {
    this.shapes = new ShapeCache(options.shapeCache);
    this.#config = options.config;
    this.#catalog = options.catalog;
    this.db = options.db;
    this.sink = options.sink;
    if (options.authenticate) this.authenticate = options.authenticate;
    else this.authenticate = this.#jwtAuthenticate(options.config);
  }

  #jwtAuthenticate(config: AppConfig): Authenticate {
    const authenticator = createAuthenticator(config); // throws before anything changes
    this.#authenticator = authenticator;
    return (authorization) => authenticator.authenticate(authorization, Date.now());
  }

  /** JWT cache counters (AU-13), `null` when there is no cache. */
  jwtCacheStats(): CacheStats | null {
    return this.#authenticator?.cacheStats() ?? null;
  }

  get config(): AppConfig {
    return this.#config;
  }

  get catalog(): Catalog | null {
    return this.#catalog;
  }

  /**
   * Swaps the configuration. A new JWT secret, audience, role claim key, cache size or anonymous
   * role builds a new authenticator (the JWT cache belongs to the old settings); a reload that
   * changes none of them keeps the cache.
   */
  setConfig(config: AppConfig): void {
    const old = this.#config;
    // Build first: an invalid JWT setting throws and leaves the running config in place.
    if (this.#authenticator !== null && AUTH_KEYS.some((k) => old[k] !== config[k])) {
      this.authenticate = this.#jwtAuthenticate(config);
    }
    this.#config = config;
  }

  setCatalog(catalog: Catalog | null): void {
    this.#catalog = catalog;
  }

  /** Seconds until the next reconnection attempt (the `Retry-After` of 503 responses). */
  retryAfterSeconds(): number {
    return this.#retryAfter;
  }

  setRetryAfter(seconds: number): void {
    this.#retryAfter = seconds;
  }

  catalogError(): PgrstError {
    return Errors.noSchemaCache();
  }

  log(level: LogLevel, message: string): void {
    if (LEVELS[level] <= LEVELS[this.#config.logLevel]) this.sink.err(`${timestamp(new Date())}: ${message}`);
  }

  logError(e: unknown): void {
    if (e instanceof PgrstError) this.log("error", JSON.stringify(e.body()));
    else this.log("error", e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

/** `21/Nov/2026:13:32:31 +0000`, PostgREST's log timestamp. */
export function timestamp(d: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const tz = `${sign}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${p(d.getDate())}/${months[d.getMonth()]}/${d.getFullYear()}:${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())} ${tz}`;
}

const AUTH_KEYS = [
  "jwtSecret",
  "jwtSecretIsBase64",
  "jwtAud",
  "jwtRoleClaimKey",
  "jwtCacheMaxEntries",
  "dbAnonRole",
] as const satisfies readonly (keyof AuthConfig)[];
