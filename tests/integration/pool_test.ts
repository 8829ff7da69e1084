/**
 * The pool and a lost database: acquisition timeout (504 PGRST003), requests while the database
 * is down (503 with Retry-After), and recovery once it is back.
 */
import assert from "node:assert/strict";
import { createHandler } from "../../mod.ts";
import { startCluster } from "../helpers/cluster.ts";
import { summary, testApp } from "../helpers/app.ts";

Deno.test("a request waiting longer than db-pool-acquisition-timeout gets 504 PGRST003", async () => {
  const app = await testApp({ dbPool: 1, dbPoolAcquisitionTimeout: 1 });
  try {
    await app.db.psql(
      "create view test.sleepy as select pg_sleep(2.5)::text as s; grant select on test.sleepy to anon;",
    );
    await app.handler.reloadSchema();
    const slow = app.request("/sleepy");
    await new Promise((r) => setTimeout(r, 200));
    const res = await app.request("/items?id=eq.1");
    assert.deepEqual(await summary(res), {
      status: 504,
      body: {
        code: "PGRST003",
        details: null,
        hint: null,
        message: "Timed out acquiring connection from connection pool.",
      },
    });
    assert.equal((await slow).status, 200);
  } finally {
    await app.close();
  }
});

Deno.test("with the database down requests get 503 and Retry-After, and recover when it is back", async () => {
  const cluster = await startCluster();
  const handler = await (async () => {
    await cluster.psql(
      "postgres",
      "create role authenticator login noinherit; create role anon; grant anon to authenticator;" +
        "create schema api; create table api.t(id int); insert into api.t values (1);" +
        "grant usage on schema api to anon; grant select on api.t to anon;",
    );
    return await createHandler({
      config: {
        dbUri: cluster.uri("postgres", "authenticator"),
        dbSchemas: ["api"],
        dbAnonRole: "anon",
        logLevel: "crit",
      },
    });
  })();
  try {
    assert.equal((await handler(new Request("http://localhost/t"))).status, 200);
    await cluster.pause();
    const down = await handler(new Request("http://localhost/t"));
    assert.equal(down.status, 503);
    assert.ok(Number(down.headers.get("retry-after")) >= 0, "Retry-After is set");
    assert.match((await down.json()).code, /^PGRST00[01]$/);
    await cluster.resume();
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await handler(new Request("http://localhost/t"));
      status = res.status;
      await res.body?.cancel();
    }
    assert.equal(status, 200);
  } finally {
    await handler.close();
    await cluster.stop();
  }
});
