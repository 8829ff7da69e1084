/**
 * Parsec-compatible parser combinators (input: a string; output: a value or a `ParseError`).
 *
 * PostgREST's request grammar is written with Haskell's Parsec 3.1 and its PGRST100 bodies quote
 * Parsec's own error messages, so these combinators reproduce Parsec's semantics exactly:
 * consumed/empty replies, `try` backtracking, errors merged at the furthest position (messages
 * concatenated on ties), `<?>` labels replacing the "expecting" part of empty errors, and
 * `showErrorMessages` rendering ("unexpected ...", "expecting a, b or c").
 *
 * Reply protocol: a parser is `(s: State) => T | FAIL`. After it returns, `s.consumed` tells
 * whether it consumed input; on success `s.pos` is the new position; when `s.track` is on,
 * `s.errPos`/`s.errMsgs` hold the reply's error (Parsec keeps an error on successes too: it is
 * merged into later errors). Positions are UTF-16 indexes; Parsec's (line, column) order is the
 * same, and `errorPosition()` converts at the end.
 *
 * Speed: control flow in Parsec never depends on error contents, so `runParser` first parses with
 * error tracking off (no message is built on the happy path) and re-runs with it on only to
 * describe a failure.
 *
 * Parsec's layout: this file is `Prim` and `Char`; `combinator.ts` is `Combinator`; `parse_error.ts`
 * is `Error` (plus the character classes of single-character parsers).
 */
import { showChar, showString } from "./haskell.ts";
import {
  anyCharClass,
  type CharClass,
  charClass,
  codePointAt,
  EXPECT,
  type Message,
  NO_MESSAGES as NONE,
  type ParseError,
  setExpect,
  SYS_UNEXPECT,
  UNEXPECT,
} from "./parse_error.ts";

export class State {
  readonly input: string;
  /** Build error messages (the second, describing run). */
  readonly track: boolean;
  pos = 0;
  consumed = false;
  errPos = 0;
  errMsgs: readonly Message[] = NONE;
  constructor(input: string, track: boolean) {
    this.input = input;
    this.track = track;
  }
}

export const FAIL: unique symbol = Symbol("FAIL");
export type Fail = typeof FAIL;
export type Parser<T> = (s: State) => T | Fail;

/** `mergeError e1 e2` where e2 is the error currently in `s`. */
function mergeInto(s: State, pos1: number, msgs1: readonly Message[]): void {
  const msgs2 = s.errMsgs;
  if (msgs2.length === 0 && msgs1.length > 0) {
    s.errPos = pos1;
    s.errMsgs = msgs1;
  } else if (msgs1.length === 0 && msgs2.length > 0) {
    return;
  } else if (pos1 === s.errPos) {
    s.errMsgs = msgs1.concat(msgs2);
  } else if (pos1 > s.errPos) {
    s.errPos = pos1;
    s.errMsgs = msgs1;
  }
}

function setError(s: State, pos: number, msgs: readonly Message[]): void {
  s.errPos = pos;
  s.errMsgs = msgs;
}

// ---------------------------------------------------------------- single characters

/** The messages for the token at `i` not being in `cc`. */
function tokenMessages(s: State, cc: CharClass, i: number): readonly Message[] {
  return cc.messages(i >= s.input.length ? "" : showString(String.fromCodePoint(codePointAt(s.input, i))));
}

/** A parser for one character of the class (`satisfy`, `char`, `oneOf`...): returns it. */
export function token(cc: CharClass): Parser<string> {
  return (s) => {
    const i = s.pos;
    s.consumed = false;
    if (i < s.input.length) {
      const c = codePointAt(s.input, i);
      if (cc.test(c)) {
        const next = i + (c > 0xffff ? 2 : 1);
        s.pos = next;
        s.consumed = true;
        if (s.track) setError(s, next, NONE);
        return s.input.slice(i, next);
      }
    }
    if (s.track) setError(s, i, tokenMessages(s, cc, i));
    return FAIL;
  };
}

/** `many p` / `many1 p` for a single-character `p`, returning the characters as one string. */
export function manyChars(cc: CharClass, atLeastOne = false): Parser<string> {
  return (s) => {
    const input = s.input;
    const start = s.pos;
    let i = start;
    while (i < input.length) {
      const c = codePointAt(input, i);
      if (!cc.test(c)) break;
      i += c > 0xffff ? 2 : 1;
    }
    if (s.track) setError(s, i, tokenMessages(s, cc, i));
    s.consumed = i > start;
    if (atLeastOne && i === start) return FAIL;
    s.pos = i;
    return input.slice(start, i);
  };
}

export const char = (ch: string): Parser<string> => token(charClass(ch));
export const anyChar: Parser<string> = token(anyCharClass);

/** `string str`: on a mismatch the error is at the start, consumed if a prefix matched. */
export function string(str: string): Parser<string> {
  const expected = showString(str);
  return (s) => {
    const input = s.input;
    const start = s.pos;
    let i = start;
    let k = 0;
    while (k < str.length) {
      const want = codePointAt(str, k);
      const got = i < input.length ? codePointAt(input, i) : -1;
      if (got !== want) {
        s.consumed = k > 0;
        if (s.track) {
          const shown = got === -1 ? "" : showString(String.fromCodePoint(got));
          setError(s, start, [{ kind: EXPECT, text: expected }, { kind: SYS_UNEXPECT, text: shown }]);
        }
        return FAIL;
      }
      i += got > 0xffff ? 2 : 1;
      k += want > 0xffff ? 2 : 1;
    }
    s.pos = i;
    s.consumed = str.length > 0;
    if (s.track) setError(s, i, NONE);
    return str;
  };
}

// ---------------------------------------------------------------- combinators

/** `return x` (the same value each time: do not mutate it). */
export function pure<T>(value: T): Parser<T> {
  return (s) => {
    s.consumed = false;
    if (s.track) setError(s, s.pos, NONE);
    return value;
  };
}

/** `mzero`. */
export const zero: Parser<never> = (s) => {
  s.consumed = false;
  if (s.track) setError(s, s.pos, NONE);
  return FAIL;
};

/** `f <$> p`. */
export function map<A, B>(p: Parser<A>, f: (a: A) => B): Parser<B> {
  return (s) => {
    const v = p(s);
    return v === FAIL ? FAIL : f(v);
  };
}

type Values<P extends readonly Parser<unknown>[]> = {
  [K in keyof P]: P[K] extends Parser<infer T> ? T : never;
};

/** A `do` block of parsers run in order (`>>=` semantics for consumption and errors), then `f`. */
export function seq<const P extends readonly Parser<unknown>[], T>(
  ps: P,
  f: (...values: Values<P>) => T,
): Parser<T> {
  // Two and three steps are the common case: no array, no spread.
  if (ps.length === 2) return seq2(ps[0], ps[1], f as (a: unknown, b: unknown) => T);
  if (ps.length === 3) return seq3(ps[0], ps[1], ps[2], f as (a: unknown, b: unknown, c: unknown) => T);
  const n = ps.length;
  return (s) => {
    const values: unknown[] = new Array(n);
    let consumed = false;
    let ePos = 0;
    let eMsgs = NONE;
    for (let k = 0; k < n; k++) {
      const v = ps[k](s);
      if (s.consumed) consumed = true;
      else if (k > 0 && s.track) mergeInto(s, ePos, eMsgs);
      if (v === FAIL) {
        s.consumed = consumed;
        return FAIL;
      }
      values[k] = v;
      ePos = s.errPos;
      eMsgs = s.errMsgs;
    }
    s.consumed = consumed;
    return f(...(values as Values<P>));
  };
}

/** Runs `p` as a later step of a `do` block: consumption accumulates, an empty reply merges errors. */
function step<T>(
  s: State,
  p: Parser<T>,
  consumed: boolean,
  ePos: number,
  eMsgs: readonly Message[],
): T | Fail {
  const v = p(s);
  if (s.consumed) return v;
  if (s.track) mergeInto(s, ePos, eMsgs);
  s.consumed = consumed;
  return v;
}

function seq2<A, B, T>(p0: Parser<A>, p1: Parser<B>, f: (a: A, b: B) => T): Parser<T> {
  return (s) => {
    const a = p0(s);
    if (a === FAIL) return FAIL;
    const b = step(s, p1, s.consumed, s.errPos, s.errMsgs);
    return b === FAIL ? FAIL : f(a, b);
  };
}

function seq3<A, B, C, T>(
  p0: Parser<A>,
  p1: Parser<B>,
  p2: Parser<C>,
  f: (a: A, b: B, c: C) => T,
): Parser<T> {
  return (s) => {
    const a = p0(s);
    if (a === FAIL) return FAIL;
    const b = step(s, p1, s.consumed, s.errPos, s.errMsgs);
    if (b === FAIL) return FAIL;
    const c = step(s, p2, s.consumed, s.errPos, s.errMsgs);
    return c === FAIL ? FAIL : f(a, b, c);
  };
}

/** `p >>= \x -> if ok x then return x else mzero` (PostgREST's `guard`). */
export function guard<T>(p: Parser<T>, ok: (value: T) => boolean): Parser<T> {
  return (s) => {
    const v = p(s);
    if (v === FAIL || ok(v)) return v;
    if (s.track) {
      const ePos = s.errPos;
      const eMsgs = s.errMsgs;
      setError(s, s.pos, NONE);
      mergeInto(s, ePos, eMsgs);
    }
    return FAIL;
  };
}

/** `p1 <|> p2 <|> ...`: the next alternative runs only if the previous failed without consuming. */
export function alt<T>(...ps: Parser<T>[]): Parser<T> {
  const n = ps.length;
  return (s) => {
    const start = s.pos;
    let ePos = 0;
    let eMsgs = NONE;
    for (let k = 0; k < n; k++) {
      s.pos = start;
      const v = ps[k](s);
      if (s.consumed) return v;
      if (k > 0 && s.track) mergeInto(s, ePos, eMsgs);
      if (v !== FAIL) return v;
      ePos = s.errPos;
      eMsgs = s.errMsgs;
    }
    return FAIL;
  };
}

/** `try p`: a failure after consuming input becomes a failure without consuming. */
export function attempt<T>(p: Parser<T>): Parser<T> {
  return (s) => {
    const v = p(s);
    if (v === FAIL) s.consumed = false;
    return v;
  };
}

/** `p <?> label`. */
export function label<T>(p: Parser<T>, text: string): Parser<T> {
  return (s) => {
    const v = p(s);
    if (s.track && !s.consumed && (v === FAIL || s.errMsgs.length > 0)) {
      s.errMsgs = setExpect(s.errMsgs, text);
    }
    return v;
  };
}

/** `many p`. Like Parsec, refuses a `p` that succeeds without consuming. */
export function many<T>(p: Parser<T>): Parser<T[]> {
  return (s) => {
    const out: T[] = [];
    for (;;) {
      const start = s.pos;
      const v = p(s);
      if (v === FAIL) {
        if (s.consumed) return FAIL;
        s.pos = start;
        s.consumed = out.length > 0;
        return out;
      }
      if (!s.consumed) throw new Error("many: combinator applied to a parser that accepts an empty string");
      out.push(v);
    }
  };
}

/** `lookAhead p`: succeeds without consuming; a consumed failure stays consumed. */
export function lookAhead<T>(p: Parser<T>): Parser<T> {
  return (s) => {
    const start = s.pos;
    const v = p(s);
    if (v === FAIL) return FAIL;
    s.pos = start;
    s.consumed = false;
    if (s.track) setError(s, start, NONE);
    return v;
  };
}

/**
 * `notFollowedBy p = try (do { c <- try p; unexpected (show c) } <|> return ())`. The "unexpected"
 * error sits where `p` stopped (after the character for `char`).
 */
export function notFollowedBy(p: Parser<string>): Parser<null> {
  return (s) => {
    const start = s.pos;
    const v = p(s);
    if (v === FAIL) {
      s.pos = start;
      s.consumed = false;
      return null;
    }
    const consumed = s.consumed;
    if (s.track) {
      const ePos = s.errPos;
      const eMsgs = s.errMsgs;
      setError(s, s.pos, [{ kind: UNEXPECT, text: showChar(v.codePointAt(0)!) }]);
      mergeInto(s, ePos, eMsgs);
    }
    s.pos = start;
    s.consumed = false;
    return consumed ? FAIL : null;
  };
}

/** `eof = notFollowedBy anyToken <?> "end of input"` (`anyToken` does not move the position). */
export const eof: Parser<null> = (s) => {
  const i = s.pos;
  s.consumed = false;
  const atEnd = i >= s.input.length;
  if (s.track) {
    const found: Message = atEnd
      ? { kind: SYS_UNEXPECT, text: "" }
      : { kind: UNEXPECT, text: showChar(codePointAt(s.input, i)) };
    setError(s, i, [{ kind: EXPECT, text: "end of input" }, found]);
  }
  return atEnd ? null : FAIL;
};

// ---------------------------------------------------------------- running

export type ParseResult<T> = { readonly ok: true; readonly value: T } | {
  readonly ok: false;
  readonly error: ParseError;
};

/** `parse p "" input` (no `eof` is implied, as in Parsec). */
export function runParser<T>(p: Parser<T>, input: string): ParseResult<T> {
  const v = p(new State(input, false));
  if (v !== FAIL) return { ok: true, value: v };
  const s = new State(input, true);
  if (p(s) !== FAIL) throw new Error("parser is not deterministic");
  return { ok: false, error: { pos: s.errPos, messages: s.errMsgs } };
}
