/**
 * Loading and reloading the configuration: command line → config file + environment (+ in-db
 * settings, once connected) → `AppConfig`. The world is passed in (environment record, file
 * reader), so this runs anywhere and tests without a disk.
 *
 * Start-up (`main.ts`):
 *   1. `loadConfig({ argv, env, readTextFile })` → print-and-exit (`--help`, `--version`,
 *      `--example`, usage or config errors) or a command with the file + environment config;
 *   2. once connected, if `config.dbConfig`: `readDbConfig(db, config)` (`db_config.ts`), then
 *      `reloadConfig(config, { …world, ...dbConfig, startingUp: true })`; an error aborts.
 * Reload (`SIGUSR2`, `NOTIFY pgrst, 'reload config'`): the same with `startingUp: false`; an error
 *   is logged as `Failed reloading config: <error>` and the previous config stays.
 */
import type { IsolationLevel } from "../db/db.ts";
import { type CliCommand, cliOutput, parseCli } from "./cli.ts";
import { buildConfig, ConfigError, type RawConfig, rawFromEnv } from "./config.ts";
import { ConfigFileError, type FileValue, loadConfigFile } from "./file.ts";
import { OPTIONS } from "./options.ts";
import type { RoleClaimKeyValidator } from "./role_claim_key.ts";
import { FileValueError, loadFileValues, type ReadTextFile } from "./secret.ts";
import type { AppConfig } from "./types.ts";

/** What configuration loading needs from the outside world. */
export interface ConfigWorld {
  /** The process environment: `PGRST_*` options and variables for `$(NAME)` in the file. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the config file and `@file` values; rejects with an `Error` saying why. */
  readonly readTextFile: ReadTextFile;
  /** `lib/auth`'s JSONPath check of `jwt-role-claim-key` (default: a loose check). */
  readonly validateRoleClaimKey?: RoleClaimKeyValidator;
}

/** What the database contributed (see `readDbConfig` in `db_config.ts`). */
export interface DbContribution {
  /** `pgrst.*` settings of the authenticator and `db-pre-config`, by option name. */
  readonly dbSettings?: RawConfig;
  readonly roleSettings?: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  readonly roleIsolationLevels?: ReadonlyMap<string, IsolationLevel>;
}

export interface ReadConfigOptions extends ConfigWorld, DbContribution {
  readonly configFilePath: string | null;
  /** On reload: the connection string in use, kept instead of `db-uri` (never re-read). */
  readonly previousDbUri?: string | null;
}

/**
 * PostgREST's `readAppConfig`: the file (if any), the environment and the database settings,
 * validated, with `@file` values read. Throws `ConfigError` with the message to print.
 */
export async function readConfig(options: ReadConfigOptions): Promise<AppConfig> {
  let file: Map<string, FileValue> | undefined;
  if (options.configFilePath !== null) {
    try {
      file = await loadConfigFile(options.configFilePath, options);
    } catch (e) {
      if (e instanceof ConfigFileError) throw new ConfigError(`Error in config ${e.message}`);
      throw e;
    }
  }
  const env = rawFromEnv(options.env);
  const config = buildConfig({
    file,
    env: env.raw,
    appSettings: env.appSettings,
    db: options.dbSettings,
    roleSettings: options.roleSettings,
    roleIsolationLevels: options.roleIsolationLevels,
    configFilePath: options.configFilePath,
    validateRoleClaimKey: options.validateRoleClaimKey,
  });
  try {
    const loaded = await loadFileValues(config, options);
    return { ...config, ...loaded };
  } catch (e) {
    if (e instanceof FileValueError) throw new ConfigError(e.message);
    throw e;
  }
}

export type LoadResult =
  /** Print `stdout`/`stderr` and exit with `exitCode` (help, version, example, errors). */
  | { readonly kind: "exit"; readonly stdout: string; readonly stderr: string; readonly exitCode: number }
  /** Run `command` with this file + environment configuration. */
  | { readonly kind: "command"; readonly command: CliCommand; readonly config: AppConfig };

/**
 * The start-up orchestrator: parses the command line, then reads the config file (the positional
 * argument, if any) and the environment. In-database settings come later (`reloadConfig` with
 * `startingUp: true`), once the server is connected.
 *
 * @example
 * const r = await loadConfig({ argv: runtime.args, env: runtime.env(), readTextFile: runtime.readTextFile });
 * if (r.kind === "exit") { console.log(r.stdout); console.error(r.stderr); runtime.exit(r.exitCode); }
 */
export async function loadConfig(
  options: ConfigWorld & { readonly argv: readonly string[]; readonly programName?: string },
): Promise<LoadResult> {
  const action = parseCli(options.argv);
  if (action.kind !== "command") return { kind: "exit", ...cliOutput(action, options.programName) };
  try {
    const config = await readConfig({ ...options, configFilePath: action.configPath });
    return { kind: "command", command: action.command, config };
  } catch (e) {
    if (e instanceof ConfigError) return { kind: "exit", stdout: "", stderr: `${e.message}\n`, exitCode: 1 };
    throw e;
  }
}

export type ReloadResult =
  | { readonly ok: true; readonly config: AppConfig }
  | { readonly ok: false; readonly error: string };

/**
 * A new configuration from the previous one (CF-04, CF-05): re-reads the config file (same path)
 * and takes the database's settings; the environment is the process's, fixed. `db-uri` is never
 * re-read. After start-up (`startingUp: false`, the default), options that are not reloadable
 * keep their previous value. An invalid configuration is returned as `error` (log it as
 * `Failed reloading config: <error>` and keep the previous config; at start-up, abort).
 */
export async function reloadConfig(
  previous: AppConfig,
  options: ConfigWorld & DbContribution & { readonly startingUp?: boolean },
): Promise<ReloadResult> {
  let next: AppConfig;
  try {
    next = await readConfig({
      ...options,
      configFilePath: previous.configFilePath,
      previousDbUri: previous.dbUri,
    });
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: e.message };
    throw e;
  }
  if (options.startingUp) return { ok: true, config: next };
  const kept: Record<string, unknown> = {};
  for (const opt of OPTIONS) if (!opt.reloadable) kept[opt.key] = previous[opt.key];
  return { ok: true, config: { ...next, ...kept } as AppConfig };
}
