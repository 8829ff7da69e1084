/**
 * Response header helpers: Content-Type with charset and Content-Profile, and the
 * `response.headers` overrides from SQL.
 */
import { contentTypeHeader } from "../request/media_type.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";

export type HeaderList = [string, string][];

export function contentTypeHeaders(m: MediaType, req: ApiRequest): HeaderList {
  const h: HeaderList = [["Content-Type", contentTypeHeader(m)]];
  if (req.negotiatedByProfile) h.push(["Content-Profile", headerBytes(req.schema) ?? req.schema]);
  return h;
}

/** Adds `extra` headers, letting them replace same-named ones (case-insensitively). */
export function overrideHeaders(base: HeaderList, extra: readonly (readonly [string, string])[]): HeaderList {
  if (extra.length === 0) return base;
  const names = new Set(extra.map(([k]) => k.toLowerCase()));
  return [
    ...base.filter(([k]) => !names.has(k.toLowerCase())),
    ...extra.map(([k, v]) => [k, v] as [string, string]),
  ];
}

/** RFC 9110 `token`: what a header name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

const encoder = new TextEncoder();

/**
 * A header value (or reason phrase) as the bytes PostgREST sends: UTF-8. A fetch `Headers` holds
 * byte strings (one character per byte), so non-ASCII text is re-spelt byte by byte. `null` when
 * the value cannot be sent (a CR, LF or NUL).
 */
export function headerBytes(value: string): string | null {
  if (/[\r\n\0]/.test(value)) return null;
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let out = "";
  for (const b of encoder.encode(value)) out += String.fromCharCode(b);
  return out;
}
