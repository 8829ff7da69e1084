/**
 * INTERIM media types (replaced by the full implementation).
 */
import type { MediaType } from "./types.ts";

export function parseMediaType(s: string): MediaType {
  const t = s.split(";")[0].trim().toLowerCase();
  switch (t) {
    case "application/json":
      return { kind: "json" };
    case "text/csv":
      return { kind: "csv" };
    case "*/*":
      return { kind: "any" };
    case "application/vnd.pgrst.object+json":
    case "application/vnd.pgrst.object":
      return { kind: "singularJson", stripNulls: s.includes("nulls=stripped") };
    case "application/x-www-form-urlencoded":
      return { kind: "urlencoded" };
    case "text/plain":
      return { kind: "text" };
    case "application/openapi+json":
      return { kind: "openapi" };
  }
  return { kind: "other", type: t };
}

export function parseAccept(header: string | null): MediaType[] {
  if (header === null) return [{ kind: "any" }];
  return header.split(",").map((s) => parseMediaType(s));
}

export function mediaTypeString(m: MediaType): string {
  switch (m.kind) {
    case "json":
      return "application/json";
    case "csv":
      return "text/csv";
    case "any":
      return "*/*";
    case "singularJson":
      return "application/vnd.pgrst.object+json" + (m.stripNulls ? ";nulls=stripped" : "");
    case "openapi":
      return "application/openapi+json";
    case "other":
      return m.type;
    default:
      return m.kind;
  }
}
