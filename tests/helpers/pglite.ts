/**
 * Test databases on the embedded PostgreSQL (PGlite): an in-memory database with every
 * `tests/fixtures/*.sql` loaded, logged in as `authenticator` like the server on PostgreSQL.
 *
 * Creating a PGlite cluster runs initdb (seconds), so the first call in any process builds a
 * template (fixtures loaded) and dumps it to a file in the temp directory, keyed by the fixtures'
 * contents; later calls, in this or a parallel test process, start from that dump.
 */
import { type EmbeddedDatabase, openPglite } from "../../lib/db/pglite.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { createHandler } from "../../mod.ts";
import type { TestApp } from "./app.ts";
import type { TestDatabase } from "./db.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);

export interface PgliteTestDatabase {
  readonly db: EmbeddedDatabase;
  /** Runs SQL as the superuser; rows as `psql -At` prints them (`|` between columns). */
  psql(sql: string): Promise<string>;
  close(): Promise<void>;
}

async function fixtures(): Promise<{ name: string; sql: string }[]> {
  const names = [...Deno.readDirSync(FIXTURES)].filter((e) => e.isFile && e.name.endsWith(".sql"))
    .map((e) => e.name).sort();
  return await Promise.all(
    names.map(async (name) => ({ name, sql: await Deno.readTextFile(new URL(name, FIXTURES)) })),
  );
}

async function templatePath(files: { name: string; sql: string }[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(files)));
  const hex = [...new Uint8Array(digest)].slice(0, 8).map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${Deno.env.get("TMPDIR") ?? "/tmp"}/pgrst-pglite-fixtures-${hex}.tar`;
}

let template: Promise<Blob> | undefined;

function fixtureTemplate(): Promise<Blob> {
  template ??= (async () => {
    const files = await fixtures();
    const path = await templatePath(files);
    try {
      return new Blob([await Deno.readFile(path)]);
    } catch { /* not built yet */ }
    const db = await openPglite({ dataDir: null });
    try {
      for (const f of files) {
        try {
          await db.exec(f.sql);
        } catch (e) {
          throw new Error(`fixture ${f.name} fails on the embedded database (PGlite's PostgreSQL 18): ${e}`);
        }
      }
      // Flush everything to the data files first: restored from the dump, a sequence would
      // otherwise resume from its WAL-logged value (32 ahead), not from its last value.
      await db.exec("checkpoint");
      const dump = await db.dumpDataDir();
      const tmp = `${path}.${crypto.randomUUID()}.tmp`;
      await Deno.writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
      await Deno.rename(tmp, path);
      return dump;
    } finally {
      await db.close();
    }
  })();
  return template;
}

/** A fresh in-memory copy of the fixture database, logged in as `authenticator`. */
export async function pgliteTestDatabase(): Promise<PgliteTestDatabase> {
  const db = await openPglite({ dataDir: null, loadDataDir: await fixtureTemplate() });
  await db.exec("set session authorization authenticator");
  return {
    db,
    async psql(sql) {
      // The session was authenticated as the superuser, so it may return to it for a moment
      // (PGlite's RESET SESSION AUTHORIZATION does not: name the superuser).
      await db.exec("set session authorization postgres");
      try {
        return (await db.query(sql)).map((r) => r.map((v) => v ?? "").join("|")).join("\n") + "\n";
      } finally {
        await db.exec("set session authorization authenticator");
      }
    },
    close: () => db.close(),
  };
}

/**
 * `testApp()` on PGlite (`PGRST_TEST_DB=pglite`): the handler on a fresh embedded fixture
 * database. `db.uri()` and `db.cluster` do not exist there (no server to connect to): tests that
 * connect on their own are not part of the PGlite run.
 */
export async function pgliteTestApp(
  config: Partial<AppConfig> = {},
  options: { readonly setup?: string } = {},
): Promise<TestApp> {
  const t = await pgliteTestDatabase();
  if (options.setup) await t.psql(options.setup);
  if (config.dbPoolAcquisitionTimeout !== undefined) {
    t.db.setAcquisitionTimeout(config.dbPoolAcquisitionTimeout);
  }
  const handler = await createHandler({
    config: {
      dbSchemas: ["test"],
      dbAnonRole: "anon",
      logLevel: "crit",
      ...config,
      dbUri: "pglite://:memory:",
    },
    database: t.db,
  });
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available on the embedded database (PGRST_TEST_DB=pglite)`);
  };
  const db: TestDatabase = {
    name: "pglite",
    get cluster(): never {
      return unavailable("db.cluster")();
    },
    uri: unavailable("db.uri()"),
    psql: t.psql,
    drop: () => Promise.resolve(),
  };
  return {
    db,
    handler,
    request: (path, init) => handler(new Request(`http://localhost${path}`, init)),
    async close() {
      await handler.close();
    },
  };
}
