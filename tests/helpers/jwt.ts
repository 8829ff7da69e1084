/**
 * Token minting for tests, with `jose` (an independent JOSE implementation, so a verifier bug
 * cannot hide behind a shared helper). The only place tests import `jose`.
 */
import * as jose from "jose";

export const SECRET = "reallyreallyreallyreallyverysafe";

export type Alg =
  | "HS256"
  | "HS384"
  | "HS512"
  | "RS256"
  | "RS384"
  | "RS512"
  | "ES256"
  | "ES384"
  | "ES512"
  | "EdDSA";

/** Whatever jose signs with (its CryptoKey type, which may differ from the global one). */
export type SigningKey = Parameters<jose.SignJWT["sign"]>[0];

export interface KeyPair {
  readonly alg: Alg;
  /** Signs (a CryptoKey, or the HMAC secret bytes). */
  readonly privateKey: SigningKey;
  /** The public JWK (with `kid`/`alg` when asked), as `jwt-secret` would hold it. */
  readonly jwk: jose.JWK;
}

/** A fresh key pair for `alg` (EdDSA: Ed25519); HS* gets a random 32-byte `oct` key. */
export async function generateKey(
  alg: Alg,
  opts: { kid?: string; withAlg?: boolean } = {},
): Promise<KeyPair> {
  const extra = { ...(opts.kid ? { kid: opts.kid } : {}), ...(opts.withAlg ? { alg } : {}) };
  if (alg.startsWith("HS")) {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    return { alg, privateKey: secret, jwk: { kty: "oct", k: jose.base64url.encode(secret), ...extra } };
  }
  const { publicKey, privateKey } = await jose.generateKeyPair(
    alg,
    alg === "EdDSA" ? { extractable: true, crv: "Ed25519" } : { extractable: true },
  );
  return { alg, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), ...extra } };
}

/** The private JWK of a pair (a private key must verify like its public part). */
export async function privateJwk(pair: KeyPair): Promise<jose.JWK> {
  return await jose.exportJWK(pair.privateKey as Parameters<typeof jose.exportJWK>[0]);
}

/** Signs `claims` with `alg`; `header` adds protected header members (`kid`, `typ` …). */
export async function sign(
  claims: Record<string, unknown>,
  key: SigningKey | string,
  alg: Alg = "HS256",
  header: Record<string, unknown> = {},
): Promise<string> {
  const k = typeof key === "string" ? new TextEncoder().encode(key) : key;
  return await new jose.SignJWT(claims).setProtectedHeader({ ...header, alg }).sign(k);
}

/** Base64url of a string or bytes (to hand-build malformed tokens). */
export function b64(data: string | Uint8Array): string {
  return jose.base64url.encode(data);
}

/** A token with an arbitrary header and payload text, HMAC-signed with `secret` (HS256). */
export async function signRaw(header: string, payload: string, secret: string = SECRET): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${b64(sig)}`;
}

/** A JWE (five parts) encrypting `claims` to a fresh RSA key. */
export async function encrypt(claims: Record<string, unknown>): Promise<string> {
  const { publicKey } = await jose.generateKeyPair("RSA-OAEP-256");
  return await new jose.EncryptJWT(claims).setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256GCM" })
    .encrypt(publicKey);
}

export const NOW_MS = Date.UTC(2025, 0, 1);
export const NOW = NOW_MS / 1000;
