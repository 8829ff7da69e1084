/**
 * Response GUCs: the `response.headers` / `response.status` settings a function or the
 * `db-pre-request` set → extra headers and a status override (PostgREST's `GucHeader.hs` and
 * `decodeGucHeaders` / `decodeGucStatus`).
 *
 * Input: the setting text as the main statement returns it (`nullif(current_setting(…, true), '')`,
 * so `null` when unset or empty). Output: the parsed value, or PGRST111 / PGRST112.
 */
import { Errors } from "../errors.ts";
import { headerBytes, isHeaderName } from "./headers.ts";

/**
 * `response.headers`: a JSON array of objects with exactly one member whose value is a string,
 * e.g. `[{"Set-Cookie": "a=1"}, {"Set-Cookie": "b=2"}]` (names may repeat). Anything else →
 * 500 PGRST111. Names keep their case; HTTP compares them case-insensitively. Values are sent as
 * UTF-8 (`headerBytes`). A name that is not an HTTP token or a value with a line break cannot be
 * sent at all: also PGRST111 (PostgREST would write them out and break the response).
 */
export function parseGucHeaders(text: string | null): [string, string][] {
  if (text === null) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw Errors.gucHeaders();
  }
  if (!Array.isArray(v)) throw Errors.gucHeaders();
  return v.map((h) => {
    if (h === null || typeof h !== "object" || Array.isArray(h)) throw Errors.gucHeaders();
    const entries = Object.entries(h);
    if (entries.length !== 1 || typeof entries[0][1] !== "string") throw Errors.gucHeaders();
    const [name, value] = entries[0];
    const bytes = headerBytes(value);
    if (!isHeaderName(name) || bytes === null) throw Errors.gucHeaders();
    return [name, bytes];
  });
}

/**
 * `response.status`: Haskell's `Data.Text.Read.decimal`, i.e. the leading decimal digits (text
 * after them is ignored: `"418abc"` is 418); no digits first (`""` aside, which reads as unset),
 * a sign or a blank → 500 PGRST112. PostgREST accepts any number; a fetch `Response` only takes
 * 200–599, so the responder decides what to do with others.
 */
export function parseGucStatus(text: string | null): number | null {
  if (text === null) return null;
  const m = /^\d+/.exec(text);
  if (m === null) throw Errors.gucStatus();
  return Number(m[0]);
}
