/**
 * The `pgrst` program, on any runtime: the command line and configuration (file, environment,
 * then the database), then the HTTP server on the API handler. `main.ts` runs it on Deno; the
 * npm build runs it on Node.
 */
import { timestamp } from "./app_state.ts";
import { parseRoleClaimKey, RoleClaimKeyError } from "./auth/jsonpath.ts";
import { catalogToJson } from "./catalog/json.ts";
import { loadCatalog } from "./catalog/load.ts";
import { ConfigError } from "./config/config.ts";
import { readDbConfig } from "./config/db_config.ts";
import { dumpConfig } from "./config/dump.ts";
import { type ConfigWorld, loadConfig, reloadConfig } from "./config/load.ts";
import { deprecatedRoleClaimKeyWarning } from "./config/role_claim_key.ts";
import type { AppConfig } from "./config/types.ts";
import { createPgDatabase } from "./db/pg.ts";
import { applicationName, startPgrst } from "./pgrst.ts";
import { bindHostname, type Runtime } from "./runtime/runtime.ts";
import { VERSION_TEXT } from "./version.ts";

const NO_DATABASE = `pgrst needs a PostgreSQL database to serve.

Point it at one with a connection URI in the environment, for example:

  PGRST_DB_URI=postgres://authenticator:secret@localhost:5432/app \\
  PGRST_DB_SCHEMAS=api PGRST_DB_ANON_ROLE=anon \\
  npx -y deno@2.9.6 task start

or pass a postgrest.conf file with a db-uri setting as the first argument.`;

/** `jwt-role-claim-key` is checked with the JSONPath grammar of `lib/auth`. */
function validateRoleClaimKey(key: string): string | null {
  try {
    parseRoleClaimKey(key);
    return null;
  } catch (e) {
    if (e instanceof RoleClaimKeyError) return e.message;
    throw e;
  }
}

function hasDatabase(env: Record<string, string>, config: AppConfig): boolean {
  return config.configFilePath !== null || env.PGRST_DB_URI !== undefined || config.dbUri !== "postgresql://";
}

/** The file + environment config completed with the database's settings (for the dump commands). */
async function configWithDb(world: ConfigWorld, config: AppConfig): Promise<AppConfig> {
  if (!config.dbConfig) return config;
  const db = dbFor(config);
  try {
    const contribution = await readDbConfig(db, config);
    // Unreachable database: the file + environment config is all there is to show.
    if (contribution.errors.length > 0) return config;
    const r = await reloadConfig(config, { ...world, ...contribution, startingUp: true });
    if (!r.ok) throw new ConfigError(r.error);
    return r.config;
  } finally {
    await db.close();
  }
}

function dbFor(config: AppConfig) {
  return createPgDatabase({
    uri: config.dbUri,
    poolSize: 1,
    acquisitionTimeout: config.dbPoolAcquisitionTimeout,
    maxIdletime: config.dbPoolMaxIdletime,
    maxLifetime: config.dbPoolMaxLifetime,
    applicationName: applicationName(),
  });
}

export async function runCli(rt: Runtime): Promise<void> {
  const env = rt.env();
  const world: ConfigWorld = { env, readTextFile: rt.readTextFile, validateRoleClaimKey };
  const loaded = await loadConfig({ ...world, argv: rt.args });
  if (loaded.kind === "exit") {
    if (loaded.stdout) rt.stdout(loaded.stdout.replace(/\n$/, ""));
    if (loaded.stderr) rt.stderr(loaded.stderr.replace(/\n$/, ""));
    rt.exit(loaded.exitCode);
  }
  let config = loaded.config;
  const log = (m: string) => rt.stderr(`${timestamp(new Date())}: ${m}`);
  try {
    switch (loaded.command) {
      case "dump-config":
        rt.stdout(dumpConfig(await configWithDb(world, config)).replace(/\n$/, ""));
        return;
      case "dump-schema": {
        config = await configWithDb(world, config);
        const db = dbFor(config);
        try {
          const catalog = await loadCatalog(db, {
            schemas: config.dbSchemas,
            extraSearchPath: config.dbExtraSearchPath,
          });
          rt.stdout(JSON.stringify(catalogToJson(catalog)));
        } finally {
          await db.close();
        }
        return;
      }
      case "ready":
        rt.stderr(
          "ERROR: Admin server is not enabled. pgrst has no admin server: use GET / or a request to check.",
        );
        rt.exit(1);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      rt.stderr(e.message);
      rt.exit(1);
    }
    throw e;
  }

  if (!hasDatabase(env, config)) {
    rt.stderr(NO_DATABASE);
    rt.exit(1);
  }
  log(`Starting ${VERSION_TEXT}...`);
  for (const w of deprecatedRoleClaimKeyWarning(config.jwtRoleClaimKey) ?? []) log(w);
  let pgrst;
  try {
    pgrst = await startPgrst({ config, world, sink: { err: rt.stderr, out: rt.stdout } });
  } catch (e) {
    if (e instanceof ConfigError) {
      rt.stderr(e.message);
      rt.exit(1);
    }
    throw e;
  }
  config = pgrst.state.config;
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
  rt.onSignal("SIGUSR2", () => {
    pgrst.reloadConfig().catch((e) => log(`Failed reloading config: ${e instanceof Error ? e.message : e}`));
  });
  if (rt.name !== "deno") {
    // Deno opens its inspector on SIGUSR1 (since 2.9.2), so there it is left alone: reload the
    // schema with `NOTIFY pgrst, 'reload schema'`.
    rt.onSignal("SIGUSR1", () => {
      pgrst.reloadSchema().catch((e) =>
        log(`Failed reloading the schema cache: ${e instanceof Error ? e.message : e}`)
      );
    });
  }
}
