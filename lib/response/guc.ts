/**
 * INTERIM response GUC parsing (replaced by the auth/context work).
 */
import { Errors } from "../errors.ts";

export function parseGucHeaders(raw: string | null): [string, string][] {
  if (raw === null) return [];
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw Errors.gucHeaders();
  }
  if (!Array.isArray(v)) throw Errors.gucHeaders();
  return v.map((o) => {
    const entries = o && typeof o === "object" && !Array.isArray(o) ? Object.entries(o) : [];
    if (entries.length !== 1 || typeof entries[0][1] !== "string") throw Errors.gucHeaders();
    return entries[0] as [string, string];
  });
}

export function parseGucStatus(raw: string | null): number | null {
  if (raw === null) return null;
  const m = /^\d+/.exec(raw);
  if (!m) throw Errors.gucStatus();
  return Number(m[0]);
}
