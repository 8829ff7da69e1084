/**
 * Media types (PostgREST's `MediaType.hs` and wai-extra's `parseHttpAccept`). Input: `Accept` and
 * `Content-Type` header values; output: `MediaType`s, and back to strings for `Content-Type`
 * headers and error messages.
 *
 * - Names are case-insensitive (`ApplicatIon/JSON`); parameter names too, parameter values not.
 * - `Accept` elements lose their spaces, are sorted by q-value then specificity (more `;`, fewer
 *   `*`), stably; a missing header is `*\/*`; an empty one accepts nothing.
 * - `application/vnd.pgrst.array+json` without `nulls=stripped` is plain JSON; unknown types keep
 *   their text (`other`).
 */
import { isAlphaNum, isSpace, readDouble, sortBy } from "./haskell.ts";
import type { MediaType } from "./types.ts";

type PlanOption = Extract<MediaType, { kind: "plan" }>["options"][number];
const PLAN_OPTIONS: readonly PlanOption[] = ["analyze", "verbose", "settings", "buffers", "wal"];

const JSON_TYPE: MediaType = { kind: "json" };
const ANY_TYPE: MediaType = { kind: "any" };

interface Tokens {
  readonly main: string;
  readonly sub: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Length of the run of characters from `i` passing `ok`. */
function run(s: string, i: number, ok: (ch: string) => boolean): number {
  let j = i;
  while (j < s.length && ok(s[j])) j++;
  return j - i;
}

const alnumOr = (extra: string) => (ch: string) => isAlphaNum(ch.charCodeAt(0)) || extra.includes(ch);
const space = (ch: string) => isSpace(ch.charCodeAt(0));

/** `key=value` or `key="value"` after `;` at `i` (spaces allowed around `;` and `=`), or null. */
function param(s: string, i: number): { key: string; value: string; end: number } | null {
  i += run(s, i, space);
  if (s[i] !== ";") return null;
  i += 1;
  i += run(s, i, space);
  const keyLen = run(s, i, alnumOr("-"));
  if (keyLen === 0) return null;
  const key = s.slice(i, i + keyLen);
  i += keyLen;
  i += run(s, i, space);
  if (s[i] !== "=") return null;
  i += 1;
  i += run(s, i, space);
  if (s[i] === '"') {
    const close = s.indexOf('"', i + 1);
    if (close !== -1) return { key, value: s.slice(i + 1, close), end: close + 1 };
  }
  const valueLen = run(s, i, alnumOr("|-"));
  return valueLen === 0 ? null : { key, value: s.slice(i, i + valueLen), end: i + valueLen };
}

/** PostgREST's `tokenizeMediaType`: `type/subtype` and parameters; input after them is ignored. */
function tokenize(s: string): Tokens | null {
  const mainLen = run(s, 0, alnumOr(".*"));
  if (mainLen === 0 || s[mainLen] !== "/") return null;
  const subLen = run(s, mainLen + 1, alnumOr(".*+-"));
  if (subLen === 0) return null;
  const params = new Map<string, string>();
  let i = mainLen + 1 + subLen;
  for (let p = param(s, i); p !== null; p = param(s, i)) {
    params.set(p.key.toLowerCase(), p.value);
    i = p.end;
  }
  return { main: s.slice(0, mainLen), sub: s.slice(mainLen + 1, mainLen + 1 + subLen), params };
}

/** PostgREST's `decodeMediaType`. */
export function parseMediaType(text: string): MediaType {
  const tokens = tokenize(text);
  if (tokens === null) return { kind: "other", type: text };
  const { params } = tokens;
  const stripNulls = params.get("nulls") === "stripped";
  const plan = (format: "text" | "json"): MediaType => {
    const options = (params.get("options") ?? "").split("|");
    return {
      kind: "plan",
      for: parseMediaType(params.get("for") ?? "application/json"),
      format,
      options: PLAN_OPTIONS.filter((o) => options.includes(o)),
    };
  };
  switch (`${tokens.main.toLowerCase()}/${tokens.sub.toLowerCase()}`) {
    case "application/json":
      return JSON_TYPE;
    case "application/geo+json":
      return { kind: "geojson" };
    case "text/csv":
      return { kind: "csv" };
    case "text/plain":
      return { kind: "text" };
    case "text/xml":
      return { kind: "xml" };
    case "application/openapi+json":
      return { kind: "openapi" };
    case "application/x-www-form-urlencoded":
      return { kind: "urlencoded" };
    case "application/octet-stream":
      return { kind: "octet" };
    case "application/vnd.pgrst.plan":
    case "application/vnd.pgrst.plan+text":
      return plan("text");
    case "application/vnd.pgrst.plan+json":
      return plan("json");
    case "application/vnd.pgrst.object+json":
    case "application/vnd.pgrst.object":
      return { kind: "singularJson", stripNulls };
    case "application/vnd.pgrst.array+json":
    case "application/vnd.pgrst.array":
      return stripNulls ? { kind: "arrayJson", stripNulls: true } : JSON_TYPE;
    case "*/*":
      return ANY_TYPE;
    default:
      return { kind: "other", type: text };
  }
}

/** Haskell's `compare` on (q, specificity), q a Double (NaN compares as greater). */
function compareQuality(a: readonly [number, number], b: readonly [number, number]): number {
  if (a[0] < b[0]) return -1;
  if (a[0] !== b[0]) return 1;
  return a[1] - b[1];
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/** `parseHttpAccept`: the media type texts, best first. */
export function acceptedTypes(accept: string): string[] {
  if (accept === "") return [];
  const entries = accept.split(",").map((element) => {
    const compact = element.replaceAll(" ", "");
    const at = compact.indexOf(";q=");
    const type = at === -1 ? compact : compact.slice(0, at);
    const qText = at === -1 ? "" : compact.slice(at + 3).split(";")[0];
    const q = readDouble(qText) ?? 1.0;
    return { type, quality: [q, count(type, ";") - count(type, "*")] as const };
  });
  return sortBy(entries, (a, b) => compareQuality(b.quality, a.quality)).map((e) => e.type);
}

/** The `Accept` header, best first; `null` (no header) accepts anything. */
export function parseAccept(accept: string | null): MediaType[] {
  return accept === null ? [ANY_TYPE] : acceptedTypes(accept).map(parseMediaType);
}

/** The `Content-Type` header; `null` (no header) means JSON. */
export function parseContentType(contentType: string | null): MediaType {
  return contentType === null ? JSON_TYPE : parseMediaType(contentType);
}

/** PostgREST's `toMime`: the media type as written in headers and error messages. */
export function mediaTypeToString(mt: MediaType): string {
  switch (mt.kind) {
    case "json":
      return "application/json";
    case "geojson":
      return "application/geo+json";
    case "csv":
      return "text/csv";
    case "text":
      return "text/plain";
    case "xml":
      return "text/xml";
    case "openapi":
      return "application/openapi+json";
    case "urlencoded":
      return "application/x-www-form-urlencoded";
    case "octet":
      return "application/octet-stream";
    case "any":
      return "*/*";
    case "arrayJson":
      // Without stripped nulls PostgREST has no such type: it is plain JSON.
      return mt.stripNulls ? "application/vnd.pgrst.array+json;nulls=stripped" : "application/json";
    case "singularJson":
      return mt.stripNulls
        ? "application/vnd.pgrst.object+json;nulls=stripped"
        : "application/vnd.pgrst.object+json";
    case "plan":
      return `application/vnd.pgrst.plan+${mt.format}; for="${mediaTypeToString(mt.for)}"` +
        (mt.options.length === 0 ? "" : `; options=${mt.options.join("|")}`);
    case "other":
      return mt.type;
  }
}

/** PostgREST's `toContentType`: `; charset=utf-8` except for octet streams and custom types. */
export function contentTypeHeader(mt: MediaType): string {
  const mime = mediaTypeToString(mt);
  return mt.kind === "octet" || mt.kind === "other" ? mime : `${mime}; charset=utf-8`;
}
