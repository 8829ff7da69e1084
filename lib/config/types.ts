/**
 * The configuration the rest of pgrst reads: `AppConfig`, immutable, built from the options table
 * (`options.ts`) out of a config file, `PGRST_*` environment variables and in-database settings.
 */
import type { IsolationLevel } from "../db/db.ts";

/** `schema.name`, or just `name` (then resolved through the search path): db-pre-request etc. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

export type TxEnd = "commit" | "commit-allow-override" | "rollback" | "rollback-allow-override";
export type LogLevel = "crit" | "error" | "warn" | "info" | "debug";
export type OpenApiMode = "follow-privileges" | "ignore-privileges" | "disabled";
export type Verbosity = "verbose" | "minimal";

export interface AppConfig {
  readonly adminServerHost: string;
  readonly adminServerPort: number | null;
  readonly adminServerUnixSocket: string | null;
  readonly adminServerUnixSocketMode: number;
  /** `app.settings.*` as [full name, value], e.g. ["app.settings.jwt_secret", "…"]. */
  readonly appSettings: readonly (readonly [string, string])[];
  readonly clientErrorVerbosity: Verbosity;
  readonly dbAggregatesEnabled: boolean;
  readonly dbAnonRole: string | null;
  readonly dbChannel: string;
  readonly dbChannelEnabled: boolean;
  readonly dbConfig: boolean;
  readonly dbExtraSearchPath: readonly string[];
  readonly dbHoistedTxSettings: readonly string[];
  readonly dbMaxRows: number | null;
  readonly dbPlanEnabled: boolean;
  readonly dbPool: number;
  /** Seconds. */
  readonly dbPoolAcquisitionTimeout: number;
  /** Seconds. */
  readonly dbPoolMaxIdletime: number;
  /** Seconds. */
  readonly dbPoolMaxLifetime: number;
  readonly dbPoolAutomaticRecovery: boolean;
  readonly dbPreConfig: QualifiedName | null;
  readonly dbPreRequest: QualifiedName | null;
  readonly dbPreparedStatements: boolean;
  readonly dbRootSpec: QualifiedName | null;
  /** Exposed schemas, the first is the default. Never empty. */
  readonly dbSchemas: readonly string[];
  readonly dbTxEnd: TxEnd;
  readonly dbUri: string;
  readonly jwtAud: string | null;
  /** As written in the config (`$.role`); parsed by `lib/auth`. */
  readonly jwtRoleClaimKey: string;
  /** The secret after `@file` loading; decoding (base64, JWK, JWKS) happens in `lib/auth`. */
  readonly jwtSecret: string | null;
  readonly jwtSecretIsBase64: boolean;
  readonly jwtCacheMaxEntries: number;
  readonly logLevel: LogLevel;
  readonly logQuery: boolean;
  readonly openapiMode: OpenApiMode;
  readonly openapiSecurityActive: boolean;
  readonly openapiServerProxyUri: string | null;
  /** `null` = any origin (`*`). */
  readonly serverCorsAllowedOrigins: readonly string[] | null;
  readonly serverHost: string;
  readonly serverPort: number;
  readonly serverReuseport: boolean;
  readonly serverTraceHeader: string | null;
  readonly serverTimingEnabled: boolean;
  readonly serverUnixSocket: string | null;
  readonly serverUnixSocketMode: number;
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
