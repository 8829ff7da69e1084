/**
 * Response header helpers: Content-Type with charset and Content-Profile, and the
 * `response.headers` overrides from SQL.
 */
import { contentTypeHeader } from "../request/media_type.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";

export type HeaderList = [string, string][];

export function contentTypeHeaders(m: MediaType, req: ApiRequest): HeaderList {
  const h: HeaderList = [["Content-Type", contentTypeHeader(m)]];
  if (req.negotiatedByProfile) h.push(["Content-Profile", req.schema]);
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
