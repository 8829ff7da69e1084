/**
 * Builds an `AppConfig` from layered raw sources (precedence: file < environment < database),
 * converting and validating every option as the options table says.
 *
 * Input: raw `name → value` maps (values as written: strings, numbers, booleans).
 * Output: an immutable `AppConfig`, or a `ConfigError` whose message PostgREST would print.
 */
import type { IsolationLevel } from "../db/db.ts";
import { envName, findOption, OPTIONS, type OptionSpec } from "./options.ts";
import type { AppConfig, QualifiedName } from "./types.ts";

export type RawValue = string | number | boolean;
export type RawConfig = ReadonlyMap<string, RawValue>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  /** Values from the config file (after `$(ENV)` interpolation). */
  readonly file?: RawConfig;
  /** Values from `PGRST_*` environment variables, by option name. */
  readonly env?: RawConfig;
  /** `pgrst.*` settings from the database, by option name (only in-db capable ones are used). */
  readonly db?: RawConfig;
  /** `app.settings.*` from file and environment. */
  readonly appSettings?: readonly (readonly [string, string])[];
  readonly roleSettings?: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  readonly roleIsolationLevels?: ReadonlyMap<string, IsolationLevel>;
  readonly configFilePath?: string | null;
}

/** Reads `PGRST_*` variables of an environment record into raw option values. */
export function rawFromEnv(env: Readonly<Record<string, string>>): {
  raw: Map<string, RawValue>;
  appSettings: [string, string][];
} {
  const raw = new Map<string, RawValue>();
  for (const opt of OPTIONS) {
    for (const name of [...(opt.aliases ?? []).toReversed(), opt.name]) {
      const v = env[envName(name)];
      if (v !== undefined) raw.set(opt.name, v);
    }
  }
  const appSettings: [string, string][] = [];
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith("PGRST_APP_SETTINGS_")) appSettings.push([`app.settings.${k.slice(19)}`, v]);
  }
  return { raw, appSettings };
}

/** Splits on commas, trimming each element and dropping empty ones. */
export function splitList(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

/** `schema.name` → { schema, name }; a bare name has an empty schema. */
export function toQualifiedName(s: string): QualifiedName {
  const i = s.indexOf(".");
  return i < 0
    ? { schema: "", name: s.trim() }
    : { schema: s.slice(0, i).trim(), name: s.slice(i + 1).trim() };
}

function asString(v: RawValue): string {
  return typeof v === "string" ? v : String(v);
}

function convert(opt: OptionSpec, v: RawValue | undefined): unknown {
  const given = v !== undefined && !(typeof v === "string" && v === "" && opt.kind !== "listEmptyable");
  const value: RawValue | null = given ? v! : opt.default;
  if (value === null) return null;
  switch (opt.kind) {
    case "string":
      return asString(value);
    case "int": {
      const n = typeof value === "number" ? value : Number(String(value).trim());
      if (!Number.isInteger(n)) throw new ConfigError(`Error in config ${opt.name}: expected an integer`);
      return n;
    }
    case "bool": {
      if (typeof value === "boolean") return value;
      const s = String(value).trim().toLowerCase();
      if (["true", "on", "yes", "1"].includes(s)) return true;
      if (["false", "off", "no", "0"].includes(s)) return false;
      throw new ConfigError(`Error in config ${opt.name}: expected a boolean`);
    }
    case "list":
    case "listEmptyable":
      return splitList(asString(value));
    case "enum": {
      const s = asString(value);
      if (!opt.values!.includes(s)) throw new ConfigError(invalidEnumMessage(opt));
      return s;
    }
    case "qualifiedName":
      return toQualifiedName(asString(value));
    case "fileMode": {
      const s = asString(value).trim();
      const n = /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
      if (!(n >= 0o600 && n <= 0o777)) {
        throw new ConfigError(
          `Error in config ${opt.name}: Invalid socket mode (must be between 600 and 777)`,
        );
      }
      return n;
    }
  }
}

function invalidEnumMessage(opt: OptionSpec): string {
  switch (opt.name) {
    case "db-tx-end":
      return "Error in config Invalid transaction termination. Check your configuration.";
    case "log-level":
      return "Error in config Invalid logging level. Check your configuration.";
    case "openapi-mode":
      return "Error in config Invalid openapi-mode. Check your configuration.";
    default:
      return `Error in config Invalid ${opt.name}. Check your configuration.`;
  }
}

/** Builds and validates the configuration. */
export function buildConfig(sources: ConfigSources = {}): AppConfig {
  const merged = new Map<string, RawValue>();
  const layer = (raw: RawConfig | undefined, dbOnly: boolean) => {
    for (const [name, v] of raw ?? []) {
      const opt = findOption(name);
      if (!opt || (dbOnly && !opt.inDb)) continue;
      merged.set(opt.name, v);
    }
  };
  layer(sources.file, false);
  layer(sources.env, false);
  layer(sources.db, true);

  const out: Record<string, unknown> = {};
  for (const opt of OPTIONS) out[opt.key] = convert(opt, merged.get(opt.name));

  // Derived defaults and cross-option rules.
  out.adminServerHost ??= out.serverHost;
  const schemas = out.dbSchemas as string[];
  if (schemas.length === 0) out.dbSchemas = ["public"];
  for (const s of out.dbSchemas as string[]) {
    if (s === "pg_catalog" || s === "information_schema") {
      throw new ConfigError(`Error in config db-schemas: schema '${s}' is not allowed`);
    }
  }
  if (out.adminServerPort !== null && out.adminServerPort === out.serverPort) {
    throw new ConfigError("Error in config admin-server-port cannot be the same as server-port");
  }
  const secret = out.jwtSecret as string | null;
  if (secret !== null && secret === "") out.jwtSecret = null;

  const appSettings = new Map<string, string>(sources.appSettings ?? []);
  return {
    ...(out as Omit<AppConfig, "appSettings" | "roleSettings" | "roleIsolationLevels" | "configFilePath">),
    appSettings: [...appSettings],
    roleSettings: sources.roleSettings ?? new Map(),
    roleIsolationLevels: sources.roleIsolationLevels ?? new Map(),
    configFilePath: sources.configFilePath ?? null,
  };
}

/** The configuration with every default (what `postgrest` with no file and no env would use). */
export function defaultConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...buildConfig(), ...overrides };
}
