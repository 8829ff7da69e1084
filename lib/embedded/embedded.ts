/**
 * Starting the embedded database: open (or create) it, seed the demo schema or run the `--init`
 * files into a new database, then log in as the authenticator role, as pgrst does on PostgreSQL.
 *
 * Input: an `EmbeddedTarget` (see `target.ts`), the init scripts' text and a directory maker.
 * Output: the open `EmbeddedDatabase` and what the banner and the configuration need.
 */
import { type EmbeddedDatabase, openPglite } from "../db/pglite.ts";
import { DbServerError } from "../db/db.ts";
import { ident, param, render, sql } from "../query/sql.ts";
import { DEMO, DEMO_SQL } from "./demo_schema.ts";
import { randomSecret } from "./token.ts";
import { EmbeddedError, type EmbeddedTarget } from "./target.ts";

export interface InitScript {
  /** The file name, for messages. */
  readonly name: string;
  readonly sql: string;
}

export interface EmbeddedStartOptions {
  readonly target: EmbeddedTarget;
  readonly initScripts: readonly InitScript[];
  /** Creates a directory and its parents (no error when it exists). */
  readonly makeDir: (path: string) => Promise<void>;
  readonly log: (message: string) => void;
}

export interface Embedded {
  readonly db: EmbeddedDatabase;
  readonly target: EmbeddedTarget;
  /** `PostgreSQL 18.x` as the server reports it. */
  readonly serverVersion: string;
  /** The database was created by this start. */
  readonly created: boolean;
  /** The session role requests start from (`null`: the superuser). */
  readonly loginRole: string | null;
  /**
   * The demo's JWT secret (kept as `pgrst.jwt_secret` of the authenticator role) when this is the
   * demo database (its schema's comment starts with "pgrst demo:"), else `null`.
   */
  readonly demoJwtSecret: string | null;
}

/** No schema, role or table created by a user: a database initdb just made. */
const IS_NEW = `select not exists (select from pg_namespace where oid >= 16384)
  and not exists (select from pg_roles where oid >= 16384)
  and not exists (select from pg_class where relnamespace = 'public'::regnamespace)`;

const DEMO_SECRET = `select substr(s, length('pgrst.jwt_secret=') + 1)
  from pg_db_role_setting, unnest(setconfig) as s
  where setrole = (select oid from pg_roles where rolname = $1) and s like 'pgrst.jwt\\_secret=%'
    and obj_description(to_regnamespace($2), 'pg_namespace') like 'pgrst demo:%'`;

function describe(e: unknown): string {
  if (e instanceof DbServerError) {
    return `${e.message} (SQLSTATE ${e.code})${e.detail ? `\n${e.detail}` : ""}${
      e.hint ? `\n${e.hint}` : ""
    }`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs a script in one transaction, so a failing script leaves nothing behind. */
async function runScript(db: EmbeddedDatabase, script: InitScript): Promise<void> {
  try {
    await db.exec(`begin;\n${script.sql}\n;commit;`);
  } catch (e) {
    await db.exec("rollback").catch(() => {});
    throw new EmbeddedError(`${script.name}: ${describe(e)}`);
  }
}

async function seedDemo(db: EmbeddedDatabase): Promise<void> {
  // ALTER ROLE takes no parameters: the server quotes the secret (format %L).
  const stmt = render(
    sql`select format('alter role %I set pgrst.jwt_secret = %L', ${param(DEMO.loginRole)}::text, ${
      param(randomSecret())
    }::text)`,
  );
  const [[alter]] = await db.query(stmt.text, stmt.params);
  await runScript(db, { name: "the demo schema", sql: `${DEMO_SQL}\n${alter};` });
}

async function roleExists(db: EmbeddedDatabase, role: string): Promise<boolean> {
  const rows = await db.query("select 1 from pg_roles where rolname = $1", [role]);
  return rows.length > 0;
}

export async function startEmbedded(options: EmbeddedStartOptions): Promise<Embedded> {
  const { target, log } = options;
  if (target.dataDir !== null) await options.makeDir(target.dataDir);
  const db = await openPglite({ dataDir: target.dataDir });
  try {
    const created = (await db.query(IS_NEW))[0][0] === "t";
    if (target.demo && created) {
      log(`Seeding the demo schema "${DEMO.schema}" into the new embedded database`);
      await seedDemo(db);
    }
    if (options.initScripts.length > 0) {
      if (created) {
        for (const script of options.initScripts) {
          log(`Running ${script.name}`);
          await runScript(db, script);
        }
      } else {
        log(
          `Not running ${
            options.initScripts.map((s) => s.name).join(", ")
          }: the database in ${target.dataDir} ` +
            "already exists (--init files run when it is created; delete the directory to start over)",
        );
      }
    }
    const [[version]] = await db.query("select current_setting('server_version')");
    const demoJwtSecret = (await db.query(DEMO_SECRET, [DEMO.loginRole, DEMO.schema]))[0]?.[0] ?? null;
    const loginRole = await logIn(db, target, log);
    return { db, target, serverVersion: `PostgreSQL ${version}`, created, loginRole, demoJwtSecret };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}

/** `SET SESSION AUTHORIZATION` to the login role, so role switches need its memberships. */
async function logIn(db: EmbeddedDatabase, target: EmbeddedTarget, log: (m: string) => void) {
  const role = target.user ?? DEMO.loginRole;
  if (!(await roleExists(db, role))) {
    if (target.user !== null) {
      throw new EmbeddedError(`role "${role}" does not exist in the embedded database`);
    }
    log(
      `WARNING: no role "${role}" in the embedded database: requests switch roles from the superuser, ` +
        "so role memberships are not checked (create an authenticator role as with PostgreSQL)",
    );
    return null;
  }
  const stmt = render(sql`set session authorization ${ident(role)}`);
  await db.exec(stmt.text);
  return role;
}
