/**
 * The schema catalog (PostgREST's "schema cache"): an immutable snapshot of what the exposed
 * schemas contain, loaded at start-up by `load.ts` and swapped atomically on reload. Every
 * request is planned against one `Catalog`.
 */
import type { IsolationLevel } from "../db/db.ts";

export interface QualifiedIdentifier {
  readonly schema: string;
  readonly name: string;
}

/** Map key for a qualified identifier. */
export function qiKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

/** Key of a (table, target schema) entry of PostgREST's relationships map. */
export function relationshipMapKey(table: QualifiedIdentifier, targetSchema: string): string {
  return `${qiKey(table.schema, table.name)}\u0000${targetSchema}`;
}

export interface Column {
  readonly name: string;
  readonly description: string | null;
  readonly nullable: boolean;
  /** `format_type` of the column type, e.g. `character varying`, `integer[]`, `"my schema".t`. */
  readonly type: string;
  /** The type as declared, domains included (`type` is the base type for domains). */
  readonly nominalType: string;
  readonly maxLength: number | null;
  readonly default: string | null;
  readonly enumValues: readonly string[];
  /** Generated (`GENERATED ALWAYS AS (…) STORED`) columns cannot be written. */
  readonly generated: boolean;
}

export type RelationKind = "table" | "view" | "materialized view" | "foreign table" | "partitioned table";

export interface Table {
  readonly schema: string;
  readonly name: string;
  readonly description: string | null;
  readonly kind: RelationKind;
  readonly isView: boolean;
  readonly insertable: boolean;
  readonly updatable: boolean;
  readonly deletable: boolean;
  /**
   * Primary key columns. Tables: ordered by column name, as PostgREST orders them. Views: inferred
   * from the base tables' keys, in key order.
   */
  readonly pk: readonly string[];
  /** Columns in attribute order. */
  readonly columns: readonly Column[];
  readonly columnsByName: ReadonlyMap<string, Column>;
}

/** `[column on the table, column on the foreign table]` pairs. */
export type ColumnPairs = readonly (readonly [string, string])[];

export interface Junction {
  readonly table: QualifiedIdentifier;
  /** FK constraint from the junction to the source table. */
  readonly constraint1: string;
  /** FK constraint from the junction to the target table. */
  readonly constraint2: string;
  /** [source column, junction column] pairs. */
  readonly sourceColumns: ColumnPairs;
  /** [target column, junction column] pairs. */
  readonly targetColumns: ColumnPairs;
}

export type Cardinality =
  | { readonly kind: "m2o"; readonly constraint: string; readonly columns: ColumnPairs }
  | { readonly kind: "o2m"; readonly constraint: string; readonly columns: ColumnPairs }
  /** `isParent`: the foreign table holds the FK pointing here (this side is referenced). */
  | {
    readonly kind: "o2o";
    readonly constraint: string;
    readonly columns: ColumnPairs;
    readonly isParent: boolean;
  }
  | { readonly kind: "m2m"; readonly junction: Junction };

export interface ForeignKeyRelationship {
  readonly kind: "fk";
  readonly table: QualifiedIdentifier;
  readonly foreignTable: QualifiedIdentifier;
  readonly isSelf: boolean;
  readonly cardinality: Cardinality;
  readonly tableIsView: boolean;
  readonly foreignTableIsView: boolean;
}

/** A function `f(table_row) returns [setof] other` used as a relationship named `f`. */
export interface ComputedRelationship {
  readonly kind: "computed";
  readonly function: QualifiedIdentifier;
  readonly table: QualifiedIdentifier;
  readonly foreignTable: QualifiedIdentifier;
  /** The type name of the function's row parameter (used to cast the row). */
  readonly tableAlias: QualifiedIdentifier;
  readonly isSelf: boolean;
  /** Not `SETOF`, or `ROWS 1`: the embed is an object. */
  readonly singleRow: boolean;
}

export type Relationship = ForeignKeyRelationship | ComputedRelationship;

export type PgType =
  | { readonly kind: "scalar"; readonly type: QualifiedIdentifier }
  /** `isAlias`: a domain over a composite type. */
  | { readonly kind: "composite"; readonly type: QualifiedIdentifier; readonly isAlias: boolean };

export interface RoutineParam {
  readonly name: string;
  /** `format_type` of the parameter type. */
  readonly type: string;
  /**
   * The type to read the argument as: `type`, except that `character`, `bit` (and their arrays)
   * become `character varying`, `bit varying`, which accept any length (PostgREST's `ppTypeMaxLength`).
   */
  readonly typeMaxLength: string;
  readonly required: boolean;
  readonly variadic: boolean;
}

export type Volatility = "volatile" | "stable" | "immutable";

export interface Routine {
  readonly schema: string;
  readonly name: string;
  readonly description: string | null;
  /** Input parameters (IN, INOUT, VARIADIC), in order. */
  readonly params: readonly RoutineParam[];
  readonly returnType: { readonly setOf: boolean; readonly type: PgType };
  readonly volatility: Volatility;
  readonly hasVariadic: boolean;
  readonly isolationLevel: IsolationLevel | null;
  /** `SET` clauses of the function: [name, value]. */
  readonly settings: readonly (readonly [string, string])[];
}

/** An implicit cast between a domain and json/text used to format or parse values (VF-12). */
export interface Representation {
  readonly sourceType: string;
  readonly targetType: string;
  readonly function: QualifiedIdentifier;
}

/** A function or aggregate producing a media type (`CREATE DOMAIN "text/csv" …`). */
export interface MediaHandler {
  /** The domain's name in lower case, e.g. `text/csv`; `*\/*` for the handler of any type. */
  readonly mediaType: string;
  /** The aggregate, or the function returning the domain (it handles its own calls). */
  readonly function: QualifiedIdentifier;
  /** Relation (row type) the aggregate applies to; `null` for functions and `anyelement` aggregates. */
  readonly relation: QualifiedIdentifier | null;
  readonly isAggregate: boolean;
  /** The domain is based on `bytea`: the body is bytes, not text. */
  readonly binary: boolean;
}

export interface Catalog {
  readonly pgVersion: { readonly num: number; readonly full: string };
  readonly tables: ReadonlyMap<string, Table>;
  /** Relationships by `qiKey` of the table they start from (and its schema). */
  readonly relationships: ReadonlyMap<string, readonly Relationship[]>;
  /**
   * The keys of PostgREST's relationships map, `relationshipMapKey(table, targetSchema)`: they stay
   * when every relationship of the entry was dropped as internal, and fuzzy hints tell them apart.
   */
  readonly relationshipKeys?: ReadonlySet<string>;
  /** Overloads by `qiKey`, ordered by number of parameters. */
  readonly routines: ReadonlyMap<string, readonly Routine[]>;
  readonly representations: readonly Representation[];
  readonly mediaHandlers: readonly MediaHandler[];
  /** Schema comments (OpenAPI `info`). */
  readonly schemaDescriptions: ReadonlyMap<string, string | null>;
}
