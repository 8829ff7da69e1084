/**
 * Authentication: `Authorization` header + clock → `AuthResult` (the role to impersonate and the
 * claims to expose as `request.jwt.claims`), or a PGRST30x error.
 *
 * The first stage of the pipeline (PostgREST's `Auth.hs`):
 *
 *   no header, or another scheme (Basic …)  → anonymous: claims `{}`
 *   `Bearer <token>` (scheme case-insensitive) with no `jwt-secret` → 500 PGRST300
 *   `Bearer <token>` → verified claims (`jwt.ts`, cached by token, `cache.ts`), then
 *     time/audience checks on every request (`claims.ts`) → 401 PGRST303
 *   role = first match of `jwt-role-claim-key` (`jsonpath.ts`; a non-string is JSON-encoded),
 *     else `db-anon-role`, else 401 PGRST302 "Anonymous access is disabled"
 *
 * `claims` is the claims object with `role` set to the chosen role, written as aeson writes it,
 * so an anonymous request sees `{"role":"<anon>"}`.
 */
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import { type CacheStats, SieveCache } from "./cache.ts";
import { type ClaimChecks, compileClaimChecks, runClaimChecks } from "./claims.ts";
import { encodeJson, type JsonObject, type JsonValue } from "./json.ts";
import { evaluateRoleClaim, parseRoleClaimKey, type RoleClaimPath } from "./jsonpath.ts";
import { JwtVerifier } from "./jwt.ts";
import { parseJwtSecret } from "./keys.ts";

export interface AuthResult {
  /** The role to impersonate (`set_config('role', …)`). */
  readonly role: string;
  /** `request.jwt.claims`: the claims JSON with the `role` key set to `role`. */
  readonly claims: string;
  /**
   * Whether the role differs from `db-anon-role` — PostgREST's test for a `42501` answer:
   * 403 when true, 401 + `WWW-Authenticate: Bearer` when false.
   */
  readonly authenticated: boolean;
}

export type AuthConfig = Pick<
  AppConfig,
  "jwtSecret" | "jwtSecretIsBase64" | "jwtAud" | "jwtRoleClaimKey" | "jwtCacheMaxEntries" | "dbAnonRole"
>;

export interface Authenticator {
  /** `nowMs`: milliseconds since the epoch (`Date.now()`). */
  authenticate(authorization: string | null, nowMs: number): Promise<AuthResult>;
  /** JWT cache counters, or `null` when caching is off (`jwt-cache-max-entries = 0`, no secret). */
  cacheStats(): CacheStats | null;
  /** Start-up warnings (a deprecated `jwt-role-claim-key` syntax), for the log. */
  readonly warnings: readonly string[];
}

/** A verified token: its claim checks and the result to return once they pass (`null`: PGRST302). */
interface Verified {
  readonly checks: ClaimChecks;
  readonly result: AuthResult | null;
}

const SPACE = /[ \t\n\v\f\r\u00a0]/;

/**
 * The token of an `Authorization: Bearer <token>` header (wai-extra's `extractBearerAuth`): the
 * scheme is whatever precedes the first blank, compared case-insensitively; the token is the
 * rest without its leading blanks (possibly empty). `null` for no header or another scheme.
 */
export function bearerToken(authorization: string | null): string | null {
  if (authorization === null) return null;
  let i = 0;
  while (i < authorization.length && !SPACE.test(authorization[i])) i++;
  if (authorization.slice(0, i).toLowerCase() !== "bearer") return null;
  while (i < authorization.length && SPACE.test(authorization[i])) i++;
  return authorization.slice(i);
}

function roleText(v: JsonValue): string {
  return typeof v === "string" ? v : encodeJson(v);
}

/**
 * Builds the authenticator of one configuration. Throws `JwtSecretError` / `RoleClaimKeyError`
 * for a secret or role claim key PostgREST would refuse at start-up. Build a new one on reload:
 * the JWT cache belongs to the secret it was filled with.
 *
 * @example
 * const auth = createAuthenticator(config);
 * const { role, claims } = await auth.authenticate(req.headers.get("authorization"), Date.now());
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const { path, warning } = parseRoleClaimKey(config.jwtRoleClaimKey);
  const anonRole = config.dbAnonRole;
  const verifier = config.jwtSecret === null
    ? null
    : new JwtVerifier(parseJwtSecret(config.jwtSecret, config.jwtSecretIsBase64));
  const cache = verifier !== null && config.jwtCacheMaxEntries > 0
    ? new SieveCache<string, Verified>(config.jwtCacheMaxEntries)
    : null;

  const resolve = (claims: JsonObject, rolePath: RoleClaimPath): AuthResult | null => {
    const found = evaluateRoleClaim(rolePath, claims);
    const role = found !== undefined ? roleText(found) : anonRole;
    if (role === null) return null;
    const withRole = new Map(claims);
    withRole.set("role", role);
    return { role, claims: encodeJson(withRole), authenticated: role !== anonRole };
  };

  const anonymous = resolve(new Map(), path);

  const verify = async (token: string): Promise<Verified> => {
    const claims = await verifier!.verify(token);
    return { checks: compileClaimChecks(claims, config.jwtAud), result: resolve(claims, path) };
  };

  return {
    warnings: warning === null ? [] : [warning],
    cacheStats: () => cache?.stats() ?? null,
    async authenticate(authorization, nowMs) {
      const token = bearerToken(authorization);
      if (token === null) {
        if (anonymous === null) throw Errors.jwtTokenRequired();
        return anonymous;
      }
      if (verifier === null) throw Errors.jwtSecretMissing();
      let verified = cache?.get(token);
      if (verified === undefined) {
        verified = await verify(token);
        cache?.set(token, verified);
      }
      const invalid = runClaimChecks(verified.checks, nowMs);
      if (invalid !== null) throw invalid;
      if (verified.result === null) throw Errors.jwtTokenRequired();
      return verified.result;
    },
  };
}
