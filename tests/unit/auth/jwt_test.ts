import assert from "node:assert/strict";
import { encodeJson } from "../../../lib/auth/json.ts";
import { JwtVerifier } from "../../../lib/auth/jwt.ts";
import { parseJwtSecret } from "../../../lib/auth/keys.ts";
import { PgrstError } from "../../../lib/errors.ts";
import { type Alg, b64, encrypt, generateKey, privateJwk, SECRET, sign, signRaw } from "../../helpers/jwt.ts";

const verifierFor = (secret: string) => new JwtVerifier(parseJwtSecret(secret, false));
const plain = verifierFor(SECRET);

/** Asserts a PGRST301/303 rejection with PostgREST's body and `WWW-Authenticate`. */
async function rejects(p: Promise<unknown>, code: string, message: string, details: string | null = null) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof PgrstError);
    assert.deepEqual(
      [e.status, e.code, e.message, e.details, e.hint],
      [401, code, message, details, null],
    );
    assert.deepEqual(e.headers, [[
      "WWW-Authenticate",
      `Bearer error="invalid_token", error_description="${message}"`,
    ]]);
    return true;
  });
}

const NO_SUITABLE = [
  "PGRST301",
  "No suitable key or wrong key type",
  "No suitable key was found to decode the JWT",
] as const;
const NONE_VERIFIED = [
  "PGRST301",
  "No suitable key or wrong key type",
  "None of the keys was able to decode the JWT",
] as const;
const CRYPTO = ["PGRST301", "JWT cryptographic operation failed"] as const;

Deno.test("JwtVerifier.verify() accepts an HS256 token signed with the plain secret", async () => {
  const claims = await plain.verify(await sign({ role: "author", n: 1.0, nested: { b: 1, a: 2 } }, SECRET));
  assert.equal(encodeJson(claims), '{"n":1,"nested":{"a":2,"b":1},"role":"author"}');
});

for (
  const alg of [
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
  ] as Alg[]
) {
  Deno.test(`JwtVerifier.verify() verifies ${alg} with a JWK and rejects a token of another key`, async () => {
    const key = await generateKey(alg);
    const other = await generateKey(alg);
    const v = verifierFor(JSON.stringify(key.jwk));
    const claims = await v.verify(await sign({ role: alg }, key.privateKey, alg));
    assert.equal(claims.get("role"), alg);
    await rejects(v.verify(await sign({ role: alg }, other.privateKey, alg)), ...NONE_VERIFIED);
  });
}

Deno.test("JwtVerifier.verify() uses the public part of private RSA, EC and OKP JWKs", async () => {
  for (const alg of ["RS256", "ES256", "EdDSA"] as Alg[]) {
    const key = await generateKey(alg);
    const v = verifierFor(JSON.stringify(await privateJwk(key)));
    assert.equal((await v.verify(await sign({ role: "x" }, key.privateKey, alg))).get("role"), "x");
  }
});

Deno.test("JwtVerifier.verify() never accepts a forged token", async () => {
  const good = await sign({ role: "author" }, SECRET);
  const [h, , s] = good.split(".");
  // Payload swapped under the original signature.
  await rejects(plain.verify(`${h}.${b64('{"role":"postgres"}')}.${s}`), ...NONE_VERIFIED);
  // Signed with another secret.
  await rejects(plain.verify(await sign({ role: "postgres" }, "x".repeat(32))), ...NONE_VERIFIED);
  // Signature bytes flipped.
  const flipped = s.startsWith("A") ? "B" + s.slice(1) : "A" + s.slice(1);
  await rejects(plain.verify(`${good.slice(0, good.lastIndexOf("."))}.${flipped}`), ...NONE_VERIFIED);
  // Empty signature.
  await rejects(plain.verify(`${good.slice(0, good.lastIndexOf("."))}.`), ...NONE_VERIFIED);
});

Deno.test("JwtVerifier.verify() rejects alg none", async () => {
  const token = `${b64('{"alg":"none"}')}.${b64('{"role":"postgres"}')}.`;
  await rejects(
    plain.verify(token),
    "PGRST301",
    "Wrong or unsupported encoding algorithm",
    "JWT is unsecured but expected 'alg' was not 'none'",
  );
});

Deno.test("JwtVerifier.verify() reports an empty token and a wrong number of parts", async () => {
  await rejects(plain.verify(""), "PGRST301", "Empty JWT is sent in Authorization header");
  await rejects(plain.verify("abc"), "PGRST301", "Expected 3 parts in JWT; got 1");
  await rejects(plain.verify("a.b"), "PGRST301", "Expected 3 parts in JWT; got 2");
  await rejects(plain.verify("a.b.c.d"), "PGRST301", "Expected 3 parts in JWT; got 4");
  await rejects(
    plain.verify(await encrypt({ role: "postgres" })),
    "PGRST301",
    "Expected 3 parts in JWT; got 5",
  );
});

Deno.test("JwtVerifier.verify() fails the cryptographic operation on malformed parts", async () => {
  const payload = b64('{"role":"x"}');
  const malformed = [
    `%%%.${payload}.sig`, // header not base64url
    `${b64("not json")}.${payload}.c2ln`,
    `${b64("[1]")}.${payload}.c2ln`,
    `${b64('{"typ":"JWT"}')}.${payload}.c2ln`, // no alg
    `${b64('{"alg":"PS256"}')}.${payload}.c2ln`, // an alg jose-jwt does not know
    `${b64('{"alg":"RSA-OAEP"}')}.${payload}.c2ln`, // a JWE alg in a JWS header
    `${b64('{"alg":"HS256","kid":1}')}.${payload}.c2ln`,
    `${b64('{"alg":"HS256","typ":true}')}.${payload}.c2ln`,
    `${b64('{"alg":"RSA-OAEP-256","enc":"A256GCM"}')}.${payload}.c2ln`, // a JWE squeezed into 3 parts
    `${b64('{"alg":"HS256"}')}.${payload}=.c2ln`, // padding is not base64url
    `${b64('{"alg":"HS256"}')}.${payload}.c2ln!`,
  ];
  for (const t of malformed) await rejects(plain.verify(t), ...CRYPTO);
});

Deno.test("JwtVerifier.verify() uses a plain secret for HS256 only", async () => {
  for (const alg of ["HS384", "HS512"] as Alg[]) {
    await rejects(plain.verify(await sign({ role: "x" }, SECRET, alg)), ...NO_SUITABLE);
  }
});

Deno.test("JwtVerifier.verify() finds no suitable key for another key type", async () => {
  const ec = await generateKey("ES256");
  const v = verifierFor(JSON.stringify({ keys: [ec.jwk] }));
  // HS256 signed with the EC key's public JSON as secret: the classic alg-confusion attack.
  await rejects(v.verify(await sign({ role: "x" }, JSON.stringify(ec.jwk))), ...NO_SUITABLE);
  const rsa = await generateKey("RS256");
  await rejects(v.verify(await sign({ role: "x" }, rsa.privateKey, "RS256")), ...NO_SUITABLE);
});

Deno.test("JwtVerifier.verify() selects keys by kid, and tries every key without one", async () => {
  const k1 = await generateKey("RS256", { kid: "k1" });
  const k2 = await generateKey("ES256", { kid: "k2" });
  const k3 = await generateKey("HS256", { kid: "k3" });
  const v = verifierFor(JSON.stringify({ keys: [k1.jwk, k2.jwk, k3.jwk] }));
  assert.equal(
    (await v.verify(await sign({ role: "a" }, k2.privateKey, "ES256", { kid: "k2" }))).get("role"),
    "a",
  );
  assert.equal((await v.verify(await sign({ role: "b" }, k3.privateKey, "HS256"))).get("role"), "b");
  await rejects(v.verify(await sign({ role: "c" }, k2.privateKey, "ES256", { kid: "nope" })), ...NO_SUITABLE);
  // kid of another key: that key alone is tried, and fails.
  await rejects(v.verify(await sign({ role: "d" }, k2.privateKey, "ES256", { kid: "k1" })), ...NO_SUITABLE);
  const wrongKid = await sign({ role: "d" }, k3.privateKey, "HS256", { kid: "k1" });
  await rejects(v.verify(wrongKid), ...NO_SUITABLE);
  // A plain secret has no kid: a token naming one finds no key.
  await rejects(plain.verify(await sign({ role: "e" }, SECRET, "HS256", { kid: "k1" })), ...NO_SUITABLE);
});

Deno.test("JwtVerifier.verify() honours a JWK's alg and use", async () => {
  const rsa = await generateKey("RS256", { withAlg: true });
  const v = verifierFor(JSON.stringify(rsa.jwk));
  // Key selection fails before any signature check, so the RS256 signature under an RS384 header
  // does not matter.
  const [, payload, sig] = (await sign({ role: "x" }, rsa.privateKey, "RS256")).split(".");
  await rejects(v.verify(`${b64('{"alg":"RS384"}')}.${payload}.${sig}`), ...NO_SUITABLE);
  const enc = verifierFor(JSON.stringify({ ...rsa.jwk, use: "enc" }));
  await rejects(enc.verify(await sign({ role: "x" }, rsa.privateKey, "RS256")), ...NO_SUITABLE);
  const unknown = verifierFor(JSON.stringify({ keys: [{ ...rsa.jwk, alg: "PS256" }] }));
  await rejects(unknown.verify(await sign({ role: "x" }, rsa.privateKey, "RS256")), ...NO_SUITABLE);
});

Deno.test("JwtVerifier.verify() rejects an ES256 token against a P-384 key", async () => {
  const p384 = await generateKey("ES384");
  const p256 = await generateKey("ES256");
  const v = verifierFor(JSON.stringify(p384.jwk));
  await rejects(v.verify(await sign({ role: "x" }, p256.privateKey, "ES256")), ...NONE_VERIFIED);
});

Deno.test("JwtVerifier.verify() reports claims that are not a JSON object as PGRST303", async () => {
  for (const payload of ["[1]", "null", '"role"', "{", "\u00ff\u00fe"]) {
    await rejects(
      plain.verify(await signRaw('{"alg":"HS256"}', payload)),
      "PGRST303",
      "Parsing claims failed",
    );
  }
});
