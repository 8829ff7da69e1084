import assert from "node:assert/strict";
import { PgrstError } from "../../../lib/errors.ts";
import type { Field, JsonPath, SelectItem } from "../../../lib/request/types.ts";

/** The body of the PgrstError `fn` throws (fails if it returns or throws something else). */
export function errorBody(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PgrstError, `expected a PgrstError, got ${e}`);
    return e.body();
  }
  assert.fail("expected an error");
}

/** A PGRST100 body as PostgREST writes it. */
export function pgrst100(message: string, details: string): Record<string, unknown> {
  return { code: "PGRST100", details, hint: null, message };
}

export const key = (value: string) => ({ kind: "key" as const, value });
export const index = (value: string) => ({ kind: "index" as const, value });

export function field(name: string, jsonPath: JsonPath = []): Field {
  return { name, jsonPath };
}

export function col(
  name: string,
  more: Partial<Omit<Extract<SelectItem, { kind: "field" }>, "kind" | "field">> & { jsonPath?: JsonPath } =
    {},
): SelectItem {
  const { jsonPath = [], ...rest } = more;
  return {
    kind: "field",
    field: field(name, jsonPath),
    aggregate: null,
    aggregateCast: null,
    cast: null,
    alias: null,
    ...rest,
  };
}

export function rel(
  relation: string,
  children: SelectItem[],
  more: { alias?: string; hint?: string; joinType?: "inner" | "left" } = {},
): SelectItem {
  return {
    kind: "relation",
    relation,
    alias: more.alias ?? null,
    hint: more.hint ?? null,
    joinType: more.joinType ?? null,
    children,
  };
}

export function spread(
  relation: string,
  children: SelectItem[],
  more: { hint?: string; joinType?: "inner" | "left" } = {},
): SelectItem {
  return { kind: "spread", relation, hint: more.hint ?? null, joinType: more.joinType ?? null, children };
}
