/**
 * Errors: one class, `PgrstError`, carrying the HTTP status, PostgREST's body
 * (`code`, `details`, `hint`, `message`) and extra headers. Codes are grouped by range as in
 * PostgREST's `Error.hs`:
 *
 *   PGRST0xx connection · PGRST1xx request · PGRST2xx schema cache · PGRST3xx JWT · PGRSTX00 internal
 *
 * Throw anywhere; `lib/app.ts` catches once and renders with `errorResponse()`.
 */

/** The `details` of an error body: text, or JSON from `RAISE SQLSTATE 'PGRST'`. */
export type ErrorDetails = string | readonly unknown[] | Record<string, unknown> | null;

/** An error response's JSON body, as PostgREST writes it. */
export interface ErrorBody {
  /** `PGRST…` or a PostgreSQL SQLSTATE. */
  readonly code: string;
  /** More about the error, or `null`. */
  readonly details: ErrorDetails;
  /** What to do about it, or `null`. */
  readonly hint: string | null;
  /** What went wrong. */
  readonly message: string;
}

/** An error answered with PostgREST's status code and JSON body (`code`, `details`, `hint`, `message`). */
export class PgrstError extends Error {
  /** The HTTP status code. */
  readonly status: number;
  /** `PGRST…` or a PostgreSQL SQLSTATE. */
  readonly code: string;
  /** More about the error, or `null`. */
  readonly details: ErrorDetails;
  /** What to do about it, or `null`. */
  readonly hint: string | null;
  /** Extra response headers (e.g. `WWW-Authenticate`, headers from `RAISE SQLSTATE 'PGRST'`). */
  readonly headers: readonly [string, string][];
  /** Reason phrase override (`RAISE SQLSTATE 'PT402'` uses the message as reason). */
  readonly statusText?: string;

  /** An error with HTTP `status` and the body's fields. */
  constructor(
    status: number,
    body: { code: string; message: string; details?: ErrorDetails; hint?: string | null },
    options: { headers?: readonly [string, string][]; statusText?: string } = {},
  ) {
    super(body.message);
    this.name = "PgrstError";
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? null;
    this.hint = body.hint ?? null;
    this.headers = options.headers ?? [];
    this.statusText = options.statusText;
  }

  /** The JSON body, keys in PostgREST's order; `minimal` keeps only `code` and `message`. */
  body(verbosity: "verbose" | "minimal" = "verbose"): Record<string, unknown> {
    return verbosity === "minimal"
      ? { code: this.code, message: this.message }
      : { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

const err = (
  status: number,
  code: string,
  message: string,
  details: ErrorDetails = null,
  hint: string | null = null,
) => new PgrstError(status, { code, message, details, hint });

/** Range errors (PGRST103) carry one of three details. */
export type RangeError =
  | { readonly kind: "negativeLimit" }
  | { readonly kind: "lowerGtUpper" }
  | { readonly kind: "outOfBounds"; readonly lower: string; readonly total: string };

const RANGE_DETAILS = {
  negativeLimit: () => "Limit should be greater than or equal to zero.",
  lowerGtUpper: () =>
    "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
  outOfBounds: (e: RangeError) =>
    e.kind === "outOfBounds"
      ? `An offset of ${e.lower} was requested, but there are only ${e.total} rows.`
      : "",
} as const;

export type RaiseParseError =
  | { readonly kind: "message"; readonly raw: string }
  | { readonly kind: "detail"; readonly raw: string }
  | { readonly kind: "noDetail" };

/** Constructors for every error PostgREST produces itself (database errors: `pg_errors.ts`). */
export const Errors = {
  // --- PGRST0xx: connection
  connection: (details: string | null) => err(503, "PGRST000", "Database connection error.", details),
  client: (details: string | null) =>
    err(503, "PGRST001", "Database client error. Retrying the connection.", details),
  noSchemaCache: () => err(503, "PGRST002", "Could not query the database for the schema cache. Retrying."),
  acquisitionTimeout: () => err(504, "PGRST003", "Timed out acquiring connection from connection pool."),

  // --- PGRST1xx: the request
  queryParam: (message: string, details: string) => err(400, "PGRST100", message, details),
  invalidRpcMethod: (method: string) => err(405, "PGRST101", `Cannot use the ${method} method on RPC`),
  invalidBody: (message: string) => err(400, "PGRST102", message),
  invalidRange: (e: RangeError) =>
    err(416, "PGRST103", "Requested range not satisfiable", RANGE_DETAILS[e.kind](e)),
  invalidFilters: () =>
    err(405, "PGRST105", "Filters must include all and only primary key columns with 'eq' operators"),
  unacceptableSchema: (schema: string, exposed: readonly string[]) =>
    err(
      406,
      "PGRST106",
      `Invalid schema: ${schema}`,
      null,
      `Only the following schemas are exposed: ${exposed.join(", ")}`,
    ),
  mediaType: (types: readonly string[]) =>
    err(406, "PGRST107", `None of these media types are available: ${types.join(", ")}`),
  notEmbedded: (resource: string, legacy?: { name: string; alias: string }) =>
    legacy
      ? err(
        400,
        "PGRST108",
        `'${resource}' is not an embedded resource in this request`,
        "Target names are not allowed in filters if they have an alias",
        `Change '${legacy.name}' to '${legacy.alias}' in filters, orders or limits.`,
      )
      : err(
        400,
        "PGRST108",
        `'${resource}' is not an embedded resource in this request`,
        null,
        `Verify that '${resource}' is included in the 'select' query parameter.`,
      ),
  gucHeaders: () =>
    err(
      500,
      "PGRST111",
      "response.headers guc must be a JSON array composed of objects with a single key and a string value",
    ),
  gucStatus: () => err(500, "PGRST112", "response.status guc must be a valid status code"),
  putLimitNotAllowed: () =>
    err(400, "PGRST114", "limit/offset querystring parameters are not allowed for PUT"),
  putMatchingPk: () => err(400, "PGRST115", "Payload values do not match URL in primary key column(s)"),
  singularity: (n: number) =>
    err(406, "PGRST116", "Cannot coerce the result to a single JSON object", `The result contains ${n} rows`),
  unsupportedMethod: (method: string) => err(405, "PGRST117", `Unsupported HTTP method: ${method}`),
  relatedOrderNotToOne: (origin: string, target: string) =>
    err(
      400,
      "PGRST118",
      `A related order on '${target}' is not possible`,
      `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
    ),
  unacceptableFilter: (target: string) =>
    err(
      400,
      "PGRST120",
      `Bad operator on the '${target}' embedded resource`,
      "Only is null or not is null filters are allowed on embedded resources",
    ),
  pgrstParse: (e: RaiseParseError) =>
    err(
      500,
      "PGRST121",
      `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
      e.kind === "message"
        ? `Invalid JSON value for MESSAGE: '${e.raw}'`
        : e.kind === "detail"
        ? `Invalid JSON value for DETAIL: '${e.raw}'`
        : "DETAIL is missing in the RAISE statement",
      e.kind === "message"
        ? "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'."
        : "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.",
    ),
  invalidPreferences: (prefs: readonly string[]) =>
    err(
      400,
      "PGRST122",
      "Invalid preferences given with handling=strict",
      `Invalid preferences: ${prefs.join(", ")}`,
    ),
  aggregatesNotAllowed: () => err(400, "PGRST123", "Use of aggregate functions is not allowed"),
  maxAffectedViolation: (n: number) =>
    err(
      400,
      "PGRST124",
      "Query result exceeds max-affected preference constraint",
      `The query affects ${n} rows`,
    ),
  invalidResourcePath: () => err(404, "PGRST125", "Invalid path specified in request URL"),
  openApiDisabled: () => err(404, "PGRST126", "Root endpoint metadata is disabled"),
  notImplemented: (details: string) => err(400, "PGRST127", "Feature not implemented", details),
  maxAffectedRpcViolation: () =>
    err(
      400,
      "PGRST128",
      "Function must return SETOF or TABLE when max-affected preference is used with handling=strict",
    ),

  // --- PGRST2xx: schema cache
  noRelBetween: (
    parent: string,
    child: string,
    embedHint: string | null,
    schema: string,
    hint: string | null,
  ) =>
    err(
      400,
      "PGRST200",
      `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
      `Searched for a foreign key relationship between '${parent}' and '${child}${
        embedHint === null ? "" : `' using the hint '${embedHint}`
      }' in the schema '${schema}', but no matches were found.`,
      hint,
    ),
  ambiguousRelBetween: (parent: string, child: string, details: readonly unknown[], hint: string) =>
    err(
      300,
      "PGRST201",
      `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
      details,
      hint,
    ),
  noRpc: (message: string, details: string, hint: string | null) =>
    err(404, "PGRST202", message, details, hint),
  ambiguousRpc: (message: string) =>
    err(
      300,
      "PGRST203",
      message,
      null,
      "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
    ),
  columnNotFound: (relation: string, column: string) =>
    err(400, "PGRST204", `Could not find the '${column}' column of '${relation}' in the schema cache`),
  tableNotFound: (schema: string, table: string, hint: string | null) =>
    err(404, "PGRST205", `Could not find the table '${schema}.${table}' in the schema cache`, null, hint),

  // --- PGRST3xx: JWT
  jwtSecretMissing: () => err(500, "PGRST300", "Server lacks JWT secret"),
  jwtDecode: (message: string, details: string | null = null) =>
    new PgrstError(401, { code: "PGRST301", message, details }, { headers: [invalidTokenHeader(message)] }),
  jwtTokenRequired: () =>
    new PgrstError(401, { code: "PGRST302", message: "Anonymous access is disabled" }, {
      headers: [["WWW-Authenticate", "Bearer"]],
    }),
  jwtClaims: (message: string, details: string | null = null) =>
    new PgrstError(401, { code: "PGRST303", message, details }, { headers: [invalidTokenHeader(message)] }),

  // --- internal
  internal: (message: string) => err(500, "PGRSTX00", message),
};

/** `Bearer error="invalid_token", error_description="<msg>"` (the message as a Haskell-shown string). */
function invalidTokenHeader(message: string): [string, string] {
  return ["WWW-Authenticate", `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`];
}
