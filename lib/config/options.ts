/**
 * The options table: every PostgREST option once, with its type, default, aliases, whether it
 * can be set in the database (`pgrst.<name>`) and whether a reload changes it. The file parser,
 * the environment reader, in-database settings, `--dump-config`, `--example` and validation are
 * all driven by this table.
 */
import type { AppConfig } from "./types.ts";

export type OptionKind =
  | "string" // free text
  | "int"
  | "bool"
  | "list" // comma-separated, elements trimmed (empty elements kept); "" = default
  | "listEmptyable" // comma-separated; "" = empty list
  | "enum"
  | "qualifiedName" // schema.function
  | "fileMode"; // octal, e.g. 660

export interface OptionSpec {
  /** The name in `postgrest.conf` (and, upper-cased with `_`, after `PGRST_` in the environment). */
  readonly name: string;
  readonly key: Exclude<
    keyof AppConfig,
    "appSettings" | "roleSettings" | "roleIsolationLevels" | "configFilePath"
  >;
  readonly kind: OptionKind;
  /** The default as it would be written in a config file; `null` = unset. */
  readonly default: string | null;
  readonly aliases?: readonly string[];
  /** The alias is looked up before the name (PostgREST does so for `db-pool-timeout`). */
  readonly aliasFirst?: boolean;
  readonly values?: readonly string[];
  /** May be set with `ALTER ROLE authenticator SET pgrst.<name_with_underscores>`. */
  readonly inDb: boolean;
  readonly reloadable: boolean;
  /** Not shown by `--example` / `--dump-config`. */
  readonly internal?: boolean;
}

const o = (
  name: string,
  key: OptionSpec["key"],
  kind: OptionKind,
  def: string | null,
  flags: {
    inDb?: boolean;
    reloadable?: boolean;
    aliases?: string[];
    aliasFirst?: boolean;
    values?: string[];
    internal?: boolean;
  } = {},
): OptionSpec => ({
  name,
  key,
  kind,
  default: def,
  inDb: flags.inDb ?? false,
  reloadable: flags.reloadable ?? false,
  aliases: flags.aliases,
  aliasFirst: flags.aliasFirst,
  values: flags.values,
  internal: flags.internal,
});

/**
 * Every option, alphabetically (as `--dump-config` prints them).
 *
 * `reloadable` says whether a config reload changes the option's effect. PostgREST replaces the
 * whole config on reload and reads most options per request, so only the options used once at
 * start-up (listening sockets, the pool, the connection string) are not reloadable. In particular
 * `db-tx-end`, `openapi-server-proxy-uri` and `server-cors-allowed-origins`, documented as not
 * reloadable, are read per request by PostgREST and so do change on reload (FEATURES §2.30 #7).
 */
export const OPTIONS: readonly OptionSpec[] = [
  o("admin-server-host", "adminServerHost", "string", null),
  o("admin-server-port", "adminServerPort", "int", null),
  o("admin-server-unix-socket", "adminServerUnixSocket", "string", null),
  o("admin-server-unix-socket-mode", "adminServerUnixSocketMode", "fileMode", "660"),
  o("client-error-verbosity", "clientErrorVerbosity", "enum", "verbose", {
    inDb: true,
    reloadable: true,
    values: ["verbose", "minimal"],
  }),
  o("db-aggregates-enabled", "dbAggregatesEnabled", "bool", "false", { inDb: true, reloadable: true }),
  o("db-anon-role", "dbAnonRole", "string", null, { inDb: true, reloadable: true }),
  o("db-channel", "dbChannel", "string", "pgrst", { reloadable: true }),
  o("db-channel-enabled", "dbChannelEnabled", "bool", "true", { reloadable: true }),
  o("db-config", "dbConfig", "bool", "true", { reloadable: true }),
  o("db-extra-search-path", "dbExtraSearchPath", "listEmptyable", "public", { inDb: true, reloadable: true }),
  o(
    "db-hoisted-tx-settings",
    "dbHoistedTxSettings",
    "list",
    "statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation",
    { inDb: true, reloadable: true },
  ),
  o("db-max-rows", "dbMaxRows", "int", null, { inDb: true, reloadable: true, aliases: ["max-rows"] }),
  o("db-plan-enabled", "dbPlanEnabled", "bool", "false", { inDb: true, reloadable: true }),
  o("db-pool", "dbPool", "int", "10"),
  o("db-pool-acquisition-timeout", "dbPoolAcquisitionTimeout", "int", "10"),
  o("db-pool-automatic-recovery", "dbPoolAutomaticRecovery", "bool", "true", { reloadable: true }),
  o("db-pool-max-idletime", "dbPoolMaxIdletime", "int", "30", {
    aliases: ["db-pool-timeout"],
    aliasFirst: true,
  }),
  o("db-pool-max-lifetime", "dbPoolMaxLifetime", "int", "1800"),
  // pgrst's own: transactions one connection may carry at once (1 = one at a time, as PostgREST).
  o("db-pool-pipeline-depth", "dbPoolPipelineDepth", "int", "32", { internal: true }),
  o("db-pre-config", "dbPreConfig", "qualifiedName", null, { inDb: true, reloadable: true }),
  o("db-pre-request", "dbPreRequest", "qualifiedName", null, {
    inDb: true,
    reloadable: true,
    aliases: ["pre-request"],
  }),
  o("db-prepared-statements", "dbPreparedStatements", "bool", "true", { inDb: true, reloadable: true }),
  o("db-root-spec", "dbRootSpec", "qualifiedName", null, {
    inDb: true,
    reloadable: true,
    aliases: ["root-spec"],
  }),
  o("db-schemas", "dbSchemas", "list", "public", { inDb: true, reloadable: true, aliases: ["db-schema"] }),
  o("db-tx-end", "dbTxEnd", "enum", "commit", {
    inDb: true,
    reloadable: true,
    values: ["commit", "commit-allow-override", "rollback", "rollback-allow-override"],
  }),
  o("db-uri", "dbUri", "string", "postgresql://"),
  o("jwt-aud", "jwtAud", "string", null, { inDb: true, reloadable: true }),
  o("jwt-cache-max-entries", "jwtCacheMaxEntries", "int", "1000", { inDb: true, reloadable: true }),
  o("jwt-role-claim-key", "jwtRoleClaimKey", "string", "$.role", {
    inDb: true,
    reloadable: true,
    aliases: ["role-claim-key"],
  }),
  o("jwt-secret", "jwtSecret", "string", null, { inDb: true, reloadable: true }),
  o("jwt-secret-is-base64", "jwtSecretIsBase64", "bool", "false", {
    inDb: true,
    reloadable: true,
    aliases: ["secret-is-base64"],
  }),
  o("log-level", "logLevel", "enum", "error", {
    reloadable: true,
    values: ["crit", "error", "warn", "info", "debug"],
  }),
  o("log-query", "logQuery", "bool", "false", { reloadable: true }),
  o("openapi-mode", "openapiMode", "enum", "follow-privileges", {
    inDb: true,
    reloadable: true,
    values: ["follow-privileges", "ignore-privileges", "disabled"],
  }),
  o("openapi-security-active", "openapiSecurityActive", "bool", "false", { inDb: true, reloadable: true }),
  o("openapi-server-proxy-uri", "openapiServerProxyUri", "string", null, { inDb: true, reloadable: true }),
  o("server-cors-allowed-origins", "serverCorsAllowedOrigins", "list", null, {
    inDb: true,
    reloadable: true,
  }),
  o("server-host", "serverHost", "string", "!4"),
  o("server-port", "serverPort", "int", "3000"),
  o("server-reuseport", "serverReuseport", "bool", "false"),
  o("server-timing-enabled", "serverTimingEnabled", "bool", "false", { inDb: true, reloadable: true }),
  o("server-trace-header", "serverTraceHeader", "string", null, { inDb: true, reloadable: true }),
  o("server-unix-socket", "serverUnixSocket", "string", null),
  o("server-unix-socket-mode", "serverUnixSocketMode", "fileMode", "660"),
  o("url-use-legacy-target-names", "urlUseLegacyTargetNames", "bool", "true", {
    inDb: true,
    reloadable: true,
  }),
  o(
    "internal-schema-cache-query-sleep-before-queries",
    "internalSchemaCacheQuerySleepBeforeQueries",
    "int",
    null,
    {
      internal: true,
    },
  ),
  o("internal-schema-cache-query-sleep", "internalSchemaCacheQuerySleep", "int", null, { internal: true }),
];

/** `db-schemas` → `PGRST_DB_SCHEMAS`. */
export function envName(optionName: string): string {
  return "PGRST_" + optionName.toUpperCase().replaceAll("-", "_").replaceAll(".", "_");
}

/** Options removed from PostgREST; like PostgREST, pgrst ignores them wherever they are set. */
export const REMOVED_OPTIONS: readonly string[] = [
  "raw-media-types",
  "db-use-legacy-gucs",
  "jwt-cache-max-lifetime",
  "admin-server-config-enabled",
];

/** `db-schemas` → `pgrst.db_schemas`. */
export function dbSettingName(optionName: string): string {
  return "pgrst." + optionName.replaceAll("-", "_");
}

const BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(
  OPTIONS.flatMap((opt) => [[opt.name, opt] as const, ...(opt.aliases ?? []).map((a) => [a, opt] as const)]),
);

/** The option for a name or alias. */
export function findOption(name: string): OptionSpec | undefined {
  return BY_NAME.get(name);
}
