import assert from "node:assert/strict";
import { Writer } from "../../../lib/db/wire.ts";

/** A Bind message as the protocol spells it (unnamed portal, text parameters and results). */
function bindMessage(statement: string, values: (string | null)[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [0, ...enc.encode(statement), 0, 0, 0, ...int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(...int32(-1));
    else {
      const bytes = enc.encode(v);
      parts.push(...int32(bytes.length));
      for (const b of bytes) parts.push(b);
    }
  }
  parts.push(0, 0);
  return new Uint8Array([0x42, ...int32(parts.length + 4), ...parts]);
}
const int16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.length;
  return out;
};

Deno.test("Writer: a Bind with large values is the same bytes, in chunks that keep them apart", () => {
  const large = "é😀x".repeat(40_000); // over the 64 Ki-character threshold
  const values = ["1", large, null, "ü", large + "!"];
  const w = new Writer();
  w.bind("pgrst_1", values);
  w.bind("pgrst_2", ["small"]);
  const chunks = w.bytes();
  assert.deepEqual(
    concat(chunks),
    concat([bindMessage("pgrst_1", values), bindMessage("pgrst_2", ["small"])]),
  );
  // The large values are chunks of their own (not copied into the buffer).
  assert.equal(chunks.length, 5);
  assert.equal(chunks[1].length, new TextEncoder().encode(large).length);
});

Deno.test("Writer: small messages are one chunk", () => {
  const w = new Writer();
  w.bind("s", ["a", null]);
  w.execute();
  const chunks = w.bytes();
  assert.equal(chunks.length, 1);
  assert.deepEqual(
    chunks[0].subarray(0, bindMessage("s", ["a", null]).length),
    bindMessage("s", ["a", null]),
  );
});
