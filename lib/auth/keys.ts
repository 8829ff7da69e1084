/**
 * Key material: `jwt-secret` (+ `jwt-secret-is-base64`) → the set of keys that verify tokens.
 *
 * Input: the secret as configured (after `@file` loading). Output: a `JwtKeySet`, or a
 * `JwtSecretError` with PostgREST's start-up message. Same reading as PostgREST's
 * `Config.parseSecret` with jose-jwt's JWK rules:
 *
 *   1. JSON `{"keys": [...]}` → a JWK set (every member must be a well-formed JWK);
 *   2. else a JSON JWK → a one-key set;
 *   3. else the raw bytes are an HMAC secret for **HS256 only**, at least 32 bytes long.
 *
 * A JWK whose `kty` or `alg` jose-jwt does not know is kept but never verifies anything.
 * Pure and synchronous: `CryptoKey`s are imported lazily by `jwt.ts`.
 */
import { isObject, type JsonObject, type JsonValue, parseJson } from "./json.ts";

export class JwtSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JwtSecretError";
  }
}

export type JwsAlg =
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

export const JWS_ALGS: readonly JwsAlg[] = [
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
];

/** Every `alg` name jose-jwt parses (JWS and JWE); a JWK with another `alg` is unsupported. */
const KNOWN_ALGS = new Set<string>([
  "none",
  ...JWS_ALGS,
  "RSA1_5",
  "RSA-OAEP",
  "RSA-OAEP-256",
  "A128KW",
  "A192KW",
  "A256KW",
]);

/** One verification key, as jose-jwt sees it. `jwk` is the public part, ready for `importKey`. */
export type JwtKey =
  | {
    readonly kind: "oct";
    readonly kid: string | null;
    readonly use: string | null;
    readonly alg: string | null;
    readonly secret: Uint8Array;
  }
  | {
    readonly kind: "RSA";
    readonly kid: string | null;
    readonly use: string | null;
    readonly alg: string | null;
    readonly jwk: JsonWebKey;
  }
  | {
    readonly kind: "EC";
    readonly kid: string | null;
    readonly use: string | null;
    readonly alg: string | null;
    readonly jwk: JsonWebKey;
  }
  | {
    readonly kind: "OKP";
    readonly kid: string | null;
    readonly crv: "Ed25519" | "Ed448";
    readonly jwk: JsonWebKey;
  }
  | { readonly kind: "unsupported" };

export interface JwtKeySet {
  readonly keys: readonly JwtKey[];
}

/** Errors of the whole-JWK parse (jose-jwt's `createJwk`); the caller falls back to a plain secret. */
class NotAJwk extends Error {}

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Base64url (padding optional), as jose-jwt's `JwkBytes`. */
function jwkBytes(v: JsonValue | undefined, name: string): Uint8Array | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || !B64URL.test(v) || v.replace(/=+$/, "").length % 4 === 1) {
    throw new NotAJwk(`${name}: could not base64 decode bytes`);
  }
  return decodeBase64Url(v.replace(/=+$/, ""));
}

function optText(obj: JsonObject, name: string): string | null {
  const v = obj.get(name);
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new NotAJwk(`${name} must be a string`);
  return v;
}

/** Unpadded base64url → bytes; `null` on a character outside the alphabet or a bad length. */
export function decodeBase64Url(s: string): Uint8Array | null {
  if (s.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  const bin = atob(s.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function parseJwk(v: JsonValue): JwtKey {
  if (!isObject(v)) throw new NotAJwk("Jwk must be a JSON object");
  const alg = v.get("alg");
  const kty = v.get("kty");
  const algOk = alg === undefined || alg === null || (typeof alg === "string" && KNOWN_ALGS.has(alg));
  const ktyOk = kty === undefined || kty === null ||
    (typeof kty === "string" && ["RSA", "EC", "OKP", "oct"].includes(kty));
  if (!algOk || !ktyOk) return { kind: "unsupported" };
  if (typeof kty !== "string") throw new NotAJwk("kty is required");

  const use = optText(v, "use");
  if (use !== null && use !== "sig" && use !== "enc") {
    throw new NotAJwk("'use' value must be either 'sig' or 'enc'");
  }
  const kid = optText(v, "kid");
  const crv = optText(v, "crv");
  optText(v, "x5u");
  optText(v, "x5t");
  const x5c = v.get("x5c");
  if (x5c !== undefined && x5c !== null && !(Array.isArray(x5c) && x5c.every((c) => typeof c === "string"))) {
    throw new NotAJwk("x5c must be an array of strings");
  }
  const b: Record<string, Uint8Array | null> = {};
  for (const f of ["n", "e", "d", "p", "q", "dp", "dq", "qi", "k", "x", "y"]) b[f] = jwkBytes(v.get(f), f);
  const algName = typeof alg === "string" ? alg : null;
  const str = (f: string) => v.get(f) as string;

  switch (kty) {
    case "RSA":
      if (!b.n) throw new NotAJwk("n is required for an RSA key");
      if (!b.e) throw new NotAJwk("e is required for an RSA key");
      if (crv !== null) throw new NotAJwk("Elliptic curve type can't be set for an RSA key");
      if (b.x && b.y) throw new NotAJwk("Elliptic curve coordinates can't be set for an RSA key");
      return { kind: "RSA", kid, use, alg: algName, jwk: { kty: "RSA", n: str("n"), e: str("e") } };
    case "oct":
      if (!b.k) throw new NotAJwk("k is required for a symmetric key");
      return { kind: "oct", kid, use, alg: algName, secret: b.k };
    case "OKP":
      if (crv === null) throw new NotAJwk("crv is required for an OKP key");
      if (!b.x) throw new NotAJwk("x is required for an OKP key");
      if (crv !== "Ed25519" && crv !== "Ed448") throw new NotAJwk("Unknown or unsupported OKP type");
      return { kind: "OKP", kid, crv, jwk: { kty: "OKP", crv, x: str("x") } };
    default: // EC
      if (crv === null) throw new NotAJwk("crv is required for an elliptic curve key");
      if (!["P-256", "P-384", "P-521"].includes(crv)) throw new NotAJwk("crv must be a valid EC curve name");
      if (!b.x) throw new NotAJwk("x is required for an EC key");
      if (!b.y) throw new NotAJwk("y is required for an EC key");
      return { kind: "EC", kid, use, alg: algName, jwk: { kty: "EC", crv, x: str("x"), y: str("y") } };
  }
}

function parseJwkSet(v: JsonValue): JwtKeySet {
  if (!isObject(v)) throw new NotAJwk("JwkSet must be an object");
  const keys = v.get("keys");
  if (!Array.isArray(keys)) throw new NotAJwk("keys must be an array");
  return { keys: keys.map(parseJwk) };
}

/**
 * Decodes a base64 `jwt-secret` as PostgREST does: URL-safe characters (`-`, `_`, and `.` for
 * padding) are accepted, surrounding whitespace is stripped; padding is optional.
 */
export function decodeBase64Secret(secret: string): Uint8Array {
  const std = secret.replaceAll("-", "+").replaceAll("_", "/").replaceAll(".", "=").trim();
  const body = std.replace(/=+$/, "");
  const padding = std.length - body.length;
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1 || padding > 2) {
    throw new JwtSecretError("jwt-secret: invalid base64 encoding");
  }
  const bin = atob(body + "=".repeat((4 - (body.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Parses `jwt-secret` into its keys; throws `JwtSecretError` with PostgREST's message
 * ("The JWT secret must be at least 32 characters long.") for a short plain secret. This is the
 * validator the config code calls at start-up and on reload.
 *
 * @example
 * parseJwtSecret("reallyreallyreallyreallyverysafe", false).keys[0].kind; // "oct"
 */
export function parseJwtSecret(secret: string, isBase64: boolean): JwtKeySet {
  const bytes = isBase64 ? decodeBase64Secret(secret) : new TextEncoder().encode(secret);
  let text: string | null;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = null;
  }
  const json = text === null ? undefined : parseJson(text);
  if (json !== undefined) {
    try {
      return parseJwkSet(json);
    } catch (e) {
      if (!(e instanceof NotAJwk)) throw e;
    }
    try {
      return { keys: [parseJwk(json)] };
    } catch (e) {
      if (!(e instanceof NotAJwk)) throw e;
    }
  }
  if (bytes.length < 32) throw new JwtSecretError("The JWT secret must be at least 32 characters long.");
  return { keys: [{ kind: "oct", kid: null, use: "sig", alg: "HS256", secret: bytes }] };
}

/** `null` when the secret is usable, else the message PostgREST prints at start-up. */
export function validateJwtSecret(secret: string, isBase64: boolean): string | null {
  try {
    parseJwtSecret(secret, isBase64);
    return null;
  } catch (e) {
    if (e instanceof JwtSecretError) return e.message;
    throw e;
  }
}
