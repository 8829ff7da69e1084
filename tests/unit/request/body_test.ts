import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { BodyBuffer, bodyReader, type NodeIncoming, readFromIncoming } from "../../../lib/request/body.ts";

const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 251);

Deno.test("BodyBuffer: chunks land in one buffer of the declared size", () => {
  const body = new BodyBuffer(10);
  body.add(bytes(4));
  body.add(bytes(6, 4));
  const out = body.bytes();
  assert.deepEqual(out, bytes(10));
  assert.equal(out.buffer.byteLength, 10); // the buffer itself, no copy
});

Deno.test("BodyBuffer: a body shorter than declared is what arrived; a longer one grows the buffer", () => {
  const short = new BodyBuffer(10);
  short.add(bytes(3));
  assert.deepEqual(short.bytes(), bytes(3));
  const long = new BodyBuffer(4);
  for (let at = 0; at < 25; at += 5) long.add(bytes(5, at));
  assert.deepEqual(long.bytes(), bytes(25));
  assert.deepEqual(new BodyBuffer(0).bytes(), new Uint8Array(0));
});

/** A stand-in for Node's `IncomingMessage`: a stream and its `complete` flag. */
function incoming(): PassThrough & { complete: boolean } {
  return Object.assign(new PassThrough(), { complete: false });
}

const post = () => new Request("http://localhost/x", { method: "POST", body: "unused" });

Deno.test("readFromIncoming: a fresh message becomes the request's body, read whole", async () => {
  const msg = incoming();
  const req = post();
  readFromIncoming(req, msg as NodeIncoming);
  const read = bodyReader(req);
  assert.ok(read !== undefined);
  const done = read(10);
  msg.write(bytes(4));
  msg.write(bytes(6, 4));
  msg.complete = true;
  msg.end();
  assert.deepEqual(await done, bytes(10));
});

Deno.test("readFromIncoming: a client gone before the end fails the read", async () => {
  const msg = incoming();
  const req = post();
  readFromIncoming(req, msg as NodeIncoming);
  const done = bodyReader(req)!(10);
  msg.write(bytes(4));
  msg.destroy();
  await assert.rejects(done, /prematurely closed/);
});

Deno.test("readFromIncoming: not for GET/HEAD, nor a message something already reads", () => {
  for (const method of ["GET", "HEAD"]) {
    const req = new Request("http://localhost/x", { method });
    readFromIncoming(req, incoming() as NodeIncoming);
    assert.equal(bodyReader(req), undefined, method);
  }
  const flowing = incoming();
  flowing.on("data", () => {});
  const req = post();
  readFromIncoming(req, flowing as NodeIncoming);
  assert.equal(bodyReader(req), undefined, "a data listener reads it");
  const paused = incoming();
  paused.pause();
  const req2 = post();
  readFromIncoming(req2, paused as NodeIncoming);
  assert.equal(bodyReader(req2), undefined, "paused by a reader");
});
