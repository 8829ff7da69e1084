/**
 * Database errors → PostgREST errors: the SQLSTATE → HTTP status table (first match wins, in
 * PostgREST's order), `PTnnn` custom statuses and the `RAISE SQLSTATE 'PGRST'` full-control form.
 *
 * Input: an error from `lib/db` and whether the request carried a JWT role (42501 is 403 for an
 * authenticated role, 401 for the anonymous one). Output: a `PgrstError`.
 *
 * Where a fetch `Response` cannot say what PostgREST would send, we stay as close as we can: a
 * custom status outside 200–599 (`PT101`, `"status": 700`) becomes 500, header values go out as
 * UTF-8 bytes, a reason phrase that cannot be sent is left out, and `RAISE SQLSTATE 'PGRST'`
 * headers that are not valid HTTP headers make the DETAIL invalid (PGRST121).
 */
import { DbAcquireTimeout, DbConnectionError, DbServerError } from "./db/db.ts";
import { Errors, PgrstError } from "./errors.ts";
import { headerBytes, isHeaderName } from "./response/headers.ts";

/** What a fetch `Response` can carry; PostgREST sends any number it is given. */
function sendable(status: number): number {
  return status >= 200 && status <= 599 ? status : 500;
}

/** A reason phrase as UTF-8 bytes, or `undefined` (the standard one) when it cannot be sent. */
function reasonPhrase(text: string | undefined): string | undefined {
  const bytes = text === undefined ? null : headerBytes(text);
  // deno-lint-ignore no-control-regex
  return bytes !== null && !/[\x00-\x08\x0a-\x1f\x7f]/.test(bytes) ? bytes : undefined;
}

/** HTTP status for a SQLSTATE, as PostgREST's `mapSQLtoHTTP`. */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
  const p2 = code.slice(0, 2);
  if (p2 === "08") return 503;
  if (p2 === "09") return 500;
  if (p2 === "0L" || p2 === "0P") return 403;
  switch (code) {
    case "23503":
    case "23505":
      return 409;
    case "25006":
      return 405;
    case "21000":
      return message.endsWith("requires a WHERE clause") ? 400 : 500;
    case "22023":
      return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  }
  if (["25", "2D", "38", "39", "3B", "40"].includes(p2)) return 500;
  if (p2 === "28") return 403;
  if (code === "53400") return 500;
  if (p2 === "53") return 503;
  if (p2 === "54" || p2 === "55") return 500;
  if (code === "57P01") return 503;
  if (["57", "58", "F0", "HV"].includes(p2)) return 500;
  if (code === "P0001") return 400;
  if (p2 === "P0" || p2 === "XX") return 500;
  if (code === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (code === "42P01") return 404;
  if (code === "42P17") return 500;
  if (code === "42501") return authenticated ? 403 : 401;
  if (p2 === "PT") {
    // Haskell's `readMaybe` of the three characters after "PT": digits only.
    const digits = code.slice(2);
    return /^\d+$/.test(digits) ? sendable(Number(digits)) : 500;
  }
  return 400;
}

/** Converts any error from the database layer; other errors are returned unchanged. */
export function fromDbError(e: unknown, authenticated: boolean): unknown {
  if (e instanceof DbServerError) return fromServerError(e, authenticated);
  if (e instanceof DbAcquireTimeout) return Errors.acquisitionTimeout();
  if (e instanceof DbConnectionError) return e.lost ? Errors.client(e.message) : Errors.connection(e.message);
  return e;
}

function fromServerError(e: DbServerError, authenticated: boolean): PgrstError {
  if (e.code === "PGRST") return fromRaisePgrst(e);
  const status = statusForSqlState(e.code, e.message, authenticated);
  const headers: [string, string][] = status === 401 ? [["WWW-Authenticate", "Bearer"]] : [];
  const statusText = e.code.startsWith("PT") && status !== 500 ? reasonPhrase(e.message) : undefined;
  return new PgrstError(status, { code: e.code, message: e.message, details: e.detail, hint: e.hint }, {
    headers,
    statusText,
  });
}

/**
 * `RAISE SQLSTATE 'PGRST' USING message = '{"code":…,"message":…,"details":…,"hint":…}',
 * detail = '{"status":402,"status_text":"…","headers":{…}}'` sets the whole response.
 */
function fromRaisePgrst(e: DbServerError): PgrstError {
  const msg = parseObject(e.message);
  if (
    !msg || typeof msg.code !== "string" || typeof msg.message !== "string" || !optString(msg.details) ||
    !optString(msg.hint)
  ) {
    return Errors.pgrstParse({ kind: "message", raw: e.message });
  }
  if (e.detail === null) return Errors.pgrstParse({ kind: "noDetail" });
  const det = parseObject(e.detail);
  const headers = det?.headers;
  if (
    !det || typeof det.status !== "number" || !Number.isInteger(det.status) || !optString(det.status_text) ||
    !headers || typeof headers !== "object" || Array.isArray(headers)
  ) {
    return Errors.pgrstParse({ kind: "detail", raw: e.detail });
  }
  // A Haskell `Map Text Text`: sorted by name.
  const sorted: [string, string][] = [];
  for (const name of Object.keys(headers).sort()) {
    const value = (headers as Record<string, unknown>)[name];
    const bytes = typeof value === "string" ? headerBytes(value) : null;
    if (bytes === null || !isHeaderName(name)) return Errors.pgrstParse({ kind: "detail", raw: e.detail });
    sorted.push([name, bytes]);
  }
  const status = sendable(det.status);
  return new PgrstError(
    status,
    {
      code: msg.code,
      message: msg.message,
      details: (msg.details as string | undefined) ?? null,
      hint: (msg.hint as string | undefined) ?? null,
    },
    {
      headers: sorted,
      statusText: status === det.status
        ? reasonPhrase((det.status_text as string | null | undefined) ?? undefined)
        : undefined,
    },
  );
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function optString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === "string";
}
