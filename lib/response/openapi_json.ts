/**
 * JSON text as PostgREST's OpenAPI output spells it (aeson encoding swagger2 values). Two kinds of
 * objects, because aeson writes them differently:
 *
 * - `Ordered`: a record encoded field by field (`toEncoding`: the document, its definitions and
 *   parameters, path items) or an insertion-ordered map (paths, definitions, properties of a
 *   definition): keys in the order given.
 * - `Sorted`: an aeson `Value` (what swagger2 builds with `toJSON`: operations, inline schemas,
 *   `info`): every object inside has its keys sorted by code point.
 *
 * Text is escaped as aeson does (`\b` and `\f` as `\u0008`, `\u000c`); numbers parsed from SQL
 * keep aeson's `Scientific` rendering (`1.0`, not `1`).
 */
import { compareText } from "../catalog/relationships.ts";

/** A number already rendered as aeson would (see `aesonNumber`). */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type Json = string | number | boolean | null | RawNumber | Ordered | Sorted | readonly Json[];

/** An object whose keys keep their order. */
export class Ordered {
  constructor(readonly entries: readonly (readonly [string, Json])[]) {}
}

/** An aeson `Value`: plain JSON-like data whose objects are written with sorted keys. */
export class Sorted {
  constructor(readonly value: unknown) {}
}

/**
 * An `Ordered` from pairs: `undefined` values are left out (swagger2 omits empty fields), and a
 * repeated key keeps its first position and its last value (`InsOrdHashMap.fromList`).
 */
export function ordered(pairs: readonly (readonly [string, Json | undefined])[]): Ordered {
  const index = new Map<string, number>();
  const entries: [string, Json][] = [];
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    const i = index.get(k);
    if (i === undefined) {
      index.set(k, entries.length);
      entries.push([k, v]);
    } else {
      entries[i] = [k, v];
    }
  }
  return new Ordered(entries);
}

/** aeson's string escaping: JSON.stringify's, but `\b` and `\f` as `\u` escapes. */
export function encodeString(s: string): string {
  return JSON.stringify(s).replace(
    /\\(.)/g,
    (m, c: string) => c === "b" ? "\\u0008" : c === "f" ? "\\u000c" : m,
  );
}

function encodeSorted(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return encodeString(v);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof RawNumber) return v.text;
  if (v instanceof Ordered || v instanceof Sorted) return encodeJson(v);
  if (Array.isArray(v)) return `[${v.map(encodeSorted).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  entries.sort((a, b) => compareText(a[0], b[0]));
  return `{${entries.map(([k, x]) => `${encodeString(k)}:${encodeSorted(x)}`).join(",")}}`;
}

export function encodeJson(j: Json): string {
  if (j instanceof Ordered) {
    return `{${j.entries.map(([k, v]) => `${encodeString(k)}:${encodeJson(v)}`).join(",")}}`;
  }
  if (j instanceof Sorted) return encodeSorted(j.value);
  return encodeSorted(j);
}

// ---------------------------------------------------------------- aeson numbers

const NUMBER = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/**
 * A JSON number literal as aeson re-encodes it: parsed into coefficient and exponent without
 * normalizing (`1.50` is 150e-2), written as an integer when the exponent is 0..1024, else with
 * `formatScientific Generic` (fixed notation for magnitudes 0.1 ≤ x < 10^7: `1.5`, `100.0`;
 * exponent notation otherwise: `5.0e-2`, `1.2345678e7`).
 *
 * @example aesonNumber("1.50") // "1.5"
 * @example aesonNumber("0.0") // "0.0"
 */
export function aesonNumber(literal: string): string | null {
  const m = NUMBER.exec(literal.trim());
  if (!m) return null;
  const [, sign, int, frac = "", exp = "0"] = m;
  const e = BigInt(exp) - BigInt(frac.length);
  const coefficient = BigInt(int + frac);
  if (e >= 0n && e <= 1024n) {
    const n = coefficient * 10n ** e;
    return `${sign === "-" && n !== 0n ? "-" : ""}${n}`;
  }
  // toDecimalDigits: significant digits without trailing zeros, and the exponent of 0.d1d2…
  const digits = coefficient.toString().replace(/^0+/, "").replace(/0+$/, "");
  if (digits === "") return "0.0";
  const trailing = coefficient.toString().length - coefficient.toString().replace(/0+$/, "").length;
  const e10 = Number(e) + trailing + digits.length;
  const minus = sign === "-" ? "-" : "";
  if (e10 < 0 || e10 > 7) {
    const rest = digits.slice(1);
    return `${minus}${digits[0]}.${rest === "" ? "0" : rest}e${e10 - 1}`;
  }
  if (e10 <= 0) return `${minus}0.${"0".repeat(-e10)}${digits}`;
  const whole = digits.slice(0, e10).padEnd(e10, "0");
  const fraction = digits.slice(e10);
  return `${minus}${whole}.${fraction === "" ? "0" : fraction}`;
}
