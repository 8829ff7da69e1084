/**
 * `deno task bench`: runs the shared throughput harness (`../shared/bench/run.sh`) against pgrst
 * started as `deno task start` starts it. Extra arguments go to run.sh (e.g. `-r 3 -P`).
 *
 * `--node` adds the npm build on Node as the second server (B): the package is built with
 * `deno task build:npm`, installed into a temporary directory, and its `pgrst` bin started with
 * plain `node`, as a user of the npm package runs it. Results: `scripts/bench/RESULTS.md`.
 */
const root = new URL("..", import.meta.url).pathname;
const harness = new URL("../../shared/bench/run.sh", import.meta.url).pathname;
// As `deno task start` (deno.json): V8's young generation capped at 8 MB semi-spaces keeps
// RSS near 100 MB under load (default: ~150 MB) for a few per cent of CPU.
const servers = [`${Deno.execPath()} run -A --v8-flags=--max-semi-space-size=8 ${root}main.ts`];
const env: Record<string, string> = { LABEL_A: "deno" };
const args = Deno.args.filter((a) => a !== "--node");
let installDir: string | undefined;

async function run(cmd: string, cmdArgs: string[], cwd = root): Promise<void> {
  const out = await new Deno.Command(cmd, { args: cmdArgs, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.error(`bench: ${cmd} ${cmdArgs.join(" ")} failed\n${text}`);
    Deno.exit(1);
  }
}

if (args.length !== Deno.args.length) {
  console.log("bench: building and installing the npm package for the Node run (B)");
  await run(Deno.execPath(), ["run", "-A", `${root}scripts/build_npm.ts`]);
  const tgz = [...Deno.readDirSync(`${root}dist/npm`)].find((e) =>
    e.name.endsWith(".tgz") && e.name !== "deno-pack.tgz"
  );
  if (!tgz) {
    console.error("bench: no tarball in dist/npm");
    Deno.exit(1);
  }
  installDir = await Deno.makeTempDir({ prefix: "pgrst-bench-node-" });
  await run("npm", ["init", "-y"], installDir);
  await run("npm", ["install", "--no-audit", "--no-fund", `${root}dist/npm/${tgz.name}`], installDir);
  servers.push(`node ${installDir}/node_modules/.bin/pgrst`);
  env.LABEL_B = "node";
}

const child = new Deno.Command("bash", {
  args: [harness, ...args, ...servers],
  env,
  stdout: "inherit",
  stderr: "inherit",
})
  .spawn();
const { code } = await child.status;
if (installDir) await Deno.remove(installDir, { recursive: true }).catch(() => {});
Deno.exit(code);
