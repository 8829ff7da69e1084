/**
 * Reading a request body into one buffer of its declared size as its chunks arrive (`BodyBuffer`),
 * and the side door a runtime adapter may offer for it (`setBodyReader`): on Node, `Request.body`
 * goes through `Readable.toWeb`, which copies every chunk (a 10 MB body would cost 30 MB), so the
 * Node adapter (and the library's handler, when given the request's `IncomingMessage`) reads the
 * `IncomingMessage` itself (`readFromIncoming`).
 */

/** A body's bytes, gathered chunk by chunk into one buffer of its declared size (grown if longer). */
export class BodyBuffer {
  #out: Uint8Array;
  #at = 0;

  constructor(declared: number) {
    this.#out = new Uint8Array(declared);
  }

  add(chunk: Uint8Array): void {
    if (this.#at + chunk.length > this.#out.length) {
      const grown = new Uint8Array(Math.max(this.#out.length * 2, this.#at + chunk.length));
      grown.set(this.#out.subarray(0, this.#at));
      this.#out = grown;
    }
    this.#out.set(chunk, this.#at);
    this.#at += chunk.length;
  }

  /** What arrived: the whole buffer, or the part of it filled when the body was shorter. */
  bytes(): Uint8Array {
    return this.#at === this.#out.length ? this.#out : this.#out.subarray(0, this.#at);
  }
}

/** Reads a request's whole body, given its declared length. */
export type BodyReader = (declared: number) => Promise<Uint8Array>;

const readers = new WeakMap<Request, BodyReader>();

/** Registers a runtime's own way to a request's body (used instead of `request.body`). */
export function setBodyReader(request: Request, read: BodyReader): void {
  readers.set(request, read);
}

/** The runtime's own way to this request's body, if it registered one. */
export function bodyReader(request: Request): BodyReader | undefined {
  return readers.get(request);
}

/**
 * What pgrst needs of Node's `IncomingMessage` (structurally: nothing here imports `node:`): its
 * events, whether it arrived whole, and whether anything has started reading it.
 */
export interface NodeIncoming {
  /** The body's chunks. */
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  /** The end of the body, or of the connection. */
  once(event: "end" | "close", listener: () => void): unknown;
  /** A failed read. */
  once(event: "error", listener: (e: Error) => void): unknown;
  /** Whether the whole message arrived (a `close` before that is a dropped client). */
  readonly complete: boolean;
  /** `null` until something reads the stream (a `data` listener, `pipe`, `Readable.toWeb`). */
  readonly readableFlowing?: boolean | null;
  /** Whether a chunk has been read already. */
  readonly readableDidRead?: boolean;
}

/**
 * Registers `incoming` as the way to `request`'s body, for requests that can have one and only
 * while nothing has read it yet (otherwise `request.body` is read as usual).
 */
export function readFromIncoming(request: Request, incoming: NodeIncoming): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  // `readableFlowing` turns from `null` to a boolean once anything reads the message.
  if (
    request.bodyUsed || typeof incoming.readableFlowing === "boolean" || incoming.readableDidRead === true
  ) return;
  setBodyReader(request, (declared) => readIncoming(incoming, declared));
}

/**
 * A body straight from Node's `IncomingMessage`, into one buffer of its declared size: not through
 * `Request.body`, whose `Readable.toWeb` copies every chunk on top of the chunks themselves.
 */
function readIncoming(incoming: NodeIncoming, declared: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = new BodyBuffer(declared);
    incoming.on("data", (chunk) => body.add(chunk));
    incoming.once("end", () => resolve(body.bytes()));
    incoming.once("error", reject);
    incoming.once("close", () => {
      if (!incoming.complete) reject(new Error("Client connection prematurely closed."));
    });
  });
}
