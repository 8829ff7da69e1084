/**
 * In-database configuration (CF-04) and the settings of the roles the authenticator can become
 * (TX-03, TX-05), read once connected and on every config reload.
 *
 * - `pgrst.<name>` settings of the current (authenticator) role: `ALTER ROLE … IN DATABASE … SET`
 *   wins over `ALTER ROLE … SET`, which wins over the `set_config` calls of the `db-pre-config`
 *   function. Only in-db capable options are read; `ALTER DATABASE … SET` has no effect.
 * - For every role the authenticator is a member of: its `ALTER ROLE … SET` settings that a user
 *   may set (context `user`, or on PostgreSQL 15+ granted with `GRANT SET ON PARAMETER`), and its
 *   `default_transaction_isolation`.
 *
 * Input: a `Database` and the current config. Output: the `DbContribution` for `reloadConfig`.
 * A failing query is reported, not thrown: PostgREST logs it and goes on without those settings.
 */
import type { Database, IsolationLevel, Rows } from "../db/db.ts";
import { empty, ident, param, render, type Sql, sql } from "../query/sql.ts";
import type { DbContribution } from "./load.ts";
import { buildConfig } from "./config.ts";
import { dbSettingName, OPTIONS } from "./options.ts";
import type { AppConfig, QualifiedName } from "./types.ts";

/** `pgrst.db_schemas`, … : the settings read from the database. */
export const DB_SETTING_NAMES: readonly string[] = OPTIONS.filter((o) => o.inDb).map((o) =>
  dbSettingName(o.name)
);

/** A PostgreSQL text array literal: `{"a","b"}`. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}

/** The in-db settings query; `preConfig` adds the function's `set_config` values (lowest). */
export function dbSettingsQuery(preConfig: QualifiedName | null): Sql {
  const names = () => param(textArray(DB_SETTING_NAMES));
  const fn = preConfig === null
    ? null
    : preConfig.schema === ""
    ? ident(preConfig.name)
    : ident(preConfig.schema, preConfig.name);
  const preConfigPart = fn === null ? empty : sql`
    union
    select null as database, x as k, current_setting(x, true) as v
    from unnest(${names()}::text[]) x
    join ${fn}() _ on true`;
  return sql`
    with
    role_setting as (
      select setdatabase as database, unnest(setconfig) as setting
      from pg_catalog.pg_db_role_setting
      where setrole = quote_ident(current_user)::regrole::oid
        and setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_catalog))
    ),
    kv_settings as (
      select database,
             substr(setting, 1, strpos(setting, '=') - 1) as k,
             substr(setting, strpos(setting, '=') + 1) as v
      from role_setting${preConfigPart}
    )
    select distinct on (key) replace(k, 'pgrst.', '') as key, v as value
    from kv_settings
    where k = any(${names()}::text[]) and v is not null
    order by key, database desc nulls last`;
}

/** Settings of the roles the current user is a member of, one row per (role, setting). */
export function roleSettingsQuery(pgVersionNum: number): Sql {
  const granted = pgVersionNum >= 150000
    ? sql` or has_parameter_privilege(quote_ident(current_user)::regrole::oid, ps.name, 'set')`
    : empty;
  return sql`
    with
    role_setting as (
      select r.rolname, unnest(r.rolconfig) as setting
      from pg_catalog.pg_auth_members m
      join pg_catalog.pg_roles r on r.oid = m.roleid
      where m.member = quote_ident(current_user)::regrole::oid
    ),
    kv_settings as (
      select rolname,
             substr(setting, 1, strpos(setting, '=') - 1) as key,
             substr(setting, strpos(setting, '=') + 1) as value
      from role_setting
    )
    select kv.rolname::text, kv.key, kv.value
    from kv_settings kv
    join pg_catalog.pg_settings ps on ps.name = kv.key and (ps.context = 'user'${granted})
    order by kv.rolname, kv.key`;
}

async function query(db: Database, q: Sql): Promise<Rows> {
  const { text, params } = render(q);
  const [rows] = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [{ text, params, prepare: false }],
  });
  return rows;
}

/** `server_version_num` (e.g. 150004). */
export async function queryServerVersion(db: Database): Promise<number> {
  const rows = await query(db, sql`select current_setting('server_version_num')`);
  return Number(rows[0][0]);
}

/** `pgrst.*` settings by option name (`db-schemas` → `"test, tenant1"`). */
export async function queryDbSettings(
  db: Database,
  preConfig: QualifiedName | null,
): Promise<Map<string, string>> {
  const byKey = new Map(OPTIONS.map((o) => [dbSettingName(o.name).slice("pgrst.".length), o.name]));
  const out = new Map<string, string>();
  for (const [key, value] of await query(db, dbSettingsQuery(preConfig))) {
    const name = byKey.get(key ?? "");
    if (name !== undefined && value !== null) out.set(name, value);
  }
  return out;
}

/** PostgREST's `toIsolationLevel`: anything but repeatable read / serializable is read committed. */
export function toIsolationLevel(value: string): IsolationLevel {
  const v = value.toLowerCase();
  return v === "repeatable read" || v === "serializable" ? v : "read committed";
}

/** Settings (without `default_transaction_isolation`) and isolation level of each member role. */
export async function queryRoleSettings(db: Database, pgVersionNum: number): Promise<{
  roleSettings: Map<string, [string, string][]>;
  roleIsolationLevels: Map<string, IsolationLevel>;
}> {
  const roleSettings = new Map<string, [string, string][]>();
  const roleIsolationLevels = new Map<string, IsolationLevel>();
  for (const [role, key, value] of await query(db, roleSettingsQuery(pgVersionNum))) {
    if (role === null || key === null || value === null) continue;
    const settings = roleSettings.get(role) ?? [];
    roleSettings.set(role, settings);
    if (key === "default_transaction_isolation") roleIsolationLevels.set(role, toIsolationLevel(value));
    else settings.push([key, value]);
  }
  return { roleSettings, roleIsolationLevels };
}

export interface DbConfigError {
  /** What PostgREST logs before the error itself. */
  readonly message:
    | "Failed to query database settings for the config parameters."
    | "Failed to query the role settings.";
  readonly error: unknown;
}

/**
 * Everything the database contributes to the config, for `reloadConfig`. Nothing is read when
 * `db-config` is off. `db-pre-config` is the current config's (so one set in the database takes
 * effect from the next reload on, as in PostgREST).
 */
export async function readDbConfig(
  db: Database,
  config: AppConfig,
  options: { readonly pgVersionNum?: number } = {},
): Promise<DbContribution & { readonly errors: readonly DbConfigError[] }> {
  if (!config.dbConfig) {
    return { dbSettings: new Map(), roleSettings: new Map(), roleIsolationLevels: new Map(), errors: [] };
  }
  const errors: DbConfigError[] = [];
  let dbSettings = new Map<string, string>();
  try {
    dbSettings = await queryDbSettings(db, config.dbPreConfig);
  } catch (error) {
    errors.push({ message: "Failed to query database settings for the config parameters.", error });
  }
  let roles: Awaited<ReturnType<typeof queryRoleSettings>> = {
    roleSettings: new Map(),
    roleIsolationLevels: new Map(),
  };
  try {
    roles = await queryRoleSettings(db, options.pgVersionNum ?? await queryServerVersion(db));
  } catch (error) {
    errors.push({ message: "Failed to query the role settings.", error });
  }
  return { dbSettings, ...roles, errors };
}

/**
 * Applies what the database contributed to a configuration that did not come from a file or the
 * environment (the library's `createHandler({ config })`): in-db options present in the
 * database override the given ones; role settings and isolation levels are taken as read.
 */
export function applyDbContribution(config: AppConfig, contribution: DbContribution): AppConfig {
  const fromDb = buildConfig({ db: contribution.dbSettings });
  const overrides: Record<string, unknown> = {};
  for (const opt of OPTIONS) {
    if (!opt.inDb) continue;
    const names = [opt.name, ...(opt.aliases ?? [])];
    if (names.some((n) => contribution.dbSettings?.has(n))) overrides[opt.key] = fromDb[opt.key];
  }
  return {
    ...config,
    ...overrides,
    roleSettings: contribution.roleSettings ?? config.roleSettings,
    roleIsolationLevels: contribution.roleIsolationLevels ?? config.roleIsolationLevels,
  };
}
