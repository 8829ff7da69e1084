/**
 * Throwaway PostgreSQL clusters for tests: `initdb` into a temp dir, `pg_ctl start` on a free
 * port bound to 127.0.0.1, load SQL files with `psql`, `pg_ctl stop` and remove the dir at the end.
 *
 * PostgreSQL refuses to run as root, so when we are root every server binary runs as the
 * `postgres` user through `runuser`.
 */

export interface Cluster {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** Connection URI for `user` (default `postgres`, the superuser) to `database`. */
  uri(database: string, user?: string, password?: string): string;
  /** Runs SQL through psql (ON_ERROR_STOP) on `database` as the superuser. */
  psql(database: string, sql: string): Promise<string>;
  /** Runs a SQL file through psql on `database` as the superuser. */
  psqlFile(database: string, file: string): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server, keeping its data (to simulate a lost database); `resume()` starts it again. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Synchronous stop, for `unload` handlers where nothing async can run. */
  stopSync(): void;
}

const isRoot = Deno.uid() === 0;

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

async function run(
  cmd: string,
  args: string[],
  opts: { stdin?: string; cwd?: string } = {},
): Promise<string> {
  const [c, a] = asPostgres(cmd, args);
  const child = new Deno.Command(c, {
    args: a,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: opts.cwd ?? "/tmp",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}):\n${stderr}\n${stdout}`);
  }
  return stdout;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "max_connections=200",
  "shared_buffers=64MB",
  "jit=off",
  "log_min_messages=warning",
  "timezone=UTC",
];

/** Starts a new cluster. The caller must `stop()` it (also on failure). */
export async function startCluster(options: { settings?: readonly string[] } = {}): Promise<Cluster> {
  const dir = await Deno.makeTempDir({ prefix: "pgrst-test-pg-" });
  if (isRoot) await Deno.chown(dir, ...postgresIds());
  const data = `${dir}/data`;
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = freePort();
  const settings = [...SERVER_SETTINGS, ...(options.settings ?? [])];
  const opts = [`-p ${port}`, `-k ${dir}`, ...settings.map((s) => `-c ${s}`)].join(" ");
  await run("pg_ctl", ["-D", data, "-o", opts, "-l", `${dir}/postgres.log`, "-w", "-t", "60", "start"]);
  const host = "127.0.0.1";
  let stopped = false;
  const stopArgs = ["-D", data, "-m", "immediate", "-w", "stop"];
  const startArgs = ["-D", data, "-o", opts, "-l", `${dir}/postgres.log`, "-w", "-t", "60", "start"];

  const cluster: Cluster = {
    host,
    port,
    dir,
    uri: (database, user = "postgres", password) =>
      `postgresql://${encodeURIComponent(user)}${
        password ? ":" + encodeURIComponent(password) : ""
      }@${host}:${port}/${encodeURIComponent(database)}`,
    psql: (database, sql) =>
      run("psql", [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        host,
        "-p",
        `${port}`,
        "-U",
        "postgres",
        "-d",
        database,
        "-At",
      ], {
        stdin: sql,
      }),
    psqlFile: async (database, file) => {
      const sql = await Deno.readTextFile(file);
      await run("psql", [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        host,
        "-p",
        `${port}`,
        "-U",
        "postgres",
        "-d",
        database,
      ], {
        stdin: sql,
      });
    },
    pause: async () => {
      await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    resume: async () => {
      await run("pg_ctl", startArgs);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await run("pg_ctl", stopArgs);
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
    stopSync: () => {
      if (stopped) return;
      stopped = true;
      const [c, a] = asPostgres("pg_ctl", stopArgs);
      new Deno.Command(c, { args: a, stdout: "null", stderr: "null", cwd: "/tmp" }).outputSync();
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch { /* already gone */ }
    },
  };
  return cluster;
}

let ids: [number, number] | undefined;
function postgresIds(): [number, number] {
  if (ids) return ids;
  const passwd = Deno.readTextFileSync("/etc/passwd").split("\n").find((l) => l.startsWith("postgres:"));
  if (!passwd) throw new Error("running as root but there is no 'postgres' user to run PostgreSQL as");
  const [, , uid, gid] = passwd.split(":");
  ids = [Number(uid), Number(gid)];
  return ids;
}
