/**
 * Grammar fuzzing, shared by `tests/unit/request/grammar_fuzz_test.ts` (a short, seeded run) and
 * `scripts/fuzz_grammar.ts` (a long one). Query strings are generated three ways — from grammar
 * pieces, by mutating valid query strings, and as noise — and each must either parse or fail with
 * a `PgrstError` PGRST100 (PGRST103/114 for ranges), never another exception, within a time bound.
 * Successful parses must be deterministic, and their canonical form must be a fixed point.
 */
import { PgrstError } from "../../lib/errors.ts";
import { parseAccept } from "../../lib/request/media_type.ts";
import { parsePreferences } from "../../lib/request/preferences.ts";
import { parseQueryParams } from "../../lib/request/query_params.ts";
import { resolveRanges } from "../../lib/request/range.ts";

export interface FuzzOptions {
  readonly seed: number;
  readonly count: number;
  /** Longest time one input may take, in milliseconds. */
  /** A hang detector for long script runs; tests pass none (no timed assertions in the suite). */
  readonly timeLimitMs?: number | null;
}

export interface FuzzSummary {
  readonly inputs: number;
  readonly parsed: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly input: string; readonly problem: string }[];
  readonly slowestMs: number;
  readonly slowestInput: string;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = [
  "select=id,name,clients(id,name)&id=eq.1&order=id.desc&limit=10",
  "select=*,...client!fk!inner(a:b::text),other(*)&client.order=x.asc.nullslast&client.limit=2",
  'select=amount.sum()::int,count(),data->a->>0::numeric.avg()&or=(a.eq.1,not.and(b.gt.2,c.in.(1,"2,3")))',
  'not.or=(age_range.adj."[18,21)",arr.cs.{1,2})&name=ilike(any).{a*,b*}&x=not.is.NULL',
  "tsv=fts(english).cat%20dog&j->a->>b=eq.1&k=isdistinct.2&columns=a,b&on_conflict=a",
  'order=clients(name).desc,json->>k.asc&offset=5&a.b.or=(c.eq."(x)")&%22a.b%22=eq.%C3%A9',
  "select=%22:arr-%3Eow::cast%22,x-y,a$b&limit=-1&offset=abc&name=in.()",
];

const PIECES = [
  "select",
  "order",
  "limit",
  "offset",
  "and",
  "or",
  "not",
  "columns",
  "on_conflict",
  "eq",
  "neq",
  "in",
  "is",
  "fts",
  "plfts",
  "like",
  "ilike",
  "cs",
  "any",
  "all",
  "asc",
  "desc",
  "nullsfirst",
  "nullslast",
  "null",
  "true",
  "count()",
  "sum()",
  "...",
  "->",
  "->>",
  "::",
  "!inner",
  "!left",
  "id",
  "a b",
  "é",
  "😀",
  "0",
  "-1",
  "(",
  ")",
  ",",
  ".",
  ":",
  "!",
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  "*",
  "=",
  "&",
  ";",
  "+",
  "%",
  "%2",
  "%ZZ",
  "%C3%A9",
  "%FF",
  "%22",
  "%28",
  "%29",
  "%2C",
  "\t",
  "\n",
  " ",
];

const ALPHABET = 'abcxyz019_$ -.,()!:*"\\{}[]<>=&;+%~#?/\t\né😀\u3000\u0000';

/** A query string: a mutated valid one, one assembled from grammar pieces, or noise. */
export function generate(random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const kind = random();
  if (kind < 0.4) {
    let s = pick(VALID);
    const mutations = 1 + Math.floor(random() * 4);
    for (let m = 0; m < mutations; m++) {
      const at = Math.floor(random() * (s.length + 1));
      const op = random();
      if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(random() * 3));
      else if (op < 0.6) s = s.slice(0, at) + pick(PIECES) + s.slice(at);
      else if (op < 0.8) s = s.slice(0, at) + pick([...ALPHABET]) + s.slice(at + 1);
      else s = s.slice(0, at) + s.slice(Math.floor(random() * s.length)).slice(0, 12) + s.slice(at);
    }
    return s;
  }
  if (kind < 0.85) {
    const pairs = 1 + Math.floor(random() * 4);
    const parts: string[] = [];
    for (let p = 0; p < pairs; p++) {
      let key = pick([
        "select",
        "order",
        "limit",
        "offset",
        "or",
        "and",
        "not.or",
        "a.b.order",
        "id",
        "x->y",
        "c.d",
      ]);
      if (random() < 0.2) key = pick(PIECES) + key;
      let value = "";
      const tokens = Math.floor(random() * 10);
      for (let t = 0; t < tokens; t++) value += pick(PIECES);
      parts.push(random() < 0.1 ? key : `${key}=${value}`);
    }
    return parts.join(random() < 0.9 ? "&" : ";");
  }
  let s = "";
  const length = Math.floor(random() * 40);
  for (let k = 0; k < length; k++) s += pick([...ALPHABET]);
  return s;
}

export function fuzzGrammar(options: FuzzOptions): FuzzSummary {
  const random = prng(options.seed);
  const errors: Record<string, number> = {};
  const failures: { input: string; problem: string }[] = [];
  let parsed = 0;
  let slowestMs = 0;
  let slowestInput = "";
  const expectError = (input: string, e: unknown, codes: readonly string[]) => {
    if (e instanceof PgrstError && codes.includes(e.code)) errors[e.code] = (errors[e.code] ?? 0) + 1;
    else {failures.push({
        input,
        problem: `unexpected exception: ${e instanceof Error ? e.stack : String(e)}`,
      });}
  };
  for (let n = 0; n < options.count; n++) {
    const input = generate(random);
    const isRpcRead = random() < 0.3;
    const started = performance.now();
    try {
      const q = parseQueryParams(input, isRpcRead);
      parsed++;
      const again = parseQueryParams(input, isRpcRead);
      if (JSON.stringify(again.select) !== JSON.stringify(q.select) || again.canonical !== q.canonical) {
        failures.push({ input, problem: "parse is not deterministic" });
      }
      if (!/^[\x21-\x7e]*$/.test(q.canonical)) {
        failures.push({ input, problem: `canonical not ASCII: ${q.canonical}` });
      }
      // Values of a repeated key are joined with a bare comma (every other comma is %2C) and `?x`
      // becomes `x=` (a filter): such canonical forms are other query strings, which may not parse.
      if (!q.canonical.includes(",")) {
        try {
          if (parseQueryParams(q.canonical, isRpcRead).canonical !== q.canonical) {
            failures.push({ input, problem: "canonical form does not parse to itself" });
          }
        } catch (e) {
          if (!(e instanceof PgrstError)) failures.push({ input, problem: `canonical form: ${e}` });
        }
      }
      try {
        resolveRanges(
          random() < 0.5 ? "GET" : "PUT",
          q.ranges,
          random() < 0.5 ? null : generate(random).slice(0, 8),
        );
      } catch (e) {
        expectError(input, e, ["PGRST103", "PGRST114"]);
      }
    } catch (e) {
      expectError(input, e, ["PGRST100"]);
    }
    try {
      parsePreferences([input.replaceAll("&", ",")], { allowTxOverride: true });
      parseAccept(input.replaceAll("&", ","));
    } catch (e) {
      failures.push({ input, problem: `headers: ${e}` });
    }
    const elapsed = performance.now() - started;
    if (elapsed > slowestMs) {
      slowestMs = elapsed;
      slowestInput = input;
    }
    if (options.timeLimitMs != null && elapsed > options.timeLimitMs) {
      failures.push({ input, problem: `took ${elapsed.toFixed(1)} ms` });
    }
  }
  return { inputs: options.count, parsed, errors, failures, slowestMs, slowestInput };
}
