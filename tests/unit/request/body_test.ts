import assert from "node:assert/strict";
import { BodyBuffer } from "../../../lib/request/body.ts";

const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 251);

Deno.test("BodyBuffer: chunks land in one buffer of the declared size", () => {
  const body = new BodyBuffer(10);
  body.add(bytes(4));
  body.add(bytes(6, 4));
  const out = body.bytes();
  assert.deepEqual(out, bytes(10));
  assert.equal(out.buffer.byteLength, 10); // the buffer itself, no copy
});

Deno.test("BodyBuffer: a body shorter than declared is what arrived; a longer one grows the buffer", () => {
  const short = new BodyBuffer(10);
  short.add(bytes(3));
  assert.deepEqual(short.bytes(), bytes(3));
  const long = new BodyBuffer(4);
  for (let at = 0; at < 25; at += 5) long.add(bytes(5, at));
  assert.deepEqual(long.bytes(), bytes(25));
  assert.deepEqual(new BodyBuffer(0).bytes(), new Uint8Array(0));
});
