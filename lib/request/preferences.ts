/**
 * The `Prefer` header (RFC 7240; PostgREST's `Preferences.hs`). Input: the values of every `Prefer`
 * header; output: `Preferences`, and the `Preference-Applied` header value.
 *
 * - All headers and their comma-separated items are merged; items are trimmed; for each preference
 *   the first occurrence wins (`tx=commit, tx=rollback` is `commit`).
 * - `tx=` is only read when `db-tx-end` allows overriding (`*-allow-override`); otherwise it is
 *   ignored (but still not "invalid").
 * - `timezone=` and `max-affected=` take a value; anything else not understood is collected, as
 *   written, in `invalid` (an error only with `handling=strict`, see `checkPreferences`).
 */
import { Errors } from "../errors.ts";
import { readInt64 } from "./haskell.ts";
import type { Mutation, Preferences } from "./types.ts";

const RESOLUTION = {
  "resolution=merge-duplicates": "merge-duplicates",
  "resolution=ignore-duplicates": "ignore-duplicates",
} as const;
const REPRESENTATION = {
  "return=representation": "representation",
  "return=minimal": "minimal",
  "return=headers-only": "headers-only",
} as const;
const COUNT = { "count=exact": "exact", "count=planned": "planned", "count=estimated": "estimated" } as const;
const TRANSACTION = { "tx=commit": "commit", "tx=rollback": "rollback" } as const;
const MISSING = { "missing=default": "default", "missing=null": "null" } as const;
const HANDLING = { "handling=strict": "strict", "handling=lenient": "lenient" } as const;

const ACCEPTED = new Set<string>([
  ...Object.keys(RESOLUTION),
  ...Object.keys(REPRESENTATION),
  ...Object.keys(COUNT),
  ...Object.keys(TRANSACTION),
  ...Object.keys(MISSING),
  ...Object.keys(HANDLING),
]);

/** `BS.strip` of Data.ByteString.Char8: spaces, `\t\n\v\f\r` and `\xa0`. */
function stripBytes(s: string): string {
  const space = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
  let start = 0;
  let end = s.length;
  while (start < end && space(s.charCodeAt(start))) start++;
  while (end > start && space(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function firstOf<T>(items: readonly string[], table: Readonly<Record<string, T>>): T | null {
  for (const item of items) if (Object.hasOwn(table, item)) return table[item];
  return null;
}

/**
 * Parses `Prefer` header values.
 *
 * @example
 * parsePreferences(["count=exact, return=representation"], { allowTxOverride: false }).count; // "exact"
 */
export function parsePreferences(
  headerValues: readonly string[],
  options: { readonly allowTxOverride: boolean },
): Preferences {
  // `BS.split ','` gives nothing for an empty header, and "" for an empty item between commas.
  const items = headerValues.flatMap((v) => (v === "" ? [] : v.split(","))).map(stripBytes);
  const valueOf = (prefix: string) => {
    const item = items.find((p) => p.startsWith(prefix));
    return item === undefined ? null : item.slice(prefix.length);
  };
  const maxAffectedText = valueOf("max-affected=");
  const maxAffected = maxAffectedText === null ? null : readInt64(maxAffectedText);
  return {
    resolution: firstOf(items, RESOLUTION),
    representation: firstOf(items, REPRESENTATION),
    count: firstOf(items, COUNT),
    transaction: options.allowTxOverride ? firstOf(items, TRANSACTION) : null,
    missing: firstOf(items, MISSING),
    handling: firstOf(items, HANDLING),
    timezone: valueOf("timezone="),
    maxAffected: maxAffected === null ? null : Number(maxAffected),
    invalid: items.filter((p) =>
      !ACCEPTED.has(p) && !p.startsWith("timezone=") && !p.startsWith("max-affected=")
    ),
  };
}

/** With `handling=strict`, unknown preferences are a 400 PGRST122. */
export function checkPreferences(prefs: Preferences): void {
  if (prefs.handling === "strict" && prefs.invalid.length > 0) throw Errors.invalidPreferences(prefs.invalid);
}

/** What a request did, for deciding which preferences it honoured (PostgREST's `responsePreferences`). */
export type AppliedContext =
  | { readonly kind: "read" }
  | { readonly kind: "mutation"; readonly mutation: Mutation; readonly hasPkOrOnConflict: boolean }
  | { readonly kind: "call" };

/** Keeps only the preferences honoured by this kind of request. */
export function honouredPreferences(prefs: Preferences, context: AppliedContext): Preferences {
  const mutation = context.kind === "mutation" ? context.mutation : null;
  return {
    ...prefs,
    resolution: mutation === "create" && context.kind === "mutation" && context.hasPkOrOnConflict
      ? prefs.resolution
      : null,
    representation: mutation !== null ? prefs.representation : null,
    missing: mutation === "create" || mutation === "update" ? prefs.missing : null,
    maxAffected: mutation === "update" || mutation === "delete" || context.kind === "call"
      ? prefs.maxAffected
      : null,
    invalid: [],
  };
}

/**
 * The `Preference-Applied` value in PostgREST's fixed order (resolution, missing, return, count, tx,
 * handling, timezone, max-affected — the last only with `handling=strict`), or null when empty.
 * Pass preferences already filtered with `honouredPreferences`.
 */
export function preferenceApplied(prefs: Preferences): string | null {
  const values = [
    prefs.resolution && `resolution=${prefs.resolution}`,
    prefs.missing && `missing=${prefs.missing}`,
    prefs.representation && `return=${prefs.representation}`,
    prefs.count && `count=${prefs.count}`,
    prefs.transaction && `tx=${prefs.transaction}`,
    prefs.handling && `handling=${prefs.handling}`,
    prefs.timezone !== null ? `timezone=${prefs.timezone}` : null,
    prefs.handling === "strict" && prefs.maxAffected !== null ? `max-affected=${prefs.maxAffected}` : null,
  ].filter((v): v is string => typeof v === "string");
  return values.length === 0 ? null : values.join(", ");
}
