/**
 * Row ranges (PostgREST's `RangeQuery.hs` and `getRanges`): `limit`/`offset` query parameters, the
 * `Range` request header, their intersection, the 416 errors, and the `Content-Range` response
 * header with its status.
 *
 * A `Range` is inclusive, `{ offset, upper }` with `upper === null` for "no upper bound". It is
 * empty when `upper < offset`: `limit=0` is the empty range `{ offset: 0, upper: -1 }`, which
 * PostgREST special-cases (an empty result, but the count can still be computed).
 *
 * Only GET honours the `Range` header (RFC 9110); the caller passes the method.
 */
import { Errors } from "../errors.ts";
import { readInteger } from "./haskell.ts";
import { ALL_ROWS, type Range } from "./types.ts";

/** `limit=0`: 0 <= x <= -1. */
export const LIMIT_ZERO: Range = Object.freeze({ offset: 0, upper: -1 });

export function isEmptyRange(r: Range): boolean {
  return r.upper !== null && r.upper < r.offset;
}

/** `rangeGeq n`: n <= x. */
export function rangeGeq(n: number): Range {
  return { offset: n, upper: null };
}

/** Intersection; `null` is Data.Ranged's `emptyRange` (given when an operand is empty). */
export function intersectRanges(a: Range, b: Range): Range | null {
  if (isEmptyRange(a) || isEmptyRange(b)) return null;
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : Math.min(a.upper, b.upper);
  return { offset: Math.max(a.offset, b.offset), upper };
}

/** `restrictRange`: at most `limit` rows from the range's offset. */
export function restrictRange(limit: number | null, r: Range): Range {
  if (limit === null) return r;
  const bounded: Range = { offset: -Infinity, upper: r.offset + limit - 1 };
  return intersectRanges(r, bounded) ?? { offset: r.offset, upper: r.offset - 1 };
}

/** `rangeLimit`: the number of rows of a bounded range. */
export function rangeLimit(r: Range): number | null {
  return r.upper === null ? null : 1 + r.upper - r.offset;
}

export function hasLimitZero(r: Range): boolean {
  return r.upper === -1;
}

/** `readMaybe` of a `limit`/`offset` value (Haskell syntax: `5`, ` 5 `, `(5)`, `-5`, `0x10`). */
export function readRangeNumber(value: string): number | null {
  const n = readInteger(value);
  return n === null ? null : Number(n);
}

/** The ranges from `limit` and `offset` values of one embed level (either may be absent). */
export function limitOffsetRange(limit: string | null, offset: string | null): Range {
  const limitRange = limit === null ? null : restrictRange(readRangeNumber(limit), ALL_ROWS);
  const offsetRange = offset === null ? null : rangeGeqOrAll(readRangeNumber(offset));
  if (limitRange === null) return offsetRange ?? ALL_ROWS;
  if (offsetRange === null) return limitRange;
  const o = offsetRange.offset;
  return { offset: o, upper: o + (rangeLimit(limitRange) ?? 0) - 1 };
}

function rangeGeqOrAll(n: number | null): Range {
  return n === null ? ALL_ROWS : rangeGeq(n);
}

/**
 * The `Range` header: `first-last` or `first-` (digits only; anything else, including
 * `items=0-9`, is ignored as PostgREST does). `5-2` gives an empty range (an error later).
 */
export function parseRangeHeader(value: string | null): Range {
  const m = value === null ? null : /^([0-9]+)-([0-9]*)$/.exec(value);
  if (m === null) return ALL_ROWS;
  const lower = Number(readInteger(m[1]));
  const upper = m[2] === "" ? null : Number(readInteger(m[2]));
  return { offset: lower, upper };
}

export interface ResolvedRanges {
  /** The top-level range: limit/offset intersected with the `Range` header. */
  readonly topLevel: Range;
  /** Ranges by embed path key (`""` = top level, set to `topLevel`). */
  readonly ranges: ReadonlyMap<string, Range>;
}

/**
 * PostgREST's `getRanges`: intersects the top-level limit/offset with the `Range` header (GET only),
 * keeps `limit=0` as the special empty range, and rejects empty ranges (416 PGRST103) and any
 * limit/offset on PUT (400 PGRST114).
 */
export function resolveRanges(
  method: string,
  ranges: ReadonlyMap<string, Range>,
  rangeHeader: string | null,
): ResolvedRanges {
  const headerRange = method === "GET" ? parseRangeHeader(rangeHeader) : ALL_ROWS;
  const limitRange = ranges.get("") ?? ALL_ROWS;
  const topLevel = hasLimitZero(limitRange) ? LIMIT_ZERO : intersectRanges(headerRange, limitRange);
  if (topLevel === null || (isEmptyRange(topLevel) && !hasLimitZero(limitRange))) {
    throw Errors.invalidRange({ kind: isEmptyRange(headerRange) ? "lowerGtUpper" : "negativeLimit" });
  }
  if (method === "PUT" && !(topLevel.offset === 0 && topLevel.upper === null)) {
    throw Errors.putLimitNotAllowed();
  }
  const all = new Map(ranges);
  all.set("", topLevel);
  return { topLevel, ranges: all };
}

/** `Content-Range` value: `0-24/3573458`, `*\/0`, `0-24/*`, `*\/*`. */
export function contentRange(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  return `${range}/${total === null ? "*" : total}`;
}

/**
 * Status and `Content-Range` of a read: 200, 206 when a known total exceeds the page, 416 when the
 * offset is past a known total (the caller then answers PGRST103 "An offset of … was requested").
 */
export function rangeStatus(
  topLevel: Range,
  queryTotal: number,
  tableTotal: number | null,
): { status: 200 | 206 | 416; contentRange: string } {
  const lower = topLevel.offset;
  const upper = lower + queryTotal - 1;
  const status = tableTotal === null
    ? 200
    : lower > tableTotal
    ? 416
    : 1 + upper - lower < tableTotal
    ? 206
    : 200;
  return { status, contentRange: contentRange(lower, upper, tableTotal) };
}
