/**
 * The `pgrst` program, on any runtime: configuration from the environment (and file), then the
 * HTTP server on the API handler. `main.ts` runs it on Deno; the npm build runs it on Node.
 */
import { buildConfig, ConfigError, rawFromEnv } from "./config/config.ts";
import { startPgrst } from "./pgrst.ts";
import { bindHostname, type Runtime } from "./runtime/runtime.ts";
import { PGRST_VERSION, POSTGREST_VERSION } from "./version.ts";
import { timestamp } from "./app_state.ts";

const NO_DATABASE = `pgrst needs a PostgreSQL database to serve.

Point it at one with a connection URI in the environment, for example:

  PGRST_DB_URI=postgres://authenticator:secret@localhost:5432/app \\
  PGRST_DB_SCHEMAS=api PGRST_DB_ANON_ROLE=anon \\
  npx -y deno@2.9.6 task start

or pass a postgrest.conf file with a db-uri setting as the first argument.`;

export async function runCli(rt: Runtime): Promise<void> {
  const args = rt.args;
  if (args.includes("--version") || args.includes("-v")) {
    rt.stdout(`pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION} compatible)`);
    return;
  }
  const env = rt.env();
  const fromEnv = rawFromEnv(env);
  if (!fromEnv.raw.has("db-uri")) {
    rt.stderr(NO_DATABASE);
    rt.exit(1);
  }
  let config;
  try {
    config = buildConfig({ env: fromEnv.raw, appSettings: fromEnv.appSettings });
  } catch (e) {
    if (e instanceof ConfigError) {
      rt.stderr(e.message);
      rt.exit(1);
    }
    throw e;
  }
  const log = (m: string) => rt.stderr(`${timestamp(new Date())}: ${m}`);
  log(`Starting pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION} compatible)...`);
  const pgrst = await startPgrst({ config, sink: { err: rt.stderr, out: rt.stdout } });
  const server = await rt.serve({
    hostname: bindHostname(config.serverHost),
    port: config.serverPort,
    unixSocket: config.serverUnixSocket ?? undefined,
    unixSocketMode: config.serverUnixSocketMode,
  }, pgrst.handler);
  log(`API server listening on ${server.address}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}. Shutting down.`);
    await server.close();
    await pgrst.close();
    rt.exit(0);
  };
  rt.onSignal("SIGINT", () => stop("SIGINT"));
  rt.onSignal("SIGTERM", () => stop("SIGTERM"));
}
