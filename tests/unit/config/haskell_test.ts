import assert from "node:assert/strict";
import {
  readBool,
  readInt,
  showDouble,
  showScientific,
  showString,
  showValue,
} from "../../../lib/config/haskell.ts";

Deno.test("readInt() reads what Haskell's read :: Int reads", () => {
  const cases: [string, number | null][] = [
    ["10", 10],
    [" 42 ", 42],
    ["-5", -5],
    ["(7)", 7],
    ["0x10", 16],
    ["0o17", 15],
    ["007", 7],
    ["+5", null],
    ["1e3", null],
    ["1.0", null],
    ["", null],
    ["abc", null],
    ["10abc", null],
  ];
  for (const [input, expected] of cases) assert.equal(readInt(input), expected, JSON.stringify(input));
});

Deno.test("readBool() title-cases the letters and falls back to integers", () => {
  const cases: [string, boolean | null][] = [
    ["true", true],
    ["TRUE", true],
    ["tRuE", true],
    ['"true"', true],
    ["false", false],
    ["FALSE", false],
    [" False ", false],
    ["1", true],
    ["2", true],
    ["0", false],
    ["-1", false],
    ["yes", null],
    ["on", null],
    ["", null],
  ];
  for (const [input, expected] of cases) assert.equal(readBool(input), expected, JSON.stringify(input));
});

Deno.test("showScientific() shows numbers as Haskell's Scientific", () => {
  assert.deepEqual(
    [5, 1000, 1.5, 0.5, 0.05, 1234567, 12345678, 1e20, 0].map(showScientific),
    ["5.0", "1000.0", "1.5", "0.5", "5.0e-2", "1234567.0", "1.2345678e7", "1.0e20", "0.0"],
  );
});

Deno.test("showDouble() shows numbers as Haskell's Double", () => {
  assert.deepEqual(
    [1.5, 0.1, 0.05, 1e7, 9999999, 1e22, -2.5].map(showDouble),
    ["1.5", "0.1", "5.0e-2", "1.0e7", "9999999.0", "1.0e22", "-2.5"],
  );
});

Deno.test("showValue() shows non-text values as PostgREST's coerceText does", () => {
  assert.equal(showValue("text"), "text");
  assert.equal(showValue(false), "Bool False");
  assert.equal(showValue(5), "Number 5.0");
  assert.equal(showValue([1, "a", true]), 'List [Number 1.0,String "a",Bool True]');
});

Deno.test("showString() escapes like Haskell's show", () => {
  assert.equal(showString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(showString("é1"), '"\\233\\&1"');
  assert.equal(showString("tab\there"), '"tab\\there"');
});
