/**
 * SQL is a value. This module is the only place SQL text is written.
 *
 * - `sql\`...\`` builds a fragment from literal template text and interpolated parts;
 * - `ident()` is the single quoting function for identifiers;
 * - `param()` is the single way a value gets in: always a bind parameter;
 * - `castTo()` admits a type name from a URL only if it passes a strict alphabet.
 *
 * Interpolating anything else (a plain string, a number) is a type error and a runtime
 * `TypeError`, so no string from a request can reach SQL text.
 *
 * Identifiers are quoted when the fragment is built, so `render()` only concatenates text and
 * numbers the parameters (`$1`, `$2`, ...) in order of appearance.
 */
import type { ParamValue } from "../db/db.ts";

/**
 * A bind parameter. Values travel as text (or null) with an unknown type: PostgreSQL infers it.
 * Bytes are text already encoded as UTF-8 (a request body, never decoded on its way).
 */
export class Param {
  constructor(readonly value: ParamValue) {}
}

/** A quoted (possibly schema-qualified) identifier. */
export class Ident {
  /** @internal Use `ident()`. */
  constructor(readonly quoted: string) {}
}

/** A fragment of SQL: literal text chunks and parameters, in order. */
export class Sql {
  /** @internal Use the `sql` tag. */
  constructor(readonly chunks: readonly (string | Param)[]) {}
  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }
}

export type SqlPart = Sql | Ident | Param;

function pushText(out: (string | Param)[], text: string): void {
  if (text === "") return;
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === "string") out[last] = (out[last] as string) + text;
  else out.push(text);
}

function pushPart(out: (string | Param)[], part: unknown): void {
  if (part instanceof Sql) {
    for (const c of part.chunks) typeof c === "string" ? pushText(out, c) : out.push(c);
  } else if (part instanceof Ident) {
    pushText(out, part.quoted);
  } else if (part instanceof Param) {
    out.push(part);
  } else {
    throw new TypeError(
      `only sql fragments, ident() and param() may be interpolated into SQL, got ${typeof part}`,
    );
  }
}

/** The SQL tag: literal text from the source code, parts from `sql`, `ident`, `param`. */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): Sql {
  const out: (string | Param)[] = [];
  for (let i = 0; i < strings.length; i++) {
    pushText(out, strings[i]);
    if (i < parts.length) pushPart(out, parts[i]);
  }
  return new Sql(out);
}

export const empty: Sql = new Sql([]);

/** Quotes one name: doubles embedded quotes, drops NUL characters (PostgreSQL cannot store them). */
export function quoteIdent(name: string): string {
  let q = quoted.get(name);
  if (q === undefined) {
    q = `"${name.replaceAll("\0", "").replaceAll('"', '""')}"`;
    if (quoted.size >= 10_000) quoted.clear();
    quoted.set(name, q);
  }
  return q;
}

/** Identifiers repeat (catalog names): each is quoted once. */
const quoted = new Map<string, string>();

/**
 * Identifier, each argument quoted separately and joined with dots:
 * `ident("api", "items")` is `"api"."items"`; names may contain dots, quotes and unicode.
 */
export function ident(...names: string[]): Ident {
  return new Ident(names.map(quoteIdent).join("."));
}

/** A bind parameter; numbers and booleans are sent as their text, bytes as UTF-8 text. */
export function param(value: string | number | boolean | Uint8Array | null): Param {
  return new Param(value === null || value instanceof Uint8Array ? value : String(value));
}

/** Joins fragments with a separator (literal SQL from the source code). */
export function join(parts: readonly SqlPart[], separator: Sql = sql`, `): Sql {
  const out: (string | Param)[] = [];
  parts.forEach((p, i) => {
    if (i > 0) pushPart(out, separator);
    pushPart(out, p);
  });
  return new Sql(out);
}

/**
 * Type names that may come from a URL (`select=col::text`, `::character varying`, `::int4[]`):
 * letters, digits, `_`, `$`, spaces, an optional `(n[,m])` modifier and `[]` suffixes.
 */
const SAFE_TYPE = /^[\p{L}_][\p{L}\p{N}_$ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])*$/u;

export function isSafeTypeName(name: string): boolean {
  return SAFE_TYPE.test(name);
}

/** A type name from the URL that passes `isSafeTypeName`, as SQL text; throws otherwise. */
export function safeType(typeName: string): Sql {
  if (!isSafeTypeName(typeName)) throw new TypeError(`unsafe type name in cast: ${JSON.stringify(typeName)}`);
  return new Sql([typeName]);
}

/** `::type` for a type name that passes `isSafeTypeName`; throws otherwise. */
export function castTo(typeName: string): Sql {
  return sql`::${safeType(typeName)}`;
}

/** A type name from the catalog (already formatted by PostgreSQL's `format_type`), as SQL text. */
export function typeName(formatted: string): Sql {
  // format_type output is PostgreSQL's own quoting of the type name; it never contains a
  // statement separator or a comment, which we check to keep this fragment inert.
  if (/[;\0]|--|\/\*/.test(formatted)) {
    throw new TypeError(`unexpected type name: ${JSON.stringify(formatted)}`);
  }
  return new Sql([formatted]);
}

/**
 * An expression PostgreSQL itself wrote for the catalog (`pg_get_expr` of a column default,
 * e.g. `nextval('items_id_seq'::regclass)`), inlined for `Prefer: missing=default`. Never a
 * value from a request: those are `param()`s.
 */
export function catalogExpression(expr: string): Sql {
  if (expr.includes("\0")) throw new TypeError(`unexpected catalog expression: ${JSON.stringify(expr)}`);
  return new Sql([`(${expr})`]);
}

export interface RenderedSql {
  readonly text: string;
  readonly params: ParamValue[];
}

/** Numbers the parameters in order and returns the text with its parameter values. */
export function render(q: Sql): RenderedSql {
  // Joined, not concatenated: a flat string (the driver hashes it to find its prepared statement).
  const parts: string[] = new Array(q.chunks.length);
  const params: ParamValue[] = [];
  for (let i = 0; i < q.chunks.length; i++) {
    const c = q.chunks[i];
    if (typeof c === "string") parts[i] = c;
    else {
      params.push(c.value);
      parts[i] = `$${params.length}`;
    }
  }
  return { text: parts.join(""), params };
}
