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
import { ident, join, param, quoteIdent, render, type RenderedSql, type Sql, sql } from "./sql.ts";

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

/** One setting: a fixed name (written into the text) or a bound one, and its value. */
type Setting = readonly [name: keyof typeof NAMES | { readonly bound: string }, value: string];

/** The settings of one request, in PostgREST's order. */
function settings(ctx: TxSettingsContext): Setting[] {
  const { config, auth, request } = ctx;
  const bound = ([name, value]: readonly [string, string]): Setting => [{ bound: name }, value];
  const searchPath = [request.schema, ...config.dbExtraSearchPath].map(quoteIdent).join(", ");
  const list: Setting[] = [["searchPath", searchPath]];
  for (const s of config.roleSettings.get(auth.role) ?? []) list.push(bound(s));
  list.push(
    ["role", auth.role],
    ["claims", auth.claims],
    ["method", request.method],
    ["path", request.path],
    ["headers", jsonTextObject(request.headers)],
    ["cookies", jsonTextObject(request.cookies)],
  );
  if (request.preferences.timezone !== null) list.push(["timezone", request.preferences.timezone]);
  for (const s of hoistedSettings(ctx.functionSettings ?? [], config.dbHoistedTxSettings)) {
    list.push(bound(s));
  }
  for (const s of config.appSettings) list.push(bound(s));
  return list;
}

/** Statement texts by layout (the sequence of fixed and bound names): a handful per server. */
const texts = new Map<string, string>();

/**
 * The settings statement of one request. Its text depends only on which settings there are, so
 * it is written once per layout; the values are the parameters.
 *
 * @example
 * buildTxSettings(ctx).text;
 * // select set_config('search_path', $1, true), set_config('role', $2, true), …
 */
export function buildTxSettings(ctx: TxSettingsContext): RenderedSql {
  const list = settings(ctx);
  let layout = "";
  const params: string[] = [];
  for (const [name, value] of list) {
    if (typeof name === "string") {
      layout += name + ",";
      params.push(value);
    } else {
      layout += "?,";
      params.push(name.bound, value);
    }
  }
  let text = texts.get(layout);
  if (text === undefined) {
    const parts = list.map(([name, value]) =>
      typeof name === "string" ? setConfig(NAMES[name], value) : setDynamic([name.bound, value])
    );
    text = render(sql`select ${join(parts)}`).text;
    if (texts.size >= 64) texts.clear();
    texts.set(layout, text);
  }
  return { text, params };
}

/** `select "schema"."fn"()` for `db-pre-request` (a bare name is resolved by the search path). */
export function buildPreRequest(fn: QualifiedName): Sql {
  const name = fn.schema === "" ? ident(fn.name) : ident(fn.schema, fn.name);
  return sql`select ${name}()`;
}
