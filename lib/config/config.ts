/**
 * Builds an `AppConfig` from layered raw sources, converting and validating every option the way
 * PostgREST's `Config.hs` parser does.
 *
 * Input: raw `key → value` maps: the config file (values as written, keys as written: aliases and
 * `app.settings.*` included), `PGRST_*` environment variables (see `rawFromEnv`) and in-database
 * `pgrst.*` settings. For each key the database wins over the environment, which wins over the
 * file; an alias is only consulted when its option's own name is unset or empty everywhere.
 * Output: an immutable `AppConfig`, or a `ConfigError` whose message is what PostgREST prints.
 *
 * Coercions follow PostgREST exactly: an empty string means "unset" (except for
 * `db-extra-search-path`, where it means no schema); integers and booleans that do not read fall
 * back to the default instead of failing; text written as a number in the file reads `Number 5.0`.
 */
import type { IsolationLevel } from "../db/db.ts";
import { readBool, readInt, showValue } from "./haskell.ts";
import { envName, OPTIONS, type OptionSpec } from "./options.ts";
import { defaultRoleClaimKeyValidator, type RoleClaimKeyValidator } from "./role_claim_key.ts";
import { jwtSecretError } from "./secret.ts";
import type { AppConfig, QualifiedName } from "./types.ts";
import { isMalformedProxyUri, isUri } from "./uri.ts";
import type { FileValue } from "./file.ts";

/** A value as written in a source: text (environment, database) or a typed file value. */
export type RawValue = FileValue;
export type RawConfig = ReadonlyMap<string, RawValue>;

/** An invalid configuration; `message` is the text PostgREST prints ("Error in config …"). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  /** Values from the config file (after `$(ENV)` interpolation), by key as written. */
  readonly file?: RawConfig;
  /** Values from `PGRST_*` environment variables, by key as written (see `rawFromEnv`). */
  readonly env?: RawConfig;
  /** `pgrst.*` settings from the database, by option name (only in-db capable ones are used). */
  readonly db?: RawConfig;
  /** `app.settings.*` from the environment; they win over the file's. */
  readonly appSettings?: readonly (readonly [string, string])[];
  readonly roleSettings?: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  readonly roleIsolationLevels?: ReadonlyMap<string, IsolationLevel>;
  readonly configFilePath?: string | null;
  /** Checks `jwt-role-claim-key` (the JSONPath parser of `lib/auth`); default: a loose check. */
  readonly validateRoleClaimKey?: RoleClaimKeyValidator;
}

/**
 * Reads `PGRST_*` variables of an environment record: every option name and alias
 * (`PGRST_DB_SCHEMA` → `db-schema`), and `PGRST_APP_SETTINGS_<name>` → `app.settings.<name>`.
 * Other `PGRST_*` variables (unknown or removed options) are ignored.
 */
export function rawFromEnv(env: Readonly<Record<string, string | undefined>>): {
  raw: Map<string, RawValue>;
  appSettings: [string, string][];
} {
  const raw = new Map<string, RawValue>();
  for (const opt of OPTIONS) {
    for (const name of [opt.name, ...(opt.aliases ?? [])]) {
      const v = env[envName(name)];
      if (v !== undefined) raw.set(name, v);
    }
  }
  const appSettings: [string, string][] = [];
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith("PGRST_APP_SETTINGS_") && v !== undefined) {
      appSettings.push([`app.settings.${k.slice(19)}`, v]);
    }
  }
  return { raw, appSettings };
}

/** Splits on commas and trims each element, dropping empty ones. */
export function splitList(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

/** PostgREST's `splitOnCommas`: split and trim, keeping empty elements (`"a,"` → `["a", ""]`). */
export function splitOnCommas(s: string): string[] {
  return s.split(",").map((x) => x.trim());
}

/** `schema.name` → { schema, name }, split at the first dot; a bare name has an empty schema. */
export function toQualifiedName(s: string): QualifiedName {
  const i = s.indexOf(".");
  if (i < 0 || i === s.length - 1) return { schema: "", name: i < 0 ? s : s.slice(0, i) };
  return { schema: s.slice(0, i), name: s.slice(i + 1) };
}

/** `{ schema: "api", name: "f" }` → `api.f`; a bare name stays bare. */
export function showQualifiedName(q: QualifiedName): string {
  return q.schema === "" ? q.name : `${q.schema}.${q.name}`;
}

const ENUM_MESSAGES: Record<string, string> = {
  "client-error-verbosity": "Invalid client-error-verbosity. Check your configuration.",
  "db-tx-end": "Invalid transaction termination. Check your configuration.",
  "log-level": "Invalid logging level. Check your configuration.",
  "openapi-mode": "Invalid openapi-mode. Check your configuration.",
};

/** The order PostgREST's parser reads the options in: the first invalid one is reported. */
const PARSE_ORDER = [
  "client-error-verbosity",
  "db-aggregates-enabled",
  "db-anon-role",
  "db-channel",
  "db-channel-enabled",
  "db-extra-search-path",
  "db-hoisted-tx-settings",
  "db-max-rows",
  "db-plan-enabled",
  "db-pool",
  "db-pool-acquisition-timeout",
  "db-pool-max-lifetime",
  "db-pool-max-idletime",
  "db-pool-automatic-recovery",
  "db-pool-pipeline-depth",
  "db-pre-request",
  "db-prepared-statements",
  "db-root-spec",
  "db-schemas",
  "db-config",
  "db-pre-config",
  "db-tx-end",
  "db-uri",
  "jwt-aud",
  "jwt-role-claim-key",
  "jwt-secret",
  "jwt-secret-is-base64",
  "jwt-cache-max-entries",
  "log-level",
  "log-query",
  "openapi-mode",
  "openapi-security-active",
  "openapi-server-proxy-uri",
  "server-cors-allowed-origins",
  "server-host",
  "server-port",
  "server-reuseport",
  "server-trace-header",
  "server-timing-enabled",
  "server-unix-socket",
  "server-unix-socket-mode",
  "url-use-legacy-target-names",
  "admin-server-host",
  "admin-server-port",
  "admin-server-unix-socket",
  "admin-server-unix-socket-mode",
  "internal-schema-cache-query-sleep-before-queries",
  "internal-schema-cache-query-sleep",
]; // deno-fmt-ignore

const fail = (message: string): never => {
  throw new ConfigError(`Error in config ${message}`);
};

/** Looks a key up in the sources, database first; `undefined` when no source sets it. */
function lookupIn(sources: ConfigSources): (key: string) => RawValue | undefined {
  const dbKeys = new Set(OPTIONS.filter((o) => o.inDb).map((o) => o.name));
  return (key) =>
    (dbKeys.has(key) ? sources.db?.get(key) : undefined) ?? sources.env?.get(key) ?? sources.file?.get(key);
}

type Lookup = (key: string) => RawValue | undefined;

/** Text of a key, `null` when unset or (unless `emptyable`) empty. */
function text(lookup: Lookup, key: string, emptyable = false): string | null {
  const v = lookup(key);
  if (v === undefined) return null;
  const s = showValue(v);
  return s === "" && !emptyable ? null : s;
}

function int(lookup: Lookup, key: string): number | null {
  const v = lookup(key);
  if (typeof v === "number") return Number.isInteger(v) ? v : null;
  return typeof v === "string" ? readInt(v) : null;
}

function bool(lookup: Lookup, key: string): boolean | null {
  const v = lookup(key);
  if (typeof v === "boolean") return v;
  return typeof v === "string" ? readBool(v) : null;
}

/** The option's names in lookup order: the name, then its aliases (or the reverse). */
function namesOf(opt: OptionSpec): string[] {
  const aliases = [...(opt.aliases ?? [])];
  return opt.aliasFirst ? [...aliases, opt.name] : [opt.name, ...aliases];
}

/** Numeric's `readOct`: leading octal digits (rest ignored), or `null` when there are none. */
function readOct(s: string): number | null {
  const m = /^[0-7]+/.exec(s);
  return m ? parseInt(m[0], 8) : null;
}

/** One option's value: the first name that yields a value, else the default; validated. */
function convert(opt: OptionSpec, lookup: Lookup): unknown {
  const first = <T>(get: (key: string) => T | null): T | null => {
    for (const name of namesOf(opt)) {
      const v = get(name);
      if (v !== null) return v;
    }
    return null;
  };
  const defText = opt.default;
  switch (opt.kind) {
    case "string":
      return first((k) => text(lookup, k)) ?? defText;
    case "int":
      return first((k) => int(lookup, k)) ?? (defText === null ? null : Number(defText));
    case "bool":
      return first((k) => bool(lookup, k)) ?? (defText === "true");
    case "list": {
      const s = first((k) => text(lookup, k)) ?? defText;
      return s === null ? null : splitOnCommas(s);
    }
    case "listEmptyable": {
      const s = first((k) => text(lookup, k, true)) ?? defText!;
      return s === "" ? [] : splitOnCommas(s);
    }
    case "enum": {
      const s = first((k) => text(lookup, k)) ?? defText!;
      return opt.values!.includes(s) ? s : fail(ENUM_MESSAGES[opt.name] ?? `Invalid ${opt.name}.`);
    }
    case "qualifiedName": {
      const s = first((k) => text(lookup, k));
      return s === null ? null : toQualifiedName(s);
    }
    case "fileMode": {
      const s = first((k) => text(lookup, k)) ?? defText!;
      const mode = readOct(s);
      if (mode === null) fail(`Invalid ${opt.name}: not an octal`);
      if (mode! < 0o600 || mode! > 0o777) fail(`Invalid ${opt.name}: needs to be between 600 and 777`);
      return mode;
    }
  }
}

/** The checks PostgREST makes beyond the option's type. */
function validate(name: string, value: unknown, out: Record<string, unknown>, sources: ConfigSources): void {
  switch (name) {
    case "db-schemas":
      for (const forbidden of ["pg_catalog", "information_schema"]) {
        if ((value as string[]).includes(forbidden)) fail(`db-schemas does not allow schema: '${forbidden}'`);
      }
      break;
    case "jwt-aud":
      if (typeof value === "string" && value.includes(":") && !isUri(value)) {
        fail("jwt-aud should be a string or a valid URI");
      }
      break;
    case "jwt-role-claim-key": {
      const error = (sources.validateRoleClaimKey ?? defaultRoleClaimKeyValidator)(value as string);
      if (error !== null) fail(error);
      break;
    }
    case "openapi-server-proxy-uri":
      if (typeof value === "string" && isMalformedProxyUri(value)) {
        fail("Malformed proxy uri, a correct example: https://example.com:8443/basePath");
      }
      break;
    case "admin-server-port":
      if (value !== null && value === out.serverPort) {
        fail("admin-server-port cannot be the same as server-port");
      }
      break;
  }
}

/** `app.settings.<name>` keys of the file (one level only), overridden by the environment's. */
function appSettingsOf(sources: ConfigSources): [string, string][] {
  const merged = new Map<string, string>();
  for (const [k, v] of sources.file ?? []) {
    if (k.startsWith("app.settings.") && !k.slice(13).includes(".")) merged.set(k, showValue(v));
  }
  for (const [k, v] of sources.appSettings ?? []) merged.set(k, v);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Builds and validates the configuration. `@file` values are left as written (see `readConfig`
 * in `load.ts`); a plain JWT secret is checked here.
 *
 * @example
 * buildConfig({ env: rawFromEnv({ PGRST_DB_SCHEMAS: "api, v1" }).raw }).dbSchemas // ["api", "v1"]
 */
export function buildConfig(sources: ConfigSources = {}): AppConfig {
  const lookup = lookupIn(sources);
  const byName = new Map(OPTIONS.map((o) => [o.name, o]));
  const out: Record<string, unknown> = {};
  for (const name of PARSE_ORDER) {
    const opt = byName.get(name)!;
    const value = name === "admin-server-host"
      ? text(lookup, "admin-server-host") ?? text(lookup, "server-host") ?? "!4"
      : convert(opt, lookup);
    validate(name, value, out, sources);
    out[opt.key] = value;
  }
  const secret = out.jwtSecret as string | null;
  if (secret !== null && !secret.startsWith("@")) {
    const error = jwtSecretError(secret, out.jwtSecretIsBase64 as boolean);
    if (error !== null) throw new ConfigError(error);
  }
  return {
    ...(out as Omit<AppConfig, "appSettings" | "roleSettings" | "roleIsolationLevels" | "configFilePath">),
    appSettings: appSettingsOf(sources),
    roleSettings: sources.roleSettings ?? new Map(),
    roleIsolationLevels: sources.roleIsolationLevels ?? new Map(),
    configFilePath: sources.configFilePath ?? null,
  };
}

/** The configuration with every default (what `postgrest` with no file and no env would use). */
export function defaultConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...buildConfig(), ...overrides };
}
