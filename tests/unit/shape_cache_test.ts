import assert from "node:assert/strict";
import type { AppConfig } from "../../lib/config/types.ts";
import { PgrstError } from "../../lib/errors.ts";
import { planAction } from "../../lib/plan/plan.ts";
import { buildMainQuery, renderMainQuery } from "../../lib/query/main_query.ts";
import { parseApiRequest } from "../../lib/request/api_request.ts";
import { parsePreferences } from "../../lib/request/preferences.ts";
import type { ApiRequest } from "../../lib/request/types.ts";
import { type Build, ShapeCache } from "../../lib/shape_cache.ts";
import { prng } from "../helpers/grammar_fuzz.ts";
import { fuzzInput } from "../helpers/sql_fuzz.ts";
import { CATALOG, CONFIG, TABLES } from "./plan/read_fixture.ts";

const config: AppConfig = { ...CONFIG, dbMaxRows: 50 };

const build: Build = (r) => {
  const plan = planAction(r, config, CATALOG);
  return { plan, query: renderMainQuery(buildMainQuery(plan, config, r)) };
};

interface Input {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

function parse(input: Input): { url: URL; headers: Headers; req: ApiRequest } {
  const url = new URL(`http://localhost${input.path}`);
  const headers = new Headers(input.headers ?? {});
  const prefer = headers.get("prefer");
  const body = input.body === undefined ? null : new TextEncoder().encode(input.body);
  const req = parseApiRequest(
    { method: input.method, url, headers, body },
    config,
    parsePreferences(prefer === null ? [] : [prefer], { allowTxOverride: false }),
  );
  return { url, headers, req };
}

/** What planning gives: the SQL of every statement, or the error code. */
function outcome(f: () => ReturnType<Build>): unknown {
  try {
    const { query } = f();
    return { main: query.main, explain: query.explain };
  } catch (e) {
    if (e instanceof PgrstError) return { error: e.code };
    throw e;
  }
}

/** Runs each input through the cache and through planning, and compares. Returns the hits. */
function compare(cache: ShapeCache, inputs: readonly Input[]): number {
  const before = cache.hits;
  for (const input of inputs) {
    let parsed;
    try {
      parsed = parse(input);
    } catch (e) {
      if (e instanceof PgrstError) continue; // never reaches the cache
      throw e;
    }
    const { url, headers, req } = parsed;
    const fresh = outcome(() => build(req));
    const cached = outcome(() => cache.prepare(url, headers, req, config, CATALOG, build));
    assert.deepEqual(cached, fresh, `${input.method} ${input.path} ${JSON.stringify(input.headers ?? {})}`);
  }
  return cache.hits - before;
}

const VOCABULARY = {
  tables: Object.fromEntries(TABLES.map((t) => [t.name, [...t.columns.map((c) => c.name), "nope"]])),
  embeds: { clients: ["projects", "nope"], projects: ["clients"], items: ["clients"] },
};

const SLOT = /^([A-Za-z0-9_$]+)=((?:not\.)?(?:eq|neq|gt|gte|lt|lte)\.)(.+)$/;
const VALUES = ["1", "42", "-7", "x", "'", "a b", "%27", "é", "$1", "{1,2}", "*", "null", "(1,2)", "eq.3"];

/** The same query string with other values in its plain filters. */
function otherValues(path: string, random: () => number): string {
  const [p, q = ""] = path.split("?");
  const parts = q.split("&").map((part) => {
    const m = SLOT.exec(part);
    return m === null
      ? part
      : `${m[1]}=${m[2]}${encodeURIComponent(VALUES[Math.floor(random() * VALUES.length)])}`;
  });
  return `${p}?${parts.join("&")}`;
}

Deno.test("a read bound from its shape's template is exactly the read planned for it (fuzzed)", () => {
  const random = prng(20261121);
  const cache = new ShapeCache({ learnAfter: 1 });
  let hits = 0;
  for (let n = 0; n < 1500; n++) {
    const input = fuzzInput(random, VOCABULARY);
    const variants = [input, ...[1, 2, 3].map(() => ({ ...input, path: otherValues(input.path, random) }))];
    hits += compare(cache, variants);
  }
  // The cache did answer, for many shapes.
  assert.ok(hits > 1000, `only ${hits} hits`);
  assert.ok(cache.size > 300, `only ${cache.size} shapes kept`);
});

Deno.test("writes and their bodies: other values bind, other keys or body kinds are other shapes", () => {
  const cache = new ShapeCache({ learnAfter: 1 });
  const post = (body: string, headers: Record<string, string> = {}) => ({
    method: "POST",
    path: "/items",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const hits = compare(cache, [
    post(`{"id":1,"name":"a"}`),
    post(`{"id":2,"name":"b"}`),
    post(`{"name":"c","id":3}`), // other key order: another shape
    post(`[{"id":4,"name":"d"},{"id":5,"name":"e"}]`), // array: json_to_recordset
    post(`[{"id":6,"name":"f"}]`),
    post(`{"id":7,"name":"g"}`, { prefer: "return=representation" }),
    post(`{"id":8,"name":"h"}`, { prefer: "return=representation" }),
    post(`{"id":9,"name":"i"}`, { prefer: "missing=default" }),
    post(`{"id":10,"name":"j"}`, { prefer: "missing=default" }),
    { ...post(`{"id":11,"name":"k"}`), path: "/items?columns=id,name" },
    { ...post(`[{"id":12,"name":"l"}]`), path: "/items?columns=id,name" }, // raw array body
    { ...post(`{"id":13,"name":"m"}`), path: "/items?columns=id,name" },
    { ...post(`{"id":14,"name":"n"}`), path: "/items?columns=id,name&select=id,name" },
    { ...post(`{"name":"n"}`), method: "PATCH", path: "/items?id=eq.1" },
    { ...post(`{"name":"o"}`), method: "PATCH", path: "/items?id=eq.2" },
    { ...post(`{"name":"p"}`), method: "PATCH", path: "/items?id=not.eq.3&name=eq.x" },
    { ...post(`{"name":"q"}`), method: "PATCH", path: "/items?id=not.eq.4&name=eq.y" },
    { method: "DELETE", path: "/items?id=eq.5" },
    { method: "DELETE", path: "/items?id=eq.6" },
    { method: "DELETE", path: "/items?name=like.*a*" },
    { method: "DELETE", path: "/items?name=like.*b*" },
  ]);
  // Learnt on the first of each shape; the second of each answered from it (like: never).
  assert.equal(hits, 8);
});

Deno.test("values the SQL builder rewrites are part of the shape, not slots", () => {
  const cache = new ShapeCache({ learnAfter: 1 });
  const hits = compare(cache, [
    // `*` becomes `%` in like patterns; `in` lists and `is` values are no single parameter.
    { method: "GET", path: "/items?name=like.*a*" },
    { method: "GET", path: "/items?name=like.*b*" },
    { method: "GET", path: "/items?id=in.(1,2)" },
    { method: "GET", path: "/items?id=in.(1,2,3)" },
    { method: "GET", path: "/items?id=is.null" },
    { method: "GET", path: "/items?id=is.true" },
  ]);
  assert.equal(hits, 0);
  assert.equal(cache.size, 6);
  assert.equal(compare(cache, [{ method: "GET", path: "/items?name=like.*a*" }]), 1);
});

Deno.test("a shape whose SQL depends on a slot's value is planned per request", () => {
  const firstValue = (r: ApiRequest) => {
    const op = r.query.filters[0][1].opExpr;
    return op.kind === "op" && "value" in op.operation ? String(op.operation.value) : "";
  };
  // Builders that (unlike pgrst's) let a value change the text, or transform it. (The sentinel
  // run catches what the sentinel value shows: here, that it is not a number.)
  const byNumber: Build = (r) => {
    const p = build(r);
    const main = p.query.main!;
    const text = main.text + (/^[0-9]+$/.test(firstValue(r)) ? " " : "");
    return { ...p, query: { ...p.query, main: { ...main, text } } };
  };
  const upper: Build = (r) => {
    const p = build(r);
    const main = p.query.main!;
    return {
      ...p,
      query: {
        ...p.query,
        main: { ...main, params: main.params.map((v) => typeof v === "string" ? v.toUpperCase() : v) },
      },
    };
  };
  for (const b of [byNumber, upper]) {
    const cache = new ShapeCache({ learnAfter: 1 });
    for (const value of ["12", "abc", "3", "xyz"]) {
      const { url, headers, req } = parse({ method: "GET", path: `/items?name=eq.${value}` });
      assert.deepEqual(cache.prepare(url, headers, req, config, CATALOG, b).query, b(req).query);
    }
    assert.equal(cache.hits, 0);
    assert.equal(cache.size, 0);
  }
});

Deno.test("only the second occurrence of a shape is learnt, and a new catalog or config forgets", () => {
  const cache = new ShapeCache();
  const get = (id: number) => ({ method: "GET", path: `/items?id=eq.${id}` });
  assert.equal(compare(cache, [get(1)]), 0);
  assert.equal(cache.size, 0);
  assert.equal(compare(cache, [get(2)]), 0);
  assert.equal(cache.size, 1);
  assert.equal(compare(cache, [get(3), get(4)]), 2);
  const { url, headers, req } = parse(get(5));
  cache.prepare(url, headers, req, { ...config }, CATALOG, build);
  assert.equal(cache.size, 0);
});

Deno.test("the cache is bounded, and size 0 turns it off", () => {
  const cache = new ShapeCache({ max: 3, learnAfter: 1 });
  compare(
    cache,
    ["id", "name", "data", "doc", "body"].map((c) => ({ method: "GET", path: `/items?${c}=eq.1` })),
  );
  assert.equal(cache.size, 3);
  const off = new ShapeCache({ max: 0, learnAfter: 1 });
  assert.equal(compare(off, [1, 2, 3].map((id) => ({ method: "GET", path: `/items?id=eq.${id}` }))), 0);
  assert.equal(off.size, 0);
});
