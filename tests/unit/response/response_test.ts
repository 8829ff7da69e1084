import assert from "node:assert/strict";
import { hexToBytes, utf8Length } from "../../../lib/response/response.ts";

Deno.test("hexToBytes() decodes PostgreSQL's encode(…, 'hex') output", () => {
  assert.deepEqual(hexToBytes("89504e470dff00"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0xff, 0x00]));
  assert.deepEqual(hexToBytes("616E79"), new TextEncoder().encode("any"));
  assert.deepEqual(hexToBytes(""), new Uint8Array());
});

Deno.test("utf8Length() counts the bytes a text is sent as, across scratch-buffer boundaries", () => {
  const texts = [
    "",
    "ascii",
    "é😀中",
    "\ud800 lone surrogate",
    "x".repeat(65535) + "😀".repeat(3) + "é".repeat(40000),
    "😀".repeat(50000),
    `[${'{"a":"ü"},'.repeat(30000)}{}]`,
  ];
  for (const t of texts) assert.equal(utf8Length(t), new TextEncoder().encode(t).length, t.slice(0, 20));
});
