/**
 * The end of the transaction (TX-09/10, PF `tx`, RH-06): PostgREST's `RollbackSpec` for every
 * `db-tx-end` mode with and without `Prefer: tx=commit|rollback`, through RPC writes
 * (`authtest.add_visit`), plus rollback on errors and deferred constraints.
 */
import assert from "node:assert/strict";
import type { TxEnd } from "../../lib/config/types.ts";
import { summary } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({ dbSchemas: ["authtest"], dbAnonRole: "auth_anon", jwtSecret: SECRET });
Deno.test.afterAll(() => server.close());

let counter = 0;

/** POSTs a visit with a unique note; whether it persisted, and the response. */
async function write(
  prefer: string | null,
): Promise<{ persisted: boolean; status: number; applied: string | null }> {
  const note = `visit ${++counter}`;
  const res = await server.request("/rpc/add_visit", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(prefer === null ? {} : { Prefer: prefer }) },
    body: JSON.stringify({ note }),
  });
  const s = await summary(res);
  assert.equal((s.body as { note: string }).note, note);
  const count = await server.db.psql(`select count(*) from authtest.visits where note = '${note}'`);
  return {
    persisted: count.trim() === "1",
    status: s.status,
    applied: res.headers.get("preference-applied"),
  };
}

/** Reads answer the same whatever the mode; they only say which tx preference was honoured. */
async function reads(prefer: string | null): Promise<(string | null)[]> {
  const auth = `Bearer ${await sign({ role: "auth_author" }, SECRET)}`;
  const headers = { Authorization: auth, ...(prefer === null ? {} : { Prefer: prefer }) };
  const requests = [
    server.request("/authors_only?select=id&id=eq.1", { headers }),
    server.request("/authors_only?select=id&id=eq.1", { method: "HEAD", headers }),
    server.request("/rpc/whoami", { headers }),
    server.request("/rpc/whoami", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: "{}",
    }),
  ];
  const out: (string | null)[] = [];
  for (const r of requests) {
    const res = await r;
    assert.equal(res.status, 200);
    await res.body?.cancel();
    out.push(res.headers.get("preference-applied"));
  }
  return out;
}

// [mode, Prefer, persisted, Preference-Applied]
const MATRIX: [TxEnd, string | null, boolean, string | null][] = [
  ["commit", null, true, null],
  ["commit", "tx=commit", true, null],
  ["commit", "tx=rollback", true, null],
  ["commit-allow-override", null, true, null],
  ["commit-allow-override", "tx=commit", true, "tx=commit"],
  ["commit-allow-override", "tx=rollback", false, "tx=rollback"],
  ["rollback", null, false, null],
  ["rollback", "tx=commit", false, null],
  ["rollback", "tx=rollback", false, null],
  ["rollback-allow-override", null, false, null],
  ["rollback-allow-override", "tx=commit", true, "tx=commit"],
  ["rollback-allow-override", "tx=rollback", false, "tx=rollback"],
];

Deno.test("db-tx-end and Prefer: tx decide whether a write persists and what is applied", async () => {
  try {
    for (const [mode, prefer, persisted, applied] of MATRIX) {
      server.reconfigure({ dbTxEnd: mode });
      const r = await write(prefer);
      assert.deepEqual(r, { persisted, status: 200, applied }, `${mode} ${prefer}`);
      const reported = await reads(prefer);
      assert.deepEqual(reported, [applied, applied, applied, applied], `reads: ${mode} ${prefer}`);
    }
  } finally {
    server.reconfigure();
  }
});

Deno.test("Prefer: tx is listed with the other honoured preferences", async () => {
  server.reconfigure({ dbTxEnd: "commit-allow-override" });
  try {
    const res = await server.request("/rpc/add_visit", {
      method: "POST",
      headers: { "Content-Type": "application/json", Prefer: "tx=rollback, count=exact, handling=lenient" },
      body: JSON.stringify({ note: "listed" }),
    });
    assert.equal(res.headers.get("preference-applied"), "count=exact, tx=rollback, handling=lenient");
    await res.body?.cancel();
  } finally {
    server.reconfigure();
  }
});

Deno.test("immediate and deferred constraint violations are 409 in every mode, without Preference-Applied", async () => {
  const body = {
    code: "23505",
    details: "Key (col)=(1) already exists.",
    hint: null,
    message: 'duplicate key value violates unique constraint "deferrable_unique_col_key"',
  };
  try {
    for (const [mode, prefer] of MATRIX.map(([m, p]) => [m, p] as const)) {
      server.reconfigure({ dbTxEnd: mode });
      for (const deferred of [false, true]) {
        const res = await server.request("/rpc/raise_constraint", {
          method: "POST",
          headers: { "Content-Type": "application/json", ...(prefer === null ? {} : { Prefer: prefer }) },
          body: JSON.stringify({ deferred }),
        });
        assert.deepEqual(
          await summary(res, ["preference-applied"]),
          { status: 409, "preference-applied": null, body },
          `${mode} ${prefer} deferred=${deferred}`,
        );
      }
    }
  } finally {
    server.reconfigure();
  }
  assert.equal((await server.db.psql("select count(*) from authtest.deferrable_unique")).trim(), "0");
});

Deno.test("an error after a write rolls the write back", async () => {
  const res = await server.request("/rpc/add_visit_then_fail", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ note: "never" }),
  });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "P0001", details: null, hint: null, message: "failed after writing" },
  });
  assert.equal(
    (await server.db.psql("select count(*) from authtest.visits where note = 'never'")).trim(),
    "0",
  );
});
