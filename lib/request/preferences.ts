/**
 * INTERIM Prefer header parser (replaced by the full implementation).
 */
import type { Preferences } from "./types.ts";

export function parsePreferences(values: readonly string[], _allowTxOverride: boolean): Preferences {
  const prefs = values.flatMap((v) => v.split(",")).map((p) => p.trim()).filter((p) => p !== "");
  const get = (k: string) => prefs.find((p) => p.startsWith(k + "="))?.slice(k.length + 1) ?? null;
  return {
    resolution: get("resolution") as Preferences["resolution"],
    representation: get("return") as Preferences["representation"],
    count: get("count") as Preferences["count"],
    transaction: null,
    missing: get("missing") as Preferences["missing"],
    handling: get("handling") as Preferences["handling"],
    timezone: get("timezone"),
    maxAffected: get("max-affected") === null ? null : Number(get("max-affected")),
    invalid: [],
  };
}

/** INTERIM `Preference-Applied` value. */
export function preferenceApplied(p: Preferences): string | null {
  const parts = [
    p.resolution && `resolution=${p.resolution}`,
    p.missing && `missing=${p.missing}`,
    p.representation && `return=${p.representation}`,
    p.count && `count=${p.count}`,
    p.transaction && `tx=${p.transaction}`,
    p.handling && `handling=${p.handling}`,
    p.timezone && `timezone=${p.timezone}`,
    p.maxAffected !== null && `max-affected=${p.maxAffected}`,
  ].filter((x): x is string => typeof x === "string");
  return parts.length === 0 ? null : parts.join(", ");
}
