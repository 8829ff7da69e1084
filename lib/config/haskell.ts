/**
 * The value coercions PostgREST's config parser applies, reproduced exactly: they come from
 * Haskell's `read`/`show`, so an environment variable `PGRST_DB_POOL=0x10` is 16, `"TRUE"` and
 * `"1"` are true, `"yes"` is not a boolean (the default applies), and a number written where text
 * is expected reads as `Number 5.0`.
 */
import type { FileValue } from "./file_syntax.ts";

/**
 * `readMaybe :: Maybe Int` on text: optional surrounding whitespace and parentheses, an optional
 * `-`, then decimal digits, or `0x`/`0o` hexadecimal/octal. `null` when it does not read.
 *
 * @example readInt(" 42 ") // 42
 * @example readInt("1e3") // null
 */
export function readInt(s: string): number | null {
  let t = s.trim();
  while (t.startsWith("(") && t.endsWith(")")) t = t.slice(1, -1).trim();
  let sign = 1;
  if (t.startsWith("-")) {
    sign = -1;
    t = t.slice(1).trim();
    while (t.startsWith("(") && t.endsWith(")")) t = t.slice(1, -1).trim();
  }
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(t)) n = parseInt(t.slice(2), 8);
  else if (/^[0-9]+$/.test(t)) n = Number(t);
  else return null;
  return Number.isSafeInteger(n) ? sign * n || 0 : null;
}

/**
 * PostgREST's boolean coercion of text: the letters title-cased must read as `True`/`False`
 * (`"TRUE"`, `"\"false\""`), otherwise an integer > 0 is true (`"1"`, `"2"`), otherwise `null`.
 */
export function readBool(s: string): boolean | null {
  const letters = [...s].filter((c) => /\p{L}/u.test(c));
  if (letters.length > 0) {
    const title = letters[0].toUpperCase() + letters.slice(1).join("").toLowerCase();
    if (title === "True") return true;
    if (title === "False") return false;
  }
  const n = readInteger(s);
  return n === null ? null : n > 0n;
}

/** `readMaybe :: Maybe Integer` (unbounded), for the numeric fallback of booleans. */
function readInteger(s: string): bigint | null {
  const t = s.trim();
  const m = /^(-?)\s*(0[xX][0-9a-fA-F]+|0[oO][0-7]+|[0-9]+)$/.exec(t);
  if (!m) return null;
  const digits = m[2];
  const v = /^0[oO]/.test(digits) ? BigInt("0o" + digits.slice(2)) : BigInt(digits);
  return m[1] === "-" ? -v : v;
}

/** The decimal digits and exponent of a positive number: value = 0.d1d2… × 10^e. */
function decimalDigits(x: number): { digits: string; e: number } {
  if (x === 0) return { digits: "0", e: 0 };
  const [mantissa, exp] = x.toExponential().split("e");
  return { digits: mantissa.replace(".", ""), e: Number(exp) + 1 };
}

function fixed(digits: string, e: number): string {
  if (e <= 0) return `0.${"0".repeat(-e)}${digits}`;
  const padded = digits.padEnd(e, "0");
  const frac = padded.slice(e);
  return `${padded.slice(0, e)}.${frac === "" ? "0" : frac}`;
}

function exponent(digits: string, e: number): string {
  return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}e${e - 1}`;
}

/** Haskell's `show :: Double -> String`: `1.5`, `1000.0`, `1.0e-2`, `1.0e7`. */
export function showDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x < 0 || Object.is(x, -0)) return "-" + showDouble(-x);
  const { digits, e } = decimalDigits(x);
  return x >= 0.1 && x < 1e7 ? fixed(digits, e) : exponent(digits, e);
}

/** `show :: Scientific -> String` (fixed notation for exponents 0..7): `5.0`, `5.0e-2`, `1.0e8`. */
export function showScientific(x: number): string {
  if (x < 0) return "-" + showScientific(-x);
  const { digits, e } = decimalDigits(x);
  return e < 0 || e > 7 ? exponent(digits, e) : fixed(digits, e);
}

/**
 * PostgREST's `coerceText`: a string as is, anything else as Haskell shows the parsed value
 * (`Number 5.0`, `Bool True`, `List [Number 1.0,String "a"]`).
 */
export function showValue(v: FileValue): string {
  return typeof v === "string" ? v : showValueNested(v, false);
}

function showValueNested(v: FileValue, nested: boolean): string {
  if (typeof v === "string") return `String ${showString(v)}`;
  if (typeof v === "boolean") return `Bool ${v ? "True" : "False"}`;
  if (typeof v === "number") return `Number ${v < 0 ? `(${showScientific(v)})` : showScientific(v)}`;
  const shown = `List [${v.map((x) => showValueNested(x, true)).join(",")}]`;
  return nested ? `(${shown})` : shown;
}

const SHOW_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};
// deno-fmt-ignore
const ASCII_NAMES = [
  "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a", "b", "t", "n", "v", "f", "r", "SO", "SI",
  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
];

/**
 * Haskell's `show :: Text -> String`: double quotes, backslash escapes, non-ASCII as decimal
 * escapes (`"caf\233"`), with `\&` where a digit follows a numeric escape.
 */
export function showString(s: string): string {
  let out = "";
  let prevNumeric = false;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (prevNumeric && c >= "0" && c <= "9") out += "\\&";
    prevNumeric = false;
    if (SHOW_ESCAPES[c]) out += SHOW_ESCAPES[c];
    else if (cp < 32) out += "\\" + ASCII_NAMES[cp];
    else if (cp === 127) out += "\\DEL";
    else if (cp > 127) {
      out += `\\${cp}`;
      prevNumeric = true;
    } else out += c;
  }
  return `"${out}"`;
}
