import assert from "node:assert/strict";
import { Pool } from "../../../lib/db/pool.ts";

class Conn {
  static next = 0;
  readonly id = ++Conn.next;
  closed = false;
  alive = true;
}

interface ShareOptions {
  max: number;
  ok?: (c: Conn) => boolean;
  spread?: number;
}

function pool(
  options: {
    max?: number;
    acquireTimeoutMs?: number;
    idleMs?: number;
    lifetimeMs?: number;
    share?: ShareOptions;
  } = {},
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
    share: options.share && {
      max: options.share.max,
      ok: options.share.ok ?? (() => true),
      spread: () => options.share!.spread ?? Infinity,
    },
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

Deno.test("Pool with share: once every connection is lent, callers join the least busy one", async () => {
  const { p, created } = pool({ max: 2, share: { max: 3 } });
  const a = await p.acquire();
  const b = await p.acquire();
  assert.notEqual(a, b);
  const c = await p.acquire(); // joins a (both have one user: the first found)
  const d = await p.acquire(); // joins b, now the least busy
  assert.deepEqual(new Set([c, d]), new Set([a, b]));
  assert.equal(p.waitingCount, 0);
  assert.equal(created.length, 2);
  p.release(a);
  p.release(c); // a's last user: now idle
  assert.equal(p.idleCount, 1);
  p.release(b);
  assert.equal(p.idleCount, 1); // d still holds b
  p.release(d);
  assert.equal(p.idleCount, 2);
  await p.end();
});

Deno.test("Pool with share: callers wait once every connection has share.max users or refuses", async () => {
  let open = true;
  const { p } = pool({ max: 1, share: { max: 2, ok: () => open } });
  const a = await p.acquire();
  const b = await p.acquire();
  assert.equal(a, b);
  let third: Conn | undefined;
  const waiting = p.acquire().then((c) => third = c);
  assert.equal(p.waitingCount, 1);
  open = false;
  p.release(a); // one user left, but ok() refuses another
  await sleep(0);
  assert.equal(third, undefined);
  open = true;
  p.release(b); // released entirely: the waiter gets it
  await waiting;
  assert.equal(third, a);
  p.release(a);
  await p.end();
});

Deno.test("Pool with share: a waiter joins a connection still in use when a user leaves it", async () => {
  const { p } = pool({ max: 1, share: { max: 2 } });
  const a = await p.acquire();
  await p.acquire();
  const waiting = p.acquire();
  assert.equal(p.waitingCount, 1);
  p.release(a); // a still has a user, and room for one more
  assert.equal(await waiting, a);
  p.release(a);
  p.release(a);
  assert.equal(p.idleCount, 1);
  await p.end();
});

Deno.test("Pool with share: callers pack onto the busiest connection once `spread` are lent", async () => {
  const { p, created } = pool({ max: 4, share: { max: 3, spread: 1 } });
  const a = await p.acquire();
  assert.equal(await p.acquire(), a);
  assert.equal(await p.acquire(), a);
  const b = await p.acquire(); // a is full: a new connection rather than waiting
  assert.notEqual(b, a);
  assert.equal(await p.acquire(), b);
  assert.equal(created.length, 2);
  for (const c of [a, a, a, b, b]) p.release(c);
  assert.equal(p.idleCount, 2);
  await p.end();
});

Deno.test("Pool with share: below `spread` lent connections, idle ones are used first", async () => {
  const { p, created } = pool({ max: 4, share: { max: 3, spread: 2 } });
  const a = await p.acquire();
  const b = await p.acquire();
  assert.notEqual(a, b);
  const c = await p.acquire(); // two lent: now it packs
  assert.ok(c === a || c === b);
  assert.equal(created.length, 2);
  for (const x of [a, b, c]) p.release(x);
  await p.end();
});

Deno.test("Pool with share: a caller alone neither joins nor is joined", async () => {
  const { p, created } = pool({ max: 2, share: { max: 4, spread: 1 } });
  const a = await p.acquire(true);
  const b = await p.acquire(); // does not join a
  assert.notEqual(a, b);
  assert.equal(await p.acquire(), b); // joins b, never a
  const alone = p.acquire(true); // needs a connection to itself: waits
  assert.equal(p.waitingCount, 1);
  p.release(b); // b keeps one user: an alone waiter does not join it
  assert.equal(p.waitingCount, 1);
  p.release(a); // a is free
  assert.equal(await alone, a);
  assert.equal(created.length, 2);
  p.release(a);
  p.release(b);
  await p.end();
});

Deno.test("Pool with share: a lent connection that cannot take another user now is not joined", async () => {
  const stuck = new Set<Conn>();
  const { p } = pool({ max: 2, share: { max: 4, ok: (c) => !stuck.has(c) } });
  const a = await p.acquire();
  const b = await p.acquire();
  stuck.add(a);
  assert.equal(await p.acquire(), b); // all lent: joins b, never the stuck a
  stuck.add(b);
  const waiting = p.acquire(); // nothing to join: waits, as without share
  assert.equal(p.waitingCount, 1);
  p.release(a);
  assert.equal(await waiting, a);
  for (const c of [a, b, b]) p.release(c);
  await p.end();
});

Deno.test("Pool with share: a connection released as broken closes when its last user leaves", async () => {
  const { p, created } = pool({ max: 1, share: { max: 2 } });
  const a = await p.acquire();
  await p.acquire();
  p.release(a, true);
  assert.equal(created[0].closed, false);
  const next = p.acquire(); // a broken connection takes no more users
  assert.equal(p.waitingCount, 1);
  p.release(a);
  assert.equal(created[0].closed, true);
  const n = await next;
  assert.notEqual(n, a);
  p.release(n);
  await p.end();
});
