/**
 * The production database driver: node-postgres (`npm:pg`) in pipeline mode. The only file that
 * imports `pg`.
 *
 * A transaction goes out as one burst on one pooled connection: BEGIN, the statements and (when
 * no `check` needs the results first) COMMIT/ROLLBACK are written without waiting for replies.
 * Each statement carries its own Sync, so after an error PostgreSQL skips to the next one, which
 * fails in the aborted transaction, and the final COMMIT turns into a ROLLBACK by itself.
 *
 * Named statements are prepared inside the burst, after `set_config('role', …)` has run, so a
 * statement that needs the role's privileges to parse still works. Each connection keeps a
 * bounded LRU of its prepared statements and deallocates the oldest.
 *
 * Rows come back as arrays of text: every type parser is the identity, so no JSON is parsed.
 */
// @ts-types="npm:@types/pg@8.15.6"
import pg from "pg";
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

interface PgClient extends pg.PoolClient {
  /** Prepared statement names on this connection, oldest first. */
  pgrstPrepared?: Map<string, true>;
  connection: {
    parsedStatements: Record<string, string>;
    stream: { write(chunk: Uint8Array): boolean; cork(): void; uncork(): void };
  };
}

/** Builds a pg query config; prepared statements are tracked (and evicted) per connection. */
function queryConfig(client: PgClient, s: Statement, cacheSize: number, evicted: string[]): pg.QueryConfig {
  const base = { text: s.text, values: s.params as (string | null)[], rowMode: "array" as const };
  if (!s.prepare) return base;
  const name = statementName(s.text);
  const prepared = client.pgrstPrepared ??= new Map();
  if (prepared.has(name)) {
    prepared.delete(name); // refresh LRU position
  } else if (prepared.size >= cacheSize) {
    const oldest = prepared.keys().next().value!;
    prepared.delete(oldest);
    // Only statements that did parse exist on the server (a failed Parse leaves nothing).
    if (client.connection.parsedStatements[oldest] !== undefined) {
      delete client.connection.parsedStatements[oldest];
      evicted.push(oldest);
    }
  }
  prepared.set(name, true);
  return { ...base, name };
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
    pipeline: true,
  } as pg.PoolConfig;
  // Idle clients that die (server restart, pg_terminate_backend) emit errors on the pool; a
  // client that dies while checked out emits "error" itself (its queries reject as well, and the
  // transaction releases it as broken): both must be listened to or they crash the process.
  const onPoolError = () => {};
  const onConnect = (client: pg.PoolClient) => client.on("error", () => {});
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
      const evicted: string[] = [];
      const queries = spec.statements.map((s) => queryConfig(client, s, cacheSize, evicted));
      const burst: Promise<pg.QueryArrayResult>[] = [];
      // One socket write for the whole burst: pg writes each message separately; we collect
      // them and write one buffer (far cheaper than a write, or a writev, per message).
      const stream = client.connection.stream;
      const chunks: Uint8Array[] = [];
      const write = stream.write;
      stream.write = (chunk: Uint8Array) => (chunks.push(chunk), true);
      for (const name of evicted) burst.push(simple(client, `DEALLOCATE ${name}`));
      const mode = spec.readOnly ? "READ ONLY" : "READ WRITE";
      burst.push(simple(client, `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[spec.isolation]} ${mode}`));
      const first = burst.length;
      for (const q of queries) burst.push(client.query(q));
      const pipelinedEnd = spec.check === undefined;
      if (pipelinedEnd) burst.push(...end(client, spec.rollback));
      stream.write = write;
      stream.write(chunks.length === 1 ? chunks[0] : concat(chunks));

      const settled = await Promise.allSettled(burst);
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failure) {
        const e = toDbError(failure.reason, true);
        broken = breaksConnection(e);
        if (!broken && !pipelinedEnd) await simple(client, "ROLLBACK");
        throw e;
      }
      const results = settled.slice(first, first + queries.length).map((r) =>
        (r as PromiseFulfilledResult<pg.QueryArrayResult>).value.rows as Rows
      );
      if (!pipelinedEnd) {
        const rejection = spec.check!(results);
        const ends = await Promise.allSettled(
          rejection ? [simple(client, "ROLLBACK")] : end(client, spec.rollback),
        );
        const endFailure = ends.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (endFailure) {
          const e = toDbError(endFailure.reason, true);
          broken = breaksConnection(e);
          if (!broken) await simple(client, "ROLLBACK");
          throw e;
        }
        if (rejection) throw rejection;
      }
      return results;
    } catch (e) {
      if (e instanceof DbConnectionError) broken = true;
      throw e;
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

function simple(client: PgClient, text: string): Promise<pg.QueryArrayResult> {
  return client.query({ text, rowMode: "array" });
}

function end(client: PgClient, rollback: boolean): Promise<pg.QueryArrayResult>[] {
  return rollback
    ? [simple(client, "SET CONSTRAINTS ALL IMMEDIATE"), simple(client, "ROLLBACK")]
    : [simple(client, "COMMIT")];
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
