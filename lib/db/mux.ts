/**
 * One connection's bursts in flight (`Mux`), for the pg driver (`pg.ts`): once pg has connected,
 * the replies to queries are routed here instead of to pg's one-query-at-a-time queue, so that
 * several transactions can be written one behind the other (pipelined) and each gets its own
 * answers. Independent of pg itself: it only needs pg's connection events and socket.
 */
import { Burst, SYNC, Writer } from "./wire.ts";

/** The per-connection state the driver keeps on each pg client. */
export interface MuxClient {
  /** The connection died (an "error" or "end" event). */
  pgrstDead?: boolean;
  /** Prepared statement names on this connection, oldest first. */
  pgrstPrepared?: Map<string, true>;
  /** Fixed statements (BEGIN, COMMIT…) prepared on this connection. */
  pgrstFixed?: Set<string>;
}

/**
 * A transaction shape (its statements' text) is pipelined only once it has been seen to take
 * less than this at the head of its connection (moving average, ms); unknown and slow shapes run
 * alone, so nothing queues behind them.
 */
export const QUICK_SHAPE_MS = 20;

/**
 * Bursts kept on the wire ahead of PostgreSQL. One submitted behind this many unanswered ones is
 * held back, and everything held goes out in one write when the next answer arrives: PostgreSQL
 * has work queued meanwhile, and under load one write (one system call, one wake-up of the
 * backend) carries several transactions instead of one each. Below this depth nothing waits.
 */
export const WIRE_AHEAD = 2;

/** Held bytes above this go out chunk by chunk (a large body is not copied to be joined). */
const JOIN_MAX = 256 * 1024;

/**
 * What each transaction shape (its statements' text) has been seen to do at the head of its
 * connection: how long it took (moving average, ms) and whether it failed lately. A failure
 * aborts every transaction written behind it (they are written again), so a shape that fails
 * runs alone until it has succeeded for a good while (its failure score decays by 1 % per
 * success and must fall under 5 %: about 300 successes in a row).
 */
export class ShapeTimes {
  readonly #ms = new Map<string, number>();
  readonly #failing = new Map<string, number>();

  record(shape: string, ms: number): void {
    const old = this.#ms.get(shape);
    if (old === undefined && this.#ms.size >= 10_000) this.#ms.clear();
    this.#ms.set(shape, old === undefined ? ms : old + (ms - old) / 4);
    const failing = this.#failing.get(shape);
    if (failing !== undefined) {
      if (failing * 0.99 < 0.05) this.#failing.delete(shape);
      else this.#failing.set(shape, failing * 0.99);
    }
  }

  failed(shape: string): void {
    if (this.#failing.size >= 10_000) this.#failing.clear();
    this.#failing.set(shape, 1);
  }

  /** Seen, quick enough, and not failing lately: it may be pipelined. */
  quick(shape: string): boolean {
    const ms = this.#ms.get(shape);
    return ms !== undefined && ms < QUICK_SHAPE_MS && !this.#failing.has(shape);
  }
}

/** pg's connection: the message events it emits once connected, and its socket. */
export interface PgConnection {
  readonly stream: { write(b: Uint8Array): boolean; on(event: "data", listener: () => void): unknown };
  // deno-lint-ignore no-explicit-any
  on(event: string, listener: (msg: any) => void): unknown;
  removeAllListeners(event: string): void;
  sendCopyFail(message: string): void;
}

/** The events pg's client handles for its query queue; `Mux` handles them instead. */
const QUERY_EVENTS = [
  "readyForQuery",
  "errorMessage",
  "rowDescription",
  "dataRow",
  "portalSuspended",
  "emptyQuery",
  "commandComplete",
  "parseComplete",
  "copyInResponse",
  "copyData",
];

/**
 * The bursts in flight on one connection, in the order they were written: PostgreSQL answers
 * them in that order, each up to its ReadyForQuery.
 */
export class Mux {
  readonly #client: MuxClient;
  readonly #write: (b: Uint8Array) => void;
  readonly #socketWrite: (b: Uint8Array) => void;
  readonly #queue: Burst[] = [];
  /** Bytes held back (see `WIRE_AHEAD`), in order, and their total length. */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  readonly #shapes: ShapeTimes;
  /** When the head burst became the head (its predecessor's answer, or its writing). */
  #headSince = 0;
  /** A burst waits for its check: nothing may be written behind it. */
  blocked = false;

  constructor(client: MuxClient, con: PgConnection, shapes: ShapeTimes) {
    this.#client = client;
    this.#shapes = shapes;
    const stream = con.stream;
    this.#socketWrite = (b) => void stream.write(b);
    this.#write = (b) => this.#send(b);
    // pg's parser listens first: this runs once the chunk's messages have been handled.
    stream.on("data", () => this.#flush());
    for (const e of QUERY_EVENTS) con.removeAllListeners(e);
    const head = () => this.#queue[0];
    con.on("parseComplete", () => head()?.parseComplete());
    con.on("rowDescription", () => {});
    con.on("portalSuspended", () => {});
    con.on("copyData", () => {});
    con.on("dataRow", (m: { fields: (string | null)[] }) => head()?.dataRow(m.fields));
    con.on("commandComplete", () => head()?.commandComplete());
    con.on("emptyQuery", () => head()?.commandComplete());
    con.on("copyInResponse", () => con.sendCopyFail("COPY is not supported"));
    con.on("errorMessage", (m: Error) => this.#error(m));
    con.on("readyForQuery", (m: { status?: string }) => this.#ready(m.status));
  }

  /** Bursts written and not yet answered. */
  get depth(): number {
    return this.#queue.length;
  }

  /**
   * Whether the head burst has been running for less than `ms` (or there is none): a connection
   * whose transaction takes longer is not joined by more while others are free.
   */
  moving(ms: number): boolean {
    return this.#queue.length === 0 || performance.now() - this.#headSince < ms;
  }

  /**
   * Every byte for the connection goes through here, so held bytes keep their place: behind
   * `WIRE_AHEAD` unanswered bursts (or other held bytes) they wait for the next answer.
   */
  #send(b: Uint8Array): void {
    if (this.#held.length > 0 || this.#queue.length > WIRE_AHEAD) {
      this.#held.push(b);
      this.#heldBytes += b.length;
    } else {
      this.#socketWrite(b);
    }
  }

  /** After each chunk of answers from PostgreSQL: what was held goes out, in one write. */
  #flush(): void {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    if (held.length === 1 || this.#heldBytes > JOIN_MAX) {
      for (const b of held) this.#socketWrite(b);
    } else {
      const all = new Uint8Array(this.#heldBytes);
      let at = 0;
      for (const b of held) {
        all.set(b, at);
        at += b.length;
      }
      this.#socketWrite(all);
    }
    this.#heldBytes = 0;
  }

  /** Writes a burst behind those already on the connection. */
  submit(burst: Burst): void {
    if (this.#client.pgrstDead) {
      burst.fail(new Error("Connection terminated unexpectedly"), true);
      return;
    }
    if (this.#queue.length === 0) this.#headSince = performance.now();
    this.#queue.push(burst);
    burst.start(this.#write);
  }

  #error(err: Error): void {
    const burst = this.#queue[0];
    if (!burst) {
      // An error outside any burst (e.g. the server terminating the backend): nothing to answer.
      this.#client.pgrstDead = true;
      return;
    }
    burst.fail(err, false);
    if (burst.behind) return;
    this.#forget(burst);
    if (burst.shape !== null) this.#shapes.failed(burst.shape);
  }

  /**
   * The end of the head burst. After an error PostgreSQL has skipped to its Sync; if that left
   * the transaction aborted ('E'), every burst already written behind it will fail at its BEGIN
   * without running anything (they are marked to be written again, and what they meant to
   * prepare is forgotten now), and a ROLLBACK goes right behind them.
   */
  #ready(status: string | undefined): void {
    const burst = this.#queue.shift();
    if (burst === undefined) return;
    const now = performance.now();
    const served = now - this.#headSince;
    this.#headSince = now;
    if (burst.shape !== null && burst.error === null) this.#shapes.record(burst.shape, served);
    if (burst.error !== null && !burst.behind && status === "E") {
      for (const b of this.#queue) {
        b.behind = true;
        this.#forget(b);
        // One waiting for its check has no Sync yet: PostgreSQL must skip to it, not past the
        // ROLLBACK's.
        b.sync();
      }
      const w = new Writer();
      const parses: (string | null)[] = [];
      fixed(w, this.#client, "ROLLBACK", parses);
      w.raw(SYNC);
      const rollback = new Burst(w.bytes(), parses, 1, true);
      this.submit(rollback);
      // A ROLLBACK that fails leaves the connection in an unknown state: retire it.
      rollback.done.catch(() => this.#client.pgrstDead = true);
    }
    burst.readyForQuery();
  }

  /** Statements a failed burst meant to prepare and never did are not prepared after all. */
  #forget(burst: Burst): void {
    for (const name of burst.unparsed()) {
      if (name === null) continue;
      if (name.startsWith("pgrst_fixed_")) this.#client.pgrstFixed?.delete(name);
      else this.#client.pgrstPrepared?.delete(name);
    }
  }

  /** The connection died: everything on it fails. */
  lost(err: Error): void {
    this.#client.pgrstDead = true;
    this.#held = [];
    this.#heldBytes = 0;
    for (const burst of this.#queue.splice(0)) burst.fail(err, true);
  }
}

/** Names of the fixed statements (BEGIN …, COMMIT, ROLLBACK…), prepared once per connection. */
const FIXED = new Map<string, string>();

/**
 * Bind + Execute of a parameterless statement such as BEGIN, with its Parse the first time on
 * this connection (its name is then recorded in `parses`; it counts as prepared from now on,
 * unless the burst fails before PostgreSQL confirms it).
 */
export function fixed(w: Writer, client: MuxClient, text: string, parses: (string | null)[]): void {
  let name = FIXED.get(text);
  if (name === undefined) FIXED.set(text, name = `pgrst_fixed_${FIXED.size + 1}`);
  const prepared = client.pgrstFixed ??= new Set();
  if (!prepared.has(name)) {
    parses.push(name);
    w.parse(name, text);
    prepared.add(name);
  }
  w.bind(name, []);
  w.execute();
}
