import assert from "node:assert/strict";
import {
  compareCodePoints,
  encodeJson,
  encodeNumber,
  encodeString,
  isObject,
  JsonNumber,
  parseJson,
} from "../../../lib/auth/json.ts";

Deno.test("parseJson() keeps number literals and reads objects as maps", () => {
  const v = parseJson(' {"a": 1.0, "b": [true, null, "x"], "c": {}} ');
  assert.ok(isObject(v));
  assert.ok(v.get("a") instanceof JsonNumber);
  assert.equal((v.get("a") as JsonNumber).literal, "1.0");
  assert.deepEqual(v.get("b"), [true, null, "x"]);
  assert.ok(isObject(v.get("c")));
});

Deno.test("parseJson() lets the last of duplicate keys win", () => {
  const v = parseJson('{"role":"a","role":"b"}');
  assert.ok(isObject(v));
  assert.equal(v.get("role"), "b");
  assert.equal(v.size, 1);
});

Deno.test("parseJson() decodes escapes and rejects what is not strict JSON", () => {
  assert.equal(parseJson('"a\\u00e9\\n\\"\\/"'), 'aé\n"/');
  for (const bad of ["", "{", "[1,]", "{'a':1}", "01", "1.", "NaN", '"\u0001"', "{} x", "tru", "[1 2]"]) {
    assert.equal(parseJson(bad), undefined, bad);
  }
});

Deno.test("encodeNumber() writes numbers as aeson's Scientific does", () => {
  const cases: [string, string][] = [
    ["0", "0"],
    ["-0", "0"],
    ["42", "42"],
    ["-7", "-7"],
    ["1e3", "1000"],
    ["1.0", "1.0"],
    ["1.50", "1.5"],
    ["1.0e2", "100"],
    ["0.1", "0.1"],
    ["0.05", "5.0e-2"],
    ["0.001", "1.0e-3"],
    ["123.456", "123.456"],
    ["1000.0", "1000.0"],
    ["1234567.5", "1234567.5"],
    ["12345678.5", "1.23456785e7"],
    ["0.0", "0.0"],
    ["12345678901234567890", "12345678901234567890"],
    ["-2.5E-1", "-0.25"],
  ];
  for (const [lit, out] of cases) assert.equal(encodeNumber(lit), out, lit);
});

Deno.test("encodeString() escapes only quotes, backslashes and control characters", () => {
  assert.equal(encodeString('a"b\\c\n\r\t\u0001\u001f/é😀<'), '"a\\"b\\\\c\\n\\r\\t\\u0001\\u001f/é😀<"');
  assert.equal(encodeString("\b\f"), '"\\u0008\\u000c"');
});

Deno.test("encodeJson() sorts keys by code point, recursively, and writes compact JSON", () => {
  const v = parseJson(
    '{"b": {"z": 1, "a": [1.0, {"y": 2, "x": 3}]}, "a": "x", "\u{1F600}": 1, "\uFFFF": 2}',
  )!;
  assert.equal(encodeJson(v), '{"a":"x","b":{"a":[1.0,{"x":3,"y":2}],"z":1},"\uFFFF":2,"\u{1F600}":1}');
});

Deno.test("compareCodePoints() orders astral characters after every BMP character", () => {
  assert.ok(compareCodePoints("\u{10000}", "\uFFFF") > 0);
  assert.ok(compareCodePoints("a", "b") < 0);
  assert.ok(compareCodePoints("ab", "a") > 0);
  assert.equal(compareCodePoints("x", "x"), 0);
});
