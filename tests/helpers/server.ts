/**
 * A running pgrst (`startPgrst`) on a fresh test database, with its `AppState` in reach: tests
 * can swap settings the way a config reload does (`reconfigure`) and read the JWT cache counters,
 * without starting a server per setting. Defaults as in `app.ts`, plus no LISTEN connection.
 */
import { defaultConfig } from "../../lib/config/config.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { type Pgrst, type PgrstOptions, startPgrst } from "../../lib/pgrst.ts";
import { type TestDatabase, testDatabase } from "./db.ts";

export interface TestServer {
  readonly db: TestDatabase;
  readonly pgrst: Pgrst;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Replaces the settings with `base` + `overrides`, as a reload would (catalog unchanged). */
  reconfigure(overrides?: Partial<AppConfig>): void;
  close(): Promise<void>;
}

export async function testServer(
  base: Partial<AppConfig> = {},
  options: Pick<PgrstOptions, "shapeCache"> = {},
): Promise<TestServer> {
  const db = await testDatabase();
  const config = defaultConfig({
    dbUri: db.uri(),
    dbSchemas: ["test"],
    dbAnonRole: "anon",
    dbPool: 4,
    dbChannelEnabled: false,
    logLevel: "crit",
    ...base,
  });
  const pgrst = await startPgrst({ config, sink: { err: () => {}, out: () => {} }, ...options });
  return {
    db,
    pgrst,
    request: (path, init) => pgrst.handler(new Request(`http://localhost${path}`, init)),
    reconfigure(overrides = {}) {
      const { roleSettings, roleIsolationLevels } = pgrst.state.config; // read from the database
      pgrst.state.setConfig({ ...config, roleSettings, roleIsolationLevels, ...overrides });
    },
    async close() {
      await pgrst.close();
      await db.drop();
    },
  };
}
