/**
 * `--dump-config` (CLI-05): the final configuration as PostgREST prints it, so that the output is
 * itself a valid config file that reads back to the same configuration.
 *
 * Sorted `key = value` lines; text quoted (`"` written `\"`), numbers and booleans bare, unset
 * numbers as `""`; `$` in an RFC 9535 `jwt-role-claim-key` written `$$` (the file format
 * interpolates `$`); a base64 `jwt-secret` re-encoded as standard base64; `app.settings.*` quoted.
 * Internal options are not shown.
 */
import { showQualifiedName } from "./config.ts";
import { dumpDeprecatedRoleClaimKey, isDeprecatedRoleClaimKey } from "./role_claim_key.ts";
import { decodeBase64Secret, encodeBase64 } from "./secret.ts";
import type { AppConfig, QualifiedName } from "./types.ts";

export interface DumpOptions {
  /**
   * The canonical text of an RFC 9535 `jwt-role-claim-key` (`lib/auth`'s JSONPath printer, which
   * writes names and strings single-quoted). Default: the key as configured.
   */
  readonly formatRoleClaimKey?: (key: string) => string;
}

/** Quotes text for the config file: `"…"`, with `"` written `\"` (and nothing else escaped). */
function q(s: string): string {
  return `"${s.replaceAll('"', '\\"')}"`;
}

const qn = (v: QualifiedName | null) => q(v === null ? "" : showQualifiedName(v));
const list = (v: readonly string[] | null) => q((v ?? []).join(","));
const num = (v: number | null) => (v === null ? '""' : String(v));
const octal = (v: number) => q(v.toString(8));

function roleClaimKey(key: string, options: DumpOptions): string {
  if (isDeprecatedRoleClaimKey(key)) return q(dumpDeprecatedRoleClaimKey(key));
  const canonical = options.formatRoleClaimKey?.(key) ?? key;
  return q(canonical.replaceAll("$", "$$$$"));
}

function jwtSecret(c: AppConfig): string {
  const secret = c.jwtSecret ?? "";
  if (!c.jwtSecretIsBase64 || secret === "") return q(secret);
  const bytes = decodeBase64Secret(secret);
  return q(bytes instanceof Uint8Array ? encodeBase64(bytes) : secret);
}

/**
 * The `--dump-config` text, one `key = value` line per option, sorted, newline-terminated.
 *
 * @example
 * dumpConfig(defaultConfig()).split("\n")[0] // 'admin-server-host = "!4"'
 */
export function dumpConfig(c: AppConfig, options: DumpOptions = {}): string {
  const lines: [string, string][] = [
    ["admin-server-host", q(c.adminServerHost)],
    ["admin-server-port", num(c.adminServerPort)],
    ["admin-server-unix-socket", q(c.adminServerUnixSocket ?? "")],
    ["admin-server-unix-socket-mode", octal(c.adminServerUnixSocketMode)],
    ["client-error-verbosity", q(c.clientErrorVerbosity)],
    ["db-aggregates-enabled", String(c.dbAggregatesEnabled)],
    ["db-anon-role", q(c.dbAnonRole ?? "")],
    ["db-channel", q(c.dbChannel)],
    ["db-channel-enabled", String(c.dbChannelEnabled)],
    ["db-config", String(c.dbConfig)],
    ["db-extra-search-path", list(c.dbExtraSearchPath)],
    ["db-hoisted-tx-settings", list(c.dbHoistedTxSettings)],
    ["db-max-rows", num(c.dbMaxRows)],
    ["db-plan-enabled", String(c.dbPlanEnabled)],
    ["db-pool", String(c.dbPool)],
    ["db-pool-acquisition-timeout", String(c.dbPoolAcquisitionTimeout)],
    ["db-pool-automatic-recovery", String(c.dbPoolAutomaticRecovery)],
    ["db-pool-max-idletime", String(c.dbPoolMaxIdletime)],
    ["db-pool-max-lifetime", String(c.dbPoolMaxLifetime)],
    ["db-pre-config", qn(c.dbPreConfig)],
    ["db-pre-request", qn(c.dbPreRequest)],
    ["db-prepared-statements", String(c.dbPreparedStatements)],
    ["db-root-spec", qn(c.dbRootSpec)],
    ["db-schemas", list(c.dbSchemas)],
    ["db-tx-end", q(c.dbTxEnd)],
    ["db-uri", q(c.dbUri)],
    ["jwt-aud", q(c.jwtAud ?? "")],
    ["jwt-cache-max-entries", String(c.jwtCacheMaxEntries)],
    ["jwt-role-claim-key", roleClaimKey(c.jwtRoleClaimKey, options)],
    ["jwt-secret", jwtSecret(c)],
    ["jwt-secret-is-base64", String(c.jwtSecretIsBase64)],
    ["log-level", q(c.logLevel)],
    ["log-query", String(c.logQuery)],
    ["openapi-mode", q(c.openapiMode)],
    ["openapi-security-active", String(c.openapiSecurityActive)],
    ["openapi-server-proxy-uri", q(c.openapiServerProxyUri ?? "")],
    ["server-cors-allowed-origins", list(c.serverCorsAllowedOrigins)],
    ["server-host", q(c.serverHost)],
    ["server-port", String(c.serverPort)],
    ["server-reuseport", String(c.serverReuseport)],
    ["server-timing-enabled", String(c.serverTimingEnabled)],
    ["server-trace-header", q(c.serverTraceHeader ?? "")],
    ["server-unix-socket", q(c.serverUnixSocket ?? "")],
    ["server-unix-socket-mode", octal(c.serverUnixSocketMode)],
    ["url-use-legacy-target-names", String(c.urlUseLegacyTargetNames)],
    ...c.appSettings.map(([k, v]): [string, string] => [k, q(v)]),
  ];
  const text = lines.map(([k, v]) => `${k} = ${v}`);
  text.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return text.map((l) => l + "\n").join("");
}
