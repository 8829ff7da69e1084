import assert from "node:assert/strict";
import { decodeBase64Secret, encodeBase64, jwtSecretError } from "../../../lib/config/secret.ts";

Deno.test("decodeBase64Secret() decodes standard and URL-safe base64", () => {
  assert.deepEqual(decodeBase64Secret("aGVsbG8="), new TextEncoder().encode("hello"));
  assert.deepEqual(decodeBase64Secret("-_8."), new Uint8Array([0xfb, 0xff]));
  assert.deepEqual(decodeBase64Secret(" aGk= \n"), new TextEncoder().encode("hi"));
});

Deno.test("decodeBase64Secret() reports size, character, padding and canonical errors", () => {
  assert.deepEqual(decodeBase64Secret("abc"), { error: "Base64-encoded bytestring has invalid size" });
  assert.deepEqual(decodeBase64Secret("ab!c"), { error: "invalid character at offset: 2" });
  assert.deepEqual(decodeBase64Secret("a=bc"), { error: "invalid padding at offset: 1" });
  assert.deepEqual(decodeBase64Secret("aGk=aGk="), { error: "invalid padding at offset: 3" });
  assert.deepEqual(decodeBase64Secret("aGl="), { error: "non-canonical encoding detected at offset: 2" });
});

Deno.test("encodeBase64() round-trips any bytes", () => {
  for (const n of [0, 1, 2, 3, 31, 32, 33]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
    const encoded = encodeBase64(bytes);
    assert.deepEqual(decodeBase64Secret(encoded), bytes);
    assert.equal(encoded, btoa(String.fromCharCode(...bytes)));
  }
});

Deno.test("jwtSecretError() counts bytes, not characters", () => {
  assert.equal(jwtSecretError("é".repeat(16), false), null);
  assert.equal(
    jwtSecretError("é".repeat(15), false),
    "user error (The JWT secret must be at least 32 characters long.)",
  );
});
