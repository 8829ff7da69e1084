/**
 * Test databases. Under `deno task test` a cluster is already running with the fixtures loaded
 * into a template database; each call of `testDatabase()` clones it (`CREATE DATABASE … TEMPLATE`),
 * so test files running in parallel never see each other's writes. Run directly (`deno test
 * tests/integration/x_test.ts`), the first call starts a private cluster, stopped at exit.
 */
import { type Cluster, startCluster } from "./cluster.ts";

export const TEMPLATE_DB = "pgrst_fixture";
const FIXTURES = new URL("../fixtures/", import.meta.url);

export interface TestDatabase {
  readonly name: string;
  readonly cluster: ClusterAddress;
  /** URI for `user` (default: the `authenticator` role the server logs in as). */
  uri(user?: string): string;
  /** Runs SQL as the superuser (for set-up and for reading tables back). */
  psql(sql: string): Promise<string>;
  drop(): Promise<void>;
}

interface ClusterAddress {
  readonly host: string;
  readonly port: number;
  psql(database: string, sql: string): Promise<string>;
  uri(database: string, user?: string, password?: string): string;
}

/** Loads every `tests/fixtures/*.sql`, in name order, into a new template database. */
export async function loadFixtures(cluster: Cluster): Promise<void> {
  await cluster.psql("postgres", `CREATE DATABASE ${TEMPLATE_DB}`);
  const files = [...Deno.readDirSync(FIXTURES)].filter((e) => e.isFile && e.name.endsWith(".sql"))
    .map((e) => e.name).sort();
  for (const f of files) await cluster.psqlFile(TEMPLATE_DB, new URL(f, FIXTURES).pathname);
}

let shared: Promise<ClusterAddress> | undefined;

function clusterAddress(): Promise<ClusterAddress> {
  shared ??= (async () => {
    const host = Deno.env.get("PGRST_TEST_PG_HOST");
    const port = Deno.env.get("PGRST_TEST_PG_PORT");
    if (host && port) return runningCluster(host, Number(port));
    const cluster = await startCluster();
    globalThis.addEventListener("unload", () => cluster.stopSync());
    try {
      await loadFixtures(cluster);
    } catch (e) {
      cluster.stopSync();
      throw e;
    }
    return cluster;
  })();
  return shared;
}

function runningCluster(host: string, port: number): ClusterAddress {
  const uri = (database: string, user = "postgres", password?: string) =>
    `postgresql://${encodeURIComponent(user)}${
      password ? ":" + encodeURIComponent(password) : ""
    }@${host}:${port}/${encodeURIComponent(database)}`;
  return {
    host,
    port,
    uri,
    async psql(database, sql) {
      const out = await new Deno.Command("psql", {
        args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri(database)],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = out.stdin.getWriter();
      await w.write(new TextEncoder().encode(sql));
      await w.close();
      const r = await out.output();
      if (!r.success) throw new Error(`psql failed: ${new TextDecoder().decode(r.stderr)}`);
      return new TextDecoder().decode(r.stdout);
    },
  };
}

let counter = 0;

/** A fresh copy of the fixture database. Drop it when the test file is done. */
export async function testDatabase(): Promise<TestDatabase> {
  const cluster = await clusterAddress();
  const name = `pgrst_t_${Date.now().toString(36)}_${Deno.pid}_${++counter}`;
  await cluster.psql(
    "postgres",
    `CREATE DATABASE ${name} TEMPLATE ${Deno.env.get("PGRST_TEST_TEMPLATE") ?? TEMPLATE_DB}`,
  );
  return {
    name,
    cluster,
    uri: (user = "authenticator") => cluster.uri(name, user),
    psql: (sql) => cluster.psql(name, sql),
    drop: () => cluster.psql("postgres", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
  };
}
