/**
 * The `pgrst` program, on any runtime: configuration from the environment (and file), then the
 * HTTP server on the API handler. `main.ts` runs it on Deno; the npm build runs it on Node.
 *
 * Without a `db-uri` (or with `db-uri = pglite://…`) it serves an embedded PostgreSQL (PGlite):
 * the demo schema, persisted in `./pgrst-data`, or the SQL files given with `--init`.
 */
import { buildConfig, ConfigError, rawFromEnv } from "./config/config.ts";
import { DbConnectionError, DbServerError } from "./db/db.ts";
import type { Embedded } from "./embedded/embedded.ts";
import { DEMO } from "./embedded/demo_schema.ts";
import {
  EmbeddedError,
  type EmbeddedTarget,
  embeddedTarget,
  embeddedUri,
  splitInitArgs,
} from "./embedded/target.ts";
import { startPgrst } from "./pgrst.ts";
import { bindHostname, type Runtime } from "./runtime/runtime.ts";
import { PGRST_VERSION, POSTGREST_VERSION } from "./version.ts";
import { timestamp } from "./app_state.ts";

function fail(rt: Runtime, message: string): never {
  rt.stderr(message);
  return rt.exit(1);
}

/** Opens the embedded database (loaded only when used: PGlite is large). */
async function openEmbedded(
  rt: Runtime,
  target: EmbeddedTarget,
  initFiles: readonly string[],
  log: (m: string) => void,
): Promise<Embedded> {
  const initScripts = [];
  for (const name of initFiles) {
    try {
      initScripts.push({ name, sql: await rt.readTextFile(name) });
    } catch (e) {
      fail(rt, `Could not read the --init file ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const where = target.dataDir === null ? "in memory" : `in ${target.dataDir}`;
  log(`Starting the embedded PostgreSQL (PGlite) ${where}...`);
  const { startEmbedded } = await import("./embedded/embedded.ts");
  try {
    return await startEmbedded({ target, initScripts, makeDir: rt.makeDir, log });
  } catch (e) {
    if (e instanceof EmbeddedError || e instanceof DbConnectionError || e instanceof DbServerError) {
      fail(rt, `The embedded database could not start: ${e.message}`);
    }
    throw e;
  }
}

export async function runCli(rt: Runtime): Promise<void> {
  let initFiles: string[];
  let args: string[];
  try {
    ({ initFiles, rest: args } = splitInitArgs(rt.args));
  } catch (e) {
    if (e instanceof EmbeddedError) fail(rt, e.message);
    throw e;
  }
  if (args.includes("--version") || args.includes("-v")) {
    rt.stdout(`pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION} compatible)`);
    return;
  }
  const env = rt.env();
  const fromEnv = rawFromEnv(env);
  const dbUri = fromEnv.raw.get("db-uri");
  let target: EmbeddedTarget | null = null;
  try {
    target = embeddedTarget(dbUri === undefined ? undefined : String(dbUri), initFiles);
  } catch (e) {
    if (e instanceof EmbeddedError) fail(rt, e.message);
    throw e;
  }
  if (target === null && initFiles.length > 0) {
    fail(rt, "--init loads SQL files into the embedded database only; load them into PostgreSQL with psql.");
  }

  const log = (m: string) => rt.stderr(`${timestamp(new Date())}: ${m}`);
  log(`Starting pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION} compatible)...`);
  let embedded: Embedded | undefined;
  if (target !== null) {
    embedded = await openEmbedded(rt, target, initFiles, log);
    fromEnv.raw.set("db-uri", embeddedUri(target));
    if (embedded.demoJwtSecret !== null) {
      // The demo database: serve its schema with its roles and secret unless configured.
      const demoDefaults: [string, string | null][] = [
        ["db-schemas", DEMO.schema],
        ["db-anon-role", DEMO.anonRole],
        ["jwt-secret", embedded.demoJwtSecret],
      ];
      for (const [name, value] of demoDefaults) {
        if (value !== null && !fromEnv.raw.has(name)) fromEnv.raw.set(name, value);
      }
    }
  }
  let config;
  try {
    config = buildConfig({ env: fromEnv.raw, appSettings: fromEnv.appSettings });
  } catch (e) {
    await embedded?.db.close();
    if (e instanceof ConfigError) fail(rt, e.message);
    throw e;
  }
  const pgrst = await startPgrst({
    config,
    database: embedded?.db,
    sink: { err: rt.stderr, out: rt.stdout },
  });
  let unlisten: (() => Promise<void>) | undefined;
  if (embedded && config.dbChannelEnabled) {
    // `NOTIFY pgrst` from a request (e.g. a function running DDL) reloads the schema cache.
    unlisten = await embedded.db.listen(config.dbChannel, (n) => {
      if (n.payload === "" || n.payload === "reload schema") {
        log("Received a schema cache reload message on the channel");
        pgrst.reloadSchema().catch((e) => pgrst.state.logError(e));
      }
    }, () => {});
  }
  const server = await rt.serve({
    hostname: bindHostname(config.serverHost),
    port: config.serverPort,
    unixSocket: config.serverUnixSocket ?? undefined,
    unixSocketMode: config.serverUnixSocketMode,
  }, pgrst.handler);
  log(`API server listening on ${server.address}`);
  if (embedded) {
    const { embeddedBanner } = await import("./embedded/banner.ts");
    rt.stdout(
      await embeddedBanner({
        address: server.address,
        unixSocket: config.serverUnixSocket !== null,
        dataDir: embedded.target.dataDir,
        serverVersion: embedded.serverVersion,
        created: embedded.created,
        demoJwtSecret: embedded.demoJwtSecret !== null ? config.jwtSecret : null,
        now: Math.floor(Date.now() / 1000),
      }),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}. Shutting down.`);
    await server.close();
    await unlisten?.();
    await pgrst.close();
    rt.exit(0);
  };
  rt.onSignal("SIGINT", () => stop("SIGINT"));
  rt.onSignal("SIGTERM", () => stop("SIGTERM"));
}
