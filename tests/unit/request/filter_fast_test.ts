import assert from "node:assert/strict";
import { parseFilter, parseFilterWithGrammar } from "../../../lib/request/filter.ts";

/** A seeded generator (mulberry32). */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "match",
  "imatch",
  "cs",
  "cd",
  "ov",
  "sl",
  "sr",
  "nxr",
  "nxl",
  "adj",
  "in",
  "is",
  "isdistinct",
  "fts",
  "not",
  ".",
  "(",
  ")",
  "any",
  "all",
  "*",
  "1",
  "x",
  '"',
  ",",
  " ",
  "é",
  "\\",
  "->",
  "null",
  "{a,b}",
  "\n",
];
const KEYS = ["id", "a_b", "$x", "123", "name", "a.b", "a-b", "a b", "é", "a->b", '"q"', "ID9"];

Deno.test("parseFilter()'s fast path gives exactly what the grammar gives, or leaves it to the grammar", () => {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  let fastHits = 0;
  for (let i = 0; i < 20_000; i++) {
    const key = pick(KEYS);
    const tail = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(PIECES)).join("");
    // Half of the values start like a filter (`[not.]op.`), so the fast path is exercised often.
    const value = rand() < 0.5 ? `${rand() < 0.3 ? "not." : ""}${pick(PIECES.slice(0, 20))}.${tail}` : tail;
    for (const rpc of [false, true]) {
      let slow: unknown;
      try {
        slow = parseFilterWithGrammar(key, value, rpc);
      } catch (e) {
        slow = e;
      }
      let fast: unknown;
      try {
        fast = parseFilter(key, value, rpc);
      } catch (e) {
        fast = e;
      }
      assert.deepEqual(fast, slow, `${key}=${value} (rpc read: ${rpc})`);
      const fastShape =
        /^(not\.)?(eq|neq|gt|gte|lt|lte|like|ilike|match|imatch|cs|cd|ov|sl|sr|nxr|nxl|adj)\./;
      if (/^[A-Za-z0-9_$]+$/.test(key) && fastShape.test(value)) fastHits++;
    }
  }
  assert.ok(fastHits > 500, `the generator reaches the fast path (${fastHits} times)`);
});
