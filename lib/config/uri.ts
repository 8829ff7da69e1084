/**
 * RFC 3986 URI checks for two options, as PostgREST does them with Haskell's `network-uri`:
 * `jwt-aud` must be a URI when it contains `:`, and `openapi-server-proxy-uri` must be an
 * absolute `http(s)` URI with a host, no user info, no query and a port in 1..65535.
 */

const PCT = "%[0-9A-Fa-f]{2}";
const UNRESERVED_SUB = "A-Za-z0-9\\-._~!$&'()*+,;=";
const PCHAR = `(?:[${UNRESERVED_SUB}:@]|${PCT})`;
const USERINFO = `(?:[${UNRESERVED_SUB}:]|${PCT})*`;
const IP_LITERAL = `\\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\\.[${UNRESERVED_SUB}:]+)\\]`;
const REG_NAME = `(?:[${UNRESERVED_SUB}]|${PCT})*`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const PATH_ABSOLUTE = `/(?:${PCHAR}+(?:/${PCHAR}*)*)?`;
const PATH_ROOTLESS = `${PCHAR}+(?:/${PCHAR}*)*`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const HIER = `(?://(?:(${USERINFO})@)?(${IP_LITERAL}|${REG_NAME})(?::([0-9]*))?${PATH_ABEMPTY}` +
  `|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)`;
const SCHEME = "([A-Za-z][A-Za-z0-9+\\-.]*)";

const ABSOLUTE_URI = new RegExp(`^${SCHEME}:${HIER}(\\?${QUERY})?$`);
const URI = new RegExp(`^${SCHEME}:${HIER}(?:\\?${QUERY})?(?:#${QUERY})?$`);

/** `scheme:hier-part[?query][#fragment]` (network-uri's `isURI`). */
export function isUri(s: string): boolean {
  return URI.test(s);
}

/**
 * PostgREST's `isMalformedProxyUri`: anything but an absolute `http`/`https` URI with a host,
 * without user info, query or fragment, and with no port or a port in 1..65535.
 *
 * @example isMalformedProxyUri("https://example.com:8443/basePath") // false
 * @example isMalformedProxyUri("htp:/@@localhorst.invalid") // true
 */
export function isMalformedProxyUri(s: string): boolean {
  const m = ABSOLUTE_URI.exec(s);
  if (!m) return true;
  const [, scheme, userinfo, host, port, query] = m;
  if (!["http", "https"].includes(scheme.toLowerCase())) return true;
  if (query !== undefined) return true;
  if (host === undefined || host === "" || userinfo !== undefined) return true;
  if (port === undefined) return false;
  if (port === "") return true;
  const n = BigInt(port);
  return !(n > 0n && n < 65536n);
}
