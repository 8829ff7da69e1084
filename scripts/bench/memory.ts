/**
 * `deno task bench:memory`: the memory targets of the performance work, measured.
 *
 * 1. A throwaway cluster with the harness's fixture (`../shared/bench/fixture.sql`), pgrst on it
 *    (as `deno task start` runs it, or `--cmd "node …/pgrst"` for another way to run it).
 * 2. One minute of `get_pk` load (wrk, 50 connections): the server's RSS every 10 s.
 * 3. A 10 MB JSON array bulk-inserted (`Prefer: tx=rollback`) and a 10 MB RPC body: the peak RSS
 *    growth of each (VmHWM after resetting it through `/proc/PID/clear_refs`; Linux only).
 *
 * Usage: deno task bench:memory [--seconds 60] [--cmd "node dist/…/pgrst"]
 */
import { startCluster } from "../../tests/helpers/cluster.ts";

const root = new URL("../../", import.meta.url).pathname;
const shared = new URL("../../../shared/bench/", import.meta.url).pathname;
const arg = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const seconds = Number(arg("--seconds") ?? 60);
const cmd = arg("--cmd")?.split(" ") ??
  [Deno.execPath(), "run", "-A", "--v8-flags=--max-semi-space-size=8", `${root}main.ts`];
const port = 3000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const MB = 1024 * 1024;

const kib = (pid: number, field: "VmRSS" | "VmHWM") =>
  Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(new RegExp(`${field}:\\s+(\\d+)`))![1]) * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

const cluster = await startCluster({ settings: ["shared_buffers=256MB"] });
let server: Deno.ChildProcess | undefined;
try {
  await cluster.psql("postgres", "create database bench");
  const psql = await new Deno.Command("psql", {
    args: ["-X", "-q", "-h", cluster.host, "-p", String(cluster.port), "-U", "postgres", "-d", "bench"]
      .concat(
        [
          "-v",
          "n_users=10000",
          "-v",
          "n_articles=100000",
          "-v",
          "n_comments=300000",
          "-f",
          `${shared}fixture.sql`,
        ],
      ),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!psql.success) throw new Error(new TextDecoder().decode(psql.stderr));
  await cluster.psql("bench", "vacuum analyze");

  server = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env: {
      PGRST_DB_URI: cluster.uri("bench", "authenticator", "bench"),
      PGRST_DB_SCHEMAS: "api",
      PGRST_DB_ANON_ROLE: "anon",
      PGRST_DB_POOL: "10",
      PGRST_SERVER_HOST: "127.0.0.1",
      PGRST_SERVER_PORT: String(port),
      PGRST_LOG_LEVEL: "crit",
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  for (let i = 0;; i++) {
    const ok = await fetch(`${base}/articles?id=eq.1`).then(
      (r) => r.body?.cancel().then(() => r.ok),
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error("the server did not answer");
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = server.pid;
  console.log(`server: ${cmd.join(" ")}`);
  console.log(`RSS when ready: ${mb(kib(pid, "VmRSS"))} MB`);

  const wrk = new Deno.Command("wrk", {
    args: ["-t1", "-c50", `-d${seconds}s`, "-s", `${shared}workloads/get_pk/wrk.lua`, base],
    env: { BENCH_LUA_COMMON: `${shared}workloads/common.lua` },
    stdout: "piped",
  }).spawn();
  const samples: string[] = [];
  for (let t = 10; t <= seconds; t += 10) {
    await new Promise((r) => setTimeout(r, 10_000));
    samples.push(`${t}s ${mb(kib(pid, "VmRSS"))}`);
  }
  const wrkOut = new TextDecoder().decode((await wrk.output()).stdout);
  console.log(`get_pk load, RSS MB: ${samples.join(" · ")}`);
  console.log(`  ${wrkOut.match(/Requests\/sec:\s+\S+/)?.[0]}`);

  const rows: string[] = [];
  for (let i = 0, size = 2; size < 10 * MB; i++) {
    const row = JSON.stringify({
      user_id: 1 + i % 10000,
      kind: "bulk",
      payload: { path: `/articles/${i}`, ms: i, pad: "x".repeat(60) },
    });
    rows.push(row);
    size += row.length + 1;
  }
  const payloads: [string, string, string, Record<string, string>][] = [
    ["10 MB bulk insert", "/events", `[${rows.join(",")}]`, { prefer: "tx=rollback" }],
    ["10 MB RPC body", "/rpc/user_summary", `{"uid": 5${" ".repeat(10 * MB)}}`, {}],
  ];
  for (const [name, path, body, headers] of payloads) {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
    const before = kib(pid, "VmRSS");
    const r = await fetch(base + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    await r.body?.cancel();
    const growth = kib(pid, "VmHWM") - before;
    console.log(`${name} (${mb(body.length)} MB): ${r.status}, peak RSS growth ${mb(growth)} MB`);
  }
  console.log(`RSS at the end: ${mb(kib(pid, "VmRSS"))} MB`);
} finally {
  try {
    server?.kill("SIGTERM");
    await server?.status;
  } finally {
    await cluster.stop();
  }
}
