/**
 * Haskell compatibility helpers for the request grammar. PostgREST's error texts and number
 * parsing come from GHC's standard library, so these reproduce it exactly:
 *
 * - `showChar` / `showString`: GHC's `show` for `Char` and `String` (`'x'`, `"\233"`), as quoted in
 *   Parsec's "unexpected ..." messages;
 * - `isSpace`, `isAlpha`, `isAlphaNum`, `isDigit`, `strip`: `Data.Char` / `Data.Text.strip`;
 * - `readInteger`, `readDouble`: `readMaybe` (whole input) and `reads` (prefix) from `Text.Read`;
 * - `sortBy`: `Data.List.sortBy` (a stable merge sort; its order matters when q-values are NaN).
 */

const ASCII_TAB = [
  "NUL",
  "SOH",
  "STX",
  "ETX",
  "EOT",
  "ENQ",
  "ACK",
  "a",
  "b",
  "t",
  "n",
  "v",
  "f",
  "r",
  "SO",
  "SI",
  "DLE",
  "DC1",
  "DC2",
  "DC3",
  "DC4",
  "NAK",
  "SYN",
  "ETB",
  "CAN",
  "EM",
  "SUB",
  "ESC",
  "FS",
  "GS",
  "RS",
  "US",
] as const;

/** `showLitChar c` given the first character of what follows (for `\&` protection). */
function showLitChar(c: number, next: string): string {
  if (c > 0x7f) return "\\" + c + (next >= "0" && next <= "9" ? "\\&" : "");
  if (c === 0x7f) return "\\DEL";
  if (c === 0x5c) return "\\\\";
  if (c >= 0x20) return String.fromCharCode(c);
  if (c === 0x0e) return next === "H" ? "\\SO\\&" : "\\SO";
  return "\\" + ASCII_TAB[c];
}

/** GHC's `show` for a `Char` given as a code point: `'a'`, `'\''`, `'\233'`. */
export function showChar(c: number): string {
  return c === 0x27 ? "'\\''" : "'" + showLitChar(c, "'") + "'";
}

/** GHC's `show` for a `String`: `"a\"b"`, `"\233"`. */
export function showString(s: string): string {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  let out = "";
  for (let i = cps.length - 1; i >= 0; i--) {
    const c = cps[i];
    out = (c === 0x22 ? '\\"' : showLitChar(c, out === "" ? '"' : out[0])) + out;
  }
  return '"' + out + '"';
}

const UNICODE_SPACE = /\p{Zs}/u;
const UNICODE_ALPHA = /\p{L}/u;
const UNICODE_ALNUM = /[\p{L}\p{N}]/u;

/** `Data.Char.isSpace`. */
export function isSpace(c: number): boolean {
  if (c <= 0x377) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
  return UNICODE_SPACE.test(String.fromCodePoint(c));
}

/** `Data.Char.isDigit`: ASCII digits only. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `Data.Char.isAlpha`: any Unicode letter. */
export function isAlpha(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  return UNICODE_ALPHA.test(String.fromCodePoint(c));
}

/** `Data.Char.isAlphaNum`: Unicode letters and numbers. */
export function isAlphaNum(c: number): boolean {
  if (c < 0x80) return isAlpha(c) || isDigit(c);
  return UNICODE_ALNUM.test(String.fromCodePoint(c));
}

/** `Data.Text.strip`. */
export function strip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.codePointAt(start)!)) start += s.codePointAt(start)! > 0xffff ? 2 : 1;
  while (end > start) {
    const low = s.charCodeAt(end - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start ? 2 : 1;
    if (!isSpace(s.codePointAt(end - width)!)) break;
    end -= width;
  }
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

// ---------------------------------------------------------------- Text.Read

/** Skips `isSpace` characters from `i`. */
function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

interface NumberLexeme {
  readonly end: number;
  /** Digits of the integer part, in `base`. */
  readonly int: string;
  readonly base: number;
  readonly frac: string | null;
  readonly exp: string | null;
}

const isBaseDigit = (ch: string, base: number) =>
  base === 16 ? /[0-9a-fA-F]/.test(ch) : base === 8 ? /[0-7]/.test(ch) : /[0-9]/.test(ch);

/** `Text.Read.Lex.lexNumber` at `i` (no leading spaces, no sign). */
function lexNumber(s: string, i: number): NumberLexeme | null {
  if (s[i] === "0" && /[xXoO]/.test(s[i + 1] ?? "")) {
    const base = /[xX]/.test(s[i + 1]) ? 16 : 8;
    let j = i + 2;
    while (j < s.length && isBaseDigit(s[j], base)) j++;
    if (j > i + 2) return { end: j, int: s.slice(i + 2, j), base, frac: null, exp: null };
  }
  let j = i;
  while (j < s.length && isBaseDigit(s[j], 10)) j++;
  if (j === i) return null;
  const int = s.slice(i, j);
  let frac: string | null = null;
  if (s[j] === "." && isBaseDigit(s[j + 1] ?? "", 10)) {
    let k = j + 1;
    while (k < s.length && isBaseDigit(s[k], 10)) k++;
    frac = s.slice(j + 1, k);
    j = k;
  }
  let exp: string | null = null;
  const m = /^[eE]([-+]?)([0-9]+)/.exec(s.slice(j));
  if (m) {
    exp = (m[1] === "-" ? "-" : "") + m[2];
    j += m[0].length;
  }
  return { end: j, int, base: 10, frac, exp };
}

/**
 * `readNumber` with `parens`: optional parentheses, optional `-`, then a number lexeme or (for
 * doubles) the identifiers `NaN` / `Infinity`. Returns the value and where reading stopped.
 */
function readNumberAt<T>(
  s: string,
  i: number,
  convert: (lexeme: NumberLexeme | "NaN" | "Infinity") => T | null,
  negate: (v: T) => T,
): { value: T; end: number } | null {
  i = skipSpaces(s, i);
  if (s[i] === "(") {
    const inner = readNumberAt(s, i + 1, convert, negate);
    if (inner === null) return null;
    const j = skipSpaces(s, inner.end);
    return s[j] === ")" ? { value: inner.value, end: j + 1 } : null;
  }
  let negative = false;
  if (s[i] === "-") {
    // `lexP` reads a whole symbol token: "-" alone, not "--" or "-.".
    if (/[!@#$%&*+./<=>?\\^|:~-]/.test(s[i + 1] ?? "")) return null;
    negative = true;
    i = skipSpaces(s, i + 1);
  }
  let value: T | null = null;
  let end = i;
  const ident = /^[A-Za-z_][A-Za-z0-9_']*/.exec(s.slice(i));
  if (ident) {
    if (ident[0] === "NaN" || ident[0] === "Infinity") value = convert(ident[0]);
    end = i + ident[0].length;
  } else {
    const lexeme = lexNumber(s, i);
    if (lexeme !== null) {
      value = convert(lexeme);
      end = lexeme.end;
    }
  }
  if (value === null) return null;
  return { value: negative ? negate(value) : value, end };
}

function toBigInt(l: NumberLexeme | "NaN" | "Infinity"): bigint | null {
  if (typeof l === "string" || l.frac !== null || l.exp !== null) return null;
  return BigInt(l.base === 16 ? "0x" + l.int : l.base === 8 ? "0o" + l.int : l.int);
}

/** `readMaybe :: String -> Maybe Integer`. */
export function readInteger(s: string): bigint | null {
  const r = readNumberAt(s, 0, toBigInt, (v) => -v);
  return r !== null && skipSpaces(s, r.end) === s.length ? r.value : null;
}

/** `readMaybe :: String -> Maybe Int64` (wraps around like `fromInteger`). */
export function readInt64(s: string): bigint | null {
  const v = readInteger(s);
  return v === null ? null : BigInt.asIntN(64, v);
}

function toDouble(l: NumberLexeme | "NaN" | "Infinity"): number | null {
  if (l === "NaN") return NaN;
  if (l === "Infinity") return Infinity;
  if (l.base !== 10) return Number(toBigInt(l));
  return Number(`${l.int}${l.frac === null ? "" : "." + l.frac}${l.exp === null ? "" : "e" + l.exp}`);
}

/** `reads :: ReadS Double`, first result: the value of the longest numeric prefix, or null. */
export function readDouble(s: string): number | null {
  return readNumberAt(s, 0, toDouble, (v) => -v)?.value ?? null;
}

// ---------------------------------------------------------------- Data.List

/** `Data.List.sortBy`: GHC's merge sort of ascending/descending runs; `cmp` returns <0, 0 or >0. */
export function sortBy<T>(xs: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const gt = (a: T, b: T) => cmp(a, b) > 0;
  const runs: T[][] = [];
  let i = 0;
  for (;;) {
    if (xs.length - i < 2) {
      runs.push(xs.slice(i));
      break;
    }
    const run = [xs[i]];
    let cur = xs[i + 1];
    i += 2;
    if (gt(run[0], cur)) {
      // strictly descending run, kept reversed
      while (i < xs.length && gt(cur, xs[i])) {
        run.push(cur);
        cur = xs[i++];
      }
      run.push(cur);
      run.reverse();
    } else {
      while (i < xs.length && !gt(cur, xs[i])) {
        run.push(cur);
        cur = xs[i++];
      }
      run.push(cur);
    }
    runs.push(run);
  }
  let level = runs;
  while (level.length > 1) {
    const next: T[][] = [];
    for (let k = 0; k + 1 < level.length; k += 2) next.push(merge(level[k], level[k + 1], gt));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

function merge<T>(as: T[], bs: T[], gt: (a: T, b: T) => boolean): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < as.length && j < bs.length) out.push(gt(as[i], bs[j]) ? bs[j++] : as[i++]);
  while (i < as.length) out.push(as[i++]);
  while (j < bs.length) out.push(bs[j++]);
  return out;
}
