/**
 * Transaction-scoped settings: request + auth + config → the one `select set_config(…), …`
 * statement that opens every API transaction, and the `db-pre-request` call.
 *
 * Settings, in PostgREST's order (`Query/PreQuery.hs`); all transaction-local (`is_local = true`):
 *
 *   search_path          active schema, then db-extra-search-path, quoted: `"api", "public"`
 *   <role settings>      the impersonated role's settings — before `role`, so `GRANT SET ON
 *                        PARAMETER … TO authenticator` covers superuser parameters (PostgREST #3045)
 *   role, request.jwt.claims, request.method, request.path
 *   request.headers      JSON object, lower-cased names, no `cookie` (duplicates: the last wins)
 *   request.cookies      JSON object
 *   timezone             only with `Prefer: timezone=…`
 *   <function settings>  the called function's `SET` clauses named in db-hoisted-tx-settings
 *   <app.settings.*>
 *
 * Fixed names are written into the SQL text (they read clearly in PostgreSQL's logs); role,
 * function and `app.settings.*` names are parameters, like every value.
 */
import { encodeString } from "../auth/json.ts";
import type { AppConfig, QualifiedName } from "../config/types.ts";
import { ident, join, param, quoteIdent, type Sql, sql } from "./sql.ts";

export interface TxSettingsContext {
  readonly config: Pick<
    AppConfig,
    "dbExtraSearchPath" | "roleSettings" | "appSettings" | "dbHoistedTxSettings"
  >;
  /** From `lib/auth` (`AuthResult`). */
  readonly auth: { readonly role: string; readonly claims: string };
  /** From `lib/request` (`ApiRequest`). */
  readonly request: {
    readonly schema: string;
    readonly method: string;
    readonly path: string;
    readonly headers: readonly (readonly [string, string])[];
    readonly cookies: readonly (readonly [string, string])[];
    readonly preferences: { readonly timezone: string | null };
  };
  /** `SET` clauses of the called function (`Routine.settings`), for RPC calls only. */
  readonly functionSettings?: readonly (readonly [string, string])[];
}

type Pairs = readonly (readonly [string, string])[];

/** `set_config(<name>, $n, true)`; `name` is literal SQL text or a bound parameter. */
function setConfig(name: Sql, value: string): Sql {
  return sql`set_config(${name}, ${param(value)}, true)`;
}

function setDynamic([name, value]: readonly [string, string]): Sql {
  return sql`set_config(${param(name)}, ${param(value)}, true)`;
}

const utf8 = new TextDecoder();

/**
 * HTTP header values arrive as byte strings (one character per byte, as `Headers` hold them):
 * PostgREST reads the bytes as UTF-8, so `ü` sent as C3 BC reaches SQL as `ü`. Text with a
 * character beyond one byte is already text and stays as it is.
 */
export function fromHeaderBytes(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s) || /[^\x00-\xff]/.test(s)) return s;
  return utf8.decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));
}

/**
 * A JSON object of text values, as aeson encodes a `HashMap Text Text` built from the pairs
 * (header and cookie bytes read as UTF-8).
 */
export function jsonTextObject(pairs: Pairs): string {
  const last = new Map<string, string>();
  for (const [k, v] of pairs) last.set(fromHeaderBytes(k), fromHeaderBytes(v));
  return `{${[...last].map(([k, v]) => `${encodeString(k)}:${encodeString(v)}`).join(",")}}`;
}

/**
 * The function settings to hoist: PostgreSQL's catalog query keeps a `name=value` clause when it
 * matches one of the db-hoisted-tx-settings entries as a regular expression (`setting ~ ANY(…)`).
 */
export function hoistedSettings(settings: Pairs, hoisted: readonly string[]): Pairs {
  if (settings.length === 0) return settings;
  let patterns = compiled.get(hoisted);
  if (patterns === undefined) {
    patterns = hoisted.map((h) => {
      try {
        return new RegExp(h);
      } catch {
        return { test: (s: string) => s.includes(h) };
      }
    });
    compiled.set(hoisted, patterns);
  }
  return settings.filter(([k, v]) => patterns.some((p) => p.test(`${k}=${v}`)));
}

/** The patterns of each `db-hoisted-tx-settings` list, compiled once per configuration. */
const compiled = new WeakMap<readonly string[], { test(s: string): boolean }[]>();

/** The fixed setting names, written once (they read clearly in PostgreSQL's logs). */
const NAMES = {
  searchPath: sql`'search_path'`,
  role: sql`'role'`,
  claims: sql`'request.jwt.claims'`,
  method: sql`'request.method'`,
  path: sql`'request.path'`,
  headers: sql`'request.headers'`,
  cookies: sql`'request.cookies'`,
  timezone: sql`'timezone'`,
} as const;

/**
 * The settings statement of one request.
 *
 * @example
 * render(buildTxSettings(ctx)).text;
 * // select set_config('search_path', $1, true), set_config('role', $2, true), …
 */
export function buildTxSettings(ctx: TxSettingsContext): Sql {
  const { config, auth, request } = ctx;
  const searchPath = [request.schema, ...config.dbExtraSearchPath].map(quoteIdent).join(", ");
  const parts: Sql[] = [setConfig(NAMES.searchPath, searchPath)];
  for (const s of config.roleSettings.get(auth.role) ?? []) parts.push(setDynamic(s));
  parts.push(
    setConfig(NAMES.role, auth.role),
    setConfig(NAMES.claims, auth.claims),
    setConfig(NAMES.method, request.method),
    setConfig(NAMES.path, request.path),
    setConfig(NAMES.headers, jsonTextObject(request.headers)),
    setConfig(NAMES.cookies, jsonTextObject(request.cookies)),
  );
  if (request.preferences.timezone !== null) {
    parts.push(setConfig(NAMES.timezone, request.preferences.timezone));
  }
  for (const s of hoistedSettings(ctx.functionSettings ?? [], config.dbHoistedTxSettings)) {
    parts.push(setDynamic(s));
  }
  for (const s of config.appSettings) parts.push(setDynamic(s));
  return sql`select ${join(parts)}`;
}

/** `select "schema"."fn"()` for `db-pre-request` (a bare name is resolved by the search path). */
export function buildPreRequest(fn: QualifiedName): Sql {
  const name = fn.schema === "" ? ident(fn.name) : ident(fn.schema, fn.name);
  return sql`select ${name}()`;
}
