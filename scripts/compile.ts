/**
 * `deno task compile`: one native executable with `deno compile` (`dist/deno/pgrst`).
 *
 * `deno compile` builds on Deno's runtime for the target platform (`denort`), which it downloads
 * the first time from https://dl.deno.land and caches in DENO_DIR. Where that download is not
 * possible (offline, firewalled), this script says so and names the alternatives instead of
 * failing with a network trace: `DENORT_BIN=/path/to/denort` (a downloaded runtime), or
 * `deno task build:sea`, which builds a single executable offline from the npm build with Node.
 *
 * Usage: deno task compile [--target x86_64-unknown-linux-gnu] [--output dist/deno/pgrst]
 */
const root = new URL("../", import.meta.url).pathname;
const arg = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const output = arg("--output") ?? `${root}dist/deno/pgrst`;
const target = arg("--target");

const args = [
  "compile",
  "--allow-all",
  "--no-check",
  "--v8-flags=--max-semi-space-size=8", // as `deno task start`
  ...(target ? ["--target", target] : []),
  "--output",
  output,
  `${root}main.ts`,
];
console.log(`deno ${args.join(" ")}`);
const out = await new Deno.Command(Deno.execPath(), { args, cwd: root, stdout: "piped", stderr: "piped" })
  .output();
const log = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
if (out.success) {
  console.log(log.trim());
  console.log(`single executable: ${output}  (run it with no PGRST_DB_URI for the embedded demo)`);
  Deno.exit(0);
}

const download = /dl\.deno\.land|Setting up base binary|denort/i.test(log);
if (!download) {
  console.error(log.trim());
  Deno.exit(out.code || 1);
}
const url = /https:\/\/dl\.deno\.land\/\S+?\.zip/.exec(log)?.[0] ??
  "https://dl.deno.land/release/…/denort-….zip";
const reasons = log.split("Stack backtrace")[0].split("\n").map((l) => l.trim()).filter((l) =>
  /^\d+: /.test(l)
);
const cause = reasons.at(-1)?.replace(/^\d+: /, "") ?? "no details";
console.error(`
deno compile could not get Deno's runtime for the executable.

  It downloads it once, from ${url},
  and caches it in DENO_DIR; here that download failed: ${cause}.

  What to do:
  - run \`deno task compile\` where dl.deno.land is reachable (once: later runs use the cache), or
  - download that zip elsewhere, unzip it and run: DENORT_BIN=/path/to/denort deno task compile, or
  - build the single executable offline from the npm build with Node instead:
      deno task build:sea        (→ dist/sea/pgrst)
`);
Deno.exit(1);
