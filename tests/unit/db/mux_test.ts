/**
 * `Mux` against a scripted connection: the replies PostgreSQL would send are emitted by hand, and
 * what the mux writes is decoded back into messages.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { Mux, type MuxClient, QUICK_SHAPE_MS, ShapeTimes, WIRE_AHEAD } from "../../../lib/db/mux.ts";
import { Burst } from "../../../lib/db/wire.ts";

class FakeConnection extends EventEmitter {
  readonly written: Uint8Array[] = [];
  /** The socket: what is written, and "data" once a chunk of replies has been handled. */
  readonly stream = Object.assign(new EventEmitter(), {
    write: (b: Uint8Array) => {
      this.written.push(b);
      return true;
    },
  });
  sendCopyFail(): void {}

  /** The frontend messages written since the last call: type letter, and a statement name. */
  take(): string[] {
    const bytes = new Uint8Array(this.written.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of this.written.splice(0)) bytes.set(b, (at += b.length) - b.length);
    const out: string[] = [];
    const text = (from: number) => new TextDecoder().decode(bytes.subarray(from, bytes.indexOf(0, from)));
    for (let i = 0; i < bytes.length;) {
      const type = String.fromCharCode(bytes[i]);
      const length = new DataView(bytes.buffer, i + 1, 4).getInt32(0);
      if (type === "P") out.push(`P ${text(i + 5)}`);
      else if (type === "B") out.push(`B ${text(i + 6)}`); // after the empty portal name
      else out.push(type);
      i += 1 + length;
    }
    return out;
  }
}

function setUp() {
  const con = new FakeConnection();
  const client: MuxClient = { pgrstPrepared: new Map(), pgrstFixed: new Set() };
  const shapes = new ShapeTimes();
  const mux = new Mux(client, con, shapes);
  // Each reply arrives as a chunk of its own, unless emitted inside `chunk`.
  let inChunk = false;
  const reply = (event: string, msg: unknown) => {
    con.emit(event, msg);
    if (!inChunk) con.stream.emit("data");
  };
  const emit = {
    parsed: () => reply("parseComplete", {}),
    row: (...fields: (string | null)[]) => reply("dataRow", { fields }),
    done: () => reply("commandComplete", {}),
    error: (code: string) =>
      reply("errorMessage", Object.assign(new Error(code), { code, severity: "ERROR" })),
    ready: (status: "I" | "T" | "E") => reply("readyForQuery", { status }),
    /** Several replies read in one chunk. */
    chunk: (replies: () => void) => {
      inChunk = true;
      replies();
      inChunk = false;
      con.stream.emit("data");
    },
  };
  return { con, client, shapes, mux, emit };
}

/** A burst of `commands` commands (one message written, an Execute), ended or waiting for a check. */
function burst(commands: number, parses: string[] = [], ended = true): Burst {
  return new Burst([new Uint8Array([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0])], parses, commands, ended);
}

Deno.test("Mux: replies go to the bursts in the order they were written", async () => {
  const { mux, emit } = setUp();
  const a = burst(2);
  const b = burst(1);
  mux.submit(a);
  mux.submit(b);
  assert.equal(mux.depth, 2);
  emit.done();
  emit.row("1");
  emit.done();
  emit.ready("I");
  emit.row("2");
  emit.done();
  emit.ready("I");
  await Promise.all([a.done, b.done]);
  assert.deepEqual(a.results, [[], [["1"]]]);
  assert.deepEqual(b.results, [[["2"]]]);
  assert.equal(mux.depth, 0);
});

Deno.test("Mux: a failure that leaves the transaction aborted sends the bursts behind it back and rolls back", async () => {
  const { con, client, mux, emit } = setUp();
  const failing = burst(2, ["pgrst_a"]);
  const next = burst(2, ["pgrst_b"]);
  const checked = burst(2, [], false); // written up to a Flush: waits for its check
  for (const name of ["pgrst_a", "pgrst_b", "pgrst_old"]) client.pgrstPrepared!.set(name, true);
  for (const b of [failing, next, checked]) mux.submit(b);
  // Two bursts on the wire; the third is held until the first answer.
  assert.deepEqual(con.take(), ["E", "E"]);
  emit.done(); // BEGIN
  assert.deepEqual(con.take(), ["E"]);
  emit.error("22012"); // before its Parse completed
  await assert.rejects(failing.completed, /22012/);
  assert.equal(client.pgrstPrepared!.has("pgrst_a"), false); // never prepared after all
  emit.ready("E");
  await assert.rejects(failing.done, /22012/);
  assert.equal(next.behind, true);
  assert.equal(checked.behind, true);
  assert.equal(client.pgrstPrepared!.has("pgrst_b"), false);
  assert.equal(client.pgrstPrepared!.has("pgrst_old"), true);
  // The check's burst gets its Sync first, then the ROLLBACK goes behind everything.
  const written = con.take();
  assert.deepEqual(written.slice(0, 1), ["S"]);
  assert.match(written.slice(1).join(" "), /^(P pgrst_fixed_\d+ )?B pgrst_fixed_\d+ E S$/);
  assert.equal(mux.depth, 3);
  emit.error("25P02");
  emit.ready("E");
  emit.error("25P02");
  emit.ready("E");
  emit.done(); // ROLLBACK
  emit.ready("I");
  await assert.rejects(next.done, /25P02/);
  await assert.rejects(checked.done, /25P02/);
  assert.equal(con.take().length, 0); // nothing more: one ROLLBACK for the lot
  assert.equal(mux.depth, 0);
  assert.equal(client.pgrstDead, undefined);
});

Deno.test("Mux: bursts behind WIRE_AHEAD unanswered ones are held, then written together in order", async () => {
  const { con, mux, emit } = setUp();
  const bursts = [1, 2, 3, 4, 5].map((n) =>
    new Burst([new Uint8Array([0x45, 0, 0, 0, 9, 0, 0, 0, n, 0])], [], 1, true)
  );
  for (const b of bursts) mux.submit(b);
  assert.equal(WIRE_AHEAD, 2);
  assert.deepEqual(con.written.map((b) => b[8]), [1, 2]);
  // The first answer, read as one chunk: everything held goes out in one write, in order.
  emit.chunk(() => {
    emit.done();
    emit.ready("I");
  });
  assert.deepEqual(con.written.slice(2).map((b) => [...b.filter((_, i) => i % 10 === 8)]), [[3, 4, 5]]);
  for (const n of [2, 3, 4, 5]) {
    emit.row(String(n));
    emit.done();
    emit.ready("I");
  }
  await Promise.all(bursts.map((b) => b.done));
  assert.deepEqual(bursts.map((b) => b.results[0][0]?.[0]), [undefined, "2", "3", "4", "5"]);
  assert.equal(con.written.length, 3);
});

Deno.test("Mux: held bytes above JOIN_MAX go out piece by piece, not copied into one", () => {
  const { con, mux, emit } = setUp();
  mux.submit(burst(1));
  mux.submit(burst(1));
  const big = new Uint8Array(300 * 1024);
  mux.submit(new Burst([big], [], 1, true));
  mux.submit(burst(1));
  assert.equal(con.written.length, 2);
  emit.done();
  assert.equal(con.written.length, 4);
  assert.equal(con.written[2], big); // the same bytes, not a copy
});

Deno.test("Mux: a lost connection drops what was held", async () => {
  const { con, mux } = setUp();
  const bursts = [burst(1), burst(1), burst(1)];
  for (const b of bursts) mux.submit(b);
  assert.equal(con.written.length, 2);
  mux.lost(new Error("Connection terminated unexpectedly"));
  con.stream.emit("data");
  assert.equal(con.written.length, 2);
  for (const b of bursts) await assert.rejects(b.done, /terminated/);
});

Deno.test("Mux: a failure that ends the transaction (at COMMIT) leaves the bursts behind it alone", async () => {
  const { con, mux, emit } = setUp();
  const failing = burst(1);
  const next = burst(1);
  mux.submit(failing);
  mux.submit(next);
  con.take();
  emit.done();
  emit.error("23505"); // a deferred constraint at COMMIT
  emit.ready("I");
  assert.equal(next.behind, false);
  assert.deepEqual(con.take(), []);
  emit.row("ok");
  emit.done();
  emit.ready("I");
  await next.done;
  assert.deepEqual(next.results, [[["ok"]]]);
});

Deno.test("Mux: a burst waiting for its check that fails gets its Sync", async () => {
  const { con, mux, emit } = setUp();
  const checked = burst(2, [], false);
  mux.submit(checked);
  con.take();
  emit.error("42501");
  assert.deepEqual(con.take().slice(0, 1), ["S"]);
  emit.ready("E");
  await assert.rejects(checked.done, /42501/);
});

Deno.test("Mux: a lost connection fails every burst in flight, and any written after", async () => {
  const { client, mux, emit } = setUp();
  const a = burst(1);
  const b = burst(1);
  mux.submit(a);
  mux.submit(b);
  emit.done();
  mux.lost(new Error("Connection terminated unexpectedly"));
  await assert.rejects(a.done, /terminated/);
  await assert.rejects(b.done, /terminated/);
  assert.equal(client.pgrstDead, true);
  const c = burst(1);
  mux.submit(c);
  await assert.rejects(c.done, /terminated/);
});

Deno.test("Mux: shapes answered quickly at the head are recorded as quick; failed ones are not recorded", async () => {
  const { mux, shapes, emit } = setUp();
  const ok = burst(1);
  ok.shape = "select 1";
  const failed = burst(1);
  failed.shape = "select 1/0";
  mux.submit(ok);
  mux.submit(failed);
  emit.done();
  emit.ready("I");
  emit.error("22012");
  emit.ready("I");
  await ok.done;
  await assert.rejects(failed.done);
  assert.equal(shapes.quick("select 1"), true);
  assert.equal(shapes.quick("select 1/0"), false);
  shapes.record("slow", QUICK_SHAPE_MS * 10);
  assert.equal(shapes.quick("slow"), false);
});

Deno.test("ShapeTimes: a shape that failed is not pipelined until it has succeeded ~300 times in a row", () => {
  const shapes = new ShapeTimes();
  shapes.record("s", 1);
  assert.equal(shapes.quick("s"), true);
  shapes.failed("s");
  assert.equal(shapes.quick("s"), false);
  for (let i = 0; i < 250; i++) shapes.record("s", 1);
  assert.equal(shapes.quick("s"), false);
  for (let i = 0; i < 60; i++) shapes.record("s", 1);
  assert.equal(shapes.quick("s"), true);
});

Deno.test("Mux: a burst that fails marks its shape as failing", () => {
  const { mux, shapes, emit } = setUp();
  shapes.record("select $1", 1);
  const b = burst(1);
  b.shape = "select $1";
  mux.submit(b);
  emit.error("22012");
  assert.equal(shapes.quick("select $1"), false);
});
