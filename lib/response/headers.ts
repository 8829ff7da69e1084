/**
 * Response header helpers: Content-Range and the status it implies, Content-Type with charset,
 * Content-Profile, and `response.headers` overrides.
 */
import { mediaTypeString } from "../request/media_type.ts";
import type { ApiRequest, MediaType, Range } from "../request/types.ts";

export type HeaderList = [string, string][];

/** `Content-Range: lower-upper/total`, `*` when the range is empty or the total unknown. */
export function contentRange(lower: number, upper: number, total: number | null): [string, string] {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  return ["Content-Range", `${range}/${total === null ? "*" : total}`];
}

/** 200, 206 (a known total larger than the page) or 416 (offset past the total). */
export function rangeStatus(
  range: Range,
  queryTotal: number,
  tableTotal: number | null,
): [number, [string, string]] {
  const lower = range.offset;
  const upper = lower + queryTotal - 1;
  const header = contentRange(lower, upper, tableTotal);
  if (tableTotal === null) return [200, header];
  if (lower > tableTotal) return [416, header];
  if (1 + upper - lower < tableTotal) return [206, header];
  return [200, header];
}

/** `Content-Type` with `; charset=utf-8`, except for octet streams and handler media types. */
export function contentTypeValue(m: MediaType): string {
  const mime = mediaTypeString(m);
  return m.kind === "octet" || m.kind === "other" ? mime : `${mime}; charset=utf-8`;
}

export function contentTypeHeaders(m: MediaType, req: ApiRequest): HeaderList {
  const h: HeaderList = [["Content-Type", contentTypeValue(m)]];
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
