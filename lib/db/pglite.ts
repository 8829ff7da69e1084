/**
 * The embedded database driver: PostgreSQL compiled to WebAssembly (`npm:@electric-sql/pglite`),
 * in-process. The only file that imports PGlite.
 *
 * PGlite is one PostgreSQL backend with one session, so this driver is a pool of exactly one
 * connection: every `transaction()` waits its turn in a queue, then runs BEGIN, the statements one
 * by one, and COMMIT or ROLLBACK. The outcome is the one `pg.ts` gets from its pipelined burst:
 * the first failing statement's error (a `DbServerError` with its SQLSTATE) and nothing committed;
 * `check` sees the results before the transaction ends. LISTEN works on the same session
 * (PostgreSQL delivers a session's own notifications to it).
 *
 * Rows come back as text, as from `pg.ts`: every type parser and parameter serializer is the
 * identity, so no JSON is parsed and values go in exactly as bound.
 *
 * For trying pgrst and for demos, not for production: one transaction at a time, and a running
 * query blocks the event loop.
 */
import { PGlite } from "@electric-sql/pglite";
import {
  type Database,
  DbAcquireTimeout,
  DbConnectionError,
  DbServerError,
  type IsolationLevel,
  type Notification,
  type ParamValue,
  type Rows,
  type Statement,
  type TxSpec,
} from "./db.ts";
import { quoteIdent } from "../query/sql.ts";

const utf8 = new TextDecoder();
import { deferred } from "../deferred.ts";

export interface PgliteOptions {
  /** The data directory (created when missing); `null` keeps the database in memory. */
  readonly dataDir: string | null;
  /** Start from this data directory dump (`dumpDataDir()`) instead of an empty cluster. */
  readonly loadDataDir?: Blob;
  /**
   * Seconds a transaction may wait for its turn before failing with `DbAcquireTimeout` (504
   * PGRST003), as `db-pool-acquisition-timeout` with a pool of one. Default 10.
   */
  readonly acquisitionTimeout?: number;
}

/** The embedded database: the `Database` seam plus what setting it up needs. */
export interface EmbeddedDatabase extends Database {
  /** Runs an SQL script (any number of statements, no parameters) as the current session user. */
  exec(script: string): Promise<void>;
  /** Runs one statement and returns its rows as text. */
  query(text: string, params?: readonly ParamValue[]): Promise<Rows>;
  /** A dump of the data directory (to clone this database, e.g. a test template). */
  dumpDataDir(): Promise<Blob>;
  /** Changes the acquisition timeout (seconds), e.g. once the configuration is known. */
  setAcquisitionTimeout(seconds: number): void;
}

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  "read committed": "READ COMMITTED",
  "repeatable read": "REPEATABLE READ",
  "serializable": "SERIALIZABLE",
};

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

/**
 * Inside a Node single executable (see scripts/build_sea.ts) PGlite's files are not on disk next
 * to its code: they are the executable's assets `pglite.wasm`, `initdb.wasm` and `pglite.data`.
 * Elsewhere (Deno, Node with node_modules) PGlite finds them itself: `undefined`.
 */
async function seaAssets(): Promise<
  { pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module; fsBundle: Blob } | undefined
> {
  let sea: SeaModule | undefined;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    sea = proc?.getBuiltinModule?.("node:sea") as SeaModule | undefined;
    if (!sea?.isSea()) return undefined;
  } catch {
    return undefined;
  }
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(sea.getAsset("pglite.wasm")),
    WebAssembly.compile(sea.getAsset("initdb.wasm")),
  ]);
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([sea.getAsset("pglite.data")]) };
}

/** Every key answers the same function; assignments (PGlite's array-type set-up) are ignored. */
function everyKey<T>(value: T): Record<number | string, T> {
  return new Proxy({}, { get: () => value, set: () => true });
}

const asText = (value: string) => value;

function toDbError(e: unknown): Error {
  if (e instanceof Error && typeof (e as { code?: unknown }).code === "string" && "severity" in e) {
    const de = e as unknown as { code: string; message: string; detail?: string; hint?: string };
    return new DbServerError({ code: de.code, message: de.message, detail: de.detail, hint: de.hint });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new DbConnectionError(`embedded database: ${message}`, { lost: false, cause: e });
}

/** Opens (and on first use creates) an embedded database. */
export async function openPglite(options: PgliteOptions): Promise<EmbeddedDatabase> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(options.dataDir ?? "memory://", {
      loadDataDir: options.loadDataDir,
      ...await seaAssets(),
    });
  } catch (e) {
    const where = options.dataDir ?? "memory";
    throw new DbConnectionError(
      `could not open the embedded database (${where}): ${e instanceof Error ? e.message : String(e)}`,
      { lost: false, cause: e },
    );
  }
  pg.parsers = everyKey(asText);
  pg.serializers = everyKey(asText);

  // One session: operations run strictly one after another.
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let busy = false;
  let closed = false;
  let acquisitionMs = (options.acquisitionTimeout ?? 10) * 1000;
  /**
   * Runs `op` after everything queued before it. With `timed`, waiting longer than the
   * acquisition timeout fails instead: checked when its turn comes too, since a running query
   * blocks the event loop (and the timer) until it ends.
   */
  function enqueue<T>(op: () => Promise<T>, timed = false): Promise<T> {
    if (closed) return Promise.reject(new DbConnectionError("embedded database is closed", { lost: true }));
    waiting++;
    const queued = performance.now();
    let timedOut = false;
    const result = deferred<T>();
    const timer = timed
      ? setTimeout(() => {
        timedOut = true;
        result.reject(new DbAcquireTimeout());
      }, acquisitionMs)
      : undefined;
    const run = tail.then(async () => {
      waiting--;
      clearTimeout(timer);
      if (timedOut) return;
      if (timed && performance.now() - queued > acquisitionMs) {
        result.reject(new DbAcquireTimeout());
        return;
      }
      busy = true;
      try {
        result.resolve(await op());
      } catch (e) {
        result.reject(e);
      } finally {
        busy = false;
      }
    });
    tail = run;
    return result.promise;
  }

  /** One statement; the extended protocol binds parameters, as in `pg.ts`. */
  async function run(text: string, params: readonly ParamValue[]): Promise<Rows> {
    try {
      if (params.length === 0) {
        // Like node-postgres without values: the simple protocol (several statements allowed).
        const results = await pg.exec(text, { rowMode: "array" });
        return (results.at(-1)?.rows ?? []) as unknown as Rows;
      }
      // Bytes would be bytea to PGlite: text given as UTF-8 is decoded here.
      const values = params.map((v) => v instanceof Uint8Array ? utf8.decode(v) : v);
      const result = await pg.query(text, values, { rowMode: "array" });
      return result.rows as unknown as Rows;
    } catch (e) {
      throw toDbError(e);
    }
  }

  async function rollbackQuietly(): Promise<void> {
    try {
      await pg.exec("ROLLBACK");
    } catch { /* no transaction left to end */ }
  }

  async function end(rollback: boolean): Promise<void> {
    if (rollback) {
      await run("SET CONSTRAINTS ALL IMMEDIATE", []);
      await run("ROLLBACK", []);
    } else {
      await run("COMMIT", []);
    }
  }

  function transaction(spec: TxSpec): Promise<Rows[]> {
    return enqueue(async () => {
      const mode = spec.readOnly ? "READ ONLY" : "READ WRITE";
      await run(`BEGIN ISOLATION LEVEL ${ISOLATION_SQL[spec.isolation]} ${mode}`, []);
      const results: Rows[] = [];
      try {
        for (const s of spec.statements as Statement[]) results.push(await run(s.text, s.params));
        const rejection = spec.check?.(results);
        if (rejection) {
          await rollbackQuietly();
          throw rejection;
        }
        await end(spec.rollback);
      } catch (e) {
        await rollbackQuietly();
        throw e;
      }
      return results;
    }, true);
  }

  async function listen(
    channel: string,
    onNotify: (n: Notification) => void,
    _onLost: (e: Error) => void,
  ): Promise<() => Promise<void>> {
    // Given quoted, PGlite keeps the channel name's case.
    const stop = await enqueue(() =>
      pg.listen(quoteIdent(channel), (payload) => onNotify({ channel, payload }))
    );
    return () => enqueue(() => stop()).catch(() => {});
  }

  return {
    transaction,
    listen,
    stats: () => ({ total: 1, idle: busy ? 0 : 1, waiting, max: 1 }),
    flush: () => Promise.resolve(),
    async close() {
      if (closed) return;
      await enqueue(async () => {});
      closed = true;
      await pg.close();
    },
    exec: (script) => enqueue(() => run(script, [])).then(() => {}),
    query: (text, params = []) => enqueue(() => run(text, params)),
    dumpDataDir: () => enqueue(() => pg.dumpDataDir("none")),
    setAcquisitionTimeout: (seconds) => {
      acquisitionMs = seconds * 1000;
    },
  };
}
