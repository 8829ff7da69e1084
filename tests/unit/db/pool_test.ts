import assert from "node:assert/strict";
import { Pool } from "../../../lib/db/pool.ts";

class Conn {
  static next = 0;
  readonly id = ++Conn.next;
  closed = false;
  alive = true;
}

function pool(
  options: { max?: number; acquireTimeoutMs?: number; idleMs?: number; lifetimeMs?: number } = {},
) {
  let now = 1_000;
  const created: Conn[] = [];
  const p = new Pool<Conn>({
    max: options.max ?? 2,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 1_000,
    idleMs: options.idleMs ?? 30_000,
    lifetimeMs: options.lifetimeMs ?? 1_800_000,
    create: () => {
      const c = new Conn();
      created.push(c);
      return Promise.resolve(c);
    },
    destroy: (c) => {
      c.closed = true;
      return Promise.resolve();
    },
    alive: (c) => c.alive,
    timeoutError: () => new Error("timeout"),
    now: () => now,
  });
  return { p, created, tick: (ms: number) => now += ms };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("Pool reuses the most recently released connection", async () => {
  const { p, created } = pool();
  const a = await p.acquire();
  const b = await p.acquire();
  p.release(a);
  p.release(b);
  const again = await p.acquire();
  assert.equal(again, b);
  assert.equal(created.length, 2);
  p.release(again);
  await p.end();
});

Deno.test("Pool makes callers beyond max wait in order and fails them after the timeout", async () => {
  const { p, tick } = pool({ max: 1, acquireTimeoutMs: 500 });
  const a = await p.acquire();
  const first = p.acquire();
  const second = p.acquire();
  p.release(a);
  assert.equal(await first, a);
  tick(600);
  await assert.rejects(second, /timeout/);
  assert.equal(p.waitingCount, 0);
  p.release(a);
  await p.end();
});

Deno.test("Pool closes idle connections after idleMs, and old ones when released", async () => {
  const { p, created, tick } = pool({ idleMs: 1_000, lifetimeMs: 5_000 });
  const a = await p.acquire();
  const b = await p.acquire();
  p.release(a);
  tick(1_500);
  await sleep(250); // the sweeper runs every 100 ms
  assert.equal(created[0].closed, true);
  tick(4_000);
  p.release(b); // born 5.5 s ago: over its lifetime
  assert.equal(created[1].closed, true);
  assert.equal(p.total, 0);
  await p.end();
});

Deno.test("Pool skips a connection that died while idle, and replaces broken ones for waiters", async () => {
  const { p, created } = pool({ max: 1 });
  const a = await p.acquire();
  p.release(a);
  a.alive = false;
  const b = await p.acquire();
  assert.notEqual(b, a);
  assert.equal(a.closed, true);
  const waiting = p.acquire();
  p.release(b, true);
  const c = await waiting;
  assert.equal(b.closed, true);
  assert.equal(created.length, 3);
  p.release(c);
  await p.end();
});

Deno.test("Pool.end() waits for lent connections and closes them when released", async () => {
  const { p } = pool();
  const a = await p.acquire();
  let ended = false;
  const ending = p.end().then(() => ended = true);
  await sleep(10);
  assert.equal(ended, false);
  p.release(a);
  await ending;
  assert.equal(a.closed, true);
  await assert.rejects(p.acquire(), /closed/);
});
