/**
 * The production database driver: node-postgres (`npm:pg`), its connections, pool and wire
 * protocol (`pg-protocol`). The only file that imports them.
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
 */
// @ts-types="npm:@types/pg@8.15.6"
import pg from "pg";
import { serialize } from "pg-protocol";
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
import { deferred } from "../deferred.ts";

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

interface PgClient extends pg.PoolClient {
  /** Prepared statement names on this connection, oldest first. */
  pgrstPrepared?: Map<string, true>;
  /** Fixed statements (BEGIN, COMMIT…) prepared on this connection. */
  pgrstFixed?: Set<string>;
  /** The transaction running on this connection (it counts the ParseComplete replies). */
  pgrstBurst?: { parseComplete(): void };
  connection: {
    parsedStatements: Record<string, string>;
    stream: { write(chunk: Uint8Array): boolean; cork(): void; uncork(): void };
  };
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
  if (e instanceof Error && e.message === "timeout exceeded when trying to connect") {
    return new DbAcquireTimeout();
  }
  const message = e instanceof Error ? e.message : String(e);
  return new DbConnectionError(message, { lost, cause: e });
}

/** A fatal error leaves the connection unusable: it must not go back to the pool. */
function breaksConnection(e: Error): boolean {
  return e instanceof DbConnectionError || (e instanceof DbServerError && /^(08|57P0)/.test(e.code));
}

export function createPgDatabase(options: PgOptions): Database {
  const cacheSize = options.statementCacheSize ?? 500;
  const poolConfig = {
    connectionString: options.uri,
    max: options.poolSize,
    connectionTimeoutMillis: options.acquisitionTimeout * 1000,
    idleTimeoutMillis: options.maxIdletime * 1000,
    maxLifetimeSeconds: options.maxLifetime,
    fallback_application_name: options.applicationName,
    types: TEXT_TYPES,
  } as pg.PoolConfig;
  // Idle clients that die (server restart, pg_terminate_backend) emit errors on the pool; a
  // client that dies while checked out emits "error" itself (its queries reject as well, and the
  // transaction releases it as broken): both must be listened to or they crash the process.
  const onPoolError = () => {};
  const onConnect = (client: pg.PoolClient) => {
    client.on("error", () => {});
    // pg does not pass ParseComplete to custom submittables: count them for the burst.
    const c = client as PgClient;
    (c as unknown as { connection: { on(e: string, f: () => void): void } }).connection.on(
      "parseComplete",
      () => c.pgrstBurst?.parseComplete(),
    );
  };
  const newPool = () => {
    const p = new pg.Pool(poolConfig);
    p.on("error", onPoolError);
    p.on("connect", onConnect);
    return p;
  };
  let pool = newPool();

  async function acquire(): Promise<PgClient> {
    try {
      return await pool.connect() as PgClient;
    } catch (e) {
      throw toDbError(e, false);
    }
  }

  async function transaction(spec: TxSpec): Promise<Rows[]> {
    const client = await acquire();
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
      client.release(broken ? new Error("connection broken") : undefined);
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
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolSize,
    }),
    async flush() {
      const old = pool;
      pool = newPool();
      await old.end();
    },
    async close() {
      await pool.end();
    },
  };
}

/** A `check` refused the results: the transaction was rolled back, the check's error stands. */
class CheckRejection {
  constructor(readonly error: Error) {}
}

/**
 * One transaction as ONE pg "submittable" on the connection: every message of the burst is
 * written at once (Close of evicted statements, BEGIN, each statement as Parse?/Bind/Execute,
 * COMMIT, Sync) and the replies are collected here, without a pg Query object per statement.
 * With a `check`, the burst stops at a Flush; the end (COMMIT/ROLLBACK + Sync) is written once
 * the check has seen the results.
 */
class Burst {
  readonly results: (string | null)[][][] = [];
  #current: (string | null)[][] = [];
  readonly #expected: number;
  readonly #parses: (string | null)[];
  #parsed = 0;
  readonly #onParsed: (name: string) => void;
  readonly #messages: Uint8Array;
  readonly #results = deferred<void>();
  readonly #done = deferred<void>();
  #connection: { stream: { write(b: Uint8Array): boolean }; sync(): void } | null = null;
  #ended: boolean;

  constructor(
    messages: Uint8Array,
    parses: (string | null)[],
    expectedCommands: number,
    ended: boolean,
    onParsed: (name: string) => void,
  ) {
    this.#messages = messages;
    this.#parses = parses;
    this.#expected = expectedCommands;
    this.#ended = ended;
    this.#onParsed = onParsed;
    // Rejections are observed by whoever awaits; never unhandled.
    this.#results.promise.catch(() => {});
    this.#done.promise.catch(() => {});
  }

  /** Resolves when every statement's command has completed. */
  get completed(): Promise<void> {
    return this.#results.promise;
  }
  /** Resolves at ReadyForQuery (the end of the burst). */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Writes the end of the transaction after a check (then Sync). */
  end(messages: Uint8Array): void {
    this.#ended = true;
    this.#connection!.stream.write(messages);
  }

  // ---- pg's submittable protocol
  submit(connection: { stream: { write(b: Uint8Array): boolean }; sync(): void }): null {
    this.#connection = connection;
    connection.stream.write(this.#messages);
    return null;
  }
  parseComplete(): void {
    const name = this.#parses[this.#parsed++];
    if (name) this.#onParsed(name);
  }
  handleRowDescription(): void {}
  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.#current.push(msg.fields);
  }
  handleCommandComplete(): void {
    this.results.push(this.#current);
    this.#current = [];
    if (this.results.length === this.#expected) this.#results.resolve();
  }
  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: { sendCopyFail(m: string): void }): void {
    connection.sendCopyFail("COPY is not supported");
  }
  handleCopyData(): void {}
  handleError(err: unknown): void {
    // Without an end written yet, PostgreSQL waits for a Sync before it answers again.
    if (!this.#ended && this.#connection && !(err instanceof Error && !("severity" in err))) {
      this.#connection.sync();
    }
    this.#ended = true;
    this.#results.reject(err);
    this.#done.reject(err);
  }
  handleReadyForQuery(): void {
    this.#done.resolve();
  }
}

const concatBuffers = (chunks: readonly Uint8Array[]): Uint8Array => {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

const SYNC = serialize.sync();
const FLUSH = serialize.flush();

/** Names of the fixed statements (BEGIN …, COMMIT, ROLLBACK…), prepared once per connection. */
const FIXED = new Map<string, string>();

/**
 * Bind + Execute of a parameterless statement such as BEGIN, with its Parse the first time on
 * this connection (its name is then recorded in `parses`, to be marked prepared when it parsed).
 */
function fixed(client: PgClient, text: string, parses: (string | null)[]): Uint8Array[] {
  let name = FIXED.get(text);
  if (name === undefined) FIXED.set(text, name = `pgrst_fixed_${FIXED.size + 1}`);
  const bindExecute = [serialize.bind({ statement: name }), serialize.execute({})];
  if (client.pgrstFixed?.has(name)) return bindExecute;
  parses.push(name);
  return [serialize.parse({ name, text }), ...bindExecute];
}

function endMessages(client: PgClient, rollback: boolean, parses: (string | null)[]): Uint8Array[] {
  return rollback
    ? [...fixed(client, "SET CONSTRAINTS ALL IMMEDIATE", parses), ...fixed(client, "ROLLBACK", parses), SYNC]
    : [...fixed(client, "COMMIT", parses), SYNC];
}

async function runBurst(client: PgClient, spec: TxSpec, cacheSize: number): Promise<Rows[]> {
  const evicted: string[] = [];
  const chunks: Uint8Array[] = [];
  const parses: (string | null)[] = [];
  const plan = spec.statements.map((s) => prepared(client, s, cacheSize, evicted));
  for (const name of evicted) chunks.push(serialize.close({ type: "S", name }));
  const mode = spec.readOnly ? "READ ONLY" : "READ WRITE";
  chunks.push(...fixed(client, `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[spec.isolation]} ${mode}`, parses));
  spec.statements.forEach((s, i) => {
    const [name, parse] = plan[i];
    if (parse) {
      chunks.push(serialize.parse({ name: name ?? "", text: s.text }));
      parses.push(name);
    }
    chunks.push(
      serialize.bind({ statement: name ?? "", values: s.params as (string | null)[] }),
      serialize.execute({}),
    );
  });
  const check = spec.check;
  if (check) chunks.push(FLUSH);
  else chunks.push(...endMessages(client, spec.rollback, parses));
  const cache = client.pgrstPrepared ??= new Map();
  const fixedNames = client.pgrstFixed ??= new Set();
  const burst = new Burst(concatBuffers(chunks), parses, 1 + spec.statements.length, !check, (name) => {
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
      burst.end(concatBuffers(
        rejection ? [...fixed(client, "ROLLBACK", parses), SYNC] : endMessages(client, spec.rollback, parses),
      ));
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
