import assert from "node:assert/strict";
import { hexToBytes } from "../../../lib/response/response.ts";

Deno.test("hexToBytes() decodes PostgreSQL's encode(…, 'hex') output", () => {
  assert.deepEqual(hexToBytes("89504e470dff00"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0xff, 0x00]));
  assert.deepEqual(hexToBytes("616E79"), new TextEncoder().encode("any"));
  assert.deepEqual(hexToBytes(""), new Uint8Array());
});
