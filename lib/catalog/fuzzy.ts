/**
 * Approximate name matching for error hints, and catalog lookups (input: a `Catalog` and a name
 * from the request; output: the matching objects, or a "Perhaps you meant …" hint).
 *
 * `FuzzySet` is the algorithm of fuzzyset.js and of the Haskell `fuzzyset` package PostgREST
 * uses: each entry is indexed by its 2- and 3-grams (of the lower-cased text with everything but
 * letters, digits, spaces and commas removed, enclosed in `-`); a lookup scores entries by cosine
 * similarity of gram counts, trying 3-grams first and 2-grams when nothing matches, re-scores
 * the best 50 by normalized Levenshtein similarity and keeps those at or above the minimum score.
 * An exact (case-insensitive) match scores 1.
 */
import type { Catalog, Relationship, Routine, Table } from "./types.ts";
import { qiKey, relationshipMapKey } from "./types.ts";
import { compareText, relationshipSchema } from "./relationships.ts";

interface Item {
  readonly magnitude: number;
  /** The entry in lower case. */
  readonly entry: string;
}

const WORD = /[\p{L}\p{N}\t\n\v\f\r \u00a0\p{Zs},]/u;

/** Code points of the normalized text enclosed in `-`: `"Destroido Corp."` → `-destroido corp-`. */
function gramSource(value: string): string[] {
  return ["-", ...Array.from(value.toLowerCase()).filter((c) => WORD.test(c)), "-"];
}

/** Gram → count: `gramVector("xxxx", 2)` is `{-x: 1, xx: 3, x-: 1}`. */
export function gramVector(value: string, size: number): Map<string, number> {
  const chars = gramSource(value);
  const grams = new Map<string, number>();
  for (let i = 0; i + size <= chars.length; i++) {
    const gram = chars.slice(i, i + size).join("");
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

const magnitude = (counts: Iterable<number>) => {
  let sum = 0;
  for (const c of counts) sum += c * c;
  return Math.sqrt(sum);
};

/** Levenshtein distance over code points. */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a), y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

/**
 * `1 - distance / longer length` (1 for two empty strings), text-metrics' `levenshteinNorm`.
 * Computed as `(length - distance) / length`: Haskell evaluates it as an exact ratio, and
 * `1 - d / n` in floating point can differ in the last digit.
 */
export function levenshteinSimilarity(a: string, b: string): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  return longest === 0 ? 1 : (longest - levenshtein(a, b)) / longest;
}

export class FuzzySet {
  readonly #exact = new Map<string, string>();
  readonly #grams = new Map<string, [index: number, count: number][]>();
  readonly #items = new Map<number, Item[]>();
  readonly #lower: number;
  readonly #upper: number;
  readonly #useLevenshtein: boolean;

  constructor(
    values: Iterable<string> = [],
    options: { gramSizeLower?: number; gramSizeUpper?: number; useLevenshtein?: boolean } = {},
  ) {
    this.#lower = options.gramSizeLower ?? 2;
    this.#upper = options.gramSizeUpper ?? 3;
    this.#useLevenshtein = options.useLevenshtein ?? true;
    for (const v of values) this.add(v);
  }

  get size(): number {
    return this.#exact.size;
  }

  /** Adds a value; false when an entry equal ignoring case is already there. */
  add(value: string): boolean {
    const key = value.toLowerCase();
    if (this.#exact.has(key)) return false;
    for (let size = this.#lower; size <= this.#upper; size++) {
      const items = this.#items.get(size) ?? [];
      const grams = gramVector(key, size);
      for (const [gram, count] of grams) {
        const infos = this.#grams.get(gram);
        if (infos) infos.push([items.length, count]);
        else this.#grams.set(gram, [[items.length, count]]);
      }
      items.push({ magnitude: magnitude(grams.values()), entry: key });
      this.#items.set(size, items);
    }
    this.#exact.set(key, value);
    return true;
  }

  /** Matches scoring at least `minScore` (default 0.33), best first, as `[score, value]`. */
  get(value: string, minScore = 0.33): [number, string][] {
    const key = value.toLowerCase();
    const exact = this.#exact.get(key);
    if (exact !== undefined) return [[1, exact]];
    for (let size = this.#upper; size >= this.#lower; size--) {
      const found = this.#matches(key, minScore, size);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** The best match scoring at least 0.33. */
  getOne(value: string): string | null {
    return this.getOneWithMinScore(0.33, value);
  }

  getOneWithMinScore(minScore: number, value: string): string | null {
    return this.get(value, minScore)[0]?.[1] ?? null;
  }

  #matches(key: string, minScore: number, size: number): [number, string][] {
    const query = gramVector(key, size);
    const dots = new Map<number, number>();
    for (const [gram, count] of query) {
      for (const [index, itemCount] of this.#grams.get(gram) ?? []) {
        dots.set(index, (dots.get(index) ?? 0) + count * itemCount);
      }
    }
    const items = this.#items.get(size) ?? [];
    const queryMagnitude = magnitude(query.values());
    let scored = [...dots].sort(([a], [b]) => a - b).map(([index, dot]): [number, string] => [
      dot / (queryMagnitude * items[index].magnitude),
      items[index].entry,
    ]);
    scored.sort((a, b) => b[0] - a[0]);
    if (this.#useLevenshtein) {
      scored = scored.slice(0, 50).map((
        [, entry],
      ): [number, string] => [levenshteinSimilarity(key, entry), entry]);
      scored.sort((a, b) => b[0] - a[0]);
    }
    return scored.filter(([score]) => score >= minScore).map((
      [score, entry],
    ) => [score, this.#exact.get(entry)!]);
  }
}

// --- lookups ---------------------------------------------------------------------------------

export function findTable(catalog: Pick<Catalog, "tables">, schema: string, name: string): Table | undefined {
  return catalog.tables.get(qiKey(schema, name));
}

/** Overloads of `schema.name`, fewest parameters first; empty when there is none. */
export function findRoutines(
  catalog: Pick<Catalog, "routines">,
  schema: string,
  name: string,
): readonly Routine[] {
  return catalog.routines.get(qiKey(schema, name)) ?? [];
}

/**
 * Relationships from `schema.table` to relations (or through functions) of the same schema, the
 * entry `(table, schema)` of PostgREST's relationships map, in PostgREST's order.
 */
export function findRelationships(
  catalog: Pick<Catalog, "relationships">,
  schema: string,
  table: string,
): Relationship[] {
  return (catalog.relationships.get(qiKey(schema, table)) ?? []).filter((r) =>
    relationshipSchema(r) === schema
  );
}

// --- hints -----------------------------------------------------------------------------------

/** PostgREST builds no table index for schemas this large (the fuzzy set is memory heavy). */
const MAX_TABLES_FOR_FUZZY_SEARCH = 500;
/** Table and function names are hinted only when this close (names should not leak). */
const MIN_NAME_SCORE = 0.75;

const tableIndexes = new WeakMap<object, Map<string, FuzzySet | null>>();
const routineIndexes = new WeakMap<object, Map<string, FuzzySet>>();

function memo<T>(cache: WeakMap<object, Map<string, T>>, owner: object, schema: string, build: () => T): T {
  let bySchema = cache.get(owner);
  if (!bySchema) cache.set(owner, bySchema = new Map());
  if (!bySchema.has(schema)) bySchema.set(schema, build());
  return bySchema.get(schema)!;
}

/** `Perhaps you meant the table 'api.films'` for a table name close to `name` (PGRST205). */
export function tableNotFoundHint(
  catalog: Pick<Catalog, "tables">,
  schema: string,
  name: string,
): string | null {
  const index = memo(tableIndexes, catalog.tables, schema, () => {
    const names = [...catalog.tables.values()].filter((t) => t.schema === schema).map((t) => t.name);
    return names.length < MAX_TABLES_FOR_FUZZY_SEARCH ? new FuzzySet(names) : null;
  });
  const found = index?.getOneWithMinScore(MIN_NAME_SCORE, name) ?? null;
  return found === null ? null : `Perhaps you meant the table '${schema}.${found}'`;
}

/**
 * For PGRST200: when `parent` has relationships in `schema`, suggests a target close to `child`
 * (`Perhaps you meant 'roles' instead of 'role'.`), otherwise a table close to `parent`.
 * Nothing when the child matches exactly (the hint was the problem) or nothing is close.
 */
export function noRelBetweenHint(
  catalog: Pick<Catalog, "relationships" | "relationshipKeys">,
  parent: string,
  child: string,
  schema: string,
): string | null {
  const parentRels = findRelationships(catalog, schema, parent);
  // The parent is "found" when the map has its entry, even one whose relationships were all
  // dropped as internal (then no child is close and there is no hint).
  const keys = catalog.relationshipKeys;
  const parentFound = keys
    ? keys.has(relationshipMapKey({ schema, name: parent }, schema))
    : parentRels.length > 0;
  if (parentFound) {
    const children = new FuzzySet(parentRels.map((r) => r.foreignTable.name));
    const suggestion = children.get(child).find(([score]) => score < 1);
    return suggestion ? `Perhaps you meant '${suggestion[1]}' instead of '${child}'.` : null;
  }
  const parents: string[] = [];
  if (keys) {
    for (const key of keys) {
      const [, name, target] = key.split("\0");
      if (target === schema) parents.push(name);
    }
  } else {
    for (const rels of catalog.relationships.values()) {
      for (const r of rels) if (relationshipSchema(r) === schema) parents.push(r.table.name);
    }
  }
  const suggestion = new FuzzySet(parents).getOne(parent);
  return suggestion === null ? null : `Perhaps you meant '${suggestion}' instead of '${parent}'.`;
}

/**
 * For PGRST202: without overloads of `name`, a function of `schema` with a close name
 * (`Perhaps you meant to call the function api.test`); with overloads, the closest parameter set
 * (`Perhaps you meant to call the function api.test(name, param, val)`).
 */
export function noRpcHint(
  catalog: Pick<Catalog, "routines">,
  schema: string,
  name: string,
  argumentKeys: readonly string[],
  overloads: readonly { readonly params: readonly { readonly name: string }[] }[],
): string | null {
  const prefix = `Perhaps you meant to call the function ${schema}.`;
  const paramList = (names: readonly string[]) => `(${[...names].sort(compareText).join(", ")})`;
  if (overloads.length === 0) {
    const index = memo(routineIndexes, catalog.routines, schema, () => {
      const names: string[] = [];
      for (const key of catalog.routines.keys()) {
        const [s, n] = key.split("\0");
        if (s === schema) names.push(n);
      }
      return new FuzzySet(names);
    });
    const found = index.getOneWithMinScore(MIN_NAME_SCORE, name);
    return found === null ? null : prefix + found;
  }
  const found = new FuzzySet(overloads.map((o) => paramList(o.params.map((p) => p.name)))).getOne(
    paramList(argumentKeys),
  );
  return found === null ? null : prefix + name + found;
}
