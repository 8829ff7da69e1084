/**
 * `deno task smoke`: the same smoke assertions (scripts/smoke/cases.mjs: read, write, RPC, JWT,
 * error) on every way of running pgrst, with start-up time and memory of each.
 *
 * Against a throwaway PostgreSQL 15 loaded with the demo schema:
 *   deno      `deno run -A main.ts`                        (assertions run in Deno)
 *   npm       the built tarball, `npm install`ed into a temp directory, its `pgrst` bin on Node
 *             (assertions run by `node scripts/smoke/run.mjs`)
 *   library   the installed package's `createHandler()` under /api in Hono on @hono/node-server
 *             (assertions run inside that Node process)
 *   sea       the single executable `dist/sea/pgrst` (assertions under Node)
 * And with no database configured (the embedded demo, a new data directory each): deno, npm and
 * sea again, plus the banner's three curl commands run by the shell as printed; then a restart
 * on the same directory, for the warm start-up time.
 *
 * Usage: deno task smoke [--skip-build] [--only deno,npm,library,sea]
 * Ends with `smoke: N passed, N failed, N skipped`; exits 1 on any failure.
 */
import { startCluster } from "../tests/helpers/cluster.ts";
import { DEMO_SQL } from "../lib/embedded/demo_schema.ts";
import { runCases as runCasesJs } from "./smoke/cases.mjs";
import { bannerCurls, bannerToken, type ServerRun, startServer } from "./smoke/server.ts";
import { checkBannerCurl } from "./smoke/banner_check.ts";

const root = new URL("../", import.meta.url).pathname;
/** cases.mjs is plain JavaScript (for Node too): its signature, typed. */
const runCases = runCasesJs as unknown as (o: {
  base: string;
  secret: string | null;
  token: string | null;
  print: (line: string) => void;
}) => Promise<
  { passed: number; failed: number; skipped: number; failures: { group: string; name: string }[] }
>;
const only = Deno.args.includes("--only") ? Deno.args[Deno.args.indexOf("--only") + 1].split(",") : null;
const wanted = (kind: string) => only === null || only.includes(kind);
const baseEnv = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/tmp" };
const nodeBin = new TextDecoder().decode(
  (await new Deno.Command("sh", { args: ["-c", "command -v node"], stdout: "piped" }).output()).stdout,
).trim();

async function sh(cmd: string, args: string[], cwd = root): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr) };
}

interface Row {
  target: string;
  start: string;
  rss: string;
  peak: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}
const rows: Row[] = [];

/** Counts from a runner's output (`smoke: N passed, N failed, N skipped`) and its FAIL lines. */
function parseRunner(out: string) {
  const m = /smoke: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(out);
  const failures = [...out.matchAll(/ {2}FAIL {2}(.+)/g)].map((f) => f[1]);
  return m
    ? { passed: +m[1], failed: +m[2], skipped: +m[3], failures }
    : { passed: 0, failed: 1, skipped: 0, failures: [`runner did not finish:\n${out.slice(-2000)}`] };
}

async function smokeTarget(
  target: string,
  spawn: { cmd: string; args: string[]; env: Record<string, string>; cwd: string },
  opts: { port: number; secret: string | null; nodeRunner: boolean; embedded: boolean },
): Promise<void> {
  console.log(`\n== ${target}`);
  let server: ServerRun;
  try {
    server = await startServer({ ...spawn, env: { ...baseEnv, ...spawn.env }, banner: opts.embedded });
  } catch (e) {
    console.log(`  FAIL  start: ${(e as Error).message.slice(0, 3000)}`);
    rows.push({
      target,
      start: "-",
      rss: "-",
      peak: "-",
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: ["start"],
    });
    return;
  }
  console.log(`  started in ${server.startMs} ms, RSS ${server.rssMib} MiB`);
  const base = `http://127.0.0.1:${opts.port}`;
  const token = opts.secret ? null : bannerToken(server.stdout());
  let counts;
  if (opts.nodeRunner) {
    const args = [`${root}scripts/smoke/run.mjs`, base, ...(opts.secret ? ["--secret", opts.secret] : [])];
    const r = await sh(nodeBin, [...args, ...(token ? ["--token", token] : [])]);
    console.log(r.out.trimEnd());
    counts = parseRunner(r.out);
  } else {
    const c = await runCases({ base, secret: opts.secret, token, print: (l: string) => console.log(l) });
    counts = {
      ...c,
      failures: c.failures.map((f: { group: string; name: string }) => `[${f.group}] ${f.name}`),
    };
  }
  if (opts.embedded) {
    for (const [i, curl] of bannerCurls(server.stdout()).entries()) {
      const problem = await checkBannerCurl(i, curl.replace("localhost:", "127.0.0.1:"));
      const label = `[banner] curl #${i + 1} as printed`;
      if (problem === null) {
        counts.passed++;
        console.log(`  ok    ${label}`);
      } else {
        counts.failed++;
        counts.failures.push(label);
        console.log(`  FAIL  ${label}\n          ${problem}`);
      }
    }
  }
  const peak = await server.peakRssMib();
  const code = await server.stop();
  if (code !== 0) {
    counts.failed++;
    counts.failures.push(`exit code ${code} after SIGTERM`);
    console.log(`  FAIL  exit code ${code} after SIGTERM`);
  }
  let start = `${server.startMs} ms`;
  if (opts.embedded) {
    // Warm start: the same data directory again (no initdb, no seeding).
    const again = await startServer({ ...spawn, env: { ...baseEnv, ...spawn.env }, banner: true });
    start = `${server.startMs} ms new, ${again.startMs} ms existing`;
    await again.stop();
  }
  rows.push({ target, start, rss: `${server.rssMib}`, peak: `${peak}`, ...counts });
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

// Builds.
const built = { npm: false, sea: false };
const needNode = wanted("npm") || wanted("library") || wanted("sea");
if (needNode && !Deno.args.includes("--skip-build")) {
  const npm = await sh(Deno.execPath(), ["run", "-A", `${root}scripts/build_npm.ts`]);
  console.log(npm.out.trim().split("\n").slice(-2).join("\n"));
  if (npm.code !== 0) console.log(`build:npm FAILED\n${npm.out}`);
  if (wanted("sea") && npm.code === 0) {
    const sea = await sh(Deno.execPath(), ["run", "-A", `${root}scripts/build_sea.ts`, "--skip-npm"]);
    console.log(sea.out.trim().split("\n").at(-1));
    if (sea.code !== 0) console.log(`build:sea FAILED\n${sea.out}`);
  }
}
let tgz: Deno.DirEntry | undefined;
try {
  tgz = [...Deno.readDirSync(`${root}dist/npm`)].find((e) => e.name.endsWith(".tgz"));
} catch { /* not built */ }
const install = await Deno.makeTempDir({ prefix: "pgrst-npm-smoke-" });
if (needNode && tgz) {
  await Deno.writeTextFile(`${install}/package.json`, '{ "name": "pgrst-smoke", "private": true }\n');
  const r = await sh("npm", ["install", "--no-audit", "--no-fund", `${root}dist/npm/${tgz.name}`], install);
  built.npm = r.code === 0;
  console.log(built.npm ? `npm install ${tgz.name} into ${install}: ok` : `npm install FAILED\n${r.out}`);
  await Deno.copyFile(`${root}scripts/smoke/cases.mjs`, `${install}/cases.mjs`);
  await Deno.copyFile(`${root}scripts/smoke/library_node.mjs`, `${install}/library_node.mjs`);
}
built.sea = await Deno.stat(`${root}dist/sea/pgrst`).then(() => true, () => false);
const nodeVersion = (await sh(nodeBin, ["--version"])).out.trim();

// PostgreSQL with the demo schema.
const cluster = await startCluster();
const dirs: string[] = [install];
try {
  await cluster.psql("postgres", "create database pgrst_demo");
  await cluster.psql("pgrst_demo", DEMO_SQL);
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const pgEnv = (port: number) => ({
    PGRST_DB_URI: cluster.uri("pgrst_demo", "authenticator"),
    PGRST_DB_SCHEMAS: "api",
    PGRST_DB_ANON_ROLE: "anon",
    PGRST_JWT_SECRET: secret,
    PGRST_SERVER_PORT: String(port),
    PGRST_SERVER_HOST: "127.0.0.1",
  });
  const bin = `${install}/node_modules/.bin/pgrst`;
  const sea = `${root}dist/sea/pgrst`;
  const pgTargets: [string, string, string, string[], boolean, boolean][] = [
    ["deno", "deno · PostgreSQL", Deno.execPath(), ["run", "-A", `${root}main.ts`], false, true],
    ["npm", `npm package on Node ${nodeVersion} · PostgreSQL`, nodeBin, [bin], true, built.npm],
    ["sea", "single executable (Node SEA) · PostgreSQL", sea, [], true, built.sea],
  ];
  for (const [kind, target, cmd, args, nodeRunner, available] of pgTargets) {
    if (!wanted(kind)) continue;
    if (!available) {
      rows.push({
        target,
        start: "-",
        rss: "-",
        peak: "-",
        passed: 0,
        failed: 1,
        skipped: 0,
        failures: ["not built"],
      });
      continue;
    }
    const port = freePort();
    await smokeTarget(target, { cmd, args, env: pgEnv(port), cwd: root }, {
      port,
      secret,
      nodeRunner,
      embedded: false,
    });
  }
  if (wanted("library") && built.npm) {
    console.log(`\n== library: createHandler() under /api in Hono on Node ${nodeVersion} · PostgreSQL`);
    const started = performance.now();
    const r = await new Deno.Command(nodeBin, {
      args: ["library_node.mjs"],
      cwd: install,
      env: { ...baseEnv, ...pgEnv(0) },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
    console.log(out.trimEnd());
    const listening = /listening (\d+) ms \(rss (\d+) MiB\)/.exec(out);
    rows.push({
      target: `library in Hono on Node ${nodeVersion} · PostgreSQL`,
      start: listening ? `${listening[1]} ms (in process)` : `${Math.round(performance.now() - started)} ms`,
      rss: listening?.[2] ?? "-",
      peak: /^rss (\d+) MiB$/m.exec(out)?.[1] ?? "-",
      ...parseRunner(out),
    });
  }

  // The embedded demo: no database configured, a new working directory each.
  const embeddedTargets: [string, string, string, string[], boolean, boolean][] = [
    [
      "deno",
      "deno · embedded demo (no db-uri)",
      Deno.execPath(),
      ["run", "-A", `${root}main.ts`],
      false,
      true,
    ],
    ["npm", `npm package on Node ${nodeVersion} · embedded demo`, nodeBin, [bin], true, built.npm],
    ["sea", "single executable · embedded demo", sea, [], true, built.sea],
  ];
  for (const [kind, target, cmd, args, nodeRunner, available] of embeddedTargets) {
    if (!wanted(kind) || !available) continue;
    const cwd = await Deno.makeTempDir({ prefix: "pgrst-demo-smoke-" });
    dirs.push(cwd);
    const port = freePort();
    const env = { PGRST_SERVER_PORT: String(port) };
    await smokeTarget(target, { cmd, args, env, cwd }, { port, secret: null, nodeRunner, embedded: true });
  }
} finally {
  await cluster.stop();
  for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
}

// Report.
console.log("\n== start-up time and memory (RSS when ready / peak, MiB)");
for (const r of rows) {
  console.log(
    `  ${r.target.padEnd(52)} ${r.start.padEnd(30)} ${r.rss.padStart(5)} / ${r.peak.padEnd(5)} ` +
      `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`,
  );
}
const failedBy = new Map<string, number>();
for (const r of rows) for (const f of r.failures) failedBy.set(f, (failedBy.get(f) ?? 0) + 1);
if (failedBy.size > 0) {
  console.log("\n== failing assertions (number of targets)");
  for (const [f, n] of failedBy) console.log(`  ${n}× ${f.split("\n")[0]}`);
}
const total = rows.reduce((a, r) => ({ p: a.p + r.passed, f: a.f + r.failed, s: a.s + r.skipped }), {
  p: 0,
  f: 0,
  s: 0,
});
console.log(`smoke: ${total.p} passed, ${total.f} failed, ${total.s} skipped`);
Deno.exit(total.f > 0 ? 1 : 0);
