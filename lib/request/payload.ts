/**
 * The request body → `Payload` (PostgREST's `Payload.hs`, with its `PGRST102` messages).
 *
 * JSON is checked as UTF-8, validated and keyed in one pass over its bytes (`json_scan.ts`) and
 * then kept as those bytes: it reaches PostgreSQL as one parameter and is never turned into a
 * JavaScript string, let alone values (a 10 MB body costs its 10 MB once). `columns=` skips the
 * scan (the body is forwarded unparsed). CSV becomes a JSON array of string-valued objects; form
 * bodies become one object (tables) or pairs (RPC).
 */
import { isUtf8 } from "node:buffer";
import { Errors } from "../errors.ts";
import { mediaTypeToString } from "./media_type.ts";
import { csvToJson } from "./csv.ts";
import { scanJson } from "./json_scan.ts";
import type { Action, MediaType, Payload, QueryParams } from "./types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder();

const INVALID_JSON = "Empty or invalid json";
const KEYS_MISMATCH = "All object keys must match";

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

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();

/** An empty array: what PostgREST inserts for a JSON scalar body. */
const EMPTY_ARRAY: Payload = { kind: "json", raw: encoder.encode("[]"), keys: new Set(), isArray: true };

/** A JSON body and its keys (PostgREST's `payloadAttributes`), or 400 PGRST102. */
function jsonPayload(bytes: Uint8Array): Payload {
  if (!isUtf8(bytes)) throw Errors.invalidBody(INVALID_JSON);
  const shape = scanJson(bytes);
  if (shape === null) throw Errors.invalidBody(INVALID_JSON);
  switch (shape.kind) {
    case "object":
      return { kind: "json", raw: bytes, keys: shape.keys, isArray: false };
    case "array":
      if (!shape.uniform) throw Errors.invalidBody(KEYS_MISMATCH);
      return { kind: "json", raw: bytes, keys: shape.keys, isArray: true };
    case "scalar":
      return EMPTY_ARRAY;
  }
}

/** JSON text made here (CSV, forms) as the bytes a body would have been. */
function jsonText(raw: string, keys: ReadonlySet<string>, isArray: boolean): Payload {
  return { kind: "json", raw: encoder.encode(raw), keys, isArray };
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
      if (columns !== null) {
        // Forwarded as text: invalid UTF-8 becomes U+FFFD, as a lenient decoding would.
        const raw = isUtf8(bytes) ? bytes : encoder.encode(lenient.decode(bytes));
        return { payload: { kind: "rawJson", raw }, columns };
      }
      // An empty body calls with no arguments; a single json parameter gets it as is (and fails).
      if (bytes.length === 0 && isProc) {
        return { payload: { kind: "json", raw: bytes, keys: new Set(), isArray: false }, columns: new Set() };
      }
      const p = jsonPayload(bytes);
      return { payload: p, columns: p.kind === "json" ? p.keys : new Set() };
    }
    case "csv": {
      const text = decodeUtf8(bytes);
      if (text === null) throw Errors.invalidBody("parse error: invalid UTF-8 in the CSV body");
      const csv = csvToJson(text);
      if (csv.kind === "error") throw Errors.invalidBody(csv.message);
      return { payload: jsonText(csv.json, csv.keys, true), columns: csv.keys };
    }
    case "urlencoded": {
      const pairs = [...new URLSearchParams(lenient.decode(bytes))];
      const keys = new Set(pairs.map(([k]) => k));
      if (isProc) return { payload: { kind: "urlEncoded", pairs, keys }, columns: keys };
      // One row, every value a JSON string; a repeated key keeps its last value.
      const obj = Object.fromEntries(pairs);
      return { payload: jsonText(JSON.stringify(obj), keys, false), columns: keys };
    }
    case "text":
    case "xml":
    case "octet":
      if (isProc) return { payload: { kind: "raw", raw: bytes }, columns: new Set() };
      break;
  }
  throw Errors.invalidBody(`Content-Type not acceptable: ${mediaTypeToString(contentType)}`);
}

/** The MIME name of a request Content-Type, for the error message. */
