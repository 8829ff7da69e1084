/**
 * SQL fuzzing of reads, shared by `tests/unit/query/sql_fuzz_test.ts` (short, seeded, no database),
 * `tests/integration/read_fuzz_test.ts` (requests through the handler on the test database) and
 * `scripts/fuzz_sql.ts` (a long run).
 *
 * Query strings come from two generators: `readQuery` assembles plausible reads from a vocabulary
 * of tables, columns, operators and nasty values; `generate` (the grammar fuzzer's) mutates valid
 * query strings and makes noise. Each request goes through `parseApiRequest → planAction →
 * buildMainQuery → render` and must either render or fail with a client `PgrstError` (status < 500).
 * Then every value of the parsed request — filter values, `in` elements, JSON keys and indexes,
 * FTS configurations — is replaced by a unique marker and the request planned and rendered again:
 * no marker may appear in the SQL text (except as the quoted output name `AS "key"` PostgREST gives
 * an unaliased JSON path); the markers found among the parameters are counted.
 */
import type { Catalog } from "../../lib/catalog/types.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { PgrstError } from "../../lib/errors.ts";
import { planAction } from "../../lib/plan/plan.ts";
import { buildMainQuery } from "../../lib/query/main_query.ts";
import { render } from "../../lib/query/sql.ts";
import { parseApiRequest } from "../../lib/request/api_request.ts";
import { parsePreferences } from "../../lib/request/preferences.ts";
import type { ApiRequest } from "../../lib/request/types.ts";
import { generate, prng } from "./grammar_fuzz.ts";
import { markValues } from "./sql_markers.ts";

/** What the read generator may name: tables with their columns, and embeddable children. */
export interface Vocabulary {
  readonly tables: Readonly<Record<string, readonly string[]>>;
  readonly embeds: Readonly<Record<string, readonly string[]>>;
}

export interface ReadInput {
  readonly method: "GET" | "HEAD";
  readonly path: string;
  readonly headers: Record<string, string>;
}

type Random = () => number;

const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

/** Values that would break SQL if they reached its text. */
const NASTY = [
  "x",
  "1",
  "-1",
  "0.5",
  "'",
  "''; drop table items; --",
  "$1",
  "\\",
  '"',
  "a b",
  "é😀",
  "{1,2}",
  "[1,3)",
  "*a*",
  "%",
  "null",
  "true",
  "/*",
  "::text",
  "2024-01-01",
  '{"a":1}',
];

const SIMPLE_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "isdistinct"];
const ARRAY_OPS = ["cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"];
const FTS_OPS = ["fts", "plfts", "phfts", "wfts"];
const IS_VALUES = ["null", "not_null", "true", "false", "unknown", "NULL"];
const CASTS = ["text", "int", "integer", "json", "jsonb", "character varying", "_int4", "numeric"];

function pctEncode(s: string): string {
  return encodeURIComponent(s);
}

function value(random: Random): string {
  const v = pick(random, NASTY);
  return random() < 0.3 ? `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"` : v;
}

function jsonPath(random: Random): string {
  let p = "";
  const n = Math.floor(random() * 3);
  for (let i = 0; i < n; i++) {
    p += pick(random, ["->", "->>"]) + pick(random, ["a", "0", "-1", "k_2", "!@$"]);
  }
  return p;
}

function operation(random: Random): string {
  const not = random() < 0.2 ? "not." : "";
  const r = random();
  if (r < 0.45) {
    const op = pick(random, SIMPLE_OPS);
    const q = op !== "neq" && op !== "isdistinct" && random() < 0.15
      ? `(${pick(random, ["any", "all"])})`
      : "";
    return `${not}${op}${q}.${q ? "{" + pick(random, NASTY).replaceAll(",", "") + ",b}" : value(random)}`;
  }
  if (r < 0.6) return `${not}${pick(random, ARRAY_OPS)}.${value(random)}`;
  if (r < 0.72) {
    const list = Array.from({ length: Math.floor(random() * 4) }, () => value(random)).join(",");
    return `${not}in.(${list})`;
  }
  if (r < 0.85) return `${not}is.${pick(random, IS_VALUES)}`;
  const lang = random() < 0.5 ? `(${pick(random, ["english", "simple", "french", "x_y"])})` : "";
  return `${not}${pick(random, FTS_OPS)}${lang}.${value(random)}`;
}

function logic(random: Random, columns: readonly string[], depth = 0): string {
  const n = 1 + Math.floor(random() * 3);
  const parts = Array.from({ length: n }, () => {
    if (depth < 2 && random() < 0.25) {
      return `${random() < 0.3 ? "not." : ""}${pick(random, ["and", "or"])}${
        logic(random, columns, depth + 1)
      }`;
    }
    return `${pick(random, columns)}${jsonPath(random)}.${operation(random)}`;
  });
  return `(${parts.join(",")})`;
}

function selectList(random: Random, vocab: Vocabulary, table: string, depth = 0): string {
  const columns = vocab.tables[table] ?? ["id"];
  const items: string[] = [];
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.1) items.push("*");
    else if (r < 0.2 && depth < 2 && (vocab.embeds[table] ?? []).length > 0) {
      const child = pick(random, vocab.embeds[table]);
      const alias = random() < 0.3 ? "al:" : "";
      const join = random() < 0.2 ? "!inner" : "";
      items.push(`${alias}${child}${join}(${selectList(random, vocab, child, depth + 1)})`);
    } else {
      const alias = random() < 0.2 ? "al_i:" : "";
      const cast = random() < 0.2 ? `::${pick(random, CASTS)}` : "";
      items.push(`${alias}${pick(random, columns)}${jsonPath(random)}${cast}`);
    }
  }
  return items.join(",");
}

/** A plausible read of a vocabulary table, with nasty values. */
export function readQuery(random: Random, vocab: Vocabulary): ReadInput {
  const table = pick(random, Object.keys(vocab.tables));
  const columns = vocab.tables[table];
  const params: string[] = [];
  if (random() < 0.7) params.push(`select=${pctEncode(selectList(random, vocab, table))}`);
  for (let i = Math.floor(random() * 3); i > 0; i--) {
    params.push(`${pctEncode(pick(random, columns) + jsonPath(random))}=${pctEncode(operation(random))}`);
  }
  if (random() < 0.3) {
    params.push(
      `${random() < 0.2 ? "not." : ""}${pick(random, ["and", "or"])}=${pctEncode(logic(random, columns))}`,
    );
  }
  if (random() < 0.3) {
    const dir = pick(random, ["", ".asc", ".desc", ".nullsfirst", ".desc.nullslast"]);
    params.push(`order=${pctEncode(pick(random, columns) + jsonPath(random) + dir)}`);
  }
  if (random() < 0.2) params.push(`limit=${pick(random, ["0", "1", "3", "-1", "x", "987654"])}`);
  if (random() < 0.2) params.push(`offset=${pick(random, ["0", "2", "-4", "987653"])}`);
  const children = vocab.embeds[table] ?? [];
  if (random() < 0.2 && children.length > 0) {
    const child = pick(random, children);
    params.push(
      `${child}.${pick(random, ["or", "and"])}=${pctEncode(logic(random, vocab.tables[child] ?? ["id"]))}`,
    );
  }
  const headers: Record<string, string> = {};
  if (random() < 0.3) headers.Prefer = pick(random, ["count=exact", "count=planned", "count=estimated"]);
  if (random() < 0.2) headers.Range = pick(random, ["0-1", "2-", "5-2", "x"]);
  if (random() < 0.2) {
    headers.Accept = pick(random, [
      "application/vnd.pgrst.object+json",
      "application/vnd.pgrst.array+json;nulls=stripped",
      "text/csv",
      "application/geo+json",
    ]);
  }
  const method = random() < 0.1 ? "HEAD" : "GET";
  return { method, path: `/${pctEncode(table)}?${params.join("&")}`, headers };
}

/** A random input: a plausible read or (for a third) a mutated or noisy query string. */
export function fuzzInput(random: Random, vocab: Vocabulary): ReadInput {
  if (random() < 0.66) return readQuery(random, vocab);
  const table = pick(random, Object.keys(vocab.tables));
  return { method: "GET", path: `/${table}?${generate(random)}`, headers: {} };
}

// ---------------------------------------------------------------- running

export interface SqlFuzzOptions {
  readonly seed: number;
  readonly count: number;
  readonly catalog: Catalog;
  readonly config: AppConfig;
  readonly vocabulary: Vocabulary;
  /** Longest time one input may take, in milliseconds. */
  /** A hang detector for long script runs; tests pass none (no timed assertions in the suite). */
  readonly timeLimitMs?: number | null;
}

export interface SqlFuzzSummary {
  readonly inputs: number;
  readonly rendered: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly input: string; readonly problem: string }[];
  /** Values replaced by markers in requests that rendered, and how many of them were parameters. */
  readonly markersPlaced: number;
  readonly markersBound: number;
}

function describe(i: ReadInput): string {
  return `${i.method} ${i.path} ${JSON.stringify(i.headers)}`;
}

/** One input as an `ApiRequest`. */
export function parseInput(input: ReadInput, config: AppConfig): ApiRequest {
  const headers = new Headers(input.headers);
  const prefer = headers.get("prefer");
  const req = parseApiRequest(
    { method: input.method, url: new URL(`http://localhost${input.path}`), headers, body: null },
    config,
    parsePreferences(prefer === null ? [] : [prefer], { allowTxOverride: false }),
  );
  return req;
}

function renderAll(req: ApiRequest, config: AppConfig, catalog: Catalog) {
  const plan = planAction(req, config, catalog);
  const q = buildMainQuery(plan, config, req);
  return [q.main, q.explain].filter((s) => s !== null).map((s) => render(s!));
}

export function fuzzSql(options: SqlFuzzOptions): SqlFuzzSummary {
  const random = prng(options.seed);
  const errors: Record<string, number> = {};
  const failures: { input: string; problem: string }[] = [];
  let rendered = 0;
  let markersPlaced = 0;
  let markersBound = 0;
  for (let n = 0; n < options.count; n++) {
    const input = fuzzInput(random, options.vocabulary);
    const started = performance.now();
    let req: ApiRequest;
    try {
      req = parseInput(input, options.config);
      renderAll(req, options.config, options.catalog);
      rendered++;
    } catch (e) {
      if (e instanceof PgrstError && e.status < 500) errors[e.code] = (errors[e.code] ?? 0) + 1;
      else {failures.push({
          input: describe(input),
          problem: e instanceof Error ? e.stack ?? e.message : `${e}`,
        });}
      continue;
    }
    try {
      const marked = markValues(req);
      const statements = renderAll(marked.req, options.config, options.catalog);
      // A JSON path without an alias is named after its last key, which can only be an
      // identifier (`AS "key"`, quoted by ident()): that is the one place a key shows in the text.
      const text = statements.map((s) => s.text).join("\n").replace(/ AS "Vq\d+Qv"/g, " AS <alias>");
      const params = statements.flatMap((s) => s.params).join("\n");
      for (const marker of marked.markers) {
        if (text.includes(marker)) {
          failures.push({ input: describe(input), problem: `${marker} in SQL text: ${text}` });
        }
        // A value can also be dropped (an unaliased embed given twice renders once, as in PostgREST).
        markersPlaced++;
        if (params.includes(marker)) markersBound++;
      }
      for (const limit of ["987654", "987653"]) {
        if (text.includes(limit)) failures.push({ input: describe(input), problem: `${limit} in SQL text` });
      }
    } catch (e) {
      if (!(e instanceof PgrstError && e.status < 500)) {
        failures.push({ input: describe(input), problem: `marked: ${e instanceof Error ? e.stack : e}` });
      }
    }
    const elapsed = performance.now() - started;
    if (options.timeLimitMs != null && elapsed > options.timeLimitMs) {
      failures.push({ input: describe(input), problem: `took ${elapsed} ms` });
    }
  }
  return { inputs: options.count, rendered, errors, failures, markersPlaced, markersBound };
}

export interface HandlerFuzzSummary {
  readonly inputs: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly input: string; readonly problem: string }[];
}

/**
 * Sends fuzzed reads through a handler (`request` performs one): no answer may be a 5xx, and an
 * error body (HEAD has none) must be PostgREST's `{code, details, hint, message}`.
 */
export async function fuzzHandler(options: {
  readonly seed: number;
  readonly count: number;
  readonly vocabulary: Vocabulary;
  readonly request: (input: ReadInput) => Promise<Response>;
}): Promise<HandlerFuzzSummary> {
  const random = prng(options.seed);
  const statuses: Record<string, number> = {};
  const failures: { input: string; problem: string }[] = [];
  for (let n = 0; n < options.count; n++) {
    const input = fuzzInput(random, options.vocabulary);
    let res: Response;
    try {
      res = await options.request(input);
    } catch (e) {
      failures.push({ input: describe(input), problem: `threw ${e instanceof Error ? e.stack : e}` });
      continue;
    }
    const body = await res.text();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) failures.push({ input: describe(input), problem: `${res.status} ${body}` });
    else if (res.status >= 400 && input.method !== "HEAD") {
      let keys = "";
      try {
        keys = Object.keys(JSON.parse(body)).join(",");
      } catch { /* reported below */ }
      if (keys !== "code,details,hint,message") {
        failures.push({ input: describe(input), problem: `error body ${body}` });
      }
    }
  }
  return { inputs: options.count, statuses, failures };
}
