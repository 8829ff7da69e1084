/**
 * Where the embedded database lives, from the command line and `db-uri`: pure parsing, no I/O.
 *
 * - no `db-uri` → the embedded database in `./pgrst-data` (or, with `--init` files, a fresh
 *   in-memory database loaded with them on every start);
 * - `db-uri = pglite://PATH` → the embedded database in the directory PATH (relative to the working
 *   directory unless it starts with `/`: `pglite://./data`, `pglite:///var/lib/pgrst`);
 *   `pglite://:memory:` keeps it in memory. `?user=ROLE` names the role pgrst logs in as (default
 *   `authenticator`, when it exists).
 *
 * A new database gets the `--init` files, or the demo schema when there are none.
 */

export const DEFAULT_DATA_DIR = "./pgrst-data";
export const MEMORY = ":memory:";

export interface EmbeddedTarget {
  /** The data directory, or `null` for an in-memory database. */
  readonly dataDir: string | null;
  /** The role to log in as; `null`: `authenticator` when that role exists. */
  readonly user: string | null;
  /** Seed the demo schema when the database is new (no `--init` files). */
  readonly demo: boolean;
}

export class EmbeddedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedError";
  }
}

/** `pglite://…` (or `pglite:…`) selects the embedded database. */
export function isEmbeddedUri(uri: string): boolean {
  return /^pglite:/i.test(uri);
}

/**
 * Parses a `pglite:` URI.
 *
 * @example parseEmbeddedUri("pglite://./data?user=authenticator")
 * // { dataDir: "./data", user: "authenticator", demo: true }
 */
export function parseEmbeddedUri(uri: string): EmbeddedTarget {
  let rest = uri.replace(/^pglite:/i, "");
  if (rest.startsWith("//")) rest = rest.slice(2);
  const q = rest.indexOf("?");
  const query = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : "");
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new EmbeddedError(`invalid embedded database URI ${JSON.stringify(uri)}: bad percent-encoding`);
  }
  for (const key of query.keys()) {
    if (key !== "user") {
      throw new EmbeddedError(
        `invalid embedded database URI ${JSON.stringify(uri)}: unknown option "${key}"`,
      );
    }
  }
  const user = query.get("user");
  return { dataDir: path === "" || path === MEMORY ? null : path, user: user || null, demo: true };
}

/**
 * The embedded database to serve for a `db-uri` (absent, or `pglite:`), or `null` for PostgreSQL.
 *
 * @example embeddedTarget(undefined, []) // { dataDir: "./pgrst-data", user: null, demo: true }
 */
export function embeddedTarget(
  dbUri: string | undefined,
  initFiles: readonly string[],
): EmbeddedTarget | null {
  const demo = initFiles.length === 0;
  if (dbUri === undefined) return { dataDir: demo ? DEFAULT_DATA_DIR : null, user: null, demo };
  return isEmbeddedUri(dbUri) ? { ...parseEmbeddedUri(dbUri), demo } : null;
}

/** The URI naming a target (shown as `db-uri`). */
export function embeddedUri(target: EmbeddedTarget): string {
  const path = target.dataDir === null ? MEMORY : encodeURI(target.dataDir).replaceAll("?", "%3F");
  return `pglite://${path}${target.user ? `?user=${encodeURIComponent(target.user)}` : ""}`;
}

/**
 * Takes `--init FILE` / `--init=FILE` (repeatable) out of the arguments; the rest are pgrst's
 * usual ones.
 *
 * @example splitInitArgs(["--init", "schema.sql", "postgrest.conf"])
 * // { initFiles: ["schema.sql"], rest: ["postgrest.conf"] }
 */
export function splitInitArgs(args: readonly string[]): { initFiles: string[]; rest: string[] } {
  const initFiles: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--init") {
      const file = args[i + 1];
      if (file === undefined || file === "") {
        throw new EmbeddedError("--init needs a file: --init schema.sql");
      }
      initFiles.push(file);
      i++;
    } else if (arg.startsWith("--init=")) {
      const file = arg.slice("--init=".length);
      if (file === "") throw new EmbeddedError("--init needs a file: --init=schema.sql");
      initFiles.push(file);
    } else {
      rest.push(arg);
    }
  }
  return { initFiles, rest };
}
