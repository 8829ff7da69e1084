/**
 * The configuration the rest of pgrst reads: `AppConfig`, immutable, built from the options table
 * (`options.ts`) out of a config file, `PGRST_*` environment variables and in-database settings.
 */
import type { IsolationLevel } from "../db/db.ts";

/** `schema.name`, or just `name` (then resolved through the search path): db-pre-request etc. */
export interface QualifiedName {
  /** The schema; empty when not given. */
  readonly schema: string;
  /** The object's name. */
  readonly name: string;
}

/** Values of `db-tx-end`: how each request's transaction ends. */
export type TxEnd = "commit" | "commit-allow-override" | "rollback" | "rollback-allow-override";
/** Values of `log-level`. */
export type LogLevel = "crit" | "error" | "warn" | "info" | "debug";
/** Values of `openapi-mode`. */
export type OpenApiMode = "follow-privileges" | "ignore-privileges" | "disabled";
/** Values of `client-error-verbosity`. */
export type Verbosity = "verbose" | "minimal";

/**
 * The configuration: PostgREST's options (the `db-anon-role` option is `dbAnonRole`), with the
 * values read from the database. Immutable; a reload builds a new one.
 */
export interface AppConfig {
  /** PostgREST's `admin-server-host`. */
  readonly adminServerHost: string;
  /** PostgREST's `admin-server-port`. */
  readonly adminServerPort: number | null;
  /** PostgREST's `admin-server-unix-socket`. */
  readonly adminServerUnixSocket: string | null;
  /** PostgREST's `admin-server-unix-socket-mode` (default 660). */
  readonly adminServerUnixSocketMode: number;
  /** `app.settings.*` as [full name, value], e.g. ["app.settings.jwt_secret", "…"]. */
  readonly appSettings: readonly (readonly [string, string])[];
  /** PostgREST's `client-error-verbosity` (default verbose). */
  readonly clientErrorVerbosity: Verbosity;
  /** PostgREST's `db-aggregates-enabled` (default false). */
  readonly dbAggregatesEnabled: boolean;
  /** PostgREST's `db-anon-role`. */
  readonly dbAnonRole: string | null;
  /** PostgREST's `db-channel` (default pgrst). */
  readonly dbChannel: string;
  /** PostgREST's `db-channel-enabled` (default true). */
  readonly dbChannelEnabled: boolean;
  /** PostgREST's `db-config` (default true). */
  readonly dbConfig: boolean;
  /** PostgREST's `db-extra-search-path` (default public). */
  readonly dbExtraSearchPath: readonly string[];
  /** PostgREST's `db-hoisted-tx-settings` (default statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation). */
  readonly dbHoistedTxSettings: readonly string[];
  /** PostgREST's `db-max-rows`. */
  readonly dbMaxRows: number | null;
  /** PostgREST's `db-plan-enabled` (default false). */
  readonly dbPlanEnabled: boolean;
  /** PostgREST's `db-pool` (default 10). */
  readonly dbPool: number;
  /** pgrst's own: transactions pipelined on one connection at once (1 = one at a time). */
  readonly dbPoolPipelineDepth: number;
  /** Seconds. */
  readonly dbPoolAcquisitionTimeout: number;
  /** Seconds. */
  readonly dbPoolMaxIdletime: number;
  /** Seconds. */
  readonly dbPoolMaxLifetime: number;
  /** PostgREST's `db-pool-automatic-recovery` (default true). */
  readonly dbPoolAutomaticRecovery: boolean;
  /** PostgREST's `db-pre-config`. */
  readonly dbPreConfig: QualifiedName | null;
  /** PostgREST's `db-pre-request`. */
  readonly dbPreRequest: QualifiedName | null;
  /** PostgREST's `db-prepared-statements` (default true). */
  readonly dbPreparedStatements: boolean;
  /** PostgREST's `db-root-spec`. */
  readonly dbRootSpec: QualifiedName | null;
  /** Exposed schemas, the first is the default. Never empty. */
  readonly dbSchemas: readonly string[];
  /** PostgREST's `db-tx-end` (default commit). */
  readonly dbTxEnd: TxEnd;
  /** PostgREST's `db-uri` (default postgresql://). */
  readonly dbUri: string;
  /** PostgREST's `jwt-aud`. */
  readonly jwtAud: string | null;
  /** As written in the config (`$.role`); parsed by `lib/auth`. */
  readonly jwtRoleClaimKey: string;
  /** The secret after `@file` loading; decoding (base64, JWK, JWKS) happens in `lib/auth`. */
  readonly jwtSecret: string | null;
  /** PostgREST's `jwt-secret-is-base64` (default false). */
  readonly jwtSecretIsBase64: boolean;
  /** PostgREST's `jwt-cache-max-entries` (default 1000). */
  readonly jwtCacheMaxEntries: number;
  /** PostgREST's `log-level` (default error). */
  readonly logLevel: LogLevel;
  /** PostgREST's `log-query` (default false). */
  readonly logQuery: boolean;
  /** PostgREST's `openapi-mode` (default follow-privileges). */
  readonly openapiMode: OpenApiMode;
  /** PostgREST's `openapi-security-active` (default false). */
  readonly openapiSecurityActive: boolean;
  /** PostgREST's `openapi-server-proxy-uri`. */
  readonly openapiServerProxyUri: string | null;
  /** `null` = any origin (`*`). */
  readonly serverCorsAllowedOrigins: readonly string[] | null;
  /** PostgREST's `server-host` (default !4). */
  readonly serverHost: string;
  /** PostgREST's `server-port` (default 3000). */
  readonly serverPort: number;
  /** PostgREST's `server-reuseport` (default false). */
  readonly serverReuseport: boolean;
  /** PostgREST's `server-trace-header`. */
  readonly serverTraceHeader: string | null;
  /** PostgREST's `server-timing-enabled` (default false). */
  readonly serverTimingEnabled: boolean;
  /** PostgREST's `server-unix-socket`. */
  readonly serverUnixSocket: string | null;
  /** PostgREST's `server-unix-socket-mode` (default 660). */
  readonly serverUnixSocketMode: number;
  /** PostgREST's `url-use-legacy-target-names` (default true). */
  readonly urlUseLegacyTargetNames: boolean;
  /** Milliseconds of pg_sleep before the schema cache queries (tests only). */
  readonly internalSchemaCacheQuerySleepBeforeQueries: number | null;
  /** Milliseconds of pg_sleep inside the schema cache load (tests only). */
  readonly internalSchemaCacheQuerySleep: number | null;
  /** Settings of each role (`ALTER ROLE … SET`), read from the database; applied per request. */
  readonly roleSettings: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  /** `default_transaction_isolation` of each role, read from the database. */
  readonly roleIsolationLevels: ReadonlyMap<string, IsolationLevel>;
  /** The config file this came from, if any (reloads re-read it). */
  readonly configFilePath: string | null;
}
