/**
 * `GET /`: the OpenAPI (Swagger 2.0) document of the active schema, as PostgREST's
 * `Response/OpenAPI.hs` writes it (input: what `runInspectTx` found, the config and the catalog;
 * output: the response). `info` from the schema comment, `host`/`basePath`/`schemes` from
 * `server-host`/`server-port` or `openapi-server-proxy-uri`, a path per relation and function,
 * `definitions` per relation, shared `parameters`, and `securityDefinitions` with
 * `openapi-security-active`.
 *
 * Known difference: PostgREST lists relations (and functions) in the order of its hash maps,
 * which cannot be reproduced; pgrst lists them by name.
 */
import { compareText } from "../catalog/relationships.ts";
import type { Catalog, Routine, Table } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import type { OpenApiSource } from "../db/inspect_tx.ts";
import type { InspectPlan } from "../plan/types.ts";
import type { ApiRequest } from "../request/types.ts";
import { POSTGREST_VERSION } from "../version.ts";
import { headerBytes, type HeaderList } from "./headers.ts";
import { encodeJson, type Json, type Ordered, ordered, Sorted } from "./openapi_json.ts";
import { routineGetParam, routineSchema, tableDefinition } from "./openapi_schema.ts";
import type { PgrstResponse } from "./response.ts";

/** The media types of every endpoint, as `produces` and `consumes` list them. */
const MIME_TYPES = [
  "application/json",
  "application/vnd.pgrst.object+json;nulls=stripped",
  "application/vnd.pgrst.object+json",
  "text/csv",
];
const RPC_MIME_TYPES = MIME_TYPES.slice(0, 3);

/** `16.1` → `v16`: the docs of that major version. */
const DOCS_VERSION = `v${POSTGREST_VERSION.split(".")[0]}`;

/** `(first line, the rest without its leading newlines)`, PostgREST's summary/description split. */
function splitComment(comment: string): [string, string] {
  const i = comment.indexOf("\n");
  return i < 0 ? [comment, ""] : [comment.slice(0, i), comment.slice(i).replace(/^\n+/, "")];
}

/** Where the API is: scheme, host, port and base path. */
export interface ServerLocation {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  readonly basePath: string;
}

/** streaming-commons' special host names are printed as `0.0.0.0`. */
const SPECIAL_HOSTS = new Set(["*", "*4", "!4", "*6", "!6"]);

/**
 * PostgREST's `proxyUri`: `openapi-server-proxy-uri` when set (validated at config load), else
 * `http`, `server-host` and `server-port` under `/`. A proxy without a port gets 80 (http) or
 * 443 (https); without a path, `/`.
 */
export function serverLocation(config: AppConfig): ServerLocation {
  const proxy = config.openapiServerProxyUri;
  const m = proxy === null ? null : /^([^:]+):\/\/([^/?#]*)([^?#]*)/.exec(proxy);
  if (m === null) {
    const host = SPECIAL_HOSTS.has(config.serverHost) ? "0.0.0.0" : config.serverHost;
    return { scheme: "http", host, port: config.serverPort, basePath: "/" };
  }
  const scheme = m[1].toLowerCase();
  const authority = m[2];
  const portAt = authority.startsWith("[")
    ? authority.indexOf(":", authority.indexOf("]"))
    : authority.indexOf(":");
  const host = portAt < 0 ? authority : authority.slice(0, portAt);
  const portText = portAt < 0 ? "" : authority.slice(portAt + 1);
  const port = portText === "" ? (scheme === "http" ? 80 : 443) : Number(portText);
  return { scheme, host, port: Number.isInteger(port) ? port : 80, basePath: m[3] === "" ? "/" : m[3] };
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });
const created = { "201": { description: "Created" } };
const noContent = { "204": { description: "No Content" } };

/** The path item of a relation: GET, and POST, DELETE, PATCH when it can be written at all. */
function tablePathItem(t: Table): Ordered {
  const [summary, description] = t.description === null
    ? [undefined, undefined]
    : splitComment(t.description);
  const base = { summary, description: description === "" ? undefined : description, tags: [t.name] };
  const rowFilters = t.columns.map((c) => ref(`rowFilter.${t.name}.${c.name}`));
  const get = {
    ...base,
    parameters: [
      ...rowFilters,
      ...["select", "order", "range", "rangeUnit", "offset", "limit", "preferCount"].map(ref),
    ],
    responses: {
      "200": { description: "OK", schema: { items: { $ref: `#/definitions/${t.name}` }, type: "array" } },
      "206": { description: "Partial Content" },
    },
  };
  const writable = t.insertable || t.updatable || t.deletable;
  const post = {
    ...base,
    parameters: [ref(`body.${t.name}`), ref("select"), ref("preferPost")],
    responses: created,
  };
  const patch = {
    ...base,
    parameters: [...rowFilters, ref(`body.${t.name}`), ref("preferReturn")],
    responses: noContent,
  };
  const del = { ...base, parameters: [...rowFilters, ref("preferReturn")], responses: noContent };
  return ordered([
    ["get", new Sorted(get)],
    ["post", writable ? new Sorted(post) : undefined],
    ["delete", writable ? new Sorted(del) : undefined],
    ["patch", writable ? new Sorted(patch) : undefined],
  ]);
}

/** `/rpc/f`: POST always, GET unless the function is VOLATILE. */
function routinePathItem(r: Routine): Ordered {
  const [summary, description] = r.description === null
    ? [undefined, undefined]
    : splitComment(r.description);
  const base = {
    summary,
    description: description === "" ? undefined : description,
    tags: [`(rpc) ${r.name}`],
    produces: RPC_MIME_TYPES,
    responses: { "200": { description: "OK" } },
  };
  const get = { ...base, parameters: r.params.length === 0 ? undefined : r.params.map(routineGetParam) };
  const post = {
    ...base,
    parameters: [{ in: "body", name: "args", required: true, schema: routineSchema(r) }, ref("preferParams")],
  };
  return ordered([
    ["get", r.volatility === "volatile" ? undefined : new Sorted(get)],
    ["post", new Sorted(post)],
  ]);
}

const rootPathItem = ordered([
  [
    "get",
    new Sorted({
      produces: ["application/openapi+json", "application/json"],
      responses: { "200": { description: "OK" } },
      summary: "OpenAPI description (this document)",
      tags: ["Introspection"],
    }),
  ],
]);

/** A shared parameter: name, description, required, then its schema (`in`, `type`…) sorted. */
function parameter(name: string, description: string | null, schema: Record<string, unknown>): Ordered {
  return ordered([
    ["name", name],
    ["description", description ?? undefined],
    ["required", false],
    ...Object.entries(schema).sort(([a], [b]) => compareText(a, b)).map(
      ([k, v]) => [k, new Sorted(v)] as const,
    ),
  ]);
}

function preferParameter(values: string[]): Ordered {
  return parameter("Prefer", "Preference", {
    ...(values.length === 0 ? {} : { enum: values }),
    in: "header",
    type: "string",
  });
}

const RETURN = ["return=representation", "return=minimal", "return=none"];
const RESOLUTION = ["resolution=ignore-duplicates", "resolution=merge-duplicates"];
const query = { in: "query", type: "string" };
const header = { in: "header", type: "string" };

function parameters(tables: readonly Table[]): [string, Json][] {
  return [
    ["preferParams", preferParameter([])],
    ["preferReturn", preferParameter(RETURN)],
    ["preferCount", preferParameter(["count=none"])],
    ["preferPost", preferParameter([...RETURN, ...RESOLUTION])],
    ["select", parameter("select", "Filtering Columns", query)],
    ["on_conflict", parameter("on_conflict", "On Conflict", query)],
    ["order", parameter("order", "Ordering", query)],
    ["range", parameter("Range", "Limiting and Pagination", header)],
    ["rangeUnit", parameter("Range-Unit", "Limiting and Pagination", { default: "items", ...header })],
    ["offset", parameter("offset", "Limiting and Pagination", query)],
    ["limit", parameter("limit", "Limiting and Pagination", query)],
    ...tables.flatMap((t): [string, Json][] => [
      [
        `body.${t.name}`,
        parameter(t.name, t.name, { in: "body", schema: { $ref: `#/definitions/${t.name}` } }),
      ],
      ...t.columns.map((c): [string, Json] => [
        `rowFilter.${t.name}.${c.name}`,
        parameter(c.name, c.description, query),
      ]),
    ]),
  ];
}

/** The whole document. */
export function openApiDocument(source: OpenApiSource, config: AppConfig, catalog: Catalog): Ordered {
  const { scheme, host, port, basePath } = serverLocation(config);
  const tables = [...source.tables].sort((a, b) => compareText(a.name, b.name));
  const [title, description] = source.schemaDescription === null
    ? ["PostgREST API", "This is a dynamic API generated by PostgREST"]
    : splitComment(source.schemaDescription);
  const security = config.openapiSecurityActive;
  return ordered([
    ["swagger", "2.0"],
    ["info", new Sorted({ description, title, version: POSTGREST_VERSION })],
    ["host", `${host}:${port}`],
    ["basePath", basePath],
    ["schemes", [scheme === "http" ? "http" : "https"]],
    ["consumes", MIME_TYPES],
    ["produces", MIME_TYPES],
    [
      "paths",
      ordered([
        ["/", rootPathItem],
        ...tables.map((t): [string, Json] => [`/${t.name}`, tablePathItem(t)]),
        ...source.routines.map((r): [string, Json] => [`/rpc/${r.name}`, routinePathItem(r)]),
      ]),
    ],
    [
      "definitions",
      tables.length === 0 ? undefined : ordered(tables.map((t) => [t.name, tableDefinition(catalog, t)])),
    ],
    ["parameters", ordered(parameters(tables))],
    [
      "securityDefinitions",
      security
        ? new Sorted({
          JWT: {
            description: 'Add the token prepending "Bearer " (without quotes) to it',
            in: "header",
            name: "Authorization",
            type: "apiKey",
          },
        })
        : undefined,
    ],
    ["security", security ? new Sorted([{ JWT: [] }]) : undefined],
    [
      "externalDocs",
      new Sorted({
        description: "PostgREST Documentation",
        url: `https://postgrest.org/en/${DOCS_VERSION}/references/api.html`,
      }),
    ],
  ]);
}

/**
 * The response: always `application/openapi+json` (also for `Accept: application/json`),
 * `Content-Profile` when a profile chose the schema; HEAD sends the headers only.
 */
export function respondOpenApi(
  plan: InspectPlan,
  source: OpenApiSource,
  req: ApiRequest,
  config: AppConfig,
  catalog: Catalog,
): PgrstResponse {
  const headers: HeaderList = [["Content-Type", "application/openapi+json; charset=utf-8"]];
  const body = plan.headersOnly ? null : encodeJson(openApiDocument(source, config, catalog));
  if (body !== null) headers.push(["Content-Length", String(new TextEncoder().encode(body).length)]);
  if (req.negotiatedByProfile) headers.push(["Content-Profile", headerBytes(req.schema) ?? req.schema]);
  return { status: 200, headers, body };
}
