/**
 * Parsec's error values and their rendering (`Text.Parsec.Error`), for `parsec.ts`. A `ParseError`
 * is a position and messages of four kinds — library "unexpected" (`SysUnExpect`, from
 * `satisfy`/`string`), user "unexpected" (from `notFollowedBy`/`eof`), "expecting" (`<?>` labels,
 * `char`, `string`) and plain messages — rendered by `showErrorMessages` as
 * `unexpected "x"` / `expecting a, b or c`; and the character classes of single-character parsers
 * (`satisfy`, `char`, `oneOf`...) with the messages they fail with.
 */
import { showString } from "./haskell.ts";

export const SYS_UNEXPECT = 0;
export const UNEXPECT = 1;
export const EXPECT = 2;
export const MESSAGE = 3;

export interface Message {
  readonly kind: 0 | 1 | 2 | 3;
  readonly text: string;
}

export interface ParseError {
  /** A UTF-16 index into the input (see `errorPosition`). */
  readonly pos: number;
  readonly messages: readonly Message[];
}

export const NO_MESSAGES: readonly Message[] = Object.freeze([]);

/** `setErrorMessage (Expect label)`: replaces every "expecting" message. */
export function setExpect(msgs: readonly Message[], label: string): readonly Message[] {
  return [{ kind: EXPECT, text: label }, ...msgs.filter((m) => m.kind !== EXPECT)];
}

// ---------------------------------------------------------------- single characters

/** A set of characters and the messages Parsec gives when the next character is not in it. */
export interface CharClass {
  readonly test: (c: number) => boolean;
  /** Messages for an unexpected token, shown as `show [c]` ("" at the end of input). */
  readonly messages: (shown: string) => readonly Message[];
}

/** `satisfy p`. */
export function satisfy(test: (c: number) => boolean): CharClass {
  return { test, messages: (shown) => [{ kind: SYS_UNEXPECT, text: shown }] };
}

/** `cc <?> label` for a single-character parser. */
export function labelClass(cc: CharClass, label: string): CharClass {
  return { test: cc.test, messages: (shown) => setExpect(cc.messages(shown), label) };
}

/** `a <|> b <|> ...` for single-character parsers (they fail at the same position, so errors concatenate). */
export function orClass(...ccs: CharClass[]): CharClass {
  const tests = ccs.map((cc) => cc.test);
  return {
    test: (c) => {
      for (let k = 0; k < tests.length; k++) if (tests[k](c)) return true;
      return false;
    },
    messages: (shown) => ccs.flatMap((cc) => cc.messages(shown)),
  };
}

const codePoints = (chars: string) => new Set(Array.from(chars, (ch) => ch.codePointAt(0)!));

/** `oneOf cs` (no label). */
export function oneOf(chars: string): CharClass {
  const set = codePoints(chars);
  return satisfy((c) => set.has(c));
}

/** `noneOf cs` (no label). */
export function noneOf(chars: string): CharClass {
  const set = codePoints(chars);
  return satisfy((c) => !set.has(c));
}

/** `char c = satisfy (== c) <?> show [c]`. */
export function charClass(ch: string): CharClass {
  const c = ch.codePointAt(0)!;
  return labelClass(satisfy((x) => x === c), showString(ch));
}

export const anyCharClass: CharClass = satisfy(() => true);

/** The code point at a UTF-16 index (Haskell's `Char` is a code point). */
export function codePointAt(input: string, i: number): number {
  const c = input.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
    const d = input.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Parsec's (line, column) of a UTF-16 index: tabs move to the next multiple of 8, plus one. */
export function errorPosition(input: string, pos: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < pos && i < input.length; i++) {
    const c = codePointAt(input, i);
    if (c > 0xffff) i++;
    if (c === 0x0a) {
      line++;
      column = 1;
    } else if (c === 0x09) column += 8 - ((column - 1) % 8);
    else column++;
  }
  return { line, column };
}

const clean = (xs: readonly string[]) => [...new Set(xs.filter((x) => x !== ""))];

function commasOr(ms: readonly string[]): string {
  if (ms.length <= 1) return ms[0] ?? "";
  return clean(ms.slice(0, -1)).join(", ") + " or " + ms[ms.length - 1];
}

function showMany(prefix: string, msgs: readonly Message[]): string {
  const ms = clean(msgs.map((m) => m.text));
  if (ms.length === 0) return "";
  return prefix === "" ? commasOr(ms) : prefix + " " + commasOr(ms);
}

/** `showErrorMessages "or" "unknown parse error" "expecting" "unexpected" "end of input"`. */
export function showErrorMessages(messages: readonly Message[]): string {
  if (messages.length === 0) return "unknown parse error";
  const sorted = [...messages].sort((a, b) => a.kind - b.kind);
  const sys = sorted.filter((m) => m.kind === SYS_UNEXPECT);
  const unexpected = sorted.filter((m) => m.kind === UNEXPECT);
  const expected = sorted.filter((m) => m.kind === EXPECT);
  const other = sorted.filter((m) => m.kind === MESSAGE);
  const showSys = unexpected.length > 0 || sys.length === 0
    ? ""
    : "unexpected " + (sys[0].text === "" ? "end of input" : sys[0].text);
  return clean([
    showSys,
    showMany("unexpected", unexpected),
    showMany("expecting", expected),
    showMany("", other),
  ])
    .map((line) => "\n" + line)
    .join("");
}
