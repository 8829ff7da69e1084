/**
 * HTTP request → `ApiRequest`: the resource and action from the path and method, the schema from
 * the profile headers, the parsed query string, ranges, media types, headers, cookies and the
 * payload. Pure: the body has already been read.
 */
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import { parseAccept, parseContentType } from "./media_type.ts";
import { parsePayload } from "./payload.ts";
import { parseQueryParams } from "./query_params.ts";
import { resolveRanges } from "./range.ts";
import type { Action, ApiRequest, Preferences } from "./types.ts";

export interface HttpInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: Uint8Array | null;
}

type Resource =
  | { readonly kind: "relation"; readonly name: string }
  | { readonly kind: "routine"; readonly name: string }
  | { readonly kind: "schema" };

/** `/` → schema (or the root-spec function), `/t` → relation, `/rpc/f` → routine, else PGRST125. */
export function parseResource(config: AppConfig, pathname: string): Resource {
  const segments = pathname.split("/").slice(1).map(decodeSegment);
  if (segments.length === 1 && segments[0] === "") {
    if (config.openapiMode === "disabled") throw Errors.openApiDisabled();
    return config.dbRootSpec ? { kind: "routine", name: config.dbRootSpec.name } : { kind: "schema" };
  }
  if (segments.length === 1) return { kind: "relation", name: segments[0] };
  if (segments.length === 2 && segments[0] === "rpc") return { kind: "routine", name: segments[1] };
  throw Errors.invalidResourcePath();
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseAction(resource: Resource, method: string): Action {
  if (resource.kind === "routine") {
    switch (method) {
      case "HEAD":
        return { kind: "routine", name: resource.name, method: { kind: "read", headersOnly: true } };
      case "GET":
        return { kind: "routine", name: resource.name, method: { kind: "read", headersOnly: false } };
      case "POST":
        return { kind: "routine", name: resource.name, method: { kind: "invoke" } };
      case "OPTIONS":
        return { kind: "routineInfo", name: resource.name, method: { kind: "read", headersOnly: true } };
    }
    throw Errors.invalidRpcMethod(method);
  }
  if (resource.kind === "relation") {
    const name = resource.name;
    switch (method) {
      case "HEAD":
        return { kind: "relationRead", name, headersOnly: true };
      case "GET":
        return { kind: "relationRead", name, headersOnly: false };
      case "POST":
        return { kind: "relationMutate", name, mutation: "create" };
      case "PUT":
        return { kind: "relationMutate", name, mutation: "singleUpsert" };
      case "PATCH":
        return { kind: "relationMutate", name, mutation: "update" };
      case "DELETE":
        return { kind: "relationMutate", name, mutation: "delete" };
      case "OPTIONS":
        return { kind: "relationInfo", name };
    }
  } else {
    switch (method) {
      case "HEAD":
        return { kind: "schemaRead", headersOnly: true };
      case "GET":
        return { kind: "schemaRead", headersOnly: false };
      case "OPTIONS":
        return { kind: "schemaInfo" };
    }
  }
  throw Errors.unsupportedMethod(method);
}

const WRITE_METHODS = new Set(["DELETE", "PATCH", "POST", "PUT"]);

/** The active schema: `Content-Profile` for writes, `Accept-Profile` otherwise. */
export function parseSchema(config: AppConfig, headers: Headers, method: string): [string, boolean] {
  const profile = headers.get(WRITE_METHODS.has(method) ? "content-profile" : "accept-profile");
  if (profile !== null) {
    if (!config.dbSchemas.includes(profile)) throw Errors.unacceptableSchema(profile, config.dbSchemas);
    return [profile, true];
  }
  return [config.dbSchemas[0], config.dbSchemas.length !== 1];
}

/**
 * The `Cookie` header as Web.Cookie's `parseCookies` reads it: split at every `;`, then at the
 * first `=`; only the spaces before a name are dropped (empty pieces give an empty name).
 */
function parseCookies(header: string | null): [string, string][] {
  if (header === null) return [];
  const cookies: [string, string][] = [];
  let rest = header;
  while (rest !== "") {
    const semi = rest.indexOf(";");
    const piece = semi < 0 ? rest : rest.slice(0, semi);
    rest = semi < 0 ? "" : rest.slice(semi + 1);
    const eq = piece.indexOf("=");
    const name = (eq < 0 ? piece : piece.slice(0, eq)).replace(/^ +/, "");
    cookies.push([name, eq < 0 ? "" : piece.slice(eq + 1)]);
  }
  return cookies;
}

export function parseApiRequest(input: HttpInput, config: AppConfig, preferences: Preferences): ApiRequest {
  const { method, url, headers } = input;
  const resource = parseResource(config, url.pathname);
  const [schema, negotiatedByProfile] = parseSchema(config, headers, method);
  const action = parseAction(resource, method);
  const isRpcRead = action.kind === "routine" && action.method.kind === "read";
  const query = parseQueryParams(url.search.slice(1), isRpcRead);
  const { topLevel } = resolveRanges(method, query.ranges, headers.get("range"));
  const contentType = parseContentType(headers.get("content-type"));
  const { payload, columns } = parsePayload(input.body, contentType, query, action);
  const headerList: [string, string][] = [];
  headers.forEach((v, k) => {
    if (k !== "cookie") headerList.push([k, v]);
  });
  return {
    action,
    method,
    path: url.pathname,
    schema,
    negotiatedByProfile,
    query,
    preferences,
    topLevelRange: topLevel,
    payload,
    columns,
    accept: parseAccept(headers.get("accept")),
    contentType,
    headers: headerList,
    cookies: parseCookies(headers.get("cookie")),
  };
}
