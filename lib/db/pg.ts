/**
 * The production database driver: node-postgres (`npm:pg`) connections, in our pool (`pool.ts`).
 * The only file that imports `pg`.
 *
 * A transaction is one burst on one pooled connection, written with a single socket write and
 * answered in one round trip: BEGIN, each statement (Parse if not yet prepared, Bind, Execute),
 * COMMIT or ROLLBACK, Sync — all in the extended protocol, handled by one pg "submittable"
 * rather than a pg Query per statement. When a `check` must see the results first, the burst
 * ends with a Flush and the end is written in a second round trip. After an error PostgreSQL
 * skips to the Sync; the transaction is then rolled back (one more round trip, errors only).
 *
 * Named statements are prepared inside the burst, after `set_config('role', …)` has run, so a
 * statement that needs the role's privileges to parse still works. Each connection keeps a
 * bounded LRU of its prepared statements and closes the oldest.
 *
 * Rows come back as arrays of text: every type parser is the identity, so no JSON is parsed.
 *
 * pg still does what is delicate (connecting, authentication, reading and parsing the server's
 * messages); the frontend messages of a burst are written here (`Writer`) because building them
 * with pg's serializer costs a Node `Buffer` per message and per string, which under Deno was a
 * third of the driver's CPU per transaction.
 */
// @ts-types="npm:@types/pg@8.15.6"
import pg from "pg";
import { Pool } from "./pool.ts";
import { Burst, FLUSH, SYNC, Writer } from "./wire.ts";
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

interface PgClient extends pg.Client {
  /** The connection died (an "error" or "end" event). */
  pgrstDead?: boolean;
  /** Prepared statement names on this connection, oldest first. */
  pgrstPrepared?: Map<string, true>;
  /** Fixed statements (BEGIN, COMMIT…) prepared on this connection. */
  pgrstFixed?: Set<string>;
  /** The transaction running on this connection (it counts the ParseComplete replies). */
  pgrstBurst?: { parseComplete(): void };
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
    // pg does not pass ParseComplete to custom submittables: count them for the burst.
    (client as unknown as { connection: { on(e: string, f: () => void): void } }).connection
      .on("parseComplete", () => client.pgrstBurst?.parseComplete());
    try {
      await client.connect();
    } catch (e) {
      client.end().catch(() => {});
      throw toDbError(e, false);
    }
    return client;
  }

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
    });
  let pool = newPool();

  async function transaction(spec: TxSpec): Promise<Rows[]> {
    // The pool the connection came from gets it back, even after a flush swapped the pool.
    const from = pool;
    const client = await from.acquire();
    let broken = false;
    try {
      return await runBurst(client, spec, cacheSize);
    } catch (e) {
      if (e instanceof CheckRejection) throw e.error;
      const err = toDbError(e, true);
      broken = breaksConnection(err);
      // A failed statement leaves the transaction open (and aborted): end it.
      if (!broken && err instanceof DbServerError) {
        await client.query({ text: "ROLLBACK", rowMode: "array" }).catch(() => broken = true);
      }
      throw err;
    } finally {
      from.release(client, broken);
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

/** Names of the fixed statements (BEGIN …, COMMIT, ROLLBACK…), prepared once per connection. */
const FIXED = new Map<string, string>();

/**
 * Bind + Execute of a parameterless statement such as BEGIN, with its Parse the first time on
 * this connection (its name is then recorded in `parses`, to be marked prepared when it parsed).
 */
function fixed(w: Writer, client: PgClient, text: string, parses: (string | null)[]): void {
  let name = FIXED.get(text);
  if (name === undefined) FIXED.set(text, name = `pgrst_fixed_${FIXED.size + 1}`);
  if (!client.pgrstFixed?.has(name)) {
    parses.push(name);
    w.parse(name, text);
  }
  w.bind(name, []);
  w.execute();
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

async function runBurst(client: PgClient, spec: TxSpec, cacheSize: number): Promise<Rows[]> {
  const evicted: string[] = [];
  const w = new Writer();
  const parses: (string | null)[] = [];
  const plan = spec.statements.map((s) => prepared(client, s, cacheSize, evicted));
  for (const name of evicted) w.close(name);
  const mode = spec.readOnly ? "READ ONLY" : "READ WRITE";
  fixed(w, client, `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[spec.isolation]} ${mode}`, parses);
  spec.statements.forEach((s, i) => {
    const [name, parse] = plan[i];
    if (parse) {
      w.parse(name ?? "", s.text);
      parses.push(name);
    }
    w.bind(name ?? "", s.params);
    w.execute();
  });
  const check = spec.check;
  if (check) w.raw(FLUSH);
  else endMessages(w, client, spec.rollback, parses);
  const cache = client.pgrstPrepared ??= new Map();
  const fixedNames = client.pgrstFixed ??= new Set();
  const burst = new Burst(w.bytes(), parses, 1 + spec.statements.length, !check, (name) => {
    if (name.startsWith("pgrst_fixed_")) fixedNames.add(name);
    else cache.set(name, true);
  });
  client.pgrstBurst = burst;
  try {
    client.query(burst as unknown as pg.QueryConfig);
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
      await burst.done;
      if (rejection) throw new CheckRejection(rejection);
      return results;
    }
    await burst.done;
    return results;
  } finally {
    client.pgrstBurst = undefined;
  }
}
