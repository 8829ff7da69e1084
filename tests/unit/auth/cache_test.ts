import assert from "node:assert/strict";
import { SieveCache } from "../../../lib/auth/cache.ts";

Deno.test("SieveCache counts hits and misses", () => {
  const c = new SieveCache<string, number>(2);
  assert.equal(c.get("a"), undefined);
  c.set("a", 1);
  assert.equal(c.get("a"), 1);
  assert.equal(c.get("a"), 1);
  assert.deepEqual(c.stats(), { size: 1, hits: 2, misses: 1, evictions: 0 });
});

Deno.test("SieveCache evicts the oldest unvisited entry and keeps visited ones", () => {
  const evicted: string[] = [];
  const c = new SieveCache<string, number>(3, (k) => evicted.push(k));
  c.set("a", 1);
  c.set("b", 2);
  c.set("c", 3);
  c.get("a"); // visited: survives the next eviction, losing its bit
  c.set("d", 4); // hand: a (visited → cleared), b (evicted)
  assert.deepEqual(evicted, ["b"]);
  assert.deepEqual(c.keys(), ["d", "c", "a"]);
  c.set("e", 5); // hand continues from c: evicted
  assert.deepEqual(evicted, ["b", "c"]);
  c.set("f", 6); // the hand moves on towards the head, not back to the tail: d
  assert.deepEqual(evicted, ["b", "c", "d"]);
  assert.deepEqual(c.keys(), ["f", "e", "a"]);
  c.get("e");
  c.set("g", 7); // hand at e: visited, spared (bit cleared); f, the head, evicted
  assert.deepEqual(evicted, ["b", "c", "d", "f"]);
  c.set("h", 8); // past the head the hand wraps to the tail: a
  c.set("i", 9); // then e, whose bit was cleared
  assert.deepEqual(evicted, ["b", "c", "d", "f", "a", "e"]);
  assert.deepEqual(c.keys(), ["i", "h", "g"]);
  assert.equal(c.stats().evictions, 6);
});

Deno.test("SieveCache keeps popular entries through a scan of one-hit wonders", () => {
  const c = new SieveCache<string, number>(4);
  c.set("hot", 0);
  for (let i = 0; i < 100; i++) {
    assert.equal(c.get("hot"), 0, `round ${i}`);
    c.set(`cold${i}`, i);
  }
  assert.equal(c.size, 4);
});

Deno.test("SieveCache replaces a value in place and can delete and shrink", () => {
  const c = new SieveCache<string, number>(3);
  c.set("a", 1);
  c.set("a", 2);
  assert.equal(c.size, 1);
  assert.equal(c.get("a"), 2);
  c.set("b", 3);
  assert.ok(c.delete("a"));
  assert.ok(!c.delete("a"));
  assert.deepEqual(c.keys(), ["b"]);
  c.set("c", 4);
  c.set("d", 5);
  c.resize(1);
  c.set("e", 6);
  assert.equal(c.size, 1);
  assert.deepEqual(c.keys(), ["e"]);
});
