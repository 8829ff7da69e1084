/**
 * Starting and running pgrst (PostgREST's `AppState` loops): connect, read the in-database
 * config, load the schema catalog, listen for `NOTIFY pgrst` reloads (debounced), recover from a
 * lost database (backoff 1…32 s, 503 with `Retry-After` meanwhile), stop cleanly. Used by
 * `mod.ts` (`createHandler`) and the CLI.
 */
import { createApp, type Handler } from "./app.ts";
import { AppState, type Authenticate, type LogSink } from "./app_state.ts";
import { catalogSummary, formatMillis, formatQueryTimings, loadCatalogWithStats } from "./catalog/load.ts";
import { ConfigError } from "./config/config.ts";
import { applyDbContribution, readDbConfig } from "./config/db_config.ts";
import { type ConfigWorld, reloadConfig } from "./config/load.ts";
import type { AppConfig } from "./config/types.ts";
import type { Database } from "./db/db.ts";
import { createPgDatabase } from "./db/pg.ts";
import { PGRST_VERSION, POSTGREST_VERSION } from "./version.ts";
import { deferred } from "./deferred.ts";
import type { ShapeCacheOptions } from "./shape_cache.ts";

export interface PgrstOptions {
  readonly config: AppConfig;
  /** Use this database instead of connecting to `config.dbUri` (e.g. the embedded one). */
  readonly database?: Database;
  /** Where logs go; default: console. */
  readonly sink?: LogSink;
  readonly authenticate?: Authenticate;
  /**
   * The environment and file reader the config came from (the CLI): reloads re-read the config
   * file. Without it (the library), in-database settings are applied on top of `config`.
   */
  readonly world?: ConfigWorld;
  /** Plan/SQL cache per request shape (tests turn it off or learn on first sight). */
  readonly shapeCache?: ShapeCacheOptions;
}

export interface Pgrst {
  readonly handler: Handler;
  readonly state: AppState;
  /** Reloads the schema cache (and the in-database config), as `NOTIFY pgrst, 'reload schema'`. */
  reloadSchema(): Promise<void>;
  /** Reloads the configuration, as `NOTIFY pgrst, 'reload config'` or SIGUSR2. */
  reloadConfig(): Promise<void>;
  close(): Promise<void>;
}

const consoleSink: LogSink = { err: (l) => console.error(l), out: (l) => console.log(l) };

export function applicationName(): string {
  return `pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION})`;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/** Runs `task`; calls arriving while it runs collapse into one more run afterwards. */
function debounced(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const run = (): Promise<void> => {
    if (running) {
      again ??= running.catch(() => {}).then(() => {
        again = null;
        return run();
      });
      return again;
    }
    running = task().finally(() => running = null);
    return running;
  };
  return run;
}

export async function startPgrst(options: PgrstOptions): Promise<Pgrst> {
  const config = options.config;
  const db = options.database ?? createPgDatabase({
    uri: config.dbUri,
    poolSize: config.dbPool,
    pipelineDepth: config.dbPoolPipelineDepth,
    acquisitionTimeout: config.dbPoolAcquisitionTimeout,
    maxIdletime: config.dbPoolMaxIdletime,
    maxLifetime: config.dbPoolMaxLifetime,
    applicationName: applicationName(),
  });
  const state = new AppState({
    config,
    db,
    catalog: null,
    sink: options.sink ?? consoleSink,
    authenticate: options.authenticate,
    shapeCache: options.shapeCache,
  });
  let closed = false;
  let configLoaded = false;
  let recovering: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  /** Re-reads the in-database config (and the file); at start-up an invalid config is fatal. */
  async function refreshConfig(startingUp: boolean): Promise<void> {
    const current = state.config;
    const contribution = await readDbConfig(db, current);
    for (const e of contribution.errors) state.log("error", `${e.message} ${message(e.error)}`);
    if (options.world) {
      const r = await reloadConfig(current, { ...options.world, ...contribution, startingUp });
      if (!r.ok) {
        if (startingUp) throw new ConfigError(r.error);
        state.log("error", `Failed reloading config: ${r.error}`);
        return;
      }
      state.setConfig(r.config);
    } else {
      state.setConfig(applyDbContribution(current, contribution));
    }
    if (!startingUp) state.log("info", "Config reloaded");
  }

  async function loadSchema(): Promise<void> {
    const c = state.config;
    const { catalog, stats } = await loadCatalogWithStats(db, {
      schemas: c.dbSchemas,
      extraSearchPath: c.dbExtraSearchPath,
      hoistedTxSettings: c.dbHoistedTxSettings,
      sleepBeforeQueries: c.internalSchemaCacheQuerySleepBeforeQueries,
      sleepAfterQueries: c.internalSchemaCacheQuerySleep,
      queryTimings: c.logLevel === "debug",
    });
    state.setCatalog(catalog);
    state.log("info", `Schema cache queried in ${formatMillis(stats.queriedMs)} milliseconds`);
    state.log("info", catalogSummary(stats));
    if (stats.queryTimings) state.log("debug", formatQueryTimings(stats.queryTimings));
  }

  /** A schema reload also re-reads the in-database config, then starts new connections. */
  const reloadSchema = debounced(async () => {
    await refreshConfig(false);
    await loadSchema();
    await db.flush();
  });
  const reloadConfigNow = debounced(() => refreshConfig(false));

  const firstAttempt = deferred<void>();
  /**
   * Connection recovery (also the first start): config, then catalog, until it works, waiting
   * 1, 2, 4 … 32 s between attempts; requests get 503 with `Retry-After` meanwhile.
   */
  function recover(): Promise<void> {
    recovering ??= (async () => {
      for (let attempt = 0; !closed; attempt++) {
        try {
          await refreshConfig(!configLoaded);
          configLoaded = true;
          await loadSchema();
          state.setRetryAfter(0);
          await startListener();
          firstAttempt.resolve();
          return;
        } catch (e) {
          if (e instanceof ConfigError) {
            firstAttempt.reject(e);
            return;
          }
          firstAttempt.resolve();
          const delay = Math.min(2 ** attempt, 32);
          state.setRetryAfter(delay);
          state.log("error", `Database connection error: ${message(e)}`);
          state.log("error", `Attempting to reconnect to the database in ${delay} seconds...`);
          await new Promise<void>((resolve) => retryTimer = setTimeout(resolve, delay * 1000));
        }
      }
    })().finally(() => recovering = null);
    return recovering;
  }

  async function startListener(): Promise<void> {
    const c = state.config;
    if (!c.dbChannelEnabled || unlisten || closed) return;
    try {
      unlisten = await db.listen(c.dbChannel, (n) => {
        state.log(
          "info",
          `Received a ${JSON.stringify(n.payload)} message on the ${JSON.stringify(n.channel)} channel`,
        );
        if (n.payload === "" || n.payload === "reload schema") reloadSchema().catch((e) => state.logError(e));
        else if (n.payload === "reload config") reloadConfigNow().catch((e) => state.logError(e));
      }, (e) => {
        unlisten = undefined;
        if (closed) return;
        state.log("error", `The listener connection was lost: ${e.message}`);
        recover();
      });
      state.log("info", `Listening for database notifications on the ${JSON.stringify(c.dbChannel)} channel`);
    } catch (e) {
      state.log(
        "error",
        `Failed listening for database notifications on the ${c.dbChannel} channel: ${message(e)}`,
      );
    }
  }

  state.onConnectionLost = () => {
    if (!closed) recover();
  };

  // The first attempt is awaited (the API answers only after it, as PostgREST does); if it
  // fails, recovery goes on in the background. An invalid configuration stops here.
  recover();
  try {
    await firstAttempt.promise;
  } catch (e) {
    closed = true;
    await db.close();
    throw e;
  }

  return {
    handler: createApp(state),
    state,
    reloadSchema,
    reloadConfig: reloadConfigNow,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await unlisten?.();
      await db.close();
    },
  };
}
