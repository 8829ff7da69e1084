/**
 * The production database driver: node-postgres (`npm:pg`) connections, in our pool (`pool.ts`).
 * The only file that imports `pg`.
 *
 * A transaction is one burst on one pooled connection, written with a single socket write and
 * answered in one round trip: BEGIN, each statement (Parse if not yet prepared, Bind, Execute),
 * COMMIT or ROLLBACK, Sync — all in the extended protocol. When a `check` must see the results
 * first, the burst ends with a Flush and the end is written in a second round trip. After an
 * error PostgreSQL skips to the Sync; a ROLLBACK is written right behind it.
 *
 * Pipelining across transactions: a connection may carry up to `pipelineDepth` bursts at once,
 * written one behind the other and run by PostgreSQL in order, each its own transaction. Once
 * the pool is exhausted a transaction is written behind others instead of waiting for a free
 * connection. And once as many connections are busy as PostgreSQL can use (the whole pool for a
 * remote server; as many as this machine has cores when PostgreSQL runs here, sharing them with
 * pgrst), transactions are packed onto the busy connections whose queues drain fast, rather
 * than spread over more backends: a backend then serves many transactions per wake-up, pgrst
 * reads many answers per socket read, and fewer processes compete for the cores. Only shapes
 * seen to be quick and not failing lately are pipelined; unknown, slow and failing ones (and
 * those waiting for a `check`) take a connection of their own, so nothing queues behind them.
 *
 * A burst written behind one that fails finds the transaction aborted: PostgreSQL rejects it at
 * its BEGIN (25P02) having run nothing, and it is written again, alone, behind the ROLLBACK.
 *
 * Named statements are prepared inside the burst, after `set_config('role', …)` has run, so a
 * statement that needs the role's privileges to parse still works. Each connection keeps a
 * bounded LRU of its prepared statements and closes the oldest.
 *
 * Rows come back as arrays of text: every type parser is the identity, so no JSON is parsed.
 *
 * pg still does what is delicate (connecting, authentication, reading and parsing the server's
 * messages); once connected, the messages of queries are routed here (`Mux`) instead of to pg's
 * one-query-at-a-time queue. The frontend messages of a burst are written here (`Writer`)
 * because building them with pg's serializer costs a Node `Buffer` per message and per string,
 * which under Deno was a third of the driver's CPU per transaction.
 */
// @ts-types="npm:@types/pg@8.15.6"
import pg from "pg";
import { availableParallelism } from "node:os";
import { Pool } from "./pool.ts";
import { Burst, FLUSH, SYNC, Writer } from "./wire.ts";
import { fixed, Mux, type MuxClient, type PgConnection, ShapeTimes } from "./mux.ts";
import {
  type Database,
  DbAcquireTimeout,
  DbConnectionError,
  DbServerError,
  type IsolationLevel,
  type Notification,
  type Rows,
  type Statement,
  type TxSpec,
} from "./db.ts";

export interface PgOptions {
  readonly uri: string;
  readonly poolSize: number;
  /**
   * Transactions one connection may carry at once, pipelined (default 32; 1 = one at a time).
   * Beyond 1, once the pool's connections are all busy — or, with PostgreSQL on this machine,
   * once as many are busy as there are cores — transactions are written behind others instead
   * of waiting for a free connection.
   */
  readonly pipelineDepth?: number;
  /** Seconds to wait for a free connection before failing with PGRST003. */
  readonly acquisitionTimeout: number;
  /** Seconds an idle connection is kept. */
  readonly maxIdletime: number;
  /** Seconds after which a connection is recycled (when released). */
  readonly maxLifetime: number;
  readonly applicationName: string;
  /** Prepared statements kept per connection before the oldest is deallocated. */
  readonly statementCacheSize?: number;
}

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  "read committed": "READ COMMITTED",
  "repeatable read": "REPEATABLE READ",
  "serializable": "SERIALIZABLE",
};

const identity = (v: string) => v;
const TEXT_TYPES = { getTypeParser: () => identity };

/** Statement text → prepared statement name. Names are never reused for another text. */
const statementNames = new Map<string, string>();
let statementCounter = 0;
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= 10_000) statementNames.clear();
    name = `pgrst_${++statementCounter}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A transaction joins a busy connection while idle ones remain only if the transaction at the
 * head of that connection has been running for less than this many milliseconds.
 */
const STUCK_MS = 4;
/** A transaction written behind one that failed is written again, at most this many times. */
const MAX_REWRITES = 3;

interface PgClient extends pg.Client, MuxClient {
  /** The bursts written on this connection and not yet answered. */
  pgrstMux?: Mux;
}

/**
 * The statement name to use on this connection (`null` = unnamed) and whether it must be parsed
 * first; keeps each connection's prepared statements in a bounded LRU, deallocating the oldest.
 */
function prepared(
  client: PgClient,
  s: Statement,
  cacheSize: number,
  evicted: string[],
): [string | null, boolean] {
  if (!s.prepare) return [null, true];
  const name = statementName(s.text);
  const cache = client.pgrstPrepared ??= new Map();
  if (cache.has(name)) {
    cache.delete(name); // refresh its LRU position
    cache.set(name, true);
    return [name, false];
  }
  if (cache.size >= cacheSize) {
    const oldest = cache.keys().next().value!;
    cache.delete(oldest);
    evicted.push(oldest);
  }
  return [name, true];
}

function toDbError(e: unknown, lost: boolean): Error {
  if (e instanceof Error && "severity" in e && typeof (e as { code?: unknown }).code === "string") {
    const pe = e as pg.DatabaseError;
    return new DbServerError({ code: pe.code!, message: pe.message, detail: pe.detail, hint: pe.hint });
  }
  if (e instanceof DbAcquireTimeout || e instanceof DbConnectionError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DbConnectionError(message, { lost, cause: e });
}

/** PostgreSQL on this machine: a Unix socket or a loopback address. */
function onThisMachine(client: pg.Client): boolean {
  const host = (client as unknown as { host?: string }).host ?? "";
  return host.startsWith("/") || host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** A fatal error leaves the connection unusable: it must not go back to the pool. */
function breaksConnection(e: Error): boolean {
  return e instanceof DbConnectionError || (e instanceof DbServerError && /^(08|57P0)/.test(e.code));
}

export function createPgDatabase(options: PgOptions): Database {
  const cacheSize = options.statementCacheSize ?? 500;
  const clientConfig = {
    connectionString: options.uri,
    connectionTimeoutMillis: options.acquisitionTimeout * 1000,
    fallback_application_name: options.applicationName,
    types: TEXT_TYPES,
  } as pg.ClientConfig;

  async function create(): Promise<PgClient> {
    const client = new pg.Client(clientConfig) as unknown as PgClient;
    // A connection that dies (server restart, pg_terminate_backend) emits "error": listened to,
    // or it would crash the process; the pool then skips it (its queries fail and release it as
    // broken when it was lent).
    client.on("error", () => client.pgrstDead = true);
    client.on("end", () => client.pgrstDead = true);
    try {
      await client.connect();
    } catch (e) {
      client.end().catch(() => {});
      throw toDbError(e, false);
    }
    const connection = (client as unknown as { connection: PgConnection }).connection;
    const mux = new Mux(client, connection, shapes);
    client.pgrstMux = mux;
    client.on("end", () => mux.lost(new Error("Connection terminated unexpectedly")));
    client.on("error", (e) => mux.lost(e));
    spread = Math.min(options.poolSize, onThisMachine(client) ? availableParallelism() : options.poolSize);
    return client;
  }

  /**
   * How many connections to keep busy before packing transactions onto them: PostgreSQL on this
   * machine shares its cores with pgrst, and more busy backends than cores only add context
   * switches; a remote server gets the whole pool, as with PostgREST.
   */
  let spread = options.poolSize;
  const shapes = new ShapeTimes();

  const newPool = () =>
    new Pool<PgClient>({
      max: options.poolSize,
      acquireTimeoutMs: options.acquisitionTimeout * 1000,
      idleMs: options.maxIdletime * 1000,
      lifetimeMs: options.maxLifetime * 1000,
      create,
      destroy: (c) => c.end(),
      alive: (c) => !c.pgrstDead,
      timeoutError: () => new DbAcquireTimeout(),
      share: {
        max: Math.max(1, options.pipelineDepth ?? 32),
        ok: (c) => !c.pgrstDead && !c.pgrstMux!.blocked && c.pgrstMux!.moving(STUCK_MS),
        spread: () => spread,
      },
    });
  let pool = newPool();

  async function transaction(spec: TxSpec): Promise<Rows[]> {
    const shape = spec.statements.length > 0 ? spec.statements[spec.statements.length - 1].text : "";
    // Unknown, slow and failing shapes run alone; so does a transaction written again (behind a
    // failure it was aborted once: alone, nothing can fail ahead of it).
    let alone = !shapes.quick(shape);
    for (let rewrites = 0;; rewrites++, alone = true) {
      // The pool the connection came from gets it back, even after a flush swapped the pool.
      const from = pool;
      const client = await from.acquire(alone);
      let broken = false;
      try {
        return await runBurst(client, spec, cacheSize, shape);
      } catch (e) {
        if (e instanceof CheckRejection) throw e.error;
        if (e instanceof Behind && rewrites < MAX_REWRITES) continue;
        const err = toDbError(e instanceof Behind ? e.error : e, true);
        broken = breaksConnection(err);
        throw err;
      } finally {
        from.release(client, broken);
      }
    }
  }

  async function listen(
    channel: string,
    onNotify: (n: Notification) => void,
    onLost: (e: Error) => void,
  ): Promise<() => Promise<void>> {
    const client = new pg.Client({
      connectionString: options.uri,
      fallback_application_name: options.applicationName,
      types: TEXT_TYPES,
    } as pg.ClientConfig);
    let closing = false;
    let lost = false;
    const lose = (e: Error) => {
      if (closing || lost) return;
      lost = true;
      client.end().catch(() => {});
      onLost(e);
    };
    client.on("notification", (m) => onNotify({ channel: m.channel, payload: m.payload ?? "" }));
    client.on("error", (e) => lose(e));
    client.on("end", () => lose(new Error("listener connection closed")));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (e) {
      closing = true;
      await client.end().catch(() => {});
      throw toDbError(e, false);
    }
    return async () => {
      closing = true;
      await client.end().catch(() => {});
    };
  }

  return {
    transaction,
    listen,
    stats: () => ({
      total: pool.total,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolSize,
    }),
    flush() {
      const old = pool;
      pool = newPool();
      return old.end();
    },
    close() {
      return pool.end();
    },
  };
}

/** A `check` refused the results: the transaction was rolled back, the check's error stands. */
class CheckRejection {
  constructor(readonly error: Error) {}
}

/** The burst was written behind a failed one: it ran nothing and can be written again. */
class Behind {
  constructor(readonly error: unknown) {}
}

function endMessages(w: Writer, client: PgClient, rollback: boolean, parses: (string | null)[]): void {
  if (rollback) {
    fixed(w, client, "SET CONSTRAINTS ALL IMMEDIATE", parses);
    fixed(w, client, "ROLLBACK", parses);
  } else {
    fixed(w, client, "COMMIT", parses);
  }
  w.raw(SYNC);
}

async function runBurst(client: PgClient, spec: TxSpec, cacheSize: number, shape: string): Promise<Rows[]> {
  const mux = client.pgrstMux!;
  const evicted: string[] = [];
  const w = new Writer();
  const parses: (string | null)[] = [];
  const plan = spec.statements.map((s) => prepared(client, s, cacheSize, evicted));
  for (const name of evicted) w.close(name);
  const mode = spec.readOnly ? "READ ONLY" : "READ WRITE";
  fixed(w, client, `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[spec.isolation]} ${mode}`, parses);
  const cache = client.pgrstPrepared ??= new Map();
  spec.statements.forEach((s, i) => {
    const [name, parse] = plan[i];
    if (parse) {
      w.parse(name ?? "", s.text);
      parses.push(name);
      if (name !== null) cache.set(name, true);
    }
    w.bind(name ?? "", s.params);
    w.execute();
  });
  const check = spec.check;
  if (check) w.raw(FLUSH);
  else endMessages(w, client, spec.rollback, parses);
  const burst = new Burst(w.bytes(), parses, 1 + spec.statements.length, !check);
  // A burst that waits for its check is timed with the check's round trip: not its shape's.
  if (!check) burst.shape = shape;
  mux.submit(burst);
  if (check) mux.blocked = true;
  try {
    await burst.completed;
    const results = burst.results.slice(1, 1 + spec.statements.length) as Rows[];
    if (check) {
      const rejection = check(results);
      const end = new Writer();
      if (rejection) {
        fixed(end, client, "ROLLBACK", parses);
        end.raw(SYNC);
      } else {
        endMessages(end, client, spec.rollback, parses);
      }
      burst.end(end.bytes());
      mux.blocked = false;
      await burst.done;
      if (rejection) throw new CheckRejection(rejection);
      return results;
    }
    await burst.done;
    return results;
  } catch (e) {
    if (burst.behind) throw new Behind(e);
    // Until its ReadyForQuery the connection may still be in the failed transaction; by then a
    // ROLLBACK is written, and what the next user writes goes behind it.
    await burst.done.catch(() => {});
    throw e;
  } finally {
    if (check) mux.blocked = false;
  }
}
