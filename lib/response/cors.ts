/**
 * CORS, as PostgREST's wai-cors policy: only for requests with an `Origin`; any origin (`*`)
 * unless `server-cors-allowed-origins` lists them (then the origin is echoed with credentials, and
 * other origins get no CORS headers); preflights are answered here, without the API.
 */

const EXPOSED = "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, " +
  "Transfer-Encoding, Range-Unit";
const METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD";
const SIMPLE_HEADERS = ["Accept", "Accept-Language", "Content-Language"];

/** `null` when the origin is not allowed (or there is none). */
function originHeaders(origin: string | null, allowed: readonly string[] | null): [string, string][] | null {
  if (origin === null) return null;
  if (allowed === null || allowed.length === 0) return [["Access-Control-Allow-Origin", "*"]];
  if (!allowed.includes(origin)) return null;
  return [["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Credentials", "true"]];
}

/** The answer to a CORS preflight, or `null` if the request is not one (or not allowed). */
export function corsPreflight(request: Request, allowed: readonly string[] | null): Response | null {
  if (request.method !== "OPTIONS") return null;
  const method = request.headers.get("access-control-request-method");
  if (method === null) return null;
  const origin = originHeaders(request.headers.get("origin"), allowed);
  if (origin === null || !METHODS.split(", ").includes(method)) return null;
  const requested = (request.headers.get("access-control-request-headers") ?? "").split(",").map((h) =>
    h.trim()
  )
    .filter((h) => h !== "");
  const headers = new Headers([
    ...origin,
    ["Access-Control-Allow-Methods", METHODS],
    ["Access-Control-Allow-Headers", ["Authorization", ...requested, ...SIMPLE_HEADERS].join(", ")],
    ["Access-Control-Max-Age", "86400"],
  ]);
  return new Response(null, { status: 200, headers });
}

/** Headers for an actual (non-preflight) response. */
export function corsHeaders(request: Request, allowed: readonly string[] | null): [string, string][] {
  const origin = originHeaders(request.headers.get("origin"), allowed);
  return origin === null ? [] : [...origin, ["Access-Control-Expose-Headers", EXPOSED]];
}
