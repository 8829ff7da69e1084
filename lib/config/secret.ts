/**
 * `@file` values (CF-08) and the JWT secret checks PostgREST makes while loading the config.
 *
 * `db-uri = "@/run/secrets/uri"` is read and trimmed; `jwt-secret = "@/run/secrets/jwt"` is read
 * with one trailing newline removed. A plain (non-JWK) secret must be at least 32 bytes, after
 * base64 decoding when `jwt-secret-is-base64` is on. Files are read through an injected
 * `readTextFile`, so this module never touches the file system itself.
 */

/** Reads a whole text file; rejects with an `Error` whose message says why. */
export type ReadTextFile = (path: string) => Promise<string>;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Strict RFC 4648 base64 (padding required, canonical), after PostgREST's URL-safe rewrite
 * (`-`→`+`, `_`→`/`, `.`→`=`) and trimming. Returns the bytes, or the error text of Haskell's
 * `base64-bytestring`.
 */
export function decodeBase64Secret(secret: string): Uint8Array | { readonly error: string } {
  const s = secret.replaceAll("-", "+").replaceAll("_", "/").replaceAll(".", "=").trim();
  if (s.length % 4 !== 0) return { error: "Base64-encoded bytestring has invalid size" };
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const quad = s.slice(i, i + 4);
    const last = i + 4 === s.length;
    const pad = quad.endsWith("==") ? 2 : quad.endsWith("=") ? 1 : 0;
    for (let j = 0; j < 4; j++) {
      const c = quad[j];
      if (c === "=") {
        if (!last || j < 4 - pad) return { error: `invalid padding at offset: ${i + j}` };
      } else if (!B64.includes(c)) return { error: `invalid character at offset: ${i + j}` };
    }
    const v = [...quad].map((c) => (c === "=" ? 0 : B64.indexOf(c)));
    const w = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if ((pad === 2 && (v[1] & 0x0f) !== 0) || (pad === 1 && (v[2] & 0x03) !== 0)) {
      return { error: `non-canonical encoding detected at offset: ${i + 3 - pad}` };
    }
    out.push((w >> 16) & 0xff);
    if (pad < 2) out.push((w >> 8) & 0xff);
    if (pad < 1) out.push(w & 0xff);
  }
  return new Uint8Array(out);
}

/** Standard base64 with padding (how `--dump-config` re-encodes a base64 secret). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const w = (a << 16) | (b << 8) | c;
    out += B64[(w >> 18) & 63] + B64[(w >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(w >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? B64[w & 63] : "=";
  }
  return out;
}

/** JSON that looks like a JWK (`{"kty": …}`) or a JWK set (`{"keys": [...]}`). */
function isJwkOrJwks(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  return typeof o.kty === "string" || Array.isArray(o.keys);
}

/**
 * PostgREST's checks of a loaded JWT secret; the message is what PostgREST prints (an `IO`
 * `userError`, hence the `user error (…)` wrapping). `null` when the secret is usable.
 */
export function jwtSecretError(secret: string, isBase64: boolean): string | null {
  let bytes: Uint8Array;
  if (isBase64) {
    const decoded = decodeBase64Secret(secret);
    if (!(decoded instanceof Uint8Array)) return `user error (${decoded.error})`;
    bytes = decoded;
  } else bytes = new TextEncoder().encode(secret);
  if (isJwkOrJwks(new TextDecoder().decode(bytes))) return null;
  return bytes.length < 32 ? "user error (The JWT secret must be at least 32 characters long.)" : null;
}

async function readFileValue(readTextFile: ReadTextFile, path: string): Promise<string> {
  try {
    return await readTextFile(path);
  } catch (e) {
    throw new FileValueError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A `@file` could not be read, or the JWT secret is unusable. */
export class FileValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileValueError";
  }
}

/**
 * Resolves `@file` values. A `previousDbUri` (on reload) is kept as is: the connection string
 * is never re-read. Then checks the JWT secret. Throws `FileValueError`.
 */
export async function loadFileValues(
  values: { readonly dbUri: string; readonly jwtSecret: string | null; readonly jwtSecretIsBase64: boolean },
  options: { readonly readTextFile: ReadTextFile; readonly previousDbUri?: string | null },
): Promise<{ dbUri: string; jwtSecret: string | null }> {
  let dbUri = values.dbUri;
  if (options.previousDbUri != null) dbUri = options.previousDbUri;
  else if (dbUri.startsWith("@")) dbUri = (await readFileValue(options.readTextFile, dbUri.slice(1))).trim();
  let jwtSecret = values.jwtSecret;
  if (jwtSecret !== null && jwtSecret.startsWith("@")) {
    const text = await readFileValue(options.readTextFile, jwtSecret.slice(1));
    jwtSecret = text.endsWith("\n") ? text.slice(0, -1) : text;
  }
  if (jwtSecret !== null) {
    const error = jwtSecretError(jwtSecret, values.jwtSecretIsBase64);
    if (error !== null) throw new FileValueError(error);
  }
  return { dbUri, jwtSecret };
}
