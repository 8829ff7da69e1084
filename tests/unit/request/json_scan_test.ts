import assert from "node:assert/strict";
import { scanJson } from "../../../lib/request/json_scan.ts";

const enc = new TextEncoder();
const scan = (text: string) => scanJson(enc.encode(text));

Deno.test("scanJson() reads the keys of an object", () => {
  assert.deepEqual(scan('{"a": 1, "b": {"c": [1, 2]}}'), { kind: "object", keys: new Set(["a", "b"]) });
});

Deno.test("scanJson() reads the keys of the first element and checks the others", () => {
  assert.deepEqual(scan('[{"a":1,"b":2},{"b":3,"a":4}]'), {
    kind: "array",
    keys: new Set(["a", "b"]),
    uniform: true,
    length: 2,
  });
});

Deno.test("scanJson() finds an element with an extra key", () => {
  const r = scan('[{"id":100,"body":"x"},{"id":111,"body":"y","owner":"me"}]');
  assert.equal(r?.kind === "array" && r.uniform, false);
});

Deno.test("scanJson() finds an element with a missing key", () => {
  const r = scan('[{"id":1,"body":"x"},{"id":2}]');
  assert.equal(r?.kind === "array" && r.uniform, false);
});

Deno.test("scanJson() finds an element that is not an object", () => {
  for (const body of ['[{"id":1}, 123]', '[1, {"id":1}]', '[{"id":1}, [{"id":1}]]', '[{"id":1}, null]']) {
    const r = scan(body);
    assert.equal(r?.kind === "array" && r.uniform, false, body);
  }
});

Deno.test("scanJson() counts duplicated keys once, as a set", () => {
  const r = scan('[{"a":1,"a":2,"b":3},{"b":1,"a":2}]');
  assert.deepEqual(r, { kind: "array", keys: new Set(["a", "b"]), uniform: true, length: 2 });
  const r2 = scan('[{"a":1,"b":3},{"a":1,"a":2}]');
  assert.equal(r2?.kind === "array" && r2.uniform, false);
});

Deno.test("scanJson() decodes escaped and unicode keys", () => {
  assert.deepEqual(scan('{"\\u0061":1,"ü":2,"a\\"b":3}'), {
    kind: "object",
    keys: new Set(["a", "ü", 'a"b']),
  });
  const r = scan('[{"a":1},{"\\u0061":2}]');
  assert.equal(r?.kind === "array" && r.uniform, true);
});

Deno.test("scanJson() ignores keys of nested objects", () => {
  const r = scan('[{"a":{"x":1}},{"a":{"y":[{"z":1}]}}]');
  assert.deepEqual(r, { kind: "array", keys: new Set(["a"]), uniform: true, length: 2 });
});

Deno.test("scanJson() treats empty arrays, scalars and whitespace like Aeson", () => {
  assert.deepEqual(scan(" [ ] "), { kind: "array", keys: new Set(), uniform: true, length: 0 });
  assert.deepEqual(scan("\t\n\r {}\t\n\r "), { kind: "object", keys: new Set() });
  assert.deepEqual(scan("[{}, {}]"), { kind: "array", keys: new Set(), uniform: true, length: 2 });
  for (const s of ["1", "-0.5e+10", '"x"', "true", "false", "null"]) {
    assert.deepEqual(scan(s), { kind: "scalar" }, s);
  }
});

Deno.test("scanJson() rejects invalid JSON", () => {
  const bad = [
    "",
    "   ",
    "}{ x = 2",
    "{",
    "[1,]",
    '{"a":1,}',
    '{"a" 1}',
    "{a:1}",
    "[1 2]",
    "01",
    "1.",
    "-",
    "1e",
    '"\\x"',
    '"\\u12G4"',
    '"tab\there"',
    '"unterminated',
    "tru",
    "nul",
    "fals",
    "falsy",
    "[] []",
    "{}x",
    "NaN",
    "'a'",
  ];
  for (const b of bad) assert.equal(scan(b), null, JSON.stringify(b));
});

Deno.test("scanJson() survives deeply nested arrays", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  assert.deepEqual(scan(deep), { kind: "array", keys: new Set(), uniform: false, length: 1 });
  assert.equal(scan("[".repeat(100_000)), null);
});

Deno.test("scanJson() agrees with JSON.parse on a bulk body", () => {
  const rows = Array.from(
    { length: 2000 },
    (_, i) => ({ id: i, s: `v "${i}" ü\n`, n: i / 3, t: [true, null] }),
  );
  const r = scan(JSON.stringify(rows));
  assert.deepEqual(r, { kind: "array", keys: new Set(["id", "s", "n", "t"]), uniform: true, length: 2000 });
});
