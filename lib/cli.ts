/**
 * The `pgrst` program, on any runtime: the command line and configuration (file, environment,
 * then the database), then the HTTP server on the API handler. `main.ts` runs it on Deno; the
 * npm build runs it on Node.
 *
 * Without a `db-uri` (no `PGRST_DB_URI`, no config file), or with `db-uri = pglite://…`, it
 * serves an embedded PostgreSQL (PGlite): the demo schema, persisted in `./pgrst-data`, or the SQL
 * files given with `--init` (see `lib/embedded/`).
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
import { type Database, DbConnectionError, DbServerError } from "./db/db.ts";
import { createPgDatabase } from "./db/pg.ts";
import type { Embedded } from "./embedded/embedded.ts";
import { DEMO } from "./embedded/demo_schema.ts";
import {
  EmbeddedError,
  type EmbeddedTarget,
  embeddedTarget,
  embeddedUri,
  splitInitArgs,
} from "./embedded/target.ts";
import { applicationName, startPgrst } from "./pgrst.ts";
import { bindHostname, type Runtime } from "./runtime/runtime.ts";
import { VERSION_TEXT } from "./version.ts";

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

/** Appended to `--help`: pgrst's own option, for the embedded database. */
const EMBEDDED_HELP = `

Embedded database (when no db-uri is configured, or db-uri = pglite://DIR | pglite://:memory:):
  --init FILE              Run FILE's SQL into a new embedded database (repeatable;
                           without db-uri the database is then kept in memory)`;

/** A database was configured: `PGRST_DB_URI`, a config file, or a non-default `db-uri`. */
function hasDatabase(env: Record<string, string>, config: AppConfig): boolean {
  return config.configFilePath !== null || env.PGRST_DB_URI !== undefined || config.dbUri !== "postgresql://";
}

function fail(rt: Runtime, message: string): never {
  rt.stderr(message);
  return rt.exit(1);
}

/** Opens the embedded database (its modules load only when used: PGlite is large). */
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
  log(
    `Starting the embedded PostgreSQL (PGlite) ${
      target.dataDir === null ? "in memory" : `in ${target.dataDir}`
    }...`,
  );
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

/**
 * The environment pgrst runs with on the embedded database: `db-uri` names it, and for the demo
 * its schema, anonymous role and secret are the defaults (the environment still wins; the secret
 * is also the authenticator's in-database `pgrst.jwt_secret`).
 */
function embeddedEnv(env: Record<string, string>, embedded: Embedded): Record<string, string> {
  const demo: Record<string, string> = embedded.demoJwtSecret === null ? {} : {
    PGRST_DB_SCHEMAS: DEMO.schema,
    PGRST_DB_ANON_ROLE: DEMO.anonRole,
    PGRST_JWT_SECRET: embedded.demoJwtSecret,
  };
  return { ...demo, ...env, PGRST_DB_URI: embeddedUri(embedded.target) };
}

/**
 * The file + environment config completed with the database's settings (for the dump commands),
 * read from `embedded` when given (and left open), else from a connection to `db-uri`.
 */
async function configWithDb(world: ConfigWorld, config: AppConfig, embedded?: Database): Promise<AppConfig> {
  if (!config.dbConfig) return config;
  const db = embedded ?? dbFor(config);
  try {
    const contribution = await readDbConfig(db, config);
    // Unreachable database: the file + environment config is all there is to show.
    if (contribution.errors.length > 0) return config;
    const r = await reloadConfig(config, { ...world, ...contribution, startingUp: true });
    if (!r.ok) throw new ConfigError(r.error);
    return r.config;
  } finally {
    if (db !== embedded) await db.close(); // the embedded database is still needed afterwards
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
  let initFiles: string[];
  let argv: string[];
  try {
    ({ initFiles, rest: argv } = splitInitArgs(rt.args));
  } catch (e) {
    if (e instanceof EmbeddedError) fail(rt, e.message);
    throw e;
  }
  let env = rt.env();
  let world: ConfigWorld = { env, readTextFile: rt.readTextFile, validateRoleClaimKey };
  let loaded = await loadConfig({ ...world, argv });
  if (loaded.kind === "exit") {
    const help = loaded.exitCode === 0 && argv.some((a) => a === "-h" || a === "--help");
    if (loaded.stdout) rt.stdout(loaded.stdout.replace(/\n$/, "") + (help ? EMBEDDED_HELP : ""));
    if (loaded.stderr) rt.stderr(loaded.stderr.replace(/\n$/, ""));
    rt.exit(loaded.exitCode);
  }
  let config = loaded.config;
  const log = (m: string) => rt.stderr(`${timestamp(new Date())}: ${m}`);

  // The embedded database: no database configured, or a pglite: db-uri.
  let target: EmbeddedTarget | null;
  try {
    target = embeddedTarget(hasDatabase(env, config) ? config.dbUri : undefined, initFiles);
  } catch (e) {
    if (e instanceof EmbeddedError) fail(rt, e.message);
    throw e;
  }
  if (target === null && initFiles.length > 0) {
    fail(rt, "--init loads SQL files into the embedded database only; load them into PostgreSQL with psql.");
  }
  let embedded: Embedded | undefined;
  if (target !== null) {
    if (loaded.command === "run") log(`Starting ${VERSION_TEXT}...`);
    embedded = await openEmbedded(rt, target, initFiles, log);
    env = embeddedEnv(env, embedded);
    world = { ...world, env };
    loaded = await loadConfig({ ...world, argv });
    if (loaded.kind === "exit") {
      await embedded.db.close();
      fail(rt, loaded.stderr.replace(/\n$/, ""));
    }
    config = loaded.config;
    embedded.db.setAcquisitionTimeout(config.dbPoolAcquisitionTimeout);
  }
  try {
    switch (loaded.command) {
      case "dump-config":
        rt.stdout(dumpConfig(await configWithDb(world, config, embedded?.db)).replace(/\n$/, ""));
        await embedded?.db.close();
        return;
      case "dump-schema": {
        config = await configWithDb(world, config, embedded?.db);
        const db = embedded?.db ?? dbFor(config);
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

  if (!embedded) log(`Starting ${VERSION_TEXT}...`);
  for (const w of deprecatedRoleClaimKeyWarning(config.jwtRoleClaimKey) ?? []) log(w);
  let pgrst;
  try {
    pgrst = await startPgrst({
      config,
      world,
      database: embedded?.db,
      sink: { err: rt.stderr, out: rt.stdout },
    });
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
