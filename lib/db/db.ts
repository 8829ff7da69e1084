/**
 * The database seam: the small interface the pipeline needs from a database driver.
 *
 * One API request is one `transaction()`: BEGIN, the statements, then COMMIT or ROLLBACK, sent by
 * the driver as one pipelined burst when the end of the transaction is known up front. When a
 * `check` must look at the results first (singular responses, PUT, max-affected), the driver
 * sends the end in a second round trip.
 *
 * Implementations: `pg.ts` (node-postgres, production), `pglite.ts` (embedded, for trying pgrst).
 * Nothing outside `lib/db` imports a driver.
 */

/** Rows as arrays of column values in text format (`null` for SQL NULL). */
export type Rows = readonly (readonly (string | null)[])[];

/**
 * A parameter value: text, text already encoded as UTF-8 (a request body, passed through without
 * being decoded), or SQL NULL. Always sent in text format.
 */
export type ParamValue = string | Uint8Array | null;

/** One SQL statement with its bind parameters (`$1`, `$2`, … as text, `null` for NULL). */
export interface Statement {
  /** The SQL text. */
  readonly text: string;
  /** The values of `$1`, `$2`, …, as text (or UTF-8 bytes of text). */
  readonly params: readonly ParamValue[];
  /** Prepare and cache this statement on the connection (db-prepared-statements). */
  readonly prepare: boolean;
}

/** A transaction isolation level. */
export type IsolationLevel = "read committed" | "repeatable read" | "serializable";

/** One request's transaction: BEGIN, the statements, then COMMIT or ROLLBACK. */
export interface TxSpec {
  /** The isolation level of the transaction. */
  readonly isolation: IsolationLevel;
  /** `BEGIN … READ ONLY`. */
  readonly readOnly: boolean;
  /** The statements, run in order; the transaction fails with the first failing one. */
  readonly statements: readonly Statement[];
  /**
   * Roll back instead of committing (`db-tx-end`, `Prefer: tx=rollback`). Deferred constraints
   * are still checked first (`SET CONSTRAINTS ALL IMMEDIATE`), so they fail the request.
   */
  readonly rollback: boolean;
  /**
   * Inspects the statements' results before the transaction ends; returning an error rolls the
   * transaction back and makes `transaction()` reject with that error.
   */
  readonly check?: (results: readonly Rows[]) => Error | undefined;
}

/** A `NOTIFY` received on a channel. */
export interface Notification {
  /** The channel name. */
  readonly channel: string;
  /** The payload (`""` when none). */
  readonly payload: string;
}

/** What pgrst needs from a database driver. */
export interface Database {
  /** Runs one transaction; rejects with `DbServerError` / `DbConnectionError` / a `check` error. */
  transaction(spec: TxSpec): Promise<Rows[]>;
  /**
   * LISTENs on `channel` on a dedicated connection. `onLost` is called once if that connection
   * dies. Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onNotify: (n: Notification) => void,
    onLost: (e: Error) => void,
  ): Promise<() => Promise<void>>;
  /** Pool figures for metrics and `/ready`. */
  stats(): { readonly total: number; readonly idle: number; readonly waiting: number; readonly max: number };
  /** Closes every connection (used after a schema reload so new connections see the new catalog). */
  flush(): Promise<void>;
  /** Closes every connection; the database must not be used afterwards. */
  close(): Promise<void>;
}

/** An error PostgreSQL reported for a statement (it has a SQLSTATE). */
export class DbServerError extends Error {
  readonly code: string;
  readonly detail: string | null;
  readonly hint: string | null;
  constructor(e: { code: string; message: string; detail?: string | null; hint?: string | null }) {
    super(e.message);
    this.name = "DbServerError";
    this.code = e.code;
    this.detail = e.detail ?? null;
    this.hint = e.hint ?? null;
  }
}

/** Could not connect, or the connection broke (PGRST000 / PGRST001). */
export class DbConnectionError extends Error {
  readonly lost: boolean;
  constructor(message: string, options: { lost: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "DbConnectionError";
    this.lost = options.lost;
  }
}

/** No pool connection became free within `db-pool-acquisition-timeout` (PGRST003). */
export class DbAcquireTimeout extends Error {
  constructor() {
    super("Timed out acquiring connection from connection pool.");
    this.name = "DbAcquireTimeout";
  }
}
