/**
 * The catalog as JSON, for `--dump-schema` and the admin server's `/schema_cache` (input: a
 * `Catalog`; output: a JSON value). The shape follows what PostgREST's generic aeson instances
 * print: maps with structured keys as arrays of `[key, value]` pairs, sum types as
 * `{"tag": …, "contents": …}`, object keys sorted. PostgREST calls the structure unstable; this
 * is close to it, not identical (e.g. media types are plain strings here).
 */
import type {
  Cardinality,
  Catalog,
  Column,
  MediaHandler,
  PgType,
  QualifiedIdentifier,
  Relationship,
  Representation,
  Routine,
  Table,
} from "./types.ts";
import { compareText, relationshipSchema } from "./relationships.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An object with its keys sorted, as aeson prints a `Value`. */
function obj(entries: Record<string, Json>): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => compareText(a, b)));
}

const qiJson = (qi: QualifiedIdentifier): Json => obj({ qiName: qi.name, qiSchema: qi.schema });
const pairs = (cols: readonly (readonly [string, string])[]): Json => cols.map(([a, b]) => [a, b]);
const byKey = (a: [string, Json], b: [string, Json]) => compareText(a[0], b[0]);

function columnJson(c: Column): Json {
  return obj({
    colDefault: c.default,
    colDescription: c.description,
    colEnum: [...c.enumValues],
    colMaxLen: c.maxLength,
    colName: c.name,
    colNominalType: c.nominalType,
    colNullable: c.nullable,
    colType: c.type,
  });
}

function tableJson(t: Table): Json {
  return obj({
    tableColumns: obj(Object.fromEntries(t.columns.map((c) => [c.name, columnJson(c)]))),
    tableDeletable: t.deletable,
    tableDescription: t.description,
    tableInsertable: t.insertable,
    tableIsView: t.isView,
    tableName: t.name,
    tablePKCols: [...t.pk],
    tableSchema: t.schema,
    tableUpdatable: t.updatable,
  });
}

const CARDINALITY_TAGS = { o2m: "O2M", m2o: "M2O", o2o: "O2O", m2m: "M2M" } as const;

function cardinalityJson(c: Cardinality): Json {
  if (c.kind === "m2m") {
    const j = c.junction;
    return obj({
      contents: obj({
        junColsSource: pairs(j.sourceColumns),
        junColsTarget: pairs(j.targetColumns),
        junConstraint1: j.constraint1,
        junConstraint2: j.constraint2,
        junTable: qiJson(j.table),
      }),
      tag: "M2M",
    });
  }
  const base = { relColumns: pairs(c.columns), relCons: c.constraint, tag: CARDINALITY_TAGS[c.kind] };
  return obj(c.kind === "o2o" ? { ...base, isParent: c.isParent } : base);
}

function relationshipJson(r: Relationship): Json {
  if (r.kind === "computed") {
    return obj({
      relForeignTable: qiJson(r.foreignTable),
      relFunction: qiJson(r.function),
      relIsSelf: r.isSelf,
      relTable: qiJson(r.table),
      relTableAlias: qiJson(r.tableAlias),
      relToOne: r.singleRow,
      tag: "ComputedRelationship",
    });
  }
  return obj({
    relCardinality: cardinalityJson(r.cardinality),
    relFTableIsView: r.foreignTableIsView,
    relForeignTable: qiJson(r.foreignTable),
    relIsSelf: r.isSelf,
    relTable: qiJson(r.table),
    relTableIsView: r.tableIsView,
    tag: "Relationship",
  });
}

const VOLATILITY_TAGS = { volatile: "Volatile", stable: "Stable", immutable: "Immutable" } as const;
const ISOLATION_TAGS = {
  "read committed": "ReadCommitted",
  "repeatable read": "RepeatableRead",
  "serializable": "Serializable",
} as const;

function pgTypeJson(t: PgType): Json {
  return t.kind === "scalar"
    ? obj({ contents: qiJson(t.type), tag: "Scalar" })
    : obj({ contents: [qiJson(t.type), t.isAlias], tag: "Composite" });
}

function routineJson(r: Routine): Json {
  return obj({
    pdDescription: r.description,
    pdFuncSettings: pairs(r.settings),
    pdHasVariadic: r.hasVariadic,
    pdIsoLvl: r.isolationLevel === null ? null : ISOLATION_TAGS[r.isolationLevel],
    pdName: r.name,
    pdParams: r.params.map((p) =>
      obj({
        ppName: p.name,
        ppReq: p.required,
        ppType: p.type,
        ppTypeMaxLength: p.typeMaxLength,
        ppVar: p.variadic,
      })
    ),
    pdReturnType: obj({
      contents: pgTypeJson(r.returnType.type),
      tag: r.returnType.setOf ? "SetOf" : "Single",
    }),
    pdSchema: r.schema,
    pdVolatility: VOLATILITY_TAGS[r.volatility],
  });
}

/** `regproc`-style name: `schema.name`, each part quoted when it is not a plain lower-case name. */
function regName(qi: QualifiedIdentifier): string {
  const q = (s: string) => /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`;
  return `${q(qi.schema)}.${q(qi.name)}`;
}

function representationJson(r: Representation): Json {
  return obj({ drFunction: regName(r.function), drSourceType: r.sourceType, drTargetType: r.targetType });
}

const ANY_ELEMENT: Json = obj({ tag: "RelAnyElement" });
const BUILTIN_HANDLERS: [string, string][] = [
  ["*/*", "BuiltinOvAggJson"],
  ["application/json", "BuiltinOvAggJson"],
  ["text/csv", "BuiltinOvAggCsv"],
  ["application/geo+json", "BuiltinOvAggGeoJson"],
];

function mediaHandlersJson(handlers: readonly MediaHandler[]): Json {
  const entries = new Map<string, Json>();
  for (const [mediaType, tag] of BUILTIN_HANDLERS) {
    const resolved = mediaType === "*/*" ? "application/json" : mediaType;
    entries.set(`\0${mediaType}`, [[ANY_ELEMENT, mediaType], [obj({ tag }), resolved]]);
  }
  for (const h of handlers) {
    const target = h.isAggregate ? h.relation : h.function;
    const rel = target === null ? ANY_ELEMENT : obj({ contents: qiJson(target), tag: "RelId" });
    const resolved = h.mediaType === "*/*" ? "application/octet-stream" : h.mediaType;
    const key = `${target === null ? "" : regName(target)}\0${h.mediaType}`;
    entries.set(key, [[rel, h.mediaType], [
      obj({ contents: [qiJson(h.function), rel], tag: "CustomFunc" }),
      resolved,
    ]]);
  }
  return [...entries].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}

/** `{"dbMediaHandlers": …, "dbRelationships": …, "dbRepresentations": …, "dbRoutines": …, "dbTables": …}`. */
export function catalogToJson(catalog: Catalog): Json {
  const tables = [...catalog.tables.values()]
    .map((t): [string, Json] => [`${t.schema}\0${t.name}`, [qiJson(t), tableJson(t)]])
    .sort(byKey);

  const relGroups = new Map<string, { table: QualifiedIdentifier; schema: string; rels: Relationship[] }>();
  for (const rels of catalog.relationships.values()) {
    for (const r of rels) {
      const schema = relationshipSchema(r);
      const key = `${r.table.schema}\0${r.table.name}\0${schema}`;
      const group = relGroups.get(key) ?? { table: r.table, schema, rels: [] };
      group.rels.push(r);
      relGroups.set(key, group);
    }
  }
  // Entries whose relationships were all dropped as internal stay in PostgREST's map, empty.
  for (const key of catalog.relationshipKeys ?? []) {
    const [schema, name, target] = key.split("\0");
    if (!relGroups.has(key)) relGroups.set(key, { table: { schema, name }, schema: target, rels: [] });
  }
  const relationships = [...relGroups]
    .map(([key, g]): [string, Json] => [key, [[qiJson(g.table), g.schema], g.rels.map(relationshipJson)]])
    .sort(byKey);

  const routines = [...catalog.routines.values()]
    .filter((overloads) => overloads.length > 0)
    .map((overloads): [string, Json] => {
      const { schema, name } = overloads[0];
      return [`${schema}\0${name}`, [qiJson({ schema, name }), overloads.map(routineJson)]];
    })
    .sort(byKey);

  const representations = catalog.representations
    .map((
      r,
    ): [string, Json] => [`${r.sourceType}\0${r.targetType}`, [
      [r.sourceType, r.targetType],
      representationJson(r),
    ]])
    .sort(byKey);

  return obj({
    dbMediaHandlers: mediaHandlersJson(catalog.mediaHandlers),
    dbRelationships: relationships.map(([, v]) => v),
    dbRepresentations: representations.map(([, v]) => v),
    dbRoutines: routines.map(([, v]) => v),
    dbTables: tables.map(([, v]) => v),
  });
}
