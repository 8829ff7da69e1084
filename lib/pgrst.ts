/**
 * Starting and running pgrst: connect, load the schema catalog, listen for `NOTIFY pgrst`
 * reloads, recover from a lost database (exponential backoff 1…32 s, 503 with `Retry-After`
 * meanwhile), stop cleanly. Used by `mod.ts` (`createHandler`) and by the CLI.
 */
import { createApp, type Handler } from "./app.ts";
import { AppState, type Authenticate, type LogSink } from "./app_state.ts";
import { catalogSummary, formatMillis, formatQueryTimings, loadCatalogWithStats } from "./catalog/load.ts";
import type { AppConfig } from "./config/types.ts";
import type { Database } from "./db/db.ts";
import { createPgDatabase } from "./db/pg.ts";
import { PGRST_VERSION, POSTGREST_VERSION } from "./version.ts";

export interface PgrstOptions {
  readonly config: AppConfig;
  /** Use this database instead of connecting to `config.dbUri` (e.g. the embedded one). */
  readonly database?: Database;
  /** Where logs go; default: console. */
  readonly sink?: LogSink;
  readonly authenticate?: Authenticate;
}

export interface Pgrst {
  readonly handler: Handler;
  readonly state: AppState;
  /** Reloads the schema catalog now. */
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

const consoleSink: LogSink = { err: (l) => console.error(l), out: (l) => console.log(l) };

export function applicationName(): string {
  return `pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION})`;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

export async function startPgrst(options: PgrstOptions): Promise<Pgrst> {
  const config = options.config;
  const db = options.database ?? createPgDatabase({
    uri: config.dbUri,
    poolSize: config.dbPool,
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
  });
  let closed = false;
  let recovering: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function loadSchema(): Promise<void> {
    const c = state.config;
    const { catalog, stats } = await loadCatalogWithStats(state.db, {
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

  /**
   * Connection recovery (also the first start): load the catalog until it works, waiting
   * 1, 2, 4 … 32 s between attempts; requests get 503 with `Retry-After` meanwhile.
   */
  const firstAttempt = Promise.withResolvers<void>();
  function recover(): Promise<void> {
    recovering ??= (async () => {
      for (let attempt = 0; !closed; attempt++) {
        try {
          await loadSchema();
          state.setRetryAfter(0);
          await startListener();
          firstAttempt.resolve();
          return;
        } catch (e) {
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
        if (n.payload === "" || n.payload === "reload schema") loadSchema().catch((e) => state.logError(e));
      }, (e) => {
        unlisten = undefined;
        if (closed) return;
        state.log("error", `The listener connection was lost: ${e.message}`);
        recover();
      });
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
  // fails, recovery goes on in the background.
  recover();
  await firstAttempt.promise;

  return {
    handler: createApp(state),
    state,
    reloadSchema: loadSchema,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await unlisten?.();
      await db.close();
    },
  };
}
