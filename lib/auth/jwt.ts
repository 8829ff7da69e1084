/**
 * JWT verification: compact token + key set → the verified claims object.
 *
 * Input: a `JwtKeySet` (`keys.ts`) and the token text from `Authorization: Bearer`. Output: the
 * claims as a `JsonObject`, or a `PgrstError` (PGRST301/PGRST303) with the message and details
 * PostgREST returns. The steps and their errors follow PostgREST's `Auth/Jwt.hs` on top of
 * jose-jwt's `decode`:
 *
 *   ""                               → "Empty JWT is sent in Authorization header"
 *   not 3 dot-separated parts         → "Expected 3 parts in JWT; got N"
 *   bad base64url / header / alg name → "JWT cryptographic operation failed"
 *   `alg: none`                       → "Wrong or unsupported encoding algorithm"
 *   no key fits (kid, alg, key type)  → "No suitable key or wrong key type" (details say why)
 *   no key verifies the signature     → "No suitable key or wrong key type" ("None of the keys…")
 *   claims not a JSON object          → PGRST303 "Parsing claims failed"
 *
 * Key selection and every error follow jose-jwt (that is what PostgREST users see); the signature
 * itself is checked by the `jose` package (the only file importing it), with imported keys cached
 * per key and algorithm.
 */
import * as jose from "jose";
import { Errors } from "../errors.ts";
import { isObject, type JsonObject, type JsonValue, parseJson } from "./json.ts";
import { decodeBase64Url, JWS_ALGS, type JwsAlg, type JwtKey, type JwtKeySet } from "./keys.ts";

const EC_CURVE = { "P-256": 32, "P-384": 48, "P-521": 66 } as const;

interface JwsHeader {
  readonly alg: JwsAlg;
  readonly kid: string | null;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Base64url-encoded UTF-8 JSON; `undefined` when any layer is malformed. */
function decodeJson(part: string): JsonValue | undefined {
  const bytes = decodeBase64Url(part);
  if (bytes === null) return undefined;
  try {
    return parseJson(decoder.decode(bytes));
  } catch {
    return undefined; // not UTF-8
  }
}

const cryptoFailed = () => Errors.jwtDecode("JWT cryptographic operation failed");
const keyError = (details: string) => Errors.jwtDecode("No suitable key or wrong key type", details);

/**
 * Reads the protected header as jose-jwt does: `alg: "none"` is an unsecured token; a header with
 * an `enc` member is a JWE (which never fits in three parts); otherwise `alg` must be a JWS
 * algorithm and `typ`, `cty`, `kid` strings when present.
 */
function readHeader(part: string): JwsHeader | "unsecured" {
  const json = decodeJson(part);
  if (!isObject(json)) throw cryptoFailed();
  const alg = json.get("alg");
  if (alg === "none") return "unsecured";
  if (json.has("enc")) throw cryptoFailed();
  if (typeof alg !== "string" || !(JWS_ALGS as readonly string[]).includes(alg)) throw cryptoFailed();
  for (const f of ["typ", "cty", "kid"]) {
    const v = json.get(f);
    if (v !== undefined && v !== null && typeof v !== "string") throw cryptoFailed();
  }
  const kid = json.get("kid");
  return { alg: alg as JwsAlg, kid: typeof kid === "string" ? kid : null };
}

/** jose-jwt's `canDecodeJws`: usage, `kid`, the key's own `alg`, then the key type. */
function canVerify(h: JwsHeader, k: JwtKey): boolean {
  if (k.kind === "unsupported") return false;
  if (h.kid !== null && h.kid !== k.kid) return false;
  if (k.kind === "OKP") return h.alg === "EdDSA";
  if (k.use === "enc") return false;
  if (k.alg !== null && k.alg !== h.alg) return false;
  const family = h.alg.slice(0, 2);
  return (family === "HS" && k.kind === "oct") || (family === "RS" && k.kind === "RSA") ||
    (family === "ES" && k.kind === "EC");
}

/** The verification key for one algorithm (jose's key import); `null` when it cannot be used. */
async function importKey(k: JwtKey, alg: JwsAlg): Promise<Uint8Array | jose.CryptoKey | null> {
  try {
    switch (k.kind) {
      case "oct":
        return k.secret;
      case "RSA":
      case "EC":
        return await jose.importJWK(k.jwk, alg) as jose.CryptoKey;
      case "OKP":
        return k.crv === "Ed25519" ? await jose.importJWK(k.jwk, "EdDSA") as jose.CryptoKey : null;
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/**
 * Verifies compact JWS tokens against one key set. Holds the imported `CryptoKey`s, so build
 * one per configuration (a reload with a new secret builds a new one).
 */
export class JwtVerifier {
  readonly #keys: readonly JwtKey[];
  /** CryptoKey (or `null`: WebCrypto refused the key) per key index and algorithm. */
  readonly #imported = new Map<string, Promise<Uint8Array | jose.CryptoKey | null>>();

  constructor(keySet: JwtKeySet) {
    this.#keys = keySet.keys;
  }

  #cryptoKey(index: number, alg: JwsAlg): Promise<Uint8Array | jose.CryptoKey | null> {
    const id = `${index}:${alg}`;
    let p = this.#imported.get(id);
    if (p === undefined) {
      p = importKey(this.#keys[index], alg);
      this.#imported.set(id, p);
    }
    return p;
  }

  /** Whether key `index` verifies the token's signature (checked by jose). */
  async #verify(index: number, alg: JwsAlg, token: string, signature: Uint8Array): Promise<boolean> {
    const key = await this.#cryptoKey(index, alg);
    if (key === null) return false;
    const k = this.#keys[index];
    // jose-jwt checks that an ECDSA signature is r ‖ s sized for the key's curve, whatever the alg.
    if (k.kind === "EC" && signature.length !== 2 * EC_CURVE[k.jwk.crv as keyof typeof EC_CURVE]) {
      return false;
    }
    try {
      await jose.compactVerify(token, key, { algorithms: [alg] });
      return true;
    } catch {
      return false;
    }
  }

  /** The verified claims of a token; throws PostgREST's PGRST301/PGRST303 errors. */
  async verify(token: string): Promise<JsonObject> {
    if (token === "") throw Errors.jwtDecode("Empty JWT is sent in Authorization header");
    const parts = token.split(".");
    if (parts.length !== 3) throw Errors.jwtDecode(`Expected 3 parts in JWT; got ${parts.length}`);
    const [headerPart, payloadPart, signaturePart] = parts;

    const header = readHeader(headerPart);
    const payload = decodeBase64Url(payloadPart);
    if (payload === null) throw cryptoFailed();
    if (header === "unsecured") {
      throw Errors.jwtDecode(
        "Wrong or unsupported encoding algorithm",
        "JWT is unsecured but expected 'alg' was not 'none'",
      );
    }
    const signature = decodeBase64Url(signaturePart);
    if (signature === null) throw cryptoFailed();

    const candidates: number[] = [];
    this.#keys.forEach((k, i) => canVerify(header, k) && candidates.push(i));
    if (candidates.length === 0) throw keyError("No suitable key was found to decode the JWT");

    let verified = false;
    for (const i of candidates) {
      if (await this.#verify(i, header.alg, token, signature)) {
        verified = true;
        break;
      }
    }
    if (!verified) throw keyError("None of the keys was able to decode the JWT");

    let claims: JsonValue | undefined;
    try {
      claims = parseJson(decoder.decode(payload));
    } catch {
      claims = undefined; // not UTF-8
    }
    if (!isObject(claims)) throw Errors.jwtClaims("Parsing claims failed");
    return claims;
  }
}
