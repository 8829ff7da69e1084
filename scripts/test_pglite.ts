/**
 * `deno task test:pglite`: the integration suite on the embedded PostgreSQL (PGlite) instead of
 * PostgreSQL 15. `testApp()` (tests/helpers/app.ts) builds its handler on an in-memory PGlite
 * loaded with the same fixtures when `PGRST_TEST_DB=pglite`.
 *
 * The subset: every integration test file that talks to pgrst through `testApp()` (directly or
 * through a test helper). Files that
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

/** A module's text with the text of the test helpers it imports (transitively). */
async function withHelpers(url: URL, seen = new Set<string>()): Promise<string> {
  if (seen.has(url.href)) return "";
  seen.add(url.href);
  let text = await Deno.readTextFile(url);
  for (const m of text.matchAll(/from "(\.{1,2}\/(?:helpers\/)?[\w.]+\.ts)"/g)) {
    const dep = new URL(m[1], url);
    if (dep.pathname.includes("/tests/helpers/") && !dep.pathname.endsWith("/app.ts")) {
      text += await withHelpers(dep, seen);
    }
  }
  return text;
}

const included: string[] = [];
const excluded: string[] = [];
for (const f of files) {
  const text = await withHelpers(new URL(f, dir));
  const viaTestApp = /\btestApp\(/.test(text);
  const own = /\btestDatabase\(|startCluster\(|createPgDatabase|\bdb\.(uri|cluster)\b/.test(text);
  (viaTestApp && !own ? included : excluded).push(f);
}
console.log(`PGlite run: ${included.length} of ${files.length} integration test files`);
if (excluded.length > 0) {
  console.log(`  not on PGlite (not through testApp() alone): ${excluded.join(", ")}`);
}
/**
 * Tests that cannot pass on PGlite, and why. They run, and their failure is reported as a known
 * difference instead of a failure (Deno's --filter has no negative match to leave them out).
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  "statement_timeout from a function's SET clause is hoisted to the transaction":
    "PGlite cannot interrupt a running statement (no timer signal in single-threaded WebAssembly), " +
    "so statement_timeout never cancels anything",
};

const args = Deno.args.length > 0 ? Deno.args : included.map((f) => `tests/integration/${f}`);
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--parallel", ...args],
  env: { PGRST_TEST_DB: "pglite", NO_COLOR: "1" },
  stdin: "null",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
let output = "";
await child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
  new WritableStream({
    write(chunk) {
      output += chunk;
      Deno.stdout.writeSync(new TextEncoder().encode(chunk));
    },
  }),
);
const code = (await child.status).code;
const summary = /^(ok|FAILED) \| (\d+) passed \| (\d+) failed/m.exec(output.split(" FAILURES ").at(-1) ?? "");
if (!summary) Deno.exit(code || 1);
// The FAILURES section: "<test name> => ./tests/integration/<file>:<line>:<col>" or "<file> (uncaught error)".
const failures = (output.split(" FAILURES ")[1] ?? "").split("\n").map((l) => l.trim())
  .filter((l) => / => \.\/|\(uncaught error\)$/.test(l)).map((l) => l.replace(/ => \.\/.*$/, ""));
const known = failures.filter((name) => name in KNOWN_DIFFERENCES);
const failed = Number(summary[3]) - known.length;
for (const name of known) console.log(`known difference on PGlite: "${name}": ${KNOWN_DIFFERENCES[name]}`);
// The counts without the known differences (the last such line is the one .ci/run reads).
console.log(
  `${failed === 0 ? "ok" : "FAILED"} | ${
    summary[2]
  } passed | ${failed} failed | ${known.length} known PGlite differences`,
);
Deno.exit(failed === 0 && failures.length === known.length ? 0 : 1);
