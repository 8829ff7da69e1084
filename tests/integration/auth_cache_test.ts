/**
 * The JWT cache over HTTP (AU-13): PostgREST's `JwtCacheSpec` counters (requests, hits,
 * evictions with `jwt-cache-max-entries = 2`) and `test_auth.py`'s reload cases, on a running
 * server whose config is swapped as a reload swaps it.
 */
import assert from "node:assert/strict";
import { defaultConfig } from "../../lib/config/config.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { startPgrst } from "../../lib/pgrst.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  jwtCacheMaxEntries: 2,
});
Deno.test.afterAll(() => server.close());
const pgrst = server.pgrst;

const reload = (config: Partial<AppConfig> = {}) => server.reconfigure(config);

/** A fresh cache (another cache size first, so the authenticator is rebuilt), then `config`. */
function configure(config: Partial<AppConfig> = {}): void {
  reload({ jwtCacheMaxEntries: 999 });
  reload(config);
}

/** GET /authors_only with a token; the status. */
async function getWith(token: string): Promise<number> {
  const res = await pgrst.handler(
    new Request("http://localhost/authors_only?select=id", { headers: { Authorization: `Bearer ${token}` } }),
  );
  await res.body?.cancel();
  return res.status;
}

const token = (id: string, exp = 9999999999) => sign({ exp, role: "auth_author", id }, SECRET);

/** Cache counters before and after `run`: [requests, hits, evictions] added by it. */
async function counted(run: () => Promise<void>): Promise<[number, number, number]> {
  const before = pgrst.state.jwtCacheStats()!;
  await run();
  const after = pgrst.state.jwtCacheStats()!;
  const requests = (s: typeof after) => s.hits + s.misses;
  return [requests(after) - requests(before), after.hits - before.hits, after.evictions - before.evictions];
}

Deno.test("a token is verified once, then served from the cache", async () => {
  configure();
  const t1 = await token("jdoe1");
  assert.deepEqual(await counted(async () => assert.equal(await getWith(t1), 200)), [1, 0, 0]);
  const t2 = await token("jdoe2");
  assert.deepEqual(
    await counted(async () => {
      assert.equal(await getWith(t2), 200);
      assert.equal(await getWith(t2), 200);
    }),
    [2, 1, 0],
  );
});

Deno.test("invalid tokens are not cached", async () => {
  configure();
  assert.deepEqual(
    await counted(async () => {
      assert.equal(await getWith("some random bytes"), 401);
      assert.equal(await getWith("some random bytes"), 401);
    }),
    [2, 0, 0],
  );
});

Deno.test("expired tokens are cached and still rejected: claims are checked on every use", async () => {
  configure();
  const expired = await token("jdoe2", 1);
  assert.deepEqual(
    await counted(async () => {
      assert.equal(await getWith(expired), 401);
      assert.equal(await getWith(expired), 401);
    }),
    [2, 1, 0],
  );
});

Deno.test("with jwt-cache-max-entries = 2 the third token evicts one", async () => {
  configure();
  const [j1, j2, j3] = await Promise.all([token("jdoe3"), token("jdoe4"), token("jdoe5")]);
  assert.deepEqual(
    await counted(async () => {
      for (const t of [j1, j2, j3, j1, j2, j3]) assert.equal(await getWith(t), 200);
    }),
    [6, 0, 4],
  );
});

Deno.test("eviction is SIEVE, not FIFO: a visited token survives", async () => {
  configure();
  const [j1, j2, j3] = await Promise.all([token("jdoe6"), token("jdoe7"), token("jdoe8")]);
  assert.deepEqual(
    await counted(async () => {
      for (const t of [j1, j2, j1, j3, j1, j3]) assert.equal(await getWith(t), 200);
    }),
    [6, 3, 1],
  );
  configure();
  const [k1, k2, k3] = await Promise.all([token("jdoe9"), token("jdoe10"), token("jdoe11")]);
  assert.deepEqual(
    await counted(async () => {
      for (const t of [k1, k2, k1, k2, k3, k2, k3]) assert.equal(await getWith(t), 200);
    }),
    [7, 4, 1],
  );
});

Deno.test("jwt-cache-max-entries = 0 turns the cache off", async () => {
  configure({ jwtCacheMaxEntries: 0 });
  assert.equal(pgrst.state.jwtCacheStats(), null);
  const t = await token("nocache");
  assert.equal(await getWith(t), 200);
  assert.equal(await getWith(t), 200);
});

Deno.test("a reload with a new secret empties the cache; one without JWT changes keeps it", async () => {
  configure();
  const t = await token("reload");
  assert.equal(await getWith(t), 200);
  reload({ logLevel: "error", serverTimingEnabled: true });
  assert.deepEqual(await counted(async () => assert.equal(await getWith(t), 200)), [1, 1, 0]);
  reload({ jwtSecret: "invalid".repeat(5) });
  assert.equal(await getWith(t), 401);
  reload();
  assert.equal(await getWith(t), 200);
});

Deno.test("a reload with an unusable secret is refused and the running secret stays", async () => {
  configure();
  const t = await token("kept");
  assert.equal(await getWith(t), 200);
  assert.throws(() => reload({ jwtSecret: "short" }), /The JWT secret must be at least 32 characters long/);
  assert.equal(pgrst.state.config.jwtSecret, SECRET);
  assert.deepEqual(await counted(async () => assert.equal(await getWith(t), 200)), [1, 1, 0]);
});

Deno.test("startPgrst() refuses a secret PostgREST would refuse at start-up", async () => {
  await assert.rejects(
    startPgrst({ config: defaultConfig({ jwtSecret: "short" }), sink: { err: () => {}, out: () => {} } }),
    /The JWT secret must be at least 32 characters long/,
  );
});
