/**
 * The startup banner of the embedded database: where the API is, where the data is, that this
 * is not for production, and (for the demo) three `curl` commands that work as printed.
 */
import { DEMO } from "./demo_schema.ts";
import { signHs256 } from "./token.ts";

export interface BannerInput {
  /** The server's bound address: `0.0.0.0:3000`, `127.0.0.1:3000`, `[::]:3000` or a socket path. */
  readonly address: string;
  readonly unixSocket: boolean;
  readonly dataDir: string | null;
  readonly serverVersion: string;
  readonly created: boolean;
  /** The demo's secret, when the demo schema is served. */
  readonly demoJwtSecret: string | null;
  /** Seconds since the epoch (the token expires 30 days later). */
  readonly now: number;
}

const TOKEN_LIFETIME = 30 * 24 * 3600;

/** `http://localhost:3000` for a wildcard bind, else the bound host. */
export function baseUrl(address: string): string {
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, "$1");
  const port = address.slice(i + 1);
  const shown = host === "0.0.0.0" || host === "::" || host === "" ? "localhost" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/** A demo token: role `reader`, subject `demo`. */
export function demoToken(secret: string, now: number): Promise<string> {
  return signHs256(secret, { role: DEMO.tokenRole, sub: DEMO.tokenSubject, exp: now + TOKEN_LIFETIME });
}

export async function embeddedBanner(input: BannerInput): Promise<string> {
  const url = input.unixSocket ? "http://localhost" : baseUrl(input.address);
  const curl = input.unixSocket ? `curl --unix-socket ${input.address}` : "curl";
  const where = input.dataDir === null
    ? "in memory (gone when pgrst stops)"
    : `${input.dataDir}${input.created ? " (created now)" : ""}`;
  const lines = [
    "",
    `pgrst is serving ${input.unixSocket ? `on ${input.address}` : url} from an embedded PostgreSQL`,
    `  (${input.serverVersion} on PGlite, data ${where}).`,
    "",
    "  The embedded database is for trying pgrst and for development, NOT for production:",
    "  it runs one transaction at a time inside this process. For real use, set PGRST_DB_URI",
    "  to a PostgreSQL server (postgres://user:password@host:5432/db).",
    "",
  ];
  if (input.demoJwtSecret !== null) {
    const token = await demoToken(input.demoJwtSecret, input.now);
    lines.push(
      `Demo API (schema "${DEMO.schema}": authors, books, reviews, book_stats, rpc/search_books, rpc/me). Try:`,
      "",
      `  ${curl} '${url}/books?select=title,year,author:authors(name)&year=lt.1970&order=year'`,
      "",
      `  ${curl} '${url}/rpc/search_books?q=night&select=title,year'`,
      "",
      `  ${curl} '${url}/reviews' -H 'Authorization: Bearer ${token}' \\`,
      `    -H 'Content-Type: application/json' -H 'Prefer: return=representation' \\`,
      `    -d '{"book_id": 2, "stars": 5, "body": "Genly Ai, I feel you."}'`,
      "",
      `  The token above is for role "${DEMO.tokenRole}" (sub "${DEMO.tokenSubject}"), valid 30 days; the`,
      `  secret is the authenticator role's pgrst.jwt_secret setting. OpenAPI: ${curl} '${url}/'`,
      "",
    );
  }
  return lines.join("\n");
}
