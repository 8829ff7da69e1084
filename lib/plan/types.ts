/**
 * The planner's output: the parsed request resolved against the catalog. Names become
 * `CoercibleField`s that know their type (and the domain-representation function to apply, if
 * any); embeds become a tree of `ReadPlan`s with join conditions; the response media type is
 * resolved to a `MediaHandler` that tells the SQL builder how to aggregate the body.
 */
import type { QualifiedIdentifier, Relationship, Routine } from "../catalog/types.ts";
import type { IsolationLevel } from "../db/db.ts";
import type { CallPlan } from "./call_plan.ts";
import type {
  AggregateFunction,
  Field,
  JoinType,
  JsonPath,
  MediaType,
  Mutation,
  OpExpr,
  Range,
} from "../request/types.ts";
import type { MutatePlan } from "./mutate_plan.ts";

/** A named element with the type information a particular use needs (PostgREST's `CoercibleField`). */
export interface CoercibleField {
  readonly name: string;
  readonly jsonPath: JsonPath;
  /** Arrow paths on a non-json column: apply them to `to_jsonb(col)`. */
  readonly toJson: boolean;
  /** Full-text search on a non-tsvector column: wrap in `to_tsvector([language,] col)`. */
  readonly toTsVector: { readonly language: string | null } | null;
  /** The column's type ("" when unknown and not needed). */
  readonly irType: string;
  /** Base type for domains. */
  readonly baseType: string;
  /** Domain representation function to apply (text→domain for filters, json→domain for bodies...). */
  readonly transform: QualifiedIdentifier | null;
  /** Column default, for `Prefer: missing=default`. */
  readonly default: string | null;
  /** The field stands for the whole row (spreads counting rows). */
  readonly fullRow: boolean;
}

export function unknownField(name: string, jsonPath: JsonPath = []): CoercibleField {
  return {
    name,
    jsonPath,
    toJson: false,
    toTsVector: null,
    irType: "",
    baseType: "",
    transform: null,
    default: null,
    fullRow: false,
  };
}

export interface CoercibleSelectField {
  readonly field: CoercibleField;
  readonly aggregate: AggregateFunction | null;
  readonly aggregateCast: string | null;
  readonly cast: string | null;
  readonly alias: string | null;
}

export type CoercibleFilter =
  | { readonly kind: "filter"; readonly field: CoercibleField; readonly opExpr: OpExpr }
  /** `rel=is.null` / `rel=not.is.null` on an embedded resource (`negated` = not.is.null). */
  | { readonly kind: "nullEmbed"; readonly negated: boolean; readonly relation: string };

export type CoercibleLogicTree =
  | {
    readonly kind: "expr";
    readonly negated: boolean;
    readonly operator: "and" | "or";
    readonly children: readonly CoercibleLogicTree[];
  }
  | { readonly kind: "stmt"; readonly filter: CoercibleFilter };

export type CoercibleOrderTerm =
  | {
    readonly kind: "field";
    readonly field: CoercibleField;
    readonly direction: "asc" | "desc" | null;
    readonly nulls: "first" | "last" | null;
  }
  | {
    readonly kind: "relation";
    readonly relation: string;
    readonly field: Field;
    readonly direction: "asc" | "desc" | null;
    readonly nulls: "first" | "last" | null;
  };

export interface SpreadSelectField {
  readonly name: string;
  readonly aggregate: AggregateFunction | null;
  readonly aggregateCast: string | null;
  readonly alias: string | null;
}

/** How an embedded node appears in its parent's SELECT. */
export type RelSelectField =
  | {
    readonly kind: "json";
    readonly name: string;
    readonly aggAlias: string;
    readonly mode: "object" | "array";
    readonly empty: boolean;
  }
  | { readonly kind: "spread"; readonly fields: readonly SpreadSelectField[]; readonly aggAlias: string };

export type SpreadType =
  | { readonly kind: "toOne" }
  | {
    readonly kind: "toMany";
    readonly extraSelect: readonly (readonly [string | null, CoercibleSelectField])[];
    readonly order: readonly CoercibleOrderTerm[];
  };

/** `a.col = b.col` between an embed and its parent. */
export interface JoinCondition {
  readonly left: readonly [QualifiedIdentifier, string];
  readonly right: readonly [QualifiedIdentifier, string];
}

/** One node of the read tree: the root relation or an embed. */
export interface ReadPlan {
  readonly select: readonly CoercibleSelectField[];
  readonly from: QualifiedIdentifier;
  readonly fromAlias: string | null;
  readonly where: readonly CoercibleLogicTree[];
  readonly order: readonly CoercibleOrderTerm[];
  readonly range: Range;
  readonly relName: string;
  readonly relToParent: Relationship | null;
  readonly relJoinConds: readonly JoinCondition[];
  readonly relAlias: string | null;
  readonly relAggAlias: string;
  readonly relHint: string | null;
  readonly relJoinType: JoinType | null;
  readonly relSpread: SpreadType | null;
  readonly relSelect: readonly RelSelectField[];
  readonly depth: number;
  readonly relIsLegacyTargetNameMatch: boolean;
  readonly children: readonly ReadPlan[];
}

/** How the body is aggregated for the negotiated media type. */
export type MediaHandler =
  | { readonly kind: "singleJson"; readonly stripNulls: boolean }
  | { readonly kind: "arrayJsonStrip" }
  | { readonly kind: "json" }
  | { readonly kind: "geojson" }
  | { readonly kind: "csv" }
  /**
   * A user aggregate returning a media-type domain; `target` null = anyelement. `binary`: the
   * domain is based on bytea, so the body is bytes (sent as hex by PostgreSQL, decoded in
   * `lib/response`).
   */
  | {
    readonly kind: "custom";
    readonly function: QualifiedIdentifier;
    readonly target: QualifiedIdentifier | null;
    readonly binary: boolean;
  }
  /** A function returning a media-type domain: its value is the body (bytes when `binary`). */
  | { readonly kind: "scalar"; readonly binary: boolean }
  /** HEAD and `return=minimal`: no body is built. */
  | { readonly kind: "noAgg" };

export interface TxMode {
  readonly readOnly: boolean;
  readonly isolation: IsolationLevel | null;
}

export interface WrappedReadPlan {
  readonly kind: "read";
  readonly readPlan: ReadPlan;
  readonly txMode: TxMode;
  readonly handler: MediaHandler;
  /** The media type answered (Content-Type). */
  readonly media: MediaType;
  readonly headersOnly: boolean;
  readonly qi: QualifiedIdentifier;
}

/** A write and the read of its representation from `pgrst_source`. */
export interface MutateReadPlan {
  readonly kind: "mutate";
  readonly readPlan: ReadPlan;
  readonly mutation: Mutation;
  readonly mutatePlan: MutatePlan;
  readonly txMode: TxMode;
  readonly handler: MediaHandler;
  readonly media: MediaType;
  readonly qi: QualifiedIdentifier;
}

export interface CallReadPlan {
  readonly kind: "call";
  readonly readPlan: ReadPlan;
  readonly callPlan: CallPlan;
  readonly routine: Routine;
  readonly txMode: TxMode;
  readonly handler: MediaHandler;
  readonly media: MediaType;
  readonly headersOnly: boolean;
}

export type CrudPlan = WrappedReadPlan | MutateReadPlan | CallReadPlan;

/** OPTIONS: answered from the catalog without the database. */
export type InfoPlan =
  | { readonly kind: "relationInfo"; readonly qi: QualifiedIdentifier }
  | { readonly kind: "routineInfo"; readonly routine: Routine }
  | { readonly kind: "schemaInfo" };

/** GET / (OpenAPI), which queries privileges in a read-only transaction. */
export interface InspectPlan {
  readonly kind: "inspect";
  readonly schema: string;
  readonly headersOnly: boolean;
  readonly media: MediaType;
}

export type ActionPlan =
  | { readonly kind: "db"; readonly plan: CrudPlan | InspectPlan; readonly explain: boolean }
  | { readonly kind: "noDb"; readonly plan: InfoPlan };
