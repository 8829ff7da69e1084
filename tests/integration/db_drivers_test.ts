/**
 * The `Database` contract, run on both drivers with the same cases: node-postgres on PostgreSQL
 * 15 (pipelined burst) and PGlite (one session, statements in turn) must give the same rows and
 * the same errors, and leave the same data behind.
 */
import assert from "node:assert/strict";
import { createPgDatabase } from "../../lib/db/pg.ts";
import { type Database, DbServerError, type Statement, type TxSpec } from "../../lib/db/db.ts";
import { testDatabase } from "../helpers/db.ts";
import { pgliteTestDatabase } from "../helpers/pglite.ts";

interface Subject {
  readonly db: Database;
  /** As the superuser, `psql -At` output. */
  psql(sql: string): Promise<string>;
  close(): Promise<void>;
}

async function pgSubject(): Promise<Subject> {
  const tdb = await testDatabase();
  const db = createPgDatabase({
    uri: tdb.uri(),
    poolSize: 3,
    acquisitionTimeout: 5,
    maxIdletime: 30,
    maxLifetime: 1800,
    applicationName: "pgrst driver test",
  });
  return { db, psql: tdb.psql, close: () => db.close().then(() => tdb.drop()) };
}

async function pgliteSubject(): Promise<Subject> {
  const t = await pgliteTestDatabase();
  return { db: t.db, psql: t.psql, close: t.close };
}

const st = (text: string, ...params: (string | null)[]): Statement => ({ text, params, prepare: false });
/** A transaction as `webuser` (the authenticator itself may not use schema `test`). */
const tx = (statements: Statement[], more: Partial<TxSpec> = {}): TxSpec => ({
  isolation: "read committed",
  readOnly: false,
  rollback: false,
  statements: [st("select set_config('role', 'webuser', true)"), ...statements],
  ...more,
});

const SETUP = `
create table test.driver_t (id integer primary key, v text);
create table test.driver_deferred (
  id integer primary key,
  parent integer references test.driver_deferred (id) deferrable initially deferred
);
grant select, insert, update, delete on test.driver_t, test.driver_deferred to webuser;`;

const drivers: [string, () => Promise<Subject>][] = [["pg", pgSubject], ["pglite", pgliteSubject]];

for (const [name, make] of drivers) {
  const s = await make();
  await s.psql(SETUP);
  Deno.test.afterAll(() => s.close());
  const count = async (where: string) =>
    (await s.psql(`select count(*) from test.driver_t where ${where}`)).trim();

  Deno.test(`${name}: transaction() returns every statement's rows as text, after the role switch`, async () => {
    const rows = await s.db.transaction(tx([
      st("select set_config('role', $1, true)", "anon"),
      st(
        `select current_user, $1::int + 1, $2::text is null, true, 1.50::numeric, '{"a": [1]}'::jsonb,
                array[1, 2], null::int, '\\x01ff'::bytea, '2020-01-02'::date`,
        "41",
        null,
      ),
    ], { readOnly: true }));
    assert.deepEqual(rows.slice(1), [
      [["anon"]],
      [["anon", "42", "t", "t", "1.50", '{"a": [1]}', "{1,2}", null, "\\x01ff", "2020-01-02"]],
    ]);
  });

  Deno.test(`${name}: transaction() sets the isolation level and access mode`, async () => {
    const rows = await s.db.transaction(tx([
      st("select current_setting('transaction_isolation'), current_setting('transaction_read_only')"),
    ], { isolation: "serializable", readOnly: true }));
    assert.deepEqual(rows[1], [["serializable", "on"]]);
  });

  Deno.test(`${name}: the first failing statement's error rejects and nothing is committed`, async () => {
    await assert.rejects(
      s.db.transaction(tx([
        st("insert into test.driver_t values (1, 'a')"),
        st("select 1 / 0"),
        st("insert into test.driver_t values (2, 'b')"),
      ])),
      (e: unknown) => e instanceof DbServerError && e.code === "22012" && e.message === "division by zero",
    );
    assert.equal(await count("true"), "0");
    // The session is usable afterwards.
    assert.deepEqual((await s.db.transaction(tx([st("select 'ok'")])))[1], [["ok"]]);
  });

  Deno.test(`${name}: errors keep PostgreSQL's detail and hint`, async () => {
    await s.psql("insert into test.driver_t values (10, 'x')");
    await assert.rejects(
      s.db.transaction(
        tx([
          st("select set_config('role', 'webuser', true)"),
          st("insert into test.driver_t values (10, 'y')"),
        ]),
      ),
      (e: unknown) =>
        e instanceof DbServerError && e.code === "23505" &&
        e.message === 'duplicate key value violates unique constraint "driver_t_pkey"' &&
        e.detail === "Key (id)=(10) already exists." && e.hint === null,
    );
    await s.psql("delete from test.driver_t");
  });

  Deno.test(`${name}: a permission error is 42501 for the switched role`, async () => {
    await assert.rejects(
      s.db.transaction(
        tx([st("select set_config('role', 'anon', true)"), st("select * from test.authors_only")]),
      ),
      (e: unknown) => e instanceof DbServerError && e.code === "42501",
    );
  });

  Deno.test(`${name}: a read-only transaction refuses writes with 25006`, async () => {
    await assert.rejects(
      s.db.transaction(tx([st("insert into test.driver_t values (3, 'c')")], { readOnly: true })),
      (e: unknown) => e instanceof DbServerError && e.code === "25006",
    );
  });

  Deno.test(`${name}: a check sees the results and its error rolls the transaction back`, async () => {
    let seen: unknown;
    await assert.rejects(
      s.db.transaction(tx([st("insert into test.driver_t values (4, 'd') returning id, v")], {
        check: (results) => {
          seen = results;
          return new Error("rejected by check");
        },
      })),
      /rejected by check/,
    );
    assert.deepEqual((seen as unknown[])[1], [["4", "d"]]);
    assert.equal(await count("id = 4"), "0");
  });

  Deno.test(`${name}: a passing check commits`, async () => {
    await s.db.transaction(tx([st("insert into test.driver_t values (5, 'e')")], { check: () => undefined }));
    assert.equal(await count("id = 5"), "1");
    await s.psql("delete from test.driver_t");
  });

  Deno.test(`${name}: rollback: true returns the rows and keeps nothing`, async () => {
    const rows = await s.db.transaction(
      tx([st("insert into test.driver_t values (6, 'f') returning v")], { rollback: true }),
    );
    assert.deepEqual(rows[1], [["f"]]);
    assert.equal(await count("id = 6"), "0");
  });

  Deno.test(`${name}: rollback: true still fails on a deferred constraint (23503)`, async () => {
    await assert.rejects(
      s.db.transaction(tx([st("insert into test.driver_deferred values (1, 99)")], { rollback: true })),
      (e: unknown) => e instanceof DbServerError && e.code === "23503",
    );
  });

  Deno.test(`${name}: a deferred constraint fails at COMMIT and nothing is kept`, async () => {
    await assert.rejects(
      s.db.transaction(tx([st("insert into test.driver_deferred values (2, 98)")])),
      (e: unknown) => e instanceof DbServerError && e.code === "23503",
    );
    assert.equal((await s.psql("select count(*) from test.driver_deferred")).trim(), "0");
  });

  Deno.test(`${name}: concurrent transactions all complete, each in its own transaction`, async () => {
    const runs = Array.from({ length: 12 }, (_, i) =>
      s.db.transaction(tx([
        st("insert into test.driver_t values ($1::int, 'p')", String(100 + i)),
        st("select count(*) from test.driver_t where id = $1::int", String(100 + i)),
        st("select txid_current()::text"),
      ])));
    const results = await Promise.all(runs);
    assert.deepEqual(results.map((r) => r[2]), results.map(() => [["1"]]));
    assert.equal(new Set(results.map((r) => r[3][0][0])).size, 12);
    assert.equal(await count("id >= 100"), "12");
    await s.psql("delete from test.driver_t");
  });

  Deno.test(`${name}: listen() delivers NOTIFY after commit`, async () => {
    const got = Promise.withResolvers<string>();
    const stop = await s.db.listen("pgrst", (n) => got.resolve(`${n.channel}:${n.payload}`), () => {});
    try {
      await s.db.transaction(tx([st("select pg_notify('pgrst', 'reload schema')")]));
      const timer = setTimeout(() => got.reject(new Error("no notification")), 5000);
      assert.equal(await got.promise, "pgrst:reload schema");
      clearTimeout(timer);
    } finally {
      await stop();
    }
  });
}
