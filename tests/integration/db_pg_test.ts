import assert from "node:assert/strict";
import { createPgDatabase } from "../../lib/db/pg.ts";
import { DbServerError } from "../../lib/db/db.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
const db = createPgDatabase({
  uri: tdb.uri(),
  poolSize: 2,
  acquisitionTimeout: 2,
  maxIdletime: 30,
  maxLifetime: 1800,
  applicationName: "pgrst test",
});

Deno.test.afterAll(async () => {
  await db.close();
  await tdb.drop();
});

Deno.test("transaction() pipelines settings and a prepared statement as the switched role", async () => {
  const rows = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [
      { text: "select set_config('role', $1, true)", params: ["anon"], prepare: true },
      {
        text: "select current_user::text, count(*)::text from test.items where id <= $1",
        params: ["3"],
        prepare: true,
      },
    ],
  });
  assert.deepEqual(rows[1], [["anon", "3"]]);
});

Deno.test("transaction() rejects with the first server error and leaves the connection usable", async () => {
  await assert.rejects(
    db.transaction({
      isolation: "read committed",
      readOnly: true,
      rollback: false,
      statements: [{ text: "select 1/0", params: [], prepare: false }],
    }),
    (e: unknown) => e instanceof DbServerError && e.code === "22012",
  );
  const rows = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [{ text: "select 'ok'", params: [], prepare: false }],
  });
  assert.deepEqual(rows[0], [["ok"]]);
});

Deno.test("transaction() rolls back when a check rejects the results", async () => {
  const check = () => new Error("rejected");
  await assert.rejects(
    db.transaction({
      isolation: "read committed",
      readOnly: false,
      rollback: false,
      statements: [
        { text: "select set_config('role', 'webuser', true)", params: [], prepare: false },
        { text: "insert into test.clients values (99, 'x') returning id", params: [], prepare: false },
      ],
      check,
    }),
    /rejected/,
  );
  assert.equal((await tdb.psql("select count(*) from test.clients where id = 99")).trim(), "0");
});

Deno.test("transaction() sends and receives values larger than a socket read or write", async () => {
  const big = "é😀x".repeat(200_000); // 1.6 MB of UTF-8 each way
  const rows = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [
      { text: "select length($1)::text, $1 || $2", params: [big, "!"], prepare: true },
      { text: "select $1::text", params: ["after"], prepare: true },
    ],
  });
  assert.equal(rows[0][0][0], String(3 * 200_000));
  assert.equal(rows[0][0][1], big + "!");
  assert.deepEqual(rows[1], [["after"]]);
});
