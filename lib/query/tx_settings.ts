/**
 * INTERIM transaction settings statement (replaced by the full auth/context work).
 */
import type { QualifiedName } from "../config/types.ts";
import { fromQi } from "./fragments.ts";
import { join, param, type Sql, sql } from "./sql.ts";

export interface TxSettingsContext {
  readonly searchPath: readonly string[];
  readonly role: string;
  readonly claims: string;
  readonly method: string;
  readonly path: string;
  readonly headers: string;
  readonly cookies: string;
  readonly appSettings: readonly (readonly [string, string])[];
  readonly timezone: string | null;
}

export function buildTxSettings(ctx: TxSettingsContext): Sql {
  const searchPath = ctx.searchPath.map((s) => `"${s.replaceAll('"', '""')}"`).join(", ");
  const parts = [
    sql`set_config('search_path', ${param(searchPath)}, true)`,
    sql`set_config('role', ${param(ctx.role)}, true)`,
    sql`set_config('request.jwt.claims', ${param(ctx.claims)}, true)`,
    sql`set_config('request.method', ${param(ctx.method)}, true)`,
    sql`set_config('request.path', ${param(ctx.path)}, true)`,
    sql`set_config('request.headers', ${param(ctx.headers)}, true)`,
    sql`set_config('request.cookies', ${param(ctx.cookies)}, true)`,
    ...(ctx.timezone === null ? [] : [sql`set_config('timezone', ${param(ctx.timezone)}, true)`]),
    ...ctx.appSettings.map(([k, v]) => sql`set_config(${param(k)}, ${param(v)}, true)`),
  ];
  return sql`select ${join(parts)}`;
}

export function buildPreRequest(fn: QualifiedName): Sql {
  return sql`select ${fromQi(fn)}()`;
}
