/**
 * How a write's transaction ends: `db-tx-end`, `Prefer: tx=`, deferred constraints, and the
 * preferences a write echoes in Preference-Applied (TX-09, TX-10, PF-02, PF-06, PF-09, PF-10).
 */
import assert from "node:assert/strict";
import { summary, type TestApp, testApp } from "../helpers/app.ts";
import { rows, send } from "../helpers/writes.ts";

const apps: TestApp[] = [];
async function appWith(dbTxEnd: "commit" | "commit-allow-override" | "rollback" | "rollback-allow-override") {
  const app = await testApp({ dbTxEnd });
  apps.push(app);
  return app;
}
Deno.test.afterAll(async () => {
  for (const app of apps) await app.close();
});

const commit = await appWith("commit");
const rollback = await appWith("rollback");

Deno.test("db-tx-end=rollback answers writes as usual but keeps nothing", async () => {
  const post = await send(rollback, "POST", "/articles", {
    body: '{"id": 50, "body": "gone"}',
    headers: { Prefer: "return=representation" },
  });
  assert.deepEqual(await summary(post, ["preference-applied"]), {
    status: 201,
    "preference-applied": "return=representation",
    body: [{ id: 50, body: "gone", owner: "anon" }],
  });
  const patch = await send(rollback, "PATCH", "/articles?id=eq.1", { body: '{"body": "changed"}' });
  assert.equal(patch.status, 204);
  const del = await send(rollback, "DELETE", "/articles?id=eq.2", { headers: { Prefer: "count=exact" } });
  assert.deepEqual(await summary(del, ["content-range"]), { status: 204, "content-range": "*/1", body: "" });
  assert.deepEqual(await rows(rollback, "select id, body from test.articles order by id"), [
    { id: 1, body: "first" },
    { id: 2, body: "second" },
  ]);
});

Deno.test("db-tx-end=rollback still checks deferred constraints before rolling back", async () => {
  const res = await send(rollback, "POST", "/deferred_child", { body: '{"id": 1, "parent_id": 99}' });
  const s = await summary(res);
  assert.equal(s.status, 409);
  assert.equal((s.body as { code: string }).code, "23503");
  const ok = await send(rollback, "POST", "/deferred_child", { body: '{"id": 1, "parent_id": null}' });
  assert.equal(ok.status, 201);
  assert.deepEqual(await rows(rollback, "select * from test.deferred_child"), []);
});

Deno.test("db-tx-end=commit ignores Prefer: tx=rollback and does not echo it", async () => {
  const res = await send(commit, "POST", "/articles", {
    body: '{"id": 51, "body": "kept"}',
    headers: { Prefer: "tx=rollback, return=minimal" },
  });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 201,
    "preference-applied": "return=minimal",
    body: "",
  });
  assert.deepEqual(await rows(commit, "select body from test.articles where id = 51"), [{ body: "kept" }]);
});

Deno.test("A write that fails after changing rows keeps none of them", async () => {
  const res = await send(commit, "POST", "/guarded", {
    body: '[{"id": 10, "val": "a"}, {"id": 11, "val": "bad"}]',
  });
  assert.equal(res.status, 400);
  await res.body?.cancel();
  assert.deepEqual(await rows(commit, "select id from test.guarded order by id"), [{ id: 1 }]);
});

Deno.test("POST and PUT do not honour max-affected, nor echo it", async () => {
  const res = await send(commit, "POST", "/tiobe_pls", {
    body: '[{"name": "Zig", "rank": 40}, {"name": "Nim", "rank": 41}]',
    headers: { Prefer: "handling=strict, max-affected=1" },
  });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 201,
    "preference-applied": "handling=strict",
    body: "",
  });
  assert.deepEqual(await rows(commit, "select count(*)::int as n from test.tiobe_pls where rank >= 40"), [{
    n: 2,
  }]);
  const put = await send(commit, "PUT", "/tiobe_pls?name=eq.Nim", {
    body: '{"name": "Nim", "rank": 43}',
    headers: { Prefer: "handling=strict, max-affected=0" },
  });
  assert.deepEqual(await summary(put, ["preference-applied"]), {
    status: 204,
    "preference-applied": "handling=strict",
    body: "",
  });
});

Deno.test("Preference-Applied lists the honoured write preferences in PostgREST's order", async () => {
  const res = await send(commit, "POST", "/tiobe_pls", {
    body: '[{"name": "Zig", "rank": 42}]',
    headers: { Prefer: "count=exact, return=representation, missing=default, resolution=merge-duplicates" },
  });
  assert.deepEqual(await summary(res, ["preference-applied", "content-range"]), {
    status: 200,
    "preference-applied": "resolution=merge-duplicates, missing=default, return=representation, count=exact",
    "content-range": "*/1",
    body: [{ name: "Zig", rank: 42 }],
  });
  const del = await send(commit, "DELETE", "/tiobe_pls?name=eq.Zig", {
    headers: { Prefer: "missing=default, resolution=merge-duplicates, return=minimal" },
  });
  assert.deepEqual(await summary(del, ["preference-applied"]), {
    status: 204,
    "preference-applied": "return=minimal",
    body: "",
  });
});

Deno.test({
  name: "db-tx-end=rollback-allow-override commits with Prefer: tx=commit and echoes it",
  fn: async () => {
    const app = await appWith("rollback-allow-override");
    const res = await send(app, "POST", "/articles", {
      body: '{"id": 52, "body": "committed"}',
      headers: { Prefer: "tx=commit" },
    });
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 201,
      "preference-applied": "tx=commit",
      body: "",
    });
    assert.deepEqual(await rows(app, "select body from test.articles where id = 52"), [{
      body: "committed",
    }]);
    const dflt = await send(app, "POST", "/articles", { body: '{"id": 53, "body": "rolled back"}' });
    assert.equal(dflt.status, 201);
    await dflt.body?.cancel();
    assert.deepEqual(await rows(app, "select body from test.articles where id = 53"), []);
  },
});

Deno.test({
  name: "db-tx-end=commit-allow-override rolls back with Prefer: tx=rollback",
  fn: async () => {
    const app = await appWith("commit-allow-override");
    const res = await send(app, "PATCH", "/articles?id=eq.1", {
      body: '{"body": "temporary"}',
      headers: { Prefer: "tx=rollback, return=representation" },
    });
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 200,
      "preference-applied": "return=representation, tx=rollback",
      body: [{ id: 1, body: "temporary", owner: "postgres" }],
    });
    assert.deepEqual(await rows(app, "select body from test.articles where id = 1"), [{ body: "first" }]);
  },
});

Deno.test({
  name: "A write with an unknown preference and handling=strict is 400 PGRST122 and changes nothing",
  fn: async () => {
    const res = await send(commit, "POST", "/articles", {
      body: '{"id": 54, "body": "x"}',
      headers: { Prefer: "handling=strict, foo, bar=baz" },
    });
    assert.deepEqual(await summary(res), {
      status: 400,
      body: {
        code: "PGRST122",
        details: "Invalid preferences: foo, bar=baz",
        hint: null,
        message: "Invalid preferences given with handling=strict",
      },
    });
    assert.deepEqual(await rows(commit, "select id from test.articles where id = 54"), []);
  },
});
