/**
 * The query string (PostgREST's `QueryParams.parse`). Input: the raw query string (`?a=1&b=2`, as
 * in `URL.search`) and whether the request is a GET/HEAD function call; output: `QueryParams`.
 *
 * - Decoding as PostgREST's `parseQueryReplacePlus True`: pairs split on `&` and `;`, `+` is a space,
 *   `%XX` is a byte (malformed escapes stay as they are), bytes are UTF-8.
 * - Reserved names: `select`, `columns`, `on_conflict`, and — also under an embed prefix such as
 *   `clients.order` — `order`, `limit`, `offset`, `and`, `or`. Every other parameter with a value is a
 *   filter; for RPC reads a filter without an operator is a function argument (`rpcParams`).
 * - Errors are checked in PostgREST's order: order, logic, columns, select, filters, on_conflict,
 *   then the embed paths of limit/offset (PostgREST checks those while planning).
 */
import { pColumns, pTreePath, runGrammar } from "./field.ts";
import { parseFilter } from "./filter.ts";
import { parseLogic } from "./logic.ts";
import { parseOrder } from "./order.ts";
import { limitOffsetRange } from "./range.ts";
import { parseSelect } from "./select.ts";
import type { EmbedPath, Filter, LogicTree, OrderTerm, QueryParams, Range, SelectItem } from "./types.ts";

/** One `key[=value]` pair: bytes (as a binary string) for the canonical form, and decoded text. */
interface Pair {
  readonly keyBytes: string;
  readonly valueBytes: string | null;
  readonly key: string;
  readonly value: string | null;
}

const RESERVED = new Set(["select", "columns", "on_conflict"]);

/** The string as bytes, one character per byte (UTF-8 for anything outside ASCII). */
function toBinary(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  let out = "";
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b);
  return out;
}

const hexValue = (c: number) =>
  c >= 0x30 && c <= 0x39
    ? c - 0x30
    : c >= 0x41 && c <= 0x46
    ? c - 0x37
    : c >= 0x61 && c <= 0x66
    ? c - 0x57
    : -1;

/** `urlDecode True`: `+` is a space, `%XX` a byte; a malformed escape stays literal. */
function urlDecode(bin: string): string {
  if (bin.indexOf("%") === -1 && bin.indexOf("+") === -1) return bin;
  let out = "";
  for (let i = 0; i < bin.length; i++) {
    const c = bin.charCodeAt(i);
    if (c === 0x2b) out += " ";
    else if (
      c === 0x25 && i + 2 < bin.length && hexValue(bin.charCodeAt(i + 1)) >= 0 &&
      hexValue(bin.charCodeAt(i + 2)) >= 0
    ) {
      out += String.fromCharCode(hexValue(bin.charCodeAt(i + 1)) * 16 + hexValue(bin.charCodeAt(i + 2)));
      i += 2;
    } else out += bin[i];
  }
  return out;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** UTF-8 bytes to text (invalid sequences become U+FFFD). */
function decodeUtf8(bin: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(bin)) return bin;
  return decoder.decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}

/** One raw (still percent-encoded) query string component, decoded as `splitQuery` decodes it. */
export function decodeQueryComponent(raw: string): string {
  return decodeUtf8(urlDecode(toBinary(raw)));
}

function splitQuery(queryString: string): Pair[] {
  let rest = toBinary(queryString);
  if (rest.startsWith("?")) rest = rest.slice(1);
  const pairs: Pair[] = [];
  while (rest !== "") {
    const amp = rest.search(/[&;]/);
    const part = amp === -1 ? rest : rest.slice(0, amp);
    rest = amp === -1 ? "" : rest.slice(amp + 1);
    const eq = part.indexOf("=");
    const keyBytes = urlDecode(eq === -1 ? part : part.slice(0, eq));
    const valueBytes = eq === -1 ? null : urlDecode(part.slice(eq + 1));
    pairs.push({
      keyBytes,
      valueBytes,
      key: decodeUtf8(keyBytes),
      value: valueBytes === null ? null : decodeUtf8(valueBytes),
    });
  }
  return pairs;
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** `urlEncode` of the HTTP package, on bytes: `[A-Za-z0-9-_.~]` stay, the rest is `%XX`. */
function urlEncode(bin: string): string {
  if (UNRESERVED.test(bin)) return bin;
  let out = "";
  for (let i = 0; i < bin.length; i++) {
    const c = bin.charCodeAt(i);
    const unreserved = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
      c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e;
    out += unreserved ? bin[i] : "%" + (c < 16 ? "0" : "") + c.toString(16).toUpperCase();
  }
  return out;
}

/**
 * The canonical query string of `Content-Location`: pairs sorted by key (stable), re-encoded, and —
 * as the HTTP package's `urlEncodeVars` does — values of a repeated key joined with commas.
 */
function canonicalQuery(pairs: readonly Pair[]): string {
  const sorted = [...pairs].sort((a, b) => (a.keyBytes < b.keyBytes ? -1 : a.keyBytes > b.keyBytes ? 1 : 0));
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const key = sorted[i].keyBytes;
    const values: string[] = [];
    for (; i < sorted.length && sorted[i].keyBytes === key; i++) {
      values.push(urlEncode(sorted[i].valueBytes ?? ""));
    }
    parts.push(urlEncode(key) + "=" + values.join(","));
  }
  return parts.join("&");
}

/** The last `.`-separated word of a key: `clients.order` → `order`. */
const lastWord = (key: string) => {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? key : key.slice(dot + 1);
};

/** `limit`/`offset` keys → embed path key (`""` for `limit`, `a.b` for `a.b.limit`). */
function rangesByPath(params: readonly (readonly [string, string])[]): Map<string, Range> {
  // As PostgREST: `a.offset` is filed under `a.limit`; a repeated key keeps its last value.
  const levels = new Map<string, { limit: string | null; offset: string | null }>();
  for (const [key, value] of params) {
    const word = lastWord(key);
    const limitKey = key.slice(0, key.length - word.length) + "limit";
    const level = levels.get(limitKey) ?? { limit: null, offset: null };
    if (word === "limit") level.limit = value;
    else level.offset = value;
    levels.set(limitKey, level);
  }
  const ranges = new Map<string, Range>();
  let topLevel: Range | null = null;
  for (const [limitKey, { limit, offset }] of levels) {
    const range = limitOffsetRange(limit, offset);
    if (limitKey === "limit") {
      topLevel = range;
      continue;
    }
    const [path] = runGrammar(pTreePath, `failed to parse tree path (${limitKey})`, limitKey);
    // `a->b.limit` parses to the top level; only a plain `limit` sets the top-level range.
    if (path.length > 0) ranges.set(path.join("."), range);
  }
  if (topLevel !== null) ranges.set("", topLevel);
  return ranges;
}

/**
 * Select and order lists repeat from request to request (they carry no values): their parses are
 * kept, bounded. Results are immutable, so they are shared; errors are not kept.
 */
const MEMO_SIZE = 256;
const selects = new Map<string, readonly SelectItem[]>();
const orders = new Map<string, readonly [EmbedPath, readonly OrderTerm[]]>();

function memo<T>(cache: Map<string, T>, key: string, parse: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = parse();
    if (cache.size >= MEMO_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, v);
  }
  return v;
}

export function parseQueryParams(queryString: string, isRpcRead: boolean): QueryParams {
  const pairs = splitQuery(queryString);
  // One pass: the first `select`/`columns`/`on_conflict` (with or without a value), and the
  // valued pairs by their last word, in query order.
  let selectValue: string | null | undefined;
  let columnsValue: string | null | undefined;
  let onConflictValue: string | null | undefined;
  const orderParams: [string, string][] = [];
  const logicParams: [string, string][] = [];
  const rangeParams: [string, string][] = [];
  const filterParams: [string, string][] = [];
  for (const { key, value } of pairs) {
    if (key === "select") selectValue = selectValue === undefined ? value : selectValue;
    else if (key === "columns") columnsValue = columnsValue === undefined ? value : columnsValue;
    else if (key === "on_conflict") onConflictValue = onConflictValue === undefined ? value : onConflictValue;
    if (value === null) continue;
    const word = lastWord(key);
    if (word === "order") orderParams.push([key, value]);
    else if (word === "and" || word === "or") logicParams.push([key, value]);
    else if (word === "limit" || word === "offset") rangeParams.push([key, value]);
    else if (!RESERVED.has(key)) filterParams.push([key, value]);
  }

  const order: (readonly [EmbedPath, readonly OrderTerm[]])[] = orderParams.map(([k, v]) =>
    memo(orders, `${k}\u0000${v}`, () => parseOrder(k, v))
  );
  const logic: (readonly [EmbedPath, LogicTree])[] = logicParams.map(([k, v]) => parseLogic(k, v));
  const columns = columnsValue == null
    ? null
    : new Set(runGrammar(pColumns, `failed to parse columns parameter (${columnsValue})`, columnsValue));
  const selectText = selectValue ?? "*";
  const select = memo(selects, selectText, () => parseSelect(selectText));

  const filters: (readonly [EmbedPath, Filter])[] = [];
  const rpcParams: (readonly [string, string])[] = [];
  for (const [k, v] of filterParams) {
    const [path, filter] = parseFilter(k, v, isRpcRead);
    if (filter.opExpr.kind === "noOp") rpcParams.push([filter.field.name, filter.opExpr.value]);
    else filters.push([path, filter]);
  }
  const onConflict = onConflictValue == null
    ? null
    : runGrammar(pColumns, `failed to parse on_conflict parameter (${onConflictValue})`, onConflictValue);
  const ranges = rangesByPath(rangeParams);

  let canonical: string | undefined;
  return {
    // Only a read's Content-Location needs it.
    get canonical() {
      return canonical ??= canonicalQuery(pairs);
    },
    rpcParams,
    ranges,
    order,
    logic,
    columns,
    select,
    filters,
    filtersRoot: filters.filter(([path]) => path.length === 0).map(([, f]) => f),
    filtersNotRoot: filters.filter(([path]) => path.length > 0),
    filterFields: new Set(filterParams.map(([k]) => k)),
    onConflict,
  };
}
