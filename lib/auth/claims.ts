/**
 * Claim checks: a verified claims object + the time → accepted, or PGRST303.
 *
 * Input: claims (`JsonObject`), `jwt-aud`. Output: `ClaimChecks`, a precomputed list that is
 * re-run against the clock on every request (a cached token is re-validated each time, AU-13).
 * The order and the errors are PostgREST's `checkForErrors`; the first failure wins:
 *
 *   exp  not a number → "The JWT 'exp' claim must be a number"; exp < now − 30 → "JWT expired"
 *   nbf  not a number → "The JWT 'nbf' claim must be a number"; nbf > now + 30 → "JWT not yet valid"
 *   iat  not a number → "The JWT 'iat' claim must be a number"; iat > now + 30 → "JWT issued at future"
 *   aud  not a string or array of strings → "The JWT 'aud' claim must be a string or an array of strings";
 *        with `jwt-aud`, a string ≠ it or a non-empty array without it → "JWT not in audience"
 *
 * A claim that is absent or `null` is not checked. Time errors carry "Invalid by N seconds".
 */
import { Errors, type PgrstError } from "../errors.ts";
import { JsonNumber, type JsonObject } from "./json.ts";

/** PostgREST allows 30 seconds of clock skew on time claims. */
export const ALLOWED_SKEW_SECONDS = 30;

type TimeClaim = "exp" | "nbf" | "iat";

type Step =
  | { readonly kind: TimeClaim; readonly seconds: number }
  | { readonly kind: "fail"; readonly message: string };

/** The checks of one claims object, ready to run against any `now`. */
export interface ClaimChecks {
  readonly steps: readonly Step[];
}

const INT64_BOUND = 2 ** 63;

/**
 * `Scientific.toBoundedInteger`, defaulting to 0: a fractional or out-of-range time counts as 0
 * (so `exp: 1.5` has expired), exactly as in PostgREST.
 */
function toSeconds(n: JsonNumber): number {
  const v = n.value;
  return Number.isInteger(v) && v >= -INT64_BOUND && v < INT64_BOUND ? v : 0;
}

/** Precomputes the checks of a claims object for `jwt-aud` (`null`: any audience). */
export function compileClaimChecks(claims: JsonObject, audience: string | null): ClaimChecks {
  const steps: Step[] = [];
  for (const name of ["exp", "nbf", "iat"] as const) {
    const v = claims.get(name);
    if (v === undefined || v === null) continue;
    if (v instanceof JsonNumber) steps.push({ kind: name, seconds: toSeconds(v) });
    else steps.push({ kind: "fail", message: `The JWT '${name}' claim must be a number` });
  }
  const aud = claims.get("aud");
  if (aud !== undefined && aud !== null) {
    const auds = typeof aud === "string"
      ? [aud]
      : Array.isArray(aud) && aud.every((a) => typeof a === "string")
      ? aud as string[]
      : null;
    if (auds === null) {
      steps.push({ kind: "fail", message: "The JWT 'aud' claim must be a string or an array of strings" });
    } else if (
      audience !== null && (typeof aud === "string" || auds.length > 0) && !auds.includes(audience)
    ) {
      steps.push({ kind: "fail", message: "JWT not in audience" });
    }
  }
  return { steps };
}

/** `null` when the claims are valid at `nowMs` (milliseconds since the epoch), else the error. */
export function runClaimChecks(checks: ClaimChecks, nowMs: number): PgrstError | null {
  if (checks.steps.length === 0) return null;
  const now = Math.floor(nowMs / 1000);
  for (const s of checks.steps) {
    switch (s.kind) {
      case "exp":
        if (now - ALLOWED_SKEW_SECONDS > s.seconds) return expired("JWT expired", now - s.seconds);
        break;
      case "nbf":
        if (now + ALLOWED_SKEW_SECONDS < s.seconds) return expired("JWT not yet valid", s.seconds - now);
        break;
      case "iat":
        if (now + ALLOWED_SKEW_SECONDS < s.seconds) return expired("JWT issued at future", s.seconds - now);
        break;
      default:
        return Errors.jwtClaims(s.message);
    }
  }
  return null;
}

function expired(message: string, seconds: number): PgrstError {
  return Errors.jwtClaims(message, `Invalid by ${seconds} seconds`);
}
