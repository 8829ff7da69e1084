/**
 * JSONPath evaluation: a parsed `jwt-role-claim-key` (`jsonpath.ts`) + the claims → the first
 * node it selects (RFC 9535 semantics: a comparison with a missing value is false except `==`
 * between two missing values; `<`/`>` compare numbers with numbers and strings with strings).
 */
import { compareCodePoints, isObject, JsonNumber, type JsonObject, type JsonValue } from "./json.ts";
import type { Comparable, LogicalExpr, Query, RoleClaimPath, Segment, Selector } from "./jsonpath.ts";
import { evaluateDeprecated } from "./jsonpath_deprecated.ts";

/** Children in document order: array elements, or object members by key (aeson's `KeyMap`). */
function children(v: JsonValue): readonly JsonValue[] {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return [...v.keys()].sort(compareCodePoints).map((k) => v.get(k)!);
  return [];
}

function normalizeIndex(i: number, len: number): number {
  return i >= 0 ? i : len + i;
}

function select(sel: Selector, v: JsonValue, root: JsonValue, out: JsonValue[]): void {
  switch (sel.kind) {
    case "name":
      if (isObject(v) && v.has(sel.name)) out.push(v.get(sel.name)!);
      return;
    case "index":
      if (Array.isArray(v)) {
        const i = normalizeIndex(sel.index, v.length);
        if (i >= 0 && i < v.length) out.push(v[i]);
      }
      return;
    case "slice": {
      if (!Array.isArray(v) || sel.step === 0) return;
      const len = v.length;
      const bound = (x: number | null, dflt: number, lo: number, hi: number) =>
        x === null ? dflt : Math.min(Math.max(normalizeIndex(x, len), lo), hi);
      if (sel.step > 0) {
        for (let i = bound(sel.start, 0, 0, len), end = bound(sel.end, len, 0, len); i < end; i += sel.step) {
          out.push(v[i]);
        }
      } else {
        const end = bound(sel.end, -1, -1, len - 1);
        let i = bound(sel.start, len - 1, -1, len - 1);
        while (i > end) {
          out.push(v[i]);
          i += sel.step;
        }
      }
      return;
    }
    case "wildcard":
      out.push(...children(v));
      return;
    default:
      for (const c of children(v)) if (test(sel.expr, root, c)) out.push(c);
  }
}

function descend(seg: Segment, v: JsonValue, root: JsonValue, out: JsonValue[]): void {
  for (const s of seg.selectors) select(s, v, root, out);
  for (const c of children(v)) descend(seg, c, root, out);
}

function run(q: Query, root: JsonValue, current: JsonValue): JsonValue[] {
  let nodes: JsonValue[] = [q.root === "$" ? root : current];
  for (const seg of q.segments) {
    const next: JsonValue[] = [];
    for (const n of nodes) {
      if (seg.descendant) descend(seg, n, root, next);
      else for (const s of seg.selectors) select(s, n, root, next);
    }
    nodes = next;
  }
  return nodes;
}

function value(c: Comparable, root: JsonValue, current: JsonValue): JsonValue | undefined {
  if (c.kind === "literal") return c.value;
  const nodes = run(c.query, root, current);
  return nodes.length === 1 ? nodes[0] : undefined;
}

function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    return a instanceof JsonNumber && b instanceof JsonNumber && a.value === b.value;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    return isObject(a) && isObject(b) && a.size === b.size &&
      [...a].every(([k, x]) => b.has(k) && equal(x, b.get(k)));
  }
  return a === b;
}

function less(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a instanceof JsonNumber && b instanceof JsonNumber) return a.value < b.value;
  return typeof a === "string" && typeof b === "string" && compareCodePoints(a, b) < 0;
}

const regexes = new Map<string, RegExp | null>();

function search(v: JsonValue | undefined, pattern: JsonValue | undefined): boolean {
  if (typeof v !== "string" || typeof pattern !== "string") return false;
  let re = regexes.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = null;
    }
    if (regexes.size < 1000) regexes.set(pattern, re);
  }
  return re !== null && re.test(v);
}

function test(e: LogicalExpr, root: JsonValue, current: JsonValue): boolean {
  switch (e.kind) {
    case "or":
      return e.items.some((x) => test(x, root, current));
    case "and":
      return e.items.every((x) => test(x, root, current));
    case "not":
      return !test(e.expr, root, current);
    case "test":
      return run(e.query, root, current).length > 0;
    case "search":
      return search(value(e.value, root, current), value(e.pattern, root, current));
    default: {
      const l = value(e.left, root, current);
      const r = value(e.right, root, current);
      switch (e.op) {
        case "==":
          return equal(l, r);
        case "!=":
          return !equal(l, r);
        case "<":
          return less(l, r);
        case "<=":
          return less(l, r) || equal(l, r);
        case ">":
          return less(r, l);
        default:
          return less(r, l) || equal(l, r);
      }
    }
  }
}

/** The first node `query` selects in `doc`, or `undefined`. */
export function evaluateJsonPath(query: Query, doc: JsonValue): JsonValue | undefined {
  return run(query, doc, doc)[0];
}

/** The role claim: the first value the configured path selects in the claims. */
export function evaluateRoleClaim(path: RoleClaimPath, claims: JsonObject): JsonValue | undefined {
  return path.kind === "jsonpath"
    ? evaluateJsonPath(path.query, claims)
    : evaluateDeprecated(path.path, claims);
}
