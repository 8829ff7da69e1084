/**
 * Schema catalog, stage 2 of 3: reading the catalog queries' rows (text columns, nested data as
 * json text) into typed records. Column order is documented on each query in `queries.ts` and
 * `routine_queries.ts`.
 */
import type { IsolationLevel, Rows } from "../db/db.ts";
import type {
  Column,
  ComputedRelationship,
  MediaHandler,
  PgType,
  RelationKind,
  Representation,
  Routine,
  RoutineParam,
  Table,
  Volatility,
} from "./types.ts";
import { qiKey } from "./types.ts";
import { compareText } from "./relationships.ts";
import { type KeyConstraint, readTargetList, type ViewDefinition } from "./view_deps.ts";

type Row = readonly (string | null)[];

const bool = (v: string | null) => v === "t" || v === "true";
const text = (v: string | null) => v ?? "";

const RELKINDS: Record<string, RelationKind> = {
  r: "table",
  v: "view",
  m: "materialized view",
  f: "foreign table",
  p: "partitioned table",
};

type ColumnJson = [
  string,
  string | null,
  boolean,
  string,
  string,
  number | null,
  string | null,
  string[],
  boolean,
];

/** A relation before primary keys are attached (they come from constraints and view deps). */
export interface RelationRow extends Omit<Table, "pk"> {
  readonly oid: string;
}

export function decodeRelations(rows: Rows): RelationRow[] {
  return rows.map((r: Row) => {
    const columns = (JSON.parse(text(r[8]) || "[]") as ColumnJson[]).map((c): Column => ({
      name: c[0],
      description: c[1],
      nullable: c[2],
      type: c[3],
      nominalType: c[4],
      maxLength: c[5],
      default: c[6],
      enumValues: c[7],
      generated: c[8],
    }));
    const kind = RELKINDS[text(r[4])] ?? "table";
    return {
      oid: text(r[0]),
      schema: text(r[1]),
      name: text(r[2]),
      description: r[3],
      kind,
      isView: kind === "view" || kind === "materialized view",
      insertable: bool(r[5]),
      updatable: bool(r[6]),
      deletable: bool(r[7]),
      columns,
      columnsByName: new Map(columns.map((c) => [c.name, c])),
    };
  });
}

type KeyColumnJson = [number, string, number | null, string | null];

export function decodeConstraints(rows: Rows): KeyConstraint[] {
  return rows.map((r: Row) => {
    const type = text(r[1]) as KeyConstraint["type"];
    const isFk = type === "f";
    return {
      name: text(r[0]),
      type,
      relOid: text(r[2]),
      table: { schema: text(r[3]), name: text(r[4]) },
      isRoot: bool(r[5]),
      refOid: isFk ? r[6] : null,
      refTable: isFk && r[7] !== null && r[8] !== null ? { schema: r[7], name: r[8] } : null,
      columns: (JSON.parse(text(r[9]) || "[]") as KeyColumnJson[]).map((
        [attnum, name, refAttnum, refName],
      ) => ({
        attnum,
        name,
        refAttnum: isFk ? refAttnum : null,
        refName: isFk ? refName : null,
      })),
    };
  });
}

/** Primary key columns by relation oid, in column-name order (PostgREST orders them so). */
export function primaryKeysByOid(constraints: readonly KeyConstraint[]): Map<string, string[]> {
  const pks = new Map<string, string[]>();
  for (const c of constraints) {
    if (c.type === "p") pks.set(c.relOid, c.columns.map((k) => k.name).sort(compareText));
  }
  return pks;
}

export function decodeViews(rows: Rows): ViewDefinition[] {
  return rows.map((r: Row) => ({
    oid: text(r[0]),
    schema: text(r[1]),
    name: text(r[2]),
    exposed: bool(r[3]),
    targets: readTargetList(text(r[4])),
    columns: new Map(
      Object.entries(JSON.parse(text(r[5]) || "{}") as Record<string, string>).map((
        [k, v],
      ) => [Number(k), v]),
    ),
  }));
}

const VOLATILITY: Record<string, Volatility> = { i: "immutable", s: "stable", v: "volatile" };

/** PostgREST's `toIsolationLevel` (case-insensitive): anything else is read committed. */
function isolationLevel(value: string | null): IsolationLevel | null {
  if (value === null) return null;
  const v = value.toLowerCase();
  if (v === "repeatable read") return "repeatable read";
  if (v === "serializable") return "serializable";
  return "read committed";
}

type ParamJson = [string, string, string, boolean, boolean];

export function decodeRoutine(r: Row): Routine {
  const params = (JSON.parse(text(r[3]) || "[]") as ParamJson[]).map((p): RoutineParam => ({
    name: p[0],
    type: p[1],
    typeMaxLength: p[2],
    required: p[3],
    variadic: p[4],
  }));
  const typeQi = { schema: text(r[4]), name: text(r[5]) };
  const type: PgType = bool(r[7])
    ? { kind: "composite", type: typeQi, isAlias: bool(r[8]) }
    : { kind: "scalar", type: typeQi };
  return {
    schema: text(r[0]),
    name: text(r[1]),
    description: r[2],
    params,
    returnType: { setOf: bool(r[6]), type },
    volatility: VOLATILITY[text(r[9])] ?? "volatile",
    hasVariadic: bool(r[10]),
    isolationLevel: isolationLevel(r[11]),
    settings: (JSON.parse(text(r[12]) || "[]") as [string, string][]).map(([k, v]) => [k, v] as const),
  };
}

/** Haskell's `compare` on `Maybe`: `Nothing` first. */
function compareMaybe<T>(a: T | null, b: T | null, cmp: (x: T, y: T) => number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return cmp(a, b);
}

const VOLATILITY_ORDER: Record<Volatility, number> = { volatile: 0, stable: 1, immutable: 2 };
const ISOLATION_ORDER: Record<IsolationLevel, number> = {
  "read committed": 0,
  "repeatable read": 1,
  "serializable": 2,
};

/** `RetType`'s derived order: `Single` < `SetOf`, `Scalar` < `Composite`, then the type's name. */
function compareReturnTypes(a: Routine["returnType"], b: Routine["returnType"]): number {
  const composite = (r: Routine["returnType"]) => r.type.kind === "composite";
  const alias = (r: Routine["returnType"]) => r.type.kind === "composite" && r.type.isAlias;
  return Number(a.setOf) - Number(b.setOf) || Number(composite(a)) - Number(composite(b)) ||
    compareText(a.type.type.schema, b.type.type.schema) || compareText(a.type.type.name, b.type.type.name) ||
    Number(alias(a)) - Number(alias(b));
}

function compareParams(a: RoutineParam, b: RoutineParam): number {
  return compareText(a.name, b.name) || compareText(a.type, b.type) ||
    compareText(a.typeMaxLength, b.typeMaxLength) || Number(a.required) - Number(b.required) ||
    Number(a.variadic) - Number(b.variadic);
}

/** Haskell's list order: element by element, then the shorter first. */
function compareLists<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * Overloads ordered like PostgREST's `Ord Routine`: fewest parameters first, then the derived
 * order of the remaining fields (description, parameters, return type, volatility, variadic,
 * isolation level, settings). The order shows in PGRST203's list of candidates.
 */
function compareOverloads(a: Routine, b: Routine): number {
  if (a.params.length !== b.params.length) return a.params.length - b.params.length;
  return compareMaybe(a.description, b.description, compareText) ||
    compareLists(a.params, b.params, compareParams) ||
    compareReturnTypes(a.returnType, b.returnType) ||
    VOLATILITY_ORDER[a.volatility] - VOLATILITY_ORDER[b.volatility] ||
    Number(a.hasVariadic) - Number(b.hasVariadic) ||
    compareMaybe(a.isolationLevel, b.isolationLevel, (x, y) => ISOLATION_ORDER[x] - ISOLATION_ORDER[y]) ||
    compareLists(a.settings, b.settings, (x, y) => compareText(x[0], y[0]) || compareText(x[1], y[1]));
}

export function decodeRoutines(rows: Rows): Map<string, Routine[]> {
  const routines = new Map<string, Routine[]>();
  for (const row of rows) {
    const r = decodeRoutine(row);
    const key = qiKey(r.schema, r.name);
    const list = routines.get(key);
    if (list) list.push(r);
    else routines.set(key, [r]);
  }
  for (const list of routines.values()) list.sort(compareOverloads);
  return routines;
}

export function decodeComputedRelationships(rows: Rows): ComputedRelationship[] {
  return rows.map((r: Row) => {
    const table = { schema: text(r[2]), name: text(r[3]) };
    const foreignTable = { schema: text(r[4]), name: text(r[5]) };
    return {
      kind: "computed",
      function: { schema: text(r[0]), name: text(r[1]) },
      table,
      foreignTable,
      tableAlias: table,
      isSelf: table.schema === foreignTable.schema && table.name === foreignTable.name,
      singleRow: bool(r[6]),
    };
  });
}

export function decodeRepresentations(rows: Rows): Representation[] {
  return rows.map((r: Row) => ({
    sourceType: text(r[0]),
    targetType: text(r[1]),
    function: { schema: text(r[2]), name: text(r[3]) },
  }));
}

/** Key of PostgREST's media handler map: the relation (or function) and the media type. */
export function mediaHandlerKey(h: MediaHandler): string {
  const target = h.isAggregate ? h.relation : h.function;
  return `${target === null ? "anyelement" : qiKey(target.schema, target.name)}\0${h.mediaType}`;
}

/** Handlers, one per (relation or function, media type): the first in query order wins. */
export function decodeMediaHandlers(rows: Rows): MediaHandler[] {
  const seen = new Set<string>();
  const out: MediaHandler[] = [];
  for (const r of rows) {
    const isAggregate = bool(r[0]);
    const anyElement = r[3] === "pg_catalog" && r[4] === "anyelement";
    const handler: MediaHandler = {
      mediaType: text(r[5]),
      function: { schema: text(r[1]), name: text(r[2]) },
      relation: isAggregate && !anyElement && r[3] !== null && r[4] !== null
        ? { schema: r[3], name: r[4] }
        : null,
      isAggregate,
      binary: bool(r[6]),
    };
    const key = mediaHandlerKey(handler);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(handler);
  }
  return out;
}
