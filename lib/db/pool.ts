/**
 * A small connection pool (PostgREST's `db-pool*` semantics) with no timer per request: up to
 * `max` connections opened on demand, most recently used first; callers beyond that wait in
 * order, failing after `acquireTimeoutMs`; connections idle longer than `idleMs` are closed, and
 * any connection older than `lifetimeMs` is recycled when released. One sweeper timer runs
 * only while there is something to sweep (idle connections or waiters).
 *
 * With `share`, a connection may carry several users at once (transactions pipelined one behind
 * the other, below `share.max` and while `share.ok`): once `share.spread` are lent, a caller
 * joins the busiest lent connection that can take one more (packing work onto few connections),
 * else takes an idle or new one, else joins the least busy that can rather than wait. A shared connection goes back to
 * the pool when its last user releases it. A caller `alone` neither joins nor can be joined.
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
  /** Sharing of lent connections; without it each connection has one user at a time. */
  share?: {
    /** Users a connection may have at once. */
    readonly max: number;
    /**
     * Whether this lent connection can take another user now (one written behind it would be
     * answered soon). Only such connections are joined: once `spread` connections are lent, even
     * while idle ones remain; otherwise once every connection is open and lent (else the caller
     * waits, as without `share`).
     */
    ok(conn: C): boolean;
    /** Lent connections before callers start joining them while others are idle. */
    spread(): number;
  };
  now?: () => number;
}

interface Entry<C> {
  readonly conn: C;
  readonly born: number;
  idleSince: number;
  /** Users holding it (0 while idle). */
  users: number;
  /** Released as broken by one of its users: closed when the last one releases it. */
  broken: boolean;
  /** Lent to a user nobody may join. */
  alone: boolean;
}

interface Waiter<C> {
  readonly resolve: (conn: C) => void;
  readonly reject: (e: unknown) => void;
  readonly deadline: number;
  readonly alone: boolean;
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

  /**
   * A connection: shared (with `share` set and nobody waiting) when `spread` are lent and one can
   * take another user, else an idle one, else a new one, else shared with the least busy that
   * can, else the first to come back. `alone`: only a connection nobody else uses, and nobody may join it.
   */
  async acquire(alone = false): Promise<C> {
    if (this.#ended) throw new Error("the pool is closed");
    const now = this.#now();
    const sharing = !alone && this.#o.share !== undefined && this.#waiters.length === 0;
    if (sharing && this.#busy.size >= this.#o.share!.spread()) {
      const packed = this.#pick(now, true);
      if (packed) return this.#join(packed);
    }
    for (let e = this.#idle.pop(); e !== undefined; e = this.#idle.pop()) {
      if (now - e.born < this.#o.lifetimeMs && (this.#o.alive?.(e.conn) ?? true)) return this.#lend(e, alone);
      this.#destroy(e.conn);
    }
    if (this.total < this.#o.max) return this.#lend(await this.#open(), alone);
    const shared = sharing ? this.#pick(now, false) : undefined;
    if (shared) return this.#join(shared);
    return await new Promise<C>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, deadline: now + this.#o.acquireTimeoutMs, alone });
      this.#startSweeper();
    });
  }

  /** Gives a connection back; `broken` ones are closed (a waiter then gets a new one). */
  release(conn: C, broken = false): void {
    const e = this.#busy.get(conn);
    if (!e) return;
    e.broken ||= broken;
    if (--e.users > 0) {
      // Still in use: the first waiter may share it, if it can take one more user.
      const first = this.#waiters[0];
      if (first !== undefined && !first.alone && this.#canShare(e, this.#now())) {
        this.#waiters.shift();
        first.resolve(this.#join(e));
      }
      return;
    }
    this.#busy.delete(conn);
    if (e.broken || this.#ended || this.#now() - e.born >= this.#o.lifetimeMs) {
      this.#destroy(conn);
      if (this.#ended && this.#busy.size === 0) this.#drained?.();
      this.#serveWaiterWithNew();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) return waiter.resolve(this.#lend(e, waiter.alone));
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

  #lend(e: Entry<C>, alone = false): C {
    e.users = 1;
    e.alone = alone;
    e.broken = false;
    this.#busy.set(e.conn, e);
    return e.conn;
  }

  #join(e: Entry<C>): C {
    e.users++;
    return e.conn;
  }

  /**
   * The lent connection that can take another user with the most users (`busiest`: packing
   * transactions onto few connections lets each backend serve several per wake-up) or the fewest.
   */
  #pick(now: number, busiest: boolean): Entry<C> | undefined {
    let best: Entry<C> | undefined;
    for (const e of this.#busy.values()) {
      if (best !== undefined && (busiest ? e.users <= best.users : e.users >= best.users)) continue;
      if (this.#canShare(e, now)) best = e;
    }
    return best;
  }

  #canShare(e: Entry<C>, now: number): boolean {
    const share = this.#o.share;
    return share !== undefined && e.users < share.max && !e.alone && !e.broken &&
      now - e.born < this.#o.lifetimeMs && share.ok(e.conn);
  }

  async #open(): Promise<Entry<C>> {
    this.#opening++;
    try {
      const conn = await this.#o.create();
      const now = this.#now();
      return { conn, born: now, idleSince: now, users: 0, broken: false, alone: false };
    } finally {
      this.#opening--;
    }
  }

  #serveWaiterWithNew(): void {
    if (this.#waiters.length === 0 || this.#ended || this.total >= this.#o.max) return;
    const waiter = this.#waiters.shift()!;
    this.#open().then((e) => waiter.resolve(this.#lend(e, waiter.alone)), waiter.reject);
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
