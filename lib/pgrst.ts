/**
 * Starting and running pgrst: connect, load the schema catalog (retrying with backoff while
 * answering 503), listen for `NOTIFY pgrst` reloads, and stop cleanly. Used by `mod.ts`
 * (`createHandler`) and by the CLI.
 */
import { createApp, type Handler } from "./app.ts";
import { AppState, type Authenticate, type LogSink } from "./app_state.ts";
import { loadCatalog } from "./catalog/load.ts";
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
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function loadOnce(): Promise<void> {
    const started = performance.now();
    const catalog = await loadCatalog(state.db, { schemas: state.config.dbSchemas });
    state.setCatalog(catalog);
    state.log("info", `Schema cache queried in ${(performance.now() - started).toFixed(1)} milliseconds`);
  }

  /** Loads the catalog; on failure keeps retrying with backoff 1, 2, 4 … 32 s (503 meanwhile). */
  async function loadWithRetry(attempt = 0): Promise<void> {
    try {
      await loadOnce();
      state.setRetryAfter(0);
    } catch (e) {
      if (closed) return;
      const delay = Math.min(2 ** attempt, 32);
      state.setRetryAfter(delay);
      state.log("error", `Failed to load the schema cache: ${e instanceof Error ? e.message : String(e)}`);
      state.log("error", `Attempting to reconnect to the database in ${delay} seconds...`);
      retryTimer = setTimeout(() => loadWithRetry(attempt + 1), delay * 1000);
    }
  }

  await loadWithRetry();

  if (config.dbChannelEnabled && options.database === undefined) {
    try {
      unlisten = await db.listen(config.dbChannel, (n) => {
        if (n.payload === "" || n.payload === "reload schema") {
          state.log("info", "Received a schema cache reload message on the channel");
          loadOnce().catch((e) => state.logError(e));
        }
      }, (e) => state.log("error", `Listener connection lost: ${e.message}`));
    } catch (e) {
      state.log("error", `Failed listening for notifications: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return {
    handler: createApp(state),
    state,
    reloadSchema: loadOnce,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await unlisten?.();
      await db.close();
    },
  };
}
