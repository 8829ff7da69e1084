/**
 * A SIEVE cache (Zhang et al., NSDI '24), as PostgREST's `Cache/Sieve.hs` uses for JWTs.
 *
 * Input: `maxEntries` (≤ 0: the caller should not cache at all). Output: `get`/`set` with
 * hit/miss/eviction counters. Entries sit in a FIFO queue, newest at the head; a hit only sets
 * the entry's `visited` bit. On insertion into a full cache the "hand" walks from the oldest
 * entry towards the newest, clearing `visited` bits, and evicts the first unvisited entry.
 * Lookups therefore never reorder anything (cheap and contention-free), and popular entries
 * survive one-hit wonders.
 */

interface Node<K, V> {
  readonly key: K;
  value: V;
  visited: boolean;
  /** Towards the head (newer). */
  newer: Node<K, V> | null;
  /** Towards the tail (older). */
  older: Node<K, V> | null;
}

export interface CacheStats {
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

export class SieveCache<K, V> {
  readonly #map = new Map<K, Node<K, V>>();
  #head: Node<K, V> | null = null;
  #tail: Node<K, V> | null = null;
  #hand: Node<K, V> | null = null;
  #maxEntries: number;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  readonly #onEvict?: (key: K, value: V) => void;

  constructor(maxEntries: number, onEvict?: (key: K, value: V) => void) {
    this.#maxEntries = Math.max(1, maxEntries);
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Looks a key up, counting a hit or a miss; a hit marks the entry visited. */
  get(key: K): V | undefined {
    const node = this.#map.get(key);
    if (node === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    node.visited = true;
    return node.value;
  }

  /** Inserts (or replaces) an entry, evicting as SIEVE does when the cache is full. */
  set(key: K, value: V): void {
    const existing = this.#map.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.visited = true;
      return;
    }
    while (this.#map.size >= this.#maxEntries) this.#evict();
    const node: Node<K, V> = { key, value, visited: false, newer: null, older: this.#head };
    if (this.#head !== null) this.#head.newer = node;
    this.#head = node;
    if (this.#tail === null) this.#tail = node;
    this.#map.set(key, node);
  }

  /** Removes an entry (e.g. one found invalid); no eviction is counted. */
  delete(key: K): boolean {
    const node = this.#map.get(key);
    if (node === undefined) return false;
    this.#unlink(node);
    return true;
  }

  /** Changes the bound; a smaller cache shrinks on the next insertion. */
  resize(maxEntries: number): void {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  stats(): CacheStats {
    return { size: this.#map.size, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  /** Keys from newest to oldest (for tests). */
  keys(): K[] {
    const out: K[] = [];
    for (let n = this.#head; n !== null; n = n.older) out.push(n.key);
    return out;
  }

  #evict(): void {
    let node = this.#hand ?? this.#tail;
    while (node !== null && node.visited) {
      node.visited = false;
      node = node.newer ?? this.#tail;
    }
    if (node === null) return;
    this.#hand = node.newer;
    this.#unlink(node);
    this.#evictions++;
    this.#onEvict?.(node.key, node.value);
  }

  #unlink(node: Node<K, V>): void {
    if (this.#hand === node) this.#hand = node.newer;
    if (node.newer !== null) node.newer.older = node.older;
    else this.#head = node.older;
    if (node.older !== null) node.older.newer = node.newer;
    else this.#tail = node.newer;
    node.newer = node.older = null;
    this.#map.delete(node.key);
  }
}
