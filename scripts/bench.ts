/**
 * `deno task bench`: runs the shared throughput harness (`../shared/bench/run.sh`) against pgrst
 * started as `deno task start` starts it. Extra arguments go to run.sh (e.g. `-r 3 -P`).
 */
const root = new URL("..", import.meta.url).pathname;
const harness = new URL("../../shared/bench/run.sh", import.meta.url).pathname;
// As `deno task start` (deno.json): V8's young generation capped at 8 MB semi-spaces keeps
// RSS near 100 MB under load (default: ~150 MB) for a few per cent of CPU.
const server = `${Deno.execPath()} run -A --v8-flags=--max-semi-space-size=8 ${root}main.ts`;
const child = new Deno.Command("bash", {
  args: [harness, ...Deno.args, server],
  stdout: "inherit",
  stderr: "inherit",
})
  .spawn();
Deno.exit((await child.status).code);
