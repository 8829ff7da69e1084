/**
 * `deno task test:pglite`: the integration suite on the embedded PostgreSQL (PGlite) instead of
 * PostgreSQL 15. `testApp()` (tests/helpers/app.ts) builds its handler on an in-memory PGlite
 * loaded with the same fixtures when `PGRST_TEST_DB=pglite`.
 *
 * The subset: every integration test file that talks to pgrst through `testApp()`. Files that
 * connect to PostgreSQL themselves (`testDatabase()`, `startCluster()`, `createPgDatabase`,
 * `app.db.uri()`) are left out; the driver contract (`db_drivers_test.ts`) runs both drivers in
 * the normal suite anyway.
 *
 * Known difference (why pool_test.ts could not pass here anyway): PGlite runs a query
 * synchronously, so while one request's query runs the event loop waits and no second request
 * can queue up long enough for a 504 PGRST003 acquisition timeout.
 * Extra arguments go to `deno test`.
 */
const dir = new URL("../tests/integration/", import.meta.url);
const files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith("_test.ts"))
  .map((e) => e.name).sort();
const included: string[] = [];
const excluded: string[] = [];
for (const f of files) {
  const text = await Deno.readTextFile(new URL(f, dir));
  const viaTestApp = /\btestApp\(/.test(text);
  const own = /\btestDatabase\(|startCluster\(|createPgDatabase|\bdb\.(uri|cluster)\b/.test(text);
  (viaTestApp && !own ? included : excluded).push(f);
}
console.log(`PGlite run: ${included.length} of ${files.length} integration test files`);
if (excluded.length > 0) {
  console.log(`  not on PGlite (not through testApp() alone): ${excluded.join(", ")}`);
}
const args = Deno.args.length > 0 ? Deno.args : included.map((f) => `tests/integration/${f}`);
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--parallel", ...args],
  env: { PGRST_TEST_DB: "pglite" },
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
Deno.exit((await child.status).code);
