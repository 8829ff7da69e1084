/**
 * INTERIM ranges (replaced by the full implementation).
 */
import type { Range } from "./types.ts";

export function rangeRequested(_header: string | null): Range | null {
  return null;
}

export function intersect(a: Range, b: Range): Range {
  const offset = Math.max(a.offset, b.offset);
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : Math.min(a.upper, b.upper);
  return { offset, upper };
}
