/**
 * `deno run -A scripts/fuzz_sql.ts [--seed N] [--count N] [--db]`: a long run of the read fuzzer
 * (see `tests/helpers/sql_fuzz.ts`).
 *
 * Without `--db`: query strings are parsed, planned against the hand-built catalog of the unit
 * tests and rendered; no request value may reach the SQL text and only client PgrstErrors may be
 * thrown. With `--db`: a throwaway PostgreSQL 15 cluster is started with `tests/fixtures/`, and the
 * requests go through the handler on the `reading` schema; no answer may be a 5xx.
 * Prints a summary and exits with 1 on any failure.
 */
import { createHandler } from "../mod.ts";
import { fuzzHandler, fuzzSql } from "../tests/helpers/sql_fuzz.ts";
import { READING_VOCABULARY } from "../tests/helpers/read_vocabulary.ts";
import { startCluster } from "../tests/helpers/cluster.ts";
import { loadFixtures, TEMPLATE_DB } from "../tests/helpers/db.ts";
import { CATALOG, CONFIG, TABLES } from "../tests/unit/plan/read_fixture.ts";

/** The value after `--name` (or in `--name=value`). */
function flag(name: string): string | undefined {
  const i = Deno.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const arg = Deno.args[i];
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : Deno.args[i + 1];
}

const seed = Number(flag("seed") ?? Date.now() % 2 ** 31);
const withDb = Deno.args.includes("--db");
const count = Number(flag("count") ?? (withDb ? 20_000 : 200_000));
if (![seed, count].every(Number.isFinite)) {
  console.error("usage: deno run -A scripts/fuzz_sql.ts [--seed N] [--count N] [--db]");
  Deno.exit(2);
}

const started = performance.now();
let failures: readonly { readonly input: string; readonly problem: string }[];
if (withDb) {
  const cluster = await startCluster();
  try {
    await loadFixtures(cluster);
    const handler = await createHandler({
      config: {
        dbUri: cluster.uri(TEMPLATE_DB, "authenticator", "authenticator"),
        dbSchemas: ["reading"],
        dbAnonRole: "anon",
        dbPool: 4,
        dbMaxRows: 100,
        logLevel: "crit",
      },
    });
    // Reads only (GET/HEAD in read-only transactions): the template database is not changed.
    const summary = await fuzzHandler({
      seed,
      count,
      vocabulary: READING_VOCABULARY,
      request: (i) =>
        handler(new Request(`http://localhost${i.path}`, { method: i.method, headers: i.headers })),
    });
    await handler.close();
    console.log(
      `seed ${seed}: ${summary.inputs} requests in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const [status, n] of Object.entries(summary.statuses)) console.log(`  ${status}: ${n}`);
    failures = summary.failures;
  } finally {
    await cluster.stop();
  }
} else {
  const vocabulary = {
    tables: Object.fromEntries(
      TABLES.map((t) => [t.name, [...t.columns.map((c) => c.name), "nope", "computed"]]),
    ),
    embeds: { clients: ["projects", "nope"], projects: ["clients"], items: ["clients"] },
  };
  const summary = fuzzSql({
    seed,
    count,
    catalog: CATALOG,
    config: { ...CONFIG, dbMaxRows: 50 },
    vocabulary,
    timeLimitMs: 250,
  });
  console.log(
    `seed ${seed}: ${summary.inputs} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`  rendered: ${summary.rendered}`);
  for (const [code, n] of Object.entries(summary.errors)) console.log(`  ${code}: ${n}`);
  console.log(`  values as parameters: ${summary.markersBound} of ${summary.markersPlaced}`);
  failures = summary.failures;
}
if (failures.length > 0) {
  console.log(`  FAILURES: ${failures.length}`);
  for (const f of failures.slice(0, 20)) console.log(`    ${f.input}: ${f.problem.slice(0, 2000)}`);
  Deno.exit(1);
}
console.log("  no failures");
