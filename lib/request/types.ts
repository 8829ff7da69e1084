/**
 * The parsed request: what a client said, as a readonly tagged union. Values stay text; the
 * planner resolves names against the catalog and the SQL builder binds values as parameters.
 */

// ---------------------------------------------------------------- JSON paths, fields

export type JsonOperand =
  | { readonly kind: "key"; readonly value: string }
  | { readonly kind: "index"; readonly value: string };

/** `->` (json) or `->>` (text). */
export interface JsonOperation {
  readonly arrow: "->" | "->>";
  readonly operand: JsonOperand;
}

export type JsonPath = readonly JsonOperation[];

/** A column (or computed field) with an optional JSON path: `data->a->>b`. */
export interface Field {
  readonly name: string;
  readonly jsonPath: JsonPath;
}

/** Path of embedded levels: `clients.projects.name=eq.x` → ["clients", "projects"]. */
export type EmbedPath = readonly string[];

// ---------------------------------------------------------------- select

export type AggregateFunction = "sum" | "avg" | "max" | "min" | "count";
export type JoinType = "inner" | "left";

export type SelectItem =
  | {
    readonly kind: "field";
    readonly field: Field;
    readonly aggregate: AggregateFunction | null;
    readonly aggregateCast: string | null;
    readonly cast: string | null;
    readonly alias: string | null;
  }
  | {
    readonly kind: "relation";
    readonly relation: string;
    readonly alias: string | null;
    readonly hint: string | null;
    readonly joinType: JoinType | null;
    readonly children: readonly SelectItem[];
  }
  | {
    readonly kind: "spread";
    readonly relation: string;
    readonly hint: string | null;
    readonly joinType: JoinType | null;
    readonly children: readonly SelectItem[];
  };

// ---------------------------------------------------------------- filters

/** Operators that take `any`/`all` quantifiers. */
export type QuantOperator = "eq" | "gte" | "gt" | "lte" | "lt" | "like" | "ilike" | "match" | "imatch";
export type SimpleOperator = "neq" | "cs" | "cd" | "ov" | "sl" | "sr" | "nxr" | "nxl" | "adj";
export type FtsOperator = "fts" | "plfts" | "phfts" | "wfts";
export type IsValue = "null" | "not_null" | "true" | "false" | "unknown";

export type Operation =
  | { readonly kind: "simple"; readonly op: SimpleOperator; readonly value: string }
  | {
    readonly kind: "quant";
    readonly op: QuantOperator;
    readonly quantifier: "any" | "all" | null;
    readonly value: string;
  }
  | { readonly kind: "in"; readonly values: readonly string[] }
  | { readonly kind: "is"; readonly value: IsValue }
  | { readonly kind: "isdistinct"; readonly value: string }
  | {
    readonly kind: "fts";
    readonly op: FtsOperator;
    readonly language: string | null;
    readonly value: string;
  };

/** `[not.]op.value`, or (RPC GET arguments) a bare value with no operator. */
export type OpExpr =
  | { readonly kind: "op"; readonly negated: boolean; readonly operation: Operation }
  | { readonly kind: "noOp"; readonly value: string };

export interface Filter {
  readonly field: Field;
  readonly opExpr: OpExpr;
}

/** `or=(a.eq.1,and(b.gt.2,c.lt.3))`. */
export type LogicTree =
  | {
    readonly kind: "expr";
    readonly negated: boolean;
    readonly operator: "and" | "or";
    readonly children: readonly LogicTree[];
  }
  | { readonly kind: "stmt"; readonly filter: Filter };

// ---------------------------------------------------------------- order, ranges

export interface OrderTerm {
  /** `order=rel(col).desc`: the embedded relation the term refers to. */
  readonly relation: string | null;
  readonly field: Field;
  readonly direction: "asc" | "desc" | null;
  readonly nulls: "first" | "last" | null;
}

/** Inclusive row range; `upper === null` = unbounded. */
export interface Range {
  readonly offset: number;
  readonly upper: number | null;
}

export const ALL_ROWS: Range = { offset: 0, upper: null };

// ---------------------------------------------------------------- the query string

export interface QueryParams {
  /** Query string with parameters sorted by key (for `Content-Location`). */
  readonly canonical: string;
  /** Arguments of GET/HEAD RPC calls (parameters without an operator). */
  readonly rpcParams: readonly (readonly [string, string])[];
  /** `limit`/`offset` by embed path key ("" = top level; "a.b" for `a.b.limit`). */
  readonly ranges: ReadonlyMap<string, Range>;
  readonly order: readonly (readonly [EmbedPath, readonly OrderTerm[]])[];
  readonly logic: readonly (readonly [EmbedPath, LogicTree])[];
  /** `columns=` */
  readonly columns: ReadonlySet<string> | null;
  readonly select: readonly SelectItem[];
  readonly filters: readonly (readonly [EmbedPath, Filter])[];
  readonly filtersRoot: readonly Filter[];
  readonly filtersNotRoot: readonly (readonly [EmbedPath, Filter])[];
  /** Names of the query parameters that are filters (RPC argument matching). */
  readonly filterFields: ReadonlySet<string>;
  /** `on_conflict=` */
  readonly onConflict: readonly string[] | null;
}

// ---------------------------------------------------------------- preferences

export interface Preferences {
  readonly resolution: "merge-duplicates" | "ignore-duplicates" | null;
  readonly representation: "representation" | "headers-only" | "minimal" | null;
  readonly count: "exact" | "planned" | "estimated" | null;
  readonly transaction: "commit" | "rollback" | null;
  readonly missing: "default" | "null" | null;
  readonly handling: "strict" | "lenient" | null;
  readonly timezone: string | null;
  readonly maxAffected: number | null;
  /** Preferences that were not understood, as written. */
  readonly invalid: readonly string[];
}

// ---------------------------------------------------------------- media types

/** A media type as negotiated (see `media_type.ts`). */
export type MediaType =
  | { readonly kind: "json" }
  | { readonly kind: "geojson" }
  | { readonly kind: "csv" }
  | { readonly kind: "text" }
  | { readonly kind: "xml" }
  | { readonly kind: "openapi" }
  | { readonly kind: "urlencoded" }
  | { readonly kind: "octet" }
  | { readonly kind: "any" }
  | { readonly kind: "arrayJson"; readonly stripNulls: boolean }
  | { readonly kind: "singularJson"; readonly stripNulls: boolean }
  | {
    readonly kind: "plan";
    readonly for: MediaType;
    readonly format: "text" | "json";
    readonly options: readonly ("analyze" | "verbose" | "settings" | "buffers" | "wal")[];
  }
  | { readonly kind: "other"; readonly type: string };

// ---------------------------------------------------------------- the request

export type Mutation = "create" | "update" | "singleUpsert" | "delete";
/** `read` carries whether it is a HEAD (headers only). */
export type InvokeMethod = { readonly kind: "invoke" } | {
  readonly kind: "read";
  readonly headersOnly: boolean;
};

export type Action =
  | { readonly kind: "relationRead"; readonly name: string; readonly headersOnly: boolean }
  | { readonly kind: "relationMutate"; readonly name: string; readonly mutation: Mutation }
  | { readonly kind: "routine"; readonly name: string; readonly method: InvokeMethod }
  | { readonly kind: "schemaRead"; readonly headersOnly: boolean }
  | { readonly kind: "relationInfo"; readonly name: string }
  | { readonly kind: "routineInfo"; readonly name: string; readonly method: InvokeMethod }
  | { readonly kind: "schemaInfo" };

export type Payload =
  /**
   * A JSON body with its keys: its UTF-8 bytes as they came (sent to PostgreSQL as one
   * parameter, never decoded in between).
   */
  | {
    readonly kind: "json";
    readonly raw: Uint8Array;
    readonly keys: ReadonlySet<string>;
    readonly isArray: boolean;
  }
  /** `application/x-www-form-urlencoded`. */
  | {
    readonly kind: "urlEncoded";
    readonly pairs: readonly (readonly [string, string])[];
    readonly keys: ReadonlySet<string>;
  }
  /** JSON passed through unparsed (`columns=` given, or a single json/jsonb parameter). */
  | { readonly kind: "rawJson"; readonly raw: Uint8Array }
  /** Text, XML or binary body for a single unnamed parameter. */
  | { readonly kind: "raw"; readonly raw: Uint8Array };

export interface ApiRequest {
  readonly action: Action;
  readonly method: string;
  /** Raw path, without the query string (`request.path`). */
  readonly path: string;
  /** The active schema (default, or chosen with Accept-Profile / Content-Profile). */
  readonly schema: string;
  /** Whether a profile header chose the schema (then `Content-Profile` is echoed). */
  readonly negotiatedByProfile: boolean;
  readonly query: QueryParams;
  readonly preferences: Preferences;
  /** The top-level range: limit/offset intersected with the `Range` header (GET only). */
  readonly topLevelRange: Range;
  readonly payload: Payload | null;
  /** Columns to write / arguments to pass: from `columns=` or the payload's keys. */
  readonly columns: ReadonlySet<string>;
  /** Accept, parsed and sorted by quality. */
  readonly accept: readonly MediaType[];
  readonly contentType: MediaType;
  /** Request headers with lower-cased names, excluding `cookie`. */
  readonly headers: readonly (readonly [string, string])[];
  readonly cookies: readonly (readonly [string, string])[];
}
