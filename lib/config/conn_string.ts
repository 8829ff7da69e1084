/**
 * Connection strings (CF-09): PostgREST appends `fallback_application_name` to `db-uri` (so the
 * server shows up in `pg_stat_activity`) and `target_session_attrs=read-write` for the listener
 * connection (so LISTEN goes to the primary when several hosts are given). Both URIs
 * (`postgres://`, `postgresql://`) and key/value strings (`host=… dbname=…`) are handled, the way
 * libpq tells them apart; anything else is left alone.
 */

export type ConnStringKind = "uri" | "keyValue";

/** libpq's `recognized_connection_string`: a URI prefix, else key/value when it has `=`. */
export function connStringKind(conn: string): ConnStringKind | null {
  if (conn.startsWith("postgresql://") || conn.startsWith("postgres://")) return "uri";
  return conn.includes("=") ? "keyValue" : null;
}

/** Percent-encodes all but RFC 3986 unreserved characters (network-uri's `escapeURIString`). */
function escapeComponent(s: string): string {
  return [...new TextEncoder().encode(s)].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/**
 * Appends `key=value` as libpq reads it: a URI query parameter (`?` or `&`, looking only after
 * the user info so a `?` in a password is no separator) or a quoted key/value pair.
 *
 * @example addConnStringOption("postgres://u:p@h/db", "application_name", "x y")
 * // "postgres://u:p@h/db?application_name=x%20y"
 */
export function addConnStringOption(conn: string, key: string, value: string): string {
  switch (connStringKind(conn)) {
    case null:
      return conn;
    case "keyValue":
      return `${conn} ${key}='${value.replaceAll("'", "\\'")}'`;
    case "uri": {
      const afterUserInfo = conn.slice(conn.lastIndexOf("@") + 1);
      const q = afterUserInfo.indexOf("?");
      const sep = q < 0 ? "?" : q === afterUserInfo.length - 1 ? "" : "&";
      return `${conn}${sep}${key}=${escapeComponent(value)}`;
    }
  }
}

/** `fallback_application_name=<appName>` added to the connection string. */
export function addFallbackAppName(conn: string, appName: string): string {
  return addConnStringOption(conn, "fallback_application_name", appName);
}

/** `target_session_attrs=read-write` added (for the LISTEN connection), even if one is there. */
export function addTargetSessionAttrs(conn: string): string {
  return addConnStringOption(conn, "target_session_attrs", "read-write");
}
