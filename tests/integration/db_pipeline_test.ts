/**
 * Transactions pipelined on one connection (`pg.ts`): each gets its own answer, a failure in the
 * middle fails only its own transaction (those written behind it are written again), prepared
 * statements stay consistent, a check blocks the connection until its end is written, slow
 * shapes run alone, and a connection lost mid-pipeline fails everything on it, cleanly.
 */
import assert from "node:assert/strict";
import { createPgDatabase } from "../../lib/db/pg.ts";
import { type Database, DbConnectionError, DbServerError, type Rows, type TxSpec } from "../../lib/db/db.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
await tdb.psql("CREATE TABLE test.pipelined (id int PRIMARY KEY, note text)");
await tdb.psql("GRANT USAGE ON SCHEMA test TO authenticator; GRANT ALL ON test.pipelined TO authenticator");

const opened: Database[] = [];
function database(poolSize: number, statementCacheSize?: number): Database {
  const db = createPgDatabase({
    uri: tdb.uri(),
    poolSize,
    pipelineDepth: 16,
    acquisitionTimeout: 5,
    maxIdletime: 30,
    maxLifetime: 1800,
    applicationName: "pgrst pipeline test",
    statementCacheSize,
  });
  opened.push(db);
  return db;
}

Deno.test.afterAll(async () => {
  for (const db of opened) await db.close();
  await tdb.drop();
});

const read = (text: string, params: string[], check?: TxSpec["check"]): TxSpec => ({
  isolation: "read committed",
  readOnly: true,
  rollback: false,
  statements: [{ text, params, prepare: true }],
  check,
});

const write = (text: string, params: string[], check?: TxSpec["check"]): TxSpec => ({
  ...read(text, params, check),
  readOnly: false,
});

/** Runs `specs` at once; the outcome of each, in order. */
function all(db: Database, specs: TxSpec[]): Promise<PromiseSettledResult<Rows[]>[]> {
  return Promise.allSettled(specs.map((s) => db.transaction(s)));
}

const value = (r: PromiseSettledResult<Rows[]>) => {
  assert.equal(r.status, "fulfilled", r.status === "rejected" ? String(r.reason) : "");
  return (r as PromiseFulfilledResult<Rows[]>).value[0][0][0];
};

const DIVIDE = "select (100 / $1::int)::text";

Deno.test("pipelined transactions on one connection each get their own answer", async () => {
  const db = database(1);
  await db.transaction(read(DIVIDE, ["1"])); // a known, quick shape: pipelined from now on
  const pending = Array.from({ length: 16 }, (_, i) => db.transaction(read(DIVIDE, [String(i + 1)])));
  // Nobody waits for the pool's only connection: up to pipelineDepth are written on it.
  assert.equal(db.stats().waiting, 0);
  pending.push(db.transaction(read(DIVIDE, ["17"])));
  assert.equal(db.stats().waiting, 1);
  const results = await Promise.all(pending);
  assert.deepEqual(
    results.map((r) => r[0][0][0]),
    Array.from({ length: 17 }, (_, i) => String(Math.trunc(100 / (i + 1)))),
  );
});

Deno.test("a failure in the middle of a pipeline fails only its own transaction", async () => {
  const db = database(1);
  await db.transaction(read(DIVIDE, ["1"]));
  const divisors = ["1", "2", "0", "4", "5", "0", "10"];
  const results = await all(db, divisors.map((d) => read(DIVIDE, [d])));
  divisors.forEach((d, i) => {
    const r = results[i];
    if (d === "0") {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof DbServerError && r.reason.code === "22012", String(r.reason));
    } else {
      assert.equal(value(r), String(100 / Number(d)));
    }
  });
  // The connection is out of the aborted transaction: a transaction after them works.
  assert.equal((await db.transaction(read(DIVIDE, ["50"])))[0][0][0], "2");
});

Deno.test("writes behind a failed write are committed once, the failed one not at all", async () => {
  const db = database(1);
  const insert = "insert into test.pipelined (id, note) values ($1::int, $2) returning id::text";
  await db.transaction(write(insert, ["1000", "warm-up"]));
  const ids = ["1", "2", "3", "1000", "4", "5"]; // 1000 exists: a unique violation
  const results = await all(db, ids.map((id) => write(insert, [id, `row ${id}`])));
  ids.forEach((id, i) => {
    if (id === "1000") {
      const r = results[i];
      assert.ok(r.status === "rejected" && r.reason instanceof DbServerError && r.reason.code === "23505");
    } else {
      assert.equal(value(results[i]), id);
    }
  });
  const rows = await tdb.psql("select string_agg(id || ':' || note, ',' order by id) from test.pipelined");
  assert.equal(rows.trim(), "1:row 1,2:row 2,3:row 3,4:row 4,5:row 5,1000:warm-up");
});

Deno.test("statements evicted and prepared again while pipelined stay consistent", async () => {
  const db = database(1, 2); // two prepared statements per connection: every third shape evicts
  const shapes = [
    "select (100 / $1::int)::text",
    "select (200 / $1::int)::text",
    "select (300 / $1::int)::text",
  ];
  for (const s of shapes) await db.transaction(read(s, ["1"]));
  for (let round = 0; round < 5; round++) {
    const specs = Array.from({ length: 12 }, (_, i) => read(shapes[i % 3], [i === 4 + round ? "0" : "1"]));
    const results = await all(db, specs);
    specs.forEach((spec, i) => {
      if (spec.statements[0].params[0] === "0") {
        const r = results[i];
        assert.ok(r.status === "rejected" && r.reason instanceof DbServerError && r.reason.code === "22012");
      } else {
        assert.equal(value(results[i]), String(100 * (1 + (i % 3))));
      }
    });
  }
});

Deno.test("a transaction waiting for its check takes nobody behind it until its end is written", async () => {
  const db = database(1);
  const insert = "insert into test.pipelined (id, note) values ($1::int, 'checked') returning id::text";
  await db.transaction(read(DIVIDE, ["1"]));
  let checked = 0;
  const accept = () => {
    checked++;
    return undefined;
  };
  const reject = () => new Error("refused by the check");
  const results = await all(db, [
    read(DIVIDE, ["1"]),
    write(insert, ["101"], accept),
    read(DIVIDE, ["2"]),
    write(insert, ["102"], reject),
    read(DIVIDE, ["4"]),
    write(insert, ["103"], accept),
  ]);
  assert.equal(value(results[0]), "100");
  assert.equal(value(results[2]), "50");
  assert.equal(value(results[4]), "25");
  assert.equal(value(results[1]), "101");
  assert.equal(value(results[5]), "103");
  assert.ok(results[3].status === "rejected" && /refused by the check/.test(String(results[3].reason)));
  assert.equal(checked, 2);
  const rows = await tdb.psql(
    "select string_agg(id::text, ',' order by id) from test.pipelined where note = 'checked'",
  );
  assert.equal(rows.trim(), "101,103");
});

Deno.test("a slow shape runs alone: quick transactions do not queue behind it", async () => {
  const db = database(2);
  await db.transaction(read(DIVIDE, ["1"]));
  const done: string[] = [];
  const slow = db.transaction(read("select pg_sleep($1::float)::text", ["0.4"])).then(() =>
    done.push("slow")
  );
  await new Promise((r) => setTimeout(r, 50));
  const quick = Array.from(
    { length: 6 },
    (_, i) => db.transaction(read(DIVIDE, [String(i + 1)])).then(() => done.push("quick")),
  );
  await Promise.all([slow, ...quick]);
  assert.deepEqual(done, ["quick", "quick", "quick", "quick", "quick", "quick", "slow"]);
});

Deno.test("a connection lost in the middle of a pipeline fails everything on it; the next transaction reconnects", async () => {
  const db = database(1);
  const killer = database(1);
  const sleepy = "select pg_sleep($1::float)::text";
  await db.transaction(read(sleepy, ["0"])); // known quick: the next ones are pipelined
  const pid = (await db.transaction(read("select pg_backend_pid()::text", [])))[0][0][0];
  const pending = all(db, [read(sleepy, ["1"]), read(sleepy, ["0"]), read(sleepy, ["0"])]);
  await new Promise((r) => setTimeout(r, 200));
  await killer.transaction(write("select pg_terminate_backend($1::int)::text", [pid!]));
  const results = await pending;
  for (const r of results) {
    assert.equal(r.status, "rejected");
    const e = (r as PromiseRejectedResult).reason;
    assert.ok(
      e instanceof DbConnectionError || (e instanceof DbServerError && e.code === "57P01"),
      String(e),
    );
  }
  const again = await db.transaction(read("select pg_backend_pid()::text", []));
  assert.notEqual(again[0][0][0], pid);
});

Deno.test("a mix where every third transaction fails: each still gets its own outcome", async () => {
  const db = database(1);
  await db.transaction(read(DIVIDE, ["1"]));
  for (let round = 0; round < 3; round++) {
    const divisors = Array.from({ length: 60 }, (_, i) => i % 3 === 2 ? "0" : String(1 + (i % 7)));
    const results = await all(db, divisors.map((d) => read(DIVIDE, [d])));
    divisors.forEach((d, i) => {
      const r = results[i];
      if (d === "0") {
        assert.ok(r.status === "rejected" && r.reason instanceof DbServerError && r.reason.code === "22012");
      } else {
        assert.equal(value(r), String(Math.trunc(100 / Number(d))));
      }
    });
  }
});
