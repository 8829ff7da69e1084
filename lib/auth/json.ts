/**
 * JSON as PostgREST (aeson) reads and writes it, for JWT claims.
 *
 * Input: JSON text (a JWT payload). Output: a value tree whose numbers keep their literal
 * (`JsonNumber`), and `encodeJson()`, which writes a tree back the way aeson's `encode` does:
 * compact, object keys sorted by code point (aeson's `KeyMap` is a `Data.Map`), numbers in
 * `Data.Scientific` form (`1.0` stays `1.0`, `1e3` becomes `1000`, `0.001` becomes `1.0e-3`),
 * and only `"`, `\`, `\n`, `\r`, `\t` and control characters escaped.
 *
 * `request.jwt.claims` and a non-string role claim are written with it, so SQL sees exactly the
 * text PostgREST would have set.
 */

/** A JSON number with its literal kept (JavaScript doubles would lose `1.0` and big integers). */
export class JsonNumber {
  constructor(readonly literal: string) {}
  get value(): number {
    return Number(this.literal);
  }
}

export type JsonValue =
  | null
  | boolean
  | string
  | JsonNumber
  | readonly JsonValue[]
  | JsonObject;

/** An object: members by name (duplicate names: the last wins, as in aeson). */
export type JsonObject = ReadonlyMap<string, JsonValue>;

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Strict JSON (RFC 8259), surrounding whitespace allowed; `undefined` when the text is not JSON. */
export function parseJson(text: string): JsonValue | undefined {
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at ${i}`);
  };
  const str = (): string => {
    i++; // opening quote
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else fail();
        start = i;
      } else i++;
    }
    out += text.slice(start, i);
    i++; // closing quote
    return out;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 10_000) fail();
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = new Map<string, JsonValue>();
      skip();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail();
        const k = str();
        skip();
        if (text[i++] !== ":") fail();
        obj.delete(k);
        obj.set(k, value(depth + 1));
        skip();
        const sep = text[i++];
        if (sep === "}") return obj;
        if (sep !== ",") fail();
      }
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        skip();
        const sep = text[i++];
        if (sep === "]") return arr;
        if (sep !== ",") fail();
      }
    }
    if (c === '"') return str();
    if (text.startsWith("true", i)) return (i += 4, true);
    if (text.startsWith("false", i)) return (i += 5, false);
    if (text.startsWith("null", i)) return (i += 4, null);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail();
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  try {
    const v = value(0);
    skip();
    return i === text.length ? v : undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** A JavaScript value (as from `JSON.parse`) as a tree; used by tests and the config layer. */
export function fromPlain(v: unknown): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return new JsonNumber(String(v));
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === "object") {
    return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)]));
  }
  throw new TypeError(`not a JSON value: ${typeof v}`);
}

/** Compares by Unicode code point (UTF-8 byte order), as Haskell's `Text` does. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral code point) sorts after every BMP character above it.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A string literal as aeson writes it. */
export function encodeString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = "\\\\";
    else if (c < 0x20) {
      esc = c === 0x0a
        ? "\\n"
        : c === 0x0d
        ? "\\r"
        : c === 0x09
        ? "\\t"
        : `\\u${c.toString(16).padStart(4, "0")}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) i++;
      else esc = `\\u${c.toString(16)}`; // a lone surrogate cannot be UTF-8
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * A number literal as `Data.Scientific` prints it through aeson: integers (exponent ≥ 0) in full,
 * others in `Generic` format (fixed between 0.1 and 10^7, else `d.ddde<n>`).
 */
export function encodeNumber(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (m === null) throw new TypeError(`not a JSON number: ${literal}`);
  const [, sign, int, frac = "", exp = "0"] = m;
  const coefficient = (int + frac).replace(/^0+(?=\d)/, "");
  const e = Number(exp) - frac.length;
  if (/^0+$/.test(coefficient)) return e >= 0 ? "0" : "0.0";
  if (e >= 0 && e <= 1024) return sign + coefficient + "0".repeat(e);
  // toDecimalDigits: significant digits and the exponent of 0.d1d2… × 10^n
  const digits = coefficient.replace(/0+$/, "");
  const n = coefficient.length + e;
  if (n < 0 || n > 7) {
    const rest = digits.length > 1 ? digits.slice(1) : "0";
    return `${sign}${digits[0]}.${rest}e${n - 1}`;
  }
  if (n === 0) return `${sign}0.${digits}`;
  const whole = digits.slice(0, n).padEnd(n, "0");
  const fraction = digits.slice(n);
  return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
}

/** The compact JSON text aeson's `encode` produces for a value. */
export function encodeJson(v: JsonValue): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return encodeString(v);
  if (v instanceof JsonNumber) return encodeNumber(v.literal);
  if (Array.isArray(v)) return `[${v.map(encodeJson).join(",")}]`;
  const obj = v as JsonObject;
  const keys = [...obj.keys()].sort(compareCodePoints);
  return `{${keys.map((k) => `${encodeString(k)}:${encodeJson(obj.get(k)!)}`).join(",")}}`;
}
