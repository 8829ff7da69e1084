/**
 * The wire side of a transaction burst, independent of the driver: `Writer` builds the frontend
 * messages (Parse, Bind, Execute, Close, Sync, Flush) of a whole burst into one buffer, and
 * `Burst` writes them and collects the replies the connection routes to it (see `mux.ts`).
 */
import { deferred } from "../deferred.ts";
import type { ParamValue } from "./db.ts";

/** Writes frontend bytes to the connection's socket. */
export type Write = (bytes: Uint8Array) => void;

/**
 * One transaction's burst on a connection: every message is written at once (Close of evicted
 * statements, BEGIN, each statement as Parse?/Bind/Execute, COMMIT, Sync) and the replies, routed
 * here by the connection (`mux.ts`) until the burst's ReadyForQuery, are collected without an
 * object per statement. With a `check`, the burst stops at a Flush; the end (COMMIT/ROLLBACK +
 * Sync) is written once the check has seen the results.
 *
 * Statements this burst prepares count as prepared from the moment they are written, so a burst
 * written behind it on the same connection binds them without parsing again; `unparsed()` names
 * those whose ParseComplete never came (the burst failed first), to be forgotten again.
 */
export class Burst {
  readonly results: (string | null)[][][] = [];
  #current: (string | null)[][] = [];
  readonly #expected: number;
  readonly #parses: readonly (string | null)[];
  #parsed = 0;
  readonly #messages: readonly Uint8Array[];
  readonly #results = deferred<void>();
  readonly #done = deferred<void>();
  #write: Write | null = null;
  #ended: boolean;
  /** The error PostgreSQL answered with, if any. */
  error: unknown = null;
  /**
   * Written behind a burst that failed and left its transaction aborted: PostgreSQL rejects this
   * one at its BEGIN without running anything, so it can be written again.
   */
  behind = false;
  /** What the driver times this burst as (its transaction's shape), if anything. */
  shape: string | null = null;

  constructor(
    messages: readonly Uint8Array[],
    parses: readonly (string | null)[],
    expectedCommands: number,
    ended: boolean,
  ) {
    this.#messages = messages;
    this.#parses = parses;
    this.#expected = expectedCommands;
    this.#ended = ended;
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
  /** Writes the burst's messages. */
  start(write: Write): void {
    this.#write = write;
    for (const m of this.#messages) write(m);
  }

  /** Writes the end of the transaction after a check (then Sync). */
  end(messages: readonly Uint8Array[]): void {
    this.#ended = true;
    for (const m of messages) this.#write!(m);
  }

  /** Ends a burst written without its end (waiting for a check) with a Sync. */
  sync(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#write?.(SYNC);
  }

  /** Names this burst meant to prepare that PostgreSQL never confirmed. */
  unparsed(): (string | null)[] {
    return this.#parses.slice(this.#parsed);
  }

  // ---- the replies, in order
  parseComplete(): void {
    this.#parsed++;
  }
  dataRow(fields: (string | null)[]): void {
    this.#current.push(fields);
  }
  commandComplete(): void {
    this.results.push(this.#current);
    this.#current = [];
    if (this.results.length === this.#expected) this.#results.resolve();
  }
  /** An ErrorResponse from PostgreSQL, or the connection failing (then no ReadyForQuery follows). */
  fail(err: unknown, connectionLost: boolean): void {
    // Without an end written yet, PostgreSQL waits for a Sync before it answers again.
    if (!connectionLost) this.sync();
    this.#ended = true;
    this.error ??= err;
    this.#results.reject(err);
    if (connectionLost) this.#done.reject(err);
  }
  readyForQuery(): void {
    if (this.error !== null) this.#done.reject(this.error);
    else this.#done.resolve();
  }
}

/** Sync ('S') and Flush ('H'): a type byte and the length 4. */
export const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
export const FLUSH = new Uint8Array([0x48, 0, 0, 0, 4]);

const textEncoder = new TextEncoder();

/**
 * The buffer writers fill: shared, since a burst is written synchronously and copied out before
 * anything else can run (grown buffers up to 1 MiB are kept).
 */
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);

/** Parameters longer than this are encoded on their own and sent as a chunk of their own. */
const LARGE = 64 * 1024;

/**
 * Frontend messages written straight into one growing buffer (Parse, Bind, Execute, Close):
 * one TextEncoder pass per string, no Buffer per message. A large parameter (a request body) goes
 * out as a chunk of its own between the buffer's pieces — its bytes as they came, or its text
 * encoded once to its exact size — so a 10 MB body costs at most 10 MB here, not a buffer sized
 * for the worst case plus a copy.
 */
export class Writer {
  #buf = scratch;
  #view = scratchView;
  #at = 0;
  readonly #chunks: Uint8Array[] = [];
  #ensure(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#at));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  #byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#at++] = b;
  }
  #int16(n: number): void {
    this.#ensure(2);
    this.#view.setInt16(this.#at, n);
    this.#at += 2;
  }
  #int32(n: number): void {
    this.#ensure(4);
    this.#view.setInt32(this.#at, n);
    this.#at += 4;
  }
  /** A NUL-terminated string. */
  #cstring(s: string): void {
    this.#ensure(s.length * 3 + 1);
    this.#at += textEncoder.encodeInto(s, this.#buf.subarray(this.#at)).written;
    this.#buf[this.#at++] = 0;
  }
  #begin(code: number): number {
    this.#byte(code);
    const lengthAt = this.#at;
    this.#int32(0);
    return lengthAt;
  }
  #end(lengthAt: number): void {
    this.#view.setInt32(lengthAt, this.#at - lengthAt);
  }
  parse(name: string, text: string): void {
    const l = this.#begin(0x50); // P
    this.#cstring(name);
    this.#cstring(text);
    this.#int16(0); // no parameter types: PostgreSQL infers them
    this.#end(l);
  }
  bind(statement: string, values: readonly ParamValue[]): void {
    const l = this.#begin(0x42); // B
    this.#byte(0); // unnamed portal
    this.#cstring(statement);
    this.#int16(0); // all parameters in text format
    this.#int16(values.length);
    const large: [at: number, bytes: Uint8Array][] = [];
    let largeBytes = 0;
    for (const v of values) {
      if (v === null) {
        this.#int32(-1);
        continue;
      }
      if (v.length > LARGE) {
        const encoded = typeof v === "string" ? textEncoder.encode(v) : v;
        this.#int32(encoded.length);
        large.push([this.#at, encoded]);
        largeBytes += encoded.length;
        continue;
      }
      if (typeof v !== "string") {
        this.#int32(v.length);
        this.raw(v);
        continue;
      }
      this.#ensure(4 + v.length * 3);
      const lenAt = this.#at;
      this.#at += 4;
      const written = textEncoder.encodeInto(v, this.#buf.subarray(this.#at)).written;
      this.#view.setInt32(lenAt, written);
      this.#at += written;
    }
    this.#int16(0); // all results in text format
    this.#view.setInt32(l, this.#at - l + largeBytes);
    if (large.length > 0) this.#splitAt(large);
  }
  /** Moves what is written so far, with the large values in their places, to the chunks. */
  #splitAt(large: readonly [at: number, bytes: Uint8Array][]): void {
    let from = 0;
    for (const [at, bytes] of large) {
      this.#chunks.push(this.#buf.slice(from, at), bytes);
      from = at;
    }
    this.#buf.copyWithin(0, from, this.#at);
    this.#at -= from;
  }
  execute(): void {
    const l = this.#begin(0x45); // E
    this.#byte(0); // unnamed portal
    this.#int32(0); // no row limit
    this.#end(l);
  }
  close(name: string): void {
    const l = this.#begin(0x43); // C
    this.#byte(0x53); // S: a prepared statement
    this.#cstring(name);
    this.#end(l);
  }
  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#at);
    this.#at += bytes.length;
  }
  /** The messages in order, copied out (the scratch buffer is reused by the next writer). */
  bytes(): Uint8Array[] {
    this.#chunks.push(this.#buf.slice(0, this.#at));
    if (this.#buf.length > scratch.length && this.#buf.length <= 1 << 20) {
      scratch = this.#buf;
      scratchView = this.#view;
    }
    return this.#chunks;
  }
}
