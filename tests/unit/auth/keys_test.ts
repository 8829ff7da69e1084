import assert from "node:assert/strict";
import {
  decodeBase64Secret,
  JwtSecretError,
  parseJwtSecret,
  validateJwtSecret,
} from "../../../lib/auth/keys.ts";
import { generateKey, SECRET } from "../../helpers/jwt.ts";

const SHORT = "The JWT secret must be at least 32 characters long.";

Deno.test("parseJwtSecret() turns a plain secret into one HS256-only oct key", () => {
  const { keys } = parseJwtSecret(SECRET, false);
  assert.equal(keys.length, 1);
  const k = keys[0];
  assert.equal(k.kind, "oct");
  assert.ok(k.kind === "oct" && k.alg === "HS256" && k.kid === null);
  assert.ok(k.kind === "oct" && new TextDecoder().decode(k.secret) === SECRET);
});

Deno.test("parseJwtSecret() refuses a plain secret shorter than 32 bytes", () => {
  assert.throws(
    () => parseJwtSecret("a".repeat(31), false),
    (e) => e instanceof JwtSecretError && e.message === SHORT,
  );
  assert.equal(validateJwtSecret("short", false), SHORT);
  assert.equal(validateJwtSecret("a".repeat(32), false), null);
  // The rule counts bytes: 11 three-byte characters pass.
  assert.equal(validateJwtSecret("日".repeat(11), false), null);
});

Deno.test("parseJwtSecret() decodes jwt-secret-is-base64, URL-safe alphabet included", () => {
  const bytes = new Uint8Array(40).map((_, i) => (i * 37 + 251) % 256);
  const std = btoa(String.fromCharCode(...bytes));
  const urlSafe = std.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ".");
  assert.ok(std.includes("+") || std.includes("/"), "sample needs URL-unsafe characters");
  for (const text of [std, urlSafe, ` ${std.replace(/=+$/, "")}\n`]) {
    const k = parseJwtSecret(text, true).keys[0];
    assert.ok(k.kind === "oct");
    assert.deepEqual([...k.secret], [...bytes]);
  }
  assert.deepEqual([...decodeBase64Secret("AAEC")], [0, 1, 2]);
  assert.throws(() => parseJwtSecret("not*base64", true), JwtSecretError);
  // Length is checked after decoding: 24 bytes of base64 text decode to 18 bytes.
  assert.equal(validateJwtSecret(btoa("x".repeat(18)), true), SHORT);
});

Deno.test("parseJwtSecret() reads a JWK and a JWK set", async () => {
  const rsa = await generateKey("RS256", { kid: "r1", withAlg: true });
  const ec = await generateKey("ES384");
  const ed = await generateKey("EdDSA", { kid: "e1" });
  const one = parseJwtSecret(JSON.stringify(rsa.jwk), false).keys;
  assert.equal(one.length, 1);
  assert.ok(one[0].kind === "RSA" && one[0].kid === "r1" && one[0].alg === "RS256");
  const set = parseJwtSecret(JSON.stringify({ keys: [rsa.jwk, ec.jwk, ed.jwk] }), false).keys;
  assert.deepEqual(set.map((k) => k.kind), ["RSA", "EC", "OKP"]);
  assert.ok(set[2].kind === "OKP" && set[2].kid === "e1" && set[2].crv === "Ed25519");
  // A short JWK is fine: the 32-byte rule is for plain secrets.
  const oct = parseJwtSecret('{"kty":"oct","k":"c2hvcnQ"}', false).keys[0];
  assert.ok(oct.kind === "oct" && oct.alg === null && new TextDecoder().decode(oct.secret) === "short");
});

Deno.test("parseJwtSecret() keeps keys of unknown kty or alg as unusable", () => {
  const { keys } = parseJwtSecret(
    JSON.stringify({ keys: [{ kty: "XYZ", k: "x" }, { kty: "RSA", alg: "PS256", n: "AQAB", e: "AQAB" }] }),
    false,
  );
  assert.deepEqual(keys.map((k) => k.kind), ["unsupported", "unsupported"]);
});

Deno.test("parseJwtSecret() falls back to a plain secret when the JSON is not a valid JWK", () => {
  // An RSA JWK without "n" is not a key: the whole text becomes an HMAC secret (≥ 32 bytes).
  const text = '{"kty":"RSA","e":"AQAB","kid":"padding-to-32-bytes"}';
  const k = parseJwtSecret(text, false).keys[0];
  assert.ok(k.kind === "oct" && k.alg === "HS256" && new TextDecoder().decode(k.secret) === text);
  // …and a short one is refused as a short secret.
  assert.equal(validateJwtSecret('{"kty":"RSA"}', false), SHORT);
  // A key set with one malformed member is not a key set either.
  const set = JSON.stringify({ keys: [{ kty: "oct" }], pad: "xxxxxxxxxxxxxxxxxxxx" });
  assert.ok(parseJwtSecret(set, false).keys[0].kind === "oct");
  // A bad "use" makes the JWK unreadable, too.
  const badUse = '{"kty":"oct","k":"YQ","use":1}';
  assert.ok(badUse.length < 32);
  assert.equal(validateJwtSecret(badUse, false), SHORT);
});
