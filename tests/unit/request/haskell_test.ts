import assert from "node:assert/strict";
import {
  isAlpha,
  isAlphaNum,
  isSpace,
  readDouble,
  readInt64,
  readInteger,
  showChar,
  showString,
  sortBy,
  strip,
} from "../../../lib/request/haskell.ts";

Deno.test("showChar() matches GHC's show for Char", () => {
  const cases: [string, string][] = [
    ["a", "'a'"],
    ["'", "'\\''"],
    ['"', "'\"'"],
    ["\\", "'\\\\'"],
    ["\n", "'\\n'"],
    ["\t", "'\\t'"],
    ["\x00", "'\\NUL'"],
    ["\x0e", "'\\SO'"],
    ["\x1b", "'\\ESC'"],
    ["\x7f", "'\\DEL'"],
    ["é", "'\\233'"],
    ["😀", "'\\128512'"],
  ];
  for (const [ch, shown] of cases) assert.equal(showChar(ch.codePointAt(0)!), shown, JSON.stringify(ch));
});

Deno.test("showString() matches GHC's show for String, with \\& where needed", () => {
  const cases: [string, string][] = [
    ["abc", '"abc"'],
    ['a"b', '"a\\"b"'],
    ["it's", '"it\'s"'],
    ["é", '"\\233"'],
    ["é1", '"\\233\\&1"'],
    ["éa", '"\\233a"'],
    ["\x0eH", '"\\SO\\&H"'],
    ["\x0eh", '"\\SOh"'],
    ["a\nb", '"a\\nb"'],
    ["", '""'],
  ];
  for (const [s, shown] of cases) assert.equal(showString(s), shown, JSON.stringify(s));
});

Deno.test("isSpace(), isAlpha(), isAlphaNum() follow Data.Char", () => {
  for (const c of [" ", "\t", "\n", "\r", "\v", "\f", "\xa0", "\u2003", "\u3000"]) {
    assert.ok(isSpace(c.codePointAt(0)!));
  }
  for (const c of ["x", "_", "\u0085", "\u200b", "\u2028"]) {
    assert.ok(!isSpace(c.codePointAt(0)!), JSON.stringify(c));
  }
  for (const c of ["a", "Z", "é", "ж", "中"]) assert.ok(isAlpha(c.codePointAt(0)!));
  for (const c of ["1", "_", "$", "-"]) assert.ok(!isAlpha(c.codePointAt(0)!));
  for (const c of ["a", "1", "٣", "²"]) assert.ok(isAlphaNum(c.codePointAt(0)!));
});

Deno.test("strip() removes Unicode spaces at both ends", () => {
  assert.equal(strip("  a b \t"), "a b");
  assert.equal(strip("\u3000x\u2003"), "x");
  assert.equal(strip("   "), "");
  assert.equal(strip("x"), "x");
});

Deno.test("readInteger() accepts what Haskell's readMaybe accepts", () => {
  const ok: [string, bigint][] = [
    ["5", 5n],
    [" 5 ", 5n],
    ["(5)", 5n],
    ["((5))", 5n],
    ["-5", -5n],
    ["- 5", -5n],
    ["(-5)", -5n],
    ["0x1A", 26n],
    ["0o17", 15n],
    ["007", 7n],
    ["123456789012345678901234567890", 123456789012345678901234567890n],
  ];
  for (const [s, v] of ok) assert.equal(readInteger(s), v, JSON.stringify(s));
  for (const s of ["", "+5", "--5", "5.0", "1e3", "5x", "x", "-(5)", "(5", "0x", "- -5"]) {
    assert.equal(readInteger(s), null, JSON.stringify(s));
  }
});

Deno.test("readInt64() wraps around like fromInteger", () => {
  assert.equal(readInt64("9223372036854775808"), -9223372036854775808n);
  assert.equal(readInt64("100"), 100n);
});

Deno.test("readDouble() reads the longest numeric prefix like reads", () => {
  const cases: [string, number | null][] = [
    ["0.8", 0.8],
    ["1", 1],
    ["0.5abc", 0.5],
    ["1e-3", 0.001],
    ["1.", 1],
    ["-1", -1],
    ["(0.2)", 0.2],
    ["0x10", 16],
    ["Infinity", Infinity],
    [".5", null],
    ["", null],
    ["+1", null],
    ["abc", null],
  ];
  for (const [s, v] of cases) assert.equal(readDouble(s), v, JSON.stringify(s));
  assert.ok(Number.isNaN(readDouble("NaN")));
});

Deno.test("sortBy() is a stable sort", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 60; n++) {
    const xs = Array.from({ length: n }, (_, i) => ({ key: Math.floor(random() * 5), i }));
    const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
    assert.deepEqual(sortBy(xs, cmp), [...xs].sort(cmp));
  }
});
