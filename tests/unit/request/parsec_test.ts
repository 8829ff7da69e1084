import assert from "node:assert/strict";
import {
  alt,
  attempt,
  char,
  eof,
  label,
  lookAhead,
  many,
  manyChars,
  map,
  notFollowedBy,
  type Parser,
  runParser,
  seq,
  string,
  token,
} from "../../../lib/request/parsec.ts";
import { choice, many1, option, optionMaybe, sepBy, sepBy1 } from "../../../lib/request/combinator.ts";
import { digit, letter } from "../../../lib/request/field.ts";
import {
  errorPosition,
  EXPECT,
  type Message,
  oneOf,
  orClass,
  satisfy,
  showErrorMessages,
  SYS_UNEXPECT,
  UNEXPECT,
} from "../../../lib/request/parse_error.ts";

/** Parsec's `show` of a failed parse: `(line 1, column 2): unexpected ... | expecting ...`. */
function describe<T>(p: Parser<T>, input: string): string {
  const r = runParser(p, input);
  if (r.ok) return `ok ${JSON.stringify(r.value)}`;
  const { line, column } = errorPosition(input, r.error.pos);
  return `(line ${line}, column ${column}):${showErrorMessages(r.error.messages).replaceAll("\n", " | ")}`;
}

Deno.test("string() reports a mismatch at its start, with the offending character", () => {
  assert.equal(describe(string("abc"), "abd"), '(line 1, column 1): | unexpected "d" | expecting "abc"');
  assert.equal(
    describe(string("abc"), "ab"),
    '(line 1, column 1): | unexpected end of input | expecting "abc"',
  );
  assert.equal(describe(string("abc"), "abcd"), 'ok "abc"');
});

Deno.test("alt() does not try the next alternative after a consumed failure", () => {
  assert.equal(
    describe(alt(string("ab"), string("ac")), "ac"),
    '(line 1, column 1): | unexpected "c" | expecting "ab"',
  );
  assert.equal(describe(alt(attempt(string("ab")), string("ac")), "ac"), 'ok "ac"');
});

Deno.test("alt() merges the errors of empty failures at the same position", () => {
  assert.equal(
    describe(alt(char("a"), char("b")), "c"),
    '(line 1, column 1): | unexpected "c" | expecting "a" or "b"',
  );
  assert.equal(
    describe(choice(char("a"), char("b"), char("c")), "d"),
    '(line 1, column 1): | unexpected "d" | expecting "a", "b" or "c"',
  );
});

Deno.test("alt() keeps the error that got furthest", () => {
  const p = alt(attempt(seq([char("a"), char("b")], (a, b) => a + b)), char("x"));
  assert.equal(describe(p, "ac"), '(line 1, column 2): | unexpected "c" | expecting "b"');
});

Deno.test("label() replaces expectations of empty failures only", () => {
  const ab = label(seq([char("a"), char("b")], (a, b) => a + b), "the pair");
  assert.equal(describe(ab, "x"), '(line 1, column 1): | unexpected "x" | expecting the pair');
  assert.equal(describe(ab, "ax"), '(line 1, column 2): | unexpected "x" | expecting "b"');
});

Deno.test("label() also relabels the error an empty success carries", () => {
  const p = seq([label(optionMaybe(char("a")), "an a"), char("b")], (_, b) => b);
  assert.equal(describe(p, "c"), '(line 1, column 1): | unexpected "c" | expecting an a or "b"');
});

Deno.test("eof reports the next character as a user 'unexpected' and is labelled", () => {
  const p = seq([char("a"), eof], (a) => a);
  assert.equal(describe(p, "ab"), "(line 1, column 2): | unexpected 'b' | expecting end of input");
  assert.equal(describe(p, "a"), 'ok "a"');
  assert.equal(describe(char("a"), ""), '(line 1, column 1): | unexpected end of input | expecting "a"');
});

Deno.test("notFollowedBy() reports the position after the character it matched", () => {
  const p = seq([char("a"), notFollowedBy(char("b"))], (a) => a);
  assert.equal(describe(p, "ab"), "(line 1, column 3): | unexpected 'b'");
  assert.equal(describe(p, "ac"), 'ok "a"');
});

Deno.test("lookAhead() succeeds without consuming", () => {
  const p = seq([lookAhead(string("ab")), string("abc")], (_, x) => x);
  assert.equal(describe(p, "abc"), 'ok "abc"');
  assert.equal(
    describe(alt(lookAhead(string("ab")), string("x")), "a"),
    '(line 1, column 1): | unexpected end of input | expecting "ab"',
  );
});

Deno.test("many() refuses a parser that accepts the empty string, like Parsec", () => {
  assert.throws(() => runParser(many(optionMaybe(char("a"))), "b"), /empty string/);
});

Deno.test("many() ends with the error of the attempt that failed", () => {
  const p = seq([many(char("a")), char("b")], (as, b) => as.join("") + b);
  assert.equal(describe(p, "aac"), '(line 1, column 3): | unexpected "c" | expecting "a" or "b"');
  assert.equal(describe(p, "aab"), 'ok "aab"');
});

Deno.test("manyChars() behaves like many() of the same character parser", () => {
  const classes = [orClass(letter, digit, oneOf("_ $")), oneOf(" \t"), satisfy((c) => c !== 0x2c)];
  const inputs = ["", "ab1 _$,x", ",", "é😀x,", "  \tz", "a\u2003b"];
  for (const cc of classes) {
    for (const input of inputs) {
      for (const atLeastOne of [false, true]) {
        const fast = seq([manyChars(cc, atLeastOne), char(",")], (s) => s);
        const slowMany = atLeastOne ? many1(token(cc)) : many(token(cc));
        const slow = seq([map(slowMany, (xs) => xs.join("")), char(",")], (s) => s);
        assert.equal(describe(fast, input), describe(slow, input), `input ${JSON.stringify(input)}`);
      }
    }
  }
});

Deno.test("sepBy() and sepBy1() accept zero and one-or-more items", () => {
  assert.equal(describe(sepBy(char("a"), char(",")), ""), "ok []");
  assert.equal(describe(sepBy(char("a"), char(",")), "a,a"), 'ok ["a","a"]');
  assert.equal(
    describe(sepBy1(char("a"), char(",")), ""),
    '(line 1, column 1): | unexpected end of input | expecting "a"',
  );
  assert.equal(
    describe(sepBy1(char("a"), char(",")), "a,b"),
    '(line 1, column 3): | unexpected "b" | expecting "a"',
  );
});

Deno.test("option() returns its fallback and keeps the failure for later messages", () => {
  const p = seq([option("-", char("+")), char("1")], (s, d) => s + d);
  assert.equal(describe(p, "1"), 'ok "-1"');
  assert.equal(describe(p, "2"), '(line 1, column 1): | unexpected "2" | expecting "+" or "1"');
});

Deno.test("runParser() ignores input left after a success, as Parsec's parse does", () => {
  assert.equal(describe(string("ab"), "abzzz"), 'ok "ab"');
});

Deno.test("errorPosition() counts code points, moves tabs to the next stop and newlines to a new line", () => {
  assert.deepEqual(errorPosition("ab", 2), { line: 1, column: 3 });
  assert.deepEqual(errorPosition("\tx", 1), { line: 1, column: 9 });
  assert.deepEqual(errorPosition("ab\tx", 3), { line: 1, column: 9 });
  assert.deepEqual(errorPosition("a\nbc", 3), { line: 2, column: 2 });
  assert.deepEqual(errorPosition("😀x", 2), { line: 1, column: 2 });
});

Deno.test("showErrorMessages() renders Parsec's wording", () => {
  const m = (kind: 0 | 1 | 2 | 3, text: string): Message => ({ kind, text });
  assert.equal(showErrorMessages([]), "unknown parse error");
  assert.equal(showErrorMessages([m(SYS_UNEXPECT, "")]), "\nunexpected end of input");
  assert.equal(
    showErrorMessages([
      m(EXPECT, "b"),
      m(SYS_UNEXPECT, '"x"'),
      m(EXPECT, "a"),
      m(EXPECT, "b"),
      m(SYS_UNEXPECT, '"y"'),
    ]),
    '\nunexpected "x"\nexpecting b or a',
  );
  // A user "unexpected" hides the library one; several are listed.
  assert.equal(
    showErrorMessages([m(SYS_UNEXPECT, '"x"'), m(UNEXPECT, "'x'"), m(UNEXPECT, "'y'"), m(EXPECT, "")]),
    "\nunexpected 'x' or 'y'",
  );
  assert.equal(showErrorMessages([m(3, "boom"), m(EXPECT, "a")]), "\nexpecting a\nboom");
});

Deno.test("token() reads a whole code point and shows it the Haskell way", () => {
  assert.equal(describe(token(satisfy((c) => c === 0x1f600)), "😀"), 'ok "😀"');
  assert.equal(describe(char("a"), "😀"), '(line 1, column 1): | unexpected "\\128512" | expecting "a"');
  assert.equal(describe(char("a"), "é"), '(line 1, column 1): | unexpected "\\233" | expecting "a"');
});
