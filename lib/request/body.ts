/**
 * Reading a request body into one buffer of its declared size as its chunks arrive (`BodyBuffer`),
 * and the side door a runtime adapter may offer for it (`setBodyReader`): on Node, `Request.body`
 * goes through `Readable.toWeb`, which copies every chunk (a 10 MB body would cost 30 MB), so the
 * Node adapter reads the `IncomingMessage` itself.
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
