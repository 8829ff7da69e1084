/**
 * The request body → `Payload`: JSON is kept as text (it reaches PostgreSQL as one parameter)
 * with its keys; CSV becomes JSON; form bodies become pairs. `columns=` skips parsing.
 * PostgREST's `Payload.hs`, with its `PGRST102` messages.
 */
import { Errors } from "../errors.ts";
import type { Action, MediaType, Payload, QueryParams } from "./types.ts";

const decoder = new TextDecoder();

function shouldParse(action: Action): boolean {
  if (action.kind === "relationMutate") return action.mutation !== "delete";
  return action.kind === "routine" && action.method.kind === "invoke";
}

function columnsParam(action: Action, query: QueryParams): ReadonlySet<string> | null {
  if (action.kind === "relationMutate" && (action.mutation === "create" || action.mutation === "update")) {
    return query.columns;
  }
  if (action.kind === "routine" && action.method.kind === "invoke") return query.columns;
  return null;
}

/** Keys of a JSON body: an object's keys, or the uniform keys of an array of objects. */
function jsonPayload(raw: string, value: unknown): Payload | null {
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: "json", raw: "[]", keys: new Set(), isArray: true };
    const first = value[0];
    if (first === null || typeof first !== "object" || Array.isArray(first)) return null;
    const keys = new Set(Object.keys(first));
    const uniform = value.every((o) => {
      if (o === null || typeof o !== "object" || Array.isArray(o)) return false;
      const k = Object.keys(o);
      return k.length === keys.size && k.every((x) => keys.has(x));
    });
    return uniform ? { kind: "json", raw, keys, isArray: true } : null;
  }
  if (value !== null && typeof value === "object") {
    return { kind: "json", raw, keys: new Set(Object.keys(value)), isArray: false };
  }
  // Anything else (scalars) inserts nothing: an empty array.
  return { kind: "json", raw: "[]", keys: new Set(), isArray: true };
}

function formPairs(text: string): [string, string][] {
  return [...new URLSearchParams(text)];
}

export function parsePayload(
  body: Uint8Array | null,
  contentType: MediaType,
  query: QueryParams,
  action: Action,
): { payload: Payload | null; columns: ReadonlySet<string> } {
  const columns = columnsParam(action, query);
  if (!shouldParse(action)) return { payload: null, columns: new Set() };
  const isProc = action.kind === "routine";
  const bytes = body ?? new Uint8Array();
  switch (contentType.kind) {
    case "json": {
      const text = decoder.decode(bytes);
      if (columns !== null) return { payload: { kind: "rawJson", raw: text }, columns };
      let value: unknown;
      if (text === "" && isProc) value = {};
      else {
        try {
          value = JSON.parse(text);
        } catch {
          throw Errors.invalidBody("Empty or invalid json");
        }
      }
      // An empty body calls with no arguments; a single json parameter gets it as is (and fails).
      const p = jsonPayload(text, value);
      if (p === null) throw Errors.invalidBody("All object keys must match");
      return { payload: p, columns: p.kind === "json" ? p.keys : new Set() };
    }
    case "urlencoded": {
      const pairs = formPairs(decoder.decode(bytes));
      const keys = new Set(pairs.map(([k]) => k));
      if (isProc) return { payload: { kind: "urlEncoded", pairs, keys }, columns: keys };
      const obj = Object.fromEntries(pairs);
      return {
        payload: { kind: "json", raw: JSON.stringify(obj), keys: new Set(Object.keys(obj)), isArray: false },
        columns: new Set(Object.keys(obj)),
      };
    }
    case "text":
    case "xml":
    case "octet":
      if (isProc) return { payload: { kind: "raw", raw: bytes }, columns: new Set() };
      break;
  }
  throw Errors.invalidBody(`Content-Type not acceptable: ${contentTypeString(contentType)}`);
}

function contentTypeString(m: MediaType): string {
  return m.kind === "other" ? m.type : m.kind;
}
