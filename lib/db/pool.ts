/**
 * A small connection pool (PostgREST's `db-pool*` semantics) with no timer per request: up to
 * `max` connections opened on demand, most recently used first; callers beyond that wait in
 * order, failing after `acquireTimeoutMs`; connections idle longer than `idleMs` are closed, and
 * any connection older than `lifetimeMs` is recycled when released. One sweeper timer runs
 * only while there is something to sweep (idle connections or waiters).
 *
 * Generic over the connection type: `pg.ts` plugs in node-postgres clients.
 */

export interface PoolOptions<C> {
  readonly max: number;
  readonly acquireTimeoutMs: number;
  readonly idleMs: number;
  readonly lifetimeMs: number;
  create(): Promise<C>;
  destroy(conn: C): Promise<void>;
  /** A connection that died while idle is closed instead of lent. */
  alive?(conn: C): boolean;
  /** The error a waiter gets after `acquireTimeoutMs`. */
  timeoutError(): Error;
  now?: () => number;
}

interface Entry<C> {
  readonly conn: C;
  readonly born: number;
  idleSince: number;
}

interface Waiter<C> {
  readonly resolve: (e: Entry<C>) => void;
  readonly reject: (e: unknown) => void;
  readonly deadline: number;
}

const SWEEP_MS = 100;

export class Pool<C> {
  readonly #o: PoolOptions<C>;
  readonly #now: () => number;
  readonly #idle: Entry<C>[] = [];
  readonly #busy = new Map<C, Entry<C>>();
  #opening = 0;
  readonly #waiters: Waiter<C>[] = [];
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #ended = false;
  /** Connections being closed, so `end()` can wait for them. */
  readonly #closing = new Set<Promise<void>>();
  #drained: (() => void) | null = null;

  constructor(options: PoolOptions<C>) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get total(): number {
    return this.#idle.length + this.#busy.size + this.#opening;
  }
  get idleCount(): number {
    return this.#idle.length;
  }
  get waitingCount(): number {
    return this.#waiters.length;
  }

  async acquire(): Promise<C> {
    if (this.#ended) throw new Error("the pool is closed");
    const now = this.#now();
    for (let e = this.#idle.pop(); e !== undefined; e = this.#idle.pop()) {
      if (now - e.born < this.#o.lifetimeMs && (this.#o.alive?.(e.conn) ?? true)) return this.#lend(e);
      this.#destroy(e.conn);
    }
    if (this.total < this.#o.max) return this.#lend(await this.#open());
    const entry = await new Promise<Entry<C>>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, deadline: now + this.#o.acquireTimeoutMs });
      this.#startSweeper();
    });
    return this.#lend(entry);
  }

  /** Gives a connection back; `broken` ones are closed (a waiter then gets a new one). */
  release(conn: C, broken = false): void {
    const e = this.#busy.get(conn);
    if (!e) return;
    this.#busy.delete(conn);
    if (broken || this.#ended || this.#now() - e.born >= this.#o.lifetimeMs) {
      this.#destroy(conn);
      if (this.#ended && this.#busy.size === 0) this.#drained?.();
      this.#serveWaiterWithNew();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) return waiter.resolve(e);
    e.idleSince = this.#now();
    this.#idle.push(e);
    this.#startSweeper();
  }

  /** Closes idle connections now and every busy one when released; resolves when all are closed. */
  async end(): Promise<void> {
    this.#ended = true;
    for (const e of this.#idle.splice(0)) this.#destroy(e.conn);
    for (const w of this.#waiters.splice(0)) w.reject(new Error("the pool is closed"));
    this.#stopSweeper();
    if (this.#busy.size > 0) await new Promise<void>((resolve) => this.#drained = resolve);
    await Promise.all(this.#closing);
  }

  #destroy(conn: C): void {
    const p = this.#o.destroy(conn).catch(() => {}).finally(() => this.#closing.delete(p));
    this.#closing.add(p);
  }

  #lend(e: Entry<C>): C {
    this.#busy.set(e.conn, e);
    return e.conn;
  }

  async #open(): Promise<Entry<C>> {
    this.#opening++;
    try {
      const conn = await this.#o.create();
      const now = this.#now();
      return { conn, born: now, idleSince: now };
    } finally {
      this.#opening--;
    }
  }

  #serveWaiterWithNew(): void {
    if (this.#waiters.length === 0 || this.#ended || this.total >= this.#o.max) return;
    const waiter = this.#waiters.shift()!;
    this.#open().then(waiter.resolve, waiter.reject);
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    // It runs only while there are idle connections (open sockets keep the process alive anyway)
    // or waiters (whose timeout must fire); `end()` stops it.
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS);
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #sweep(): void {
    const now = this.#now();
    while (this.#waiters.length > 0 && this.#waiters[0].deadline <= now) {
      this.#waiters.shift()!.reject(this.#o.timeoutError());
    }
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const e = this.#idle[i];
      if (now - e.idleSince >= this.#o.idleMs || now - e.born >= this.#o.lifetimeMs) {
        this.#idle.splice(i, 1);
        this.#destroy(e.conn);
      }
    }
    if (this.#idle.length === 0 && this.#waiters.length === 0) this.#stopSweeper();
  }
}
