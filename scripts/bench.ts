/**
 * `deno task bench`: runs the shared throughput harness (`../shared/bench/run.sh`) against pgrst
 * started with `deno run -A main.ts`. Extra arguments go to run.sh (e.g. `-r 3 -P`).
 */
const root = new URL("..", import.meta.url).pathname;
const harness = new URL("../../shared/bench/run.sh", import.meta.url).pathname;
const server = `${Deno.execPath()} run -A ${root}main.ts`;
const child = new Deno.Command("bash", {
  args: [harness, ...Deno.args, server],
  stdout: "inherit",
  stderr: "inherit",
})
  .spawn();
Deno.exit((await child.status).code);
