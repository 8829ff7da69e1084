/**
 * `deno task test`: the whole suite against a throwaway PostgreSQL 15 cluster.
 *
 * Starts a cluster, loads `tests/fixtures/*.sql` (in name order) into a template database, runs
 * `deno test` with the cluster's address in the environment (integration tests clone the template
 * per test file, see `tests/helpers/db.ts`), and stops the cluster afterwards, also when tests fail
 * or the run is interrupted. Extra arguments are passed to `deno test` (e.g. a file or `--filter`).
 */
import { loadFixtures, TEMPLATE_DB } from "../tests/helpers/db.ts";
import { startCluster } from "../tests/helpers/cluster.ts";

const cluster = await startCluster();
const stop = () => cluster.stopSync();
const onSignal = () => {
  stop();
  Deno.exit(130);
};
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);

let code = 1;
try {
  await loadFixtures(cluster);
  const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--parallel", ...args],
    env: {
      PGRST_TEST_PG_HOST: cluster.host,
      PGRST_TEST_PG_PORT: String(cluster.port),
      PGRST_TEST_TEMPLATE: TEMPLATE_DB,
    },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  code = (await child.status).code;
} finally {
  await cluster.stop();
}
Deno.exit(code);
