/**
 * The API handler on a fresh test database, called in-process like PostgREST's hspec-wai specs.
 * Defaults follow PostgREST's test config: schema `test`, anonymous role `anon`.
 */
import { createHandler, type PgrstHandler } from "../../mod.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { type TestDatabase, testDatabase } from "./db.ts";
import { pgliteTestApp } from "./pglite.ts";

export interface TestApp {
  readonly db: TestDatabase;
  readonly handler: PgrstHandler;
  /** `GET`s (or any method) a path like `/items?id=eq.1`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * `options.setup`: SQL run (as the superuser) on the fresh database before the handler loads its
 * catalog — for objects that must not be in the shared fixtures (e.g. casts, which every catalog
 * sees).
 */
export async function testApp(
  config: Partial<AppConfig> = {},
  options: { readonly setup?: string } = {},
): Promise<TestApp> {
  // `deno task test:pglite`: the same tests on the embedded PostgreSQL.
  if (Deno.env.get("PGRST_TEST_DB") === "pglite") return await pgliteTestApp(config, options);
  const db = await testDatabase();
  if (options.setup) await db.psql(options.setup);
  const handler = await createHandler({
    config: {
      dbUri: db.uri(),
      dbSchemas: ["test"],
      dbAnonRole: "anon",
      dbPool: 4,
      logLevel: "crit",
      ...config,
    },
  });
  return {
    db,
    handler,
    request: (path, init) => handler(new Request(`http://localhost${path}`, init)),
    async close() {
      await handler.close();
      await db.drop();
    },
  };
}

/** Status, selected headers and the parsed body, for one assertion. */
export async function summary(
  res: Response,
  headers: string[] = [],
): Promise<{ status: number; body: unknown; [header: string]: unknown }> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? "" : JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, ...Object.fromEntries(headers.map((h) => [h, res.headers.get(h)])), body };
}
