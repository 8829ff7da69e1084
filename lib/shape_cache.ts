/**
 * Plans and SQL kept per request shape: requests that differ only in the values of plain filters
 * (`id=eq.5`, `score=gt.10`) and in the JSON body's contents share one plan and one SQL text;
 * only the bind parameters change. The request itself is always parsed afresh (its errors,
 * headers, cookies and body are its own); planning and SQL building run once per shape.
 *
 * A shape is the method, the path, the query string with those filter values cut out, the
 * headers that planning reads (Accept, Content-Type, Prefer, Range, Accept-/Content-Profile) and
 * the body's keys. It is learnt on its second occurrence (one-off requests cost nothing).
 *
 * Slots are only `[not.]eq|neq|gt|gte|lt|lte.<value>` on a plain column name: the grammar takes
 * their value verbatim (the fast path of `filter.ts`) and the SQL builder passes it as one
 * parameter, whatever it is (`tests/unit/shape_cache_test.ts` checks templates against fresh
 * planning on fuzzed reads with nasty values). Learning checks it again for each shape by planning
 * twice, with the real request and with every slot value — and the body — replaced by a sentinel:
 * the shape is kept only when both give the same SQL text and every parameter is a constant of
 * both runs or exactly one slot (or the body) in both; otherwise it is planned per request.
 *
 * Entries hold the plan of the request that taught the shape: stages after planning use only
 * its value-free parts (media type, target, handler); values reach them through `req`.
 */
import type { Catalog } from "./catalog/types.ts";
import type { AppConfig } from "./config/types.ts";
import type { ActionPlan } from "./plan/types.ts";
import type { RenderedQuery } from "./query/main_query.ts";
import { isJsonObject } from "./query/mutate.ts";
import type { ParamValue } from "./db/db.ts";
import type { RenderedSql } from "./query/sql.ts";
import { decodeQueryComponent, parseQueryParams } from "./request/query_params.ts";
import type { ApiRequest, Payload } from "./request/types.ts";

export interface Prepared {
  readonly plan: ActionPlan;
  readonly query: RenderedQuery;
}

/** Builds the plan and SQL of a request (planAction + buildMainQuery + render). */
export type Build = (req: ApiRequest) => Prepared;

const RESERVED = new Set(["select", "columns", "on_conflict", "order", "limit", "offset", "and", "or"]);
const SLOT = /^([A-Za-z0-9_$]+)=((?:not\.)?(?:eq|neq|gt|gte|lt|lte)\.)(.+)$/;

/** Where a parameter's value comes from: a constant, slot `j` (≥ 0) or the body. */
const CONSTANT = -1;
const BODY = -2;

interface Template {
  readonly plan: ActionPlan;
  readonly main: StatementTemplate;
  readonly explain: StatementTemplate | null;
}

interface StatementTemplate {
  readonly text: string;
  readonly constants: readonly ParamValue[];
  readonly sources: Int32Array;
}

const UNCACHEABLE = Symbol("uncacheable");
const encoder = new TextEncoder();

interface Shape {
  readonly key: string;
  readonly slots: readonly string[];
}

export interface ShapeCacheOptions {
  /** Shapes kept (oldest first out); 0 turns the cache off. */
  readonly max?: number;
  /** Occurrences of a shape before it is learnt (2: one-off requests are never planned twice). */
  readonly learnAfter?: 1 | 2;
}

export class ShapeCache {
  readonly #max: number;
  readonly #learnAfter: number;
  /** Requests answered from a template. */
  hits = 0;
  readonly #entries = new Map<string, Template | typeof UNCACHEABLE>();
  readonly #seen = new Set<string>();
  #config: AppConfig | null = null;
  #catalog: Catalog | null = null;
  /** Per-process, so that no request can spell a sentinel. */
  readonly #nonce = crypto.randomUUID().replaceAll("-", "");

  constructor(options: ShapeCacheOptions = {}) {
    this.#max = options.max ?? 1000;
    this.#learnAfter = options.learnAfter ?? 2;
  }

  /** Number of shapes kept (for tests). */
  get size(): number {
    let n = 0;
    for (const v of this.#entries.values()) if (v !== UNCACHEABLE) n++;
    return n;
  }

  /**
   * The plan and SQL of `req`: bound from its shape's template when the shape is known, else
   * built (and learnt when the shape is seen again).
   */
  prepare(
    url: URL,
    headers: Headers,
    req: ApiRequest,
    config: AppConfig,
    catalog: Catalog,
    build: Build,
  ): Prepared {
    if (config !== this.#config || catalog !== this.#catalog) {
      this.#entries.clear();
      this.#seen.clear();
      this.#config = config;
      this.#catalog = catalog;
    }
    if (this.#max === 0) return build(req);
    const shape = shapeOf(url, headers, req);
    if (shape === null) return build(req);
    const entry = this.#entries.get(shape.key);
    if (entry === UNCACHEABLE) return build(req);
    if (entry !== undefined) {
      this.hits++;
      return {
        plan: entry.plan,
        query: {
          main: bind(entry.main, shape.slots, req.payload),
          explain: entry.explain && bind(entry.explain, shape.slots, req.payload),
        },
      };
    }
    if (this.#learnAfter === 2 && !this.#seen.has(shape.key)) {
      if (this.#seen.size >= this.#max * 4) this.#seen.delete(this.#seen.values().next().value!);
      this.#seen.add(shape.key);
      return build(req);
    }
    const real = build(req);
    this.#remember(shape.key, this.#learn(url, req, shape, real, build));
    return real;
  }

  #remember(key: string, entry: Template | typeof UNCACHEABLE): void {
    this.#seen.delete(key);
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, entry);
  }

  #learn(
    url: URL,
    req: ApiRequest,
    shape: Shape,
    real: Prepared,
    build: Build,
  ): Template | typeof UNCACHEABLE {
    if (real.query.main === null) return UNCACHEABLE;
    const sentinel = (j: number) => `pgrst_${this.#nonce}_${j}`;
    // SQL differs for object and array bodies (json_to_record/…recordset): so does the sentinel.
    // It is found among the parameters by identity, as the real body is.
    const bodySentinel = encoder.encode(
      `${isJsonObject(rawOf(req.payload)) ? "{" : "["}pgrst_${this.#nonce}_body`,
    );
    let probe: Prepared;
    try {
      const isRpcRead = req.action.kind === "routine" && req.action.method.kind === "read";
      const query = parseQueryParams(rewriteSearch(url.search, sentinel), isRpcRead);
      const payload = withRaw(req.payload, bodySentinel);
      probe = build({ ...req, query, payload });
    } catch {
      return UNCACHEABLE;
    }
    const values = {
      slots: shape.slots,
      body: rawOf(req.payload),
      sentinel,
      bodySentinel,
      nonce: this.#nonce,
    };
    if (probe.query.main === null) return UNCACHEABLE;
    const main = template(real.query.main, probe.query.main, values);
    if (main === null) return UNCACHEABLE;
    let explain: StatementTemplate | null = null;
    if (real.query.explain !== null || probe.query.explain !== null) {
      if (real.query.explain === null || probe.query.explain === null) return UNCACHEABLE;
      explain = template(real.query.explain, probe.query.explain, values);
      if (explain === null) return UNCACHEABLE;
    }
    return { plan: real.plan, main, explain };
  }
}

/** The request's shape key and slot values, or `null` when its body cannot be a parameter. */
function shapeOf(url: URL, headers: Headers, req: ApiRequest): Shape | null {
  const sig = payloadSignature(req.payload);
  if (sig === null) return null;
  const slots: string[] = [];
  const query = splitShape(url.search, slots);
  const h = (name: string) => headers.get(name) ?? "\u0001";
  const key = `${req.method} ${url.pathname}?${query}\n${h("accept")}\n${h("content-type")}\n${
    h("prefer")
  }\n${h("range")}\n${h("accept-profile")}\n${h("content-profile")}\n${sig}`;
  return { key, slots };
}

function payloadSignature(p: Payload | null): string | null {
  if (p === null) return "-";
  switch (p.kind) {
    case "json":
      return `${p.isArray ? "a" : "o"}${p.raw.length === 0 ? "e" : ""}${isJsonObject(p.raw) ? "{" : "["}${
        JSON.stringify([...p.keys])
      }`;
    case "rawJson":
      return `r${isJsonObject(p.raw) ? "{" : "["}`;
    default:
      return null;
  }
}

function rawOf(p: Payload | null): Uint8Array | null {
  return p !== null && (p.kind === "json" || p.kind === "rawJson") ? p.raw : null;
}

function withRaw(p: Payload | null, raw: Uint8Array): Payload | null {
  return p !== null && (p.kind === "json" || p.kind === "rawJson") ? { ...p, raw } : p;
}

/** The query string with slot values cut out; the values (decoded) go to `slots`. */
function splitShape(search: string, slots: string[]): string {
  if (search.length <= 1) return "";
  const parts = search.slice(1).split(/[&;]/);
  for (let i = 0; i < parts.length; i++) {
    const m = SLOT.exec(parts[i]);
    if (m === null || RESERVED.has(m[1])) continue;
    slots.push(decodeQueryComponent(m[3]));
    parts[i] = `${m[1]}=${m[2]}\u0000`;
  }
  return parts.join("&");
}

/** The query string with slot `j`'s value replaced by `sentinel(j)` (ASCII: decodes to itself). */
function rewriteSearch(search: string, sentinel: (j: number) => string): string {
  if (search.length <= 1) return search;
  let j = 0;
  // Separators kept as they were: `;` and `&` both split.
  return "?" + search.slice(1).replace(/[^&;]+/g, (part) => {
    const m = SLOT.exec(part);
    if (m === null || RESERVED.has(m[1])) return part;
    return `${m[1]}=${m[2]}${sentinel(j++)}`;
  });
}

interface Values {
  readonly slots: readonly string[];
  readonly body: Uint8Array | null;
  readonly sentinel: (j: number) => string;
  readonly bodySentinel: Uint8Array;
  readonly nonce: string;
}

/**
 * A statement's template from the real and the sentinel run, or `null` when they disagree on
 * anything but the slots and the body.
 */
function template(real: RenderedSql, probe: RenderedSql, v: Values): StatementTemplate | null {
  if (real.text !== probe.text || real.params.length !== probe.params.length) return null;
  if (real.text.includes(v.nonce)) return null;
  const n = real.params.length;
  const constants: ParamValue[] = new Array(n).fill(null);
  const sources = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = real.params[i];
    const p = probe.params[i];
    if (p === v.bodySentinel) {
      if (r !== v.body) return null;
      sources[i] = BODY;
      continue;
    }
    const j = typeof p !== "string" ? -1 : v.slots.findIndex((_, k) => v.sentinel(k) === p);
    if (j >= 0) {
      if (r !== v.slots[j]) return null;
      sources[i] = j;
      continue;
    }
    // Bytes are only ever a body: any other is no constant.
    if (r !== p || p instanceof Uint8Array || (p !== null && p.includes(v.nonce))) return null;
    sources[i] = CONSTANT;
    constants[i] = p;
  }
  return { text: real.text, constants, sources };
}

function bind(t: StatementTemplate, slots: readonly string[], payload: Payload | null): RenderedSql {
  const n = t.sources.length;
  const params: ParamValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = t.sources[i];
    params[i] = s === CONSTANT ? t.constants[i] : s === BODY ? rawOf(payload) : slots[s];
  }
  return { text: t.text, params };
}
