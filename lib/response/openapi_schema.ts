/**
 * The OpenAPI (Swagger 2.0) schemas of relations and functions, as PostgREST's
 * `Response/OpenAPI.hs` writes them: PostgreSQL types to Swagger types and formats, column
 * defaults as JSON, primary and foreign key notes, the `definitions` entry of each relation and
 * the shared `parameters`.
 */
import { findRelationships } from "../catalog/fuzzy.ts";
import type { Catalog, Column, Routine, RoutineParam, Table } from "../catalog/types.ts";
import { aesonNumber, type Ordered, ordered, RawNumber, Sorted } from "./openapi_json.ts";

export type SwaggerType = "string" | "boolean" | "integer" | "number" | "array";

/** PostgREST's `toSwaggerType`: no type for json/jsonb (anything), arrays by their `[]` suffix. */
export function swaggerType(pgType: string): SwaggerType | undefined {
  switch (pgType) {
    case "character varying":
    case "character":
    case "text":
      return "string";
    case "boolean":
      return "boolean";
    case "smallint":
    case "integer":
    case "bigint":
      return "integer";
    case "numeric":
    case "real":
    case "double precision":
      return "number";
    case "json":
    case "jsonb":
      return undefined;
  }
  return pgType.endsWith("[]") ? "array" : "string";
}

/** PostgREST's `toSwaggerFormat`: int32/int64 for the integer types, else the type's own name. */
export function swaggerFormat(pgType: string): string {
  switch (pgType) {
    case "smallint":
    case "integer":
      return "int32";
    case "bigint":
      return "int64";
  }
  return pgType;
}

/** The element type of an array type (`integer[]` → `integer`). */
const elementType = (pgType: string) => pgType.slice(0, -2);

/** `items` of an array type: the element's Swagger type (`{}` for json[]). */
function propertyItems(pgType: string): Record<string, unknown> | undefined {
  return swaggerType(pgType) === "array" ? { type: swaggerType(elementType(pgType)) } : undefined;
}

/**
 * PostgREST's `parseDefault` then `JSON.decode`: for string types the default loses its
 * `::type` cast and surrounding quotes and becomes a JSON string; other defaults are kept when
 * they are JSON already (`5`, `1.50`, `true`). Anything that does not decode is left out.
 */
export function columnDefault(pgType: string, dflt: string): unknown {
  let text = dflt;
  if (swaggerType(pgType) === "string") {
    const suffix = `::${pgType}`;
    const stripped = dflt.endsWith(suffix) ? dflt.slice(0, -suffix.length).replace(/^'+|'+$/g, "") : dflt;
    text = `"${stripped}"`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === "number") return new RawNumber(aesonNumber(text) ?? String(value));
  if (value !== null && typeof value === "object") return undefined; // not from a SQL default
  return value;
}

/** The FK note of a column: the first single-column many-to-one (or child one-to-one), tables first. */
function foreignKeyNote(catalog: Catalog, table: Table, column: string): string | null {
  const rels = findRelationships(catalog, table.schema, table.name).flatMap((r) =>
    r.kind === "fk" ? [r] : []
  );
  const byKind = [...rels.filter((r) => !r.foreignTableIsView), ...rels.filter((r) => r.foreignTableIsView)];
  const rel = byKind.find((r) => {
    const c = r.cardinality;
    return (c.kind === "m2o" || (c.kind === "o2o" && !c.isParent)) && c.columns.length === 1 &&
      c.columns[0][0] === column;
  });
  if (!rel || (rel.cardinality.kind !== "m2o" && rel.cardinality.kind !== "o2o")) return null;
  const fTable = rel.foreignTable.name;
  const fColumn = rel.cardinality.columns[0][1];
  return `This is a Foreign Key to \`${fTable}.${fColumn}\`.<fk table='${fTable}' column='${fColumn}'/>`;
}

/** The column comment, then the primary key and foreign key notes. */
function columnDescription(catalog: Catalog, table: Table, col: Column): string | undefined {
  const notes = ["Note:"];
  if (table.pk.includes(col.name)) notes.push("This is a Primary Key.<pk/>");
  const fk = foreignKeyNote(catalog, table, col.name);
  if (fk !== null) notes.push(fk);
  if (notes.length === 1) return col.description ?? undefined;
  return (col.description === null ? "" : `${col.description}\n\n`) + notes.join("\n");
}

function property(catalog: Catalog, table: Table, col: Column): Record<string, unknown> {
  return {
    default: col.default === null ? undefined : columnDefault(col.type, col.default),
    description: columnDescription(catalog, table, col),
    enum: col.enumValues.length === 0 ? undefined : col.enumValues,
    format: swaggerFormat(col.type),
    maxLength: col.maxLength ?? undefined,
    type: swaggerType(col.type),
    items: propertyItems(col.type),
  };
}

/** The `definitions` entry of a relation: required = the NOT NULL columns. */
export function tableDefinition(catalog: Catalog, table: Table): Ordered {
  const required = table.columns.filter((c) => !c.nullable).map((c) => c.name);
  return ordered([
    ["description", table.description ?? undefined],
    ["required", required.length === 0 ? undefined : required],
    [
      "properties",
      table.columns.length === 0
        ? undefined
        : ordered(table.columns.map((c) => [c.name, new Sorted(property(catalog, table, c))])),
    ],
    ["type", "object"],
  ]);
}

/** The body schema of `POST /rpc/f`: its parameters as properties. */
export function routineSchema(r: Routine): Record<string, unknown> {
  const required = r.params.filter((p) => p.required).map((p) => p.name);
  return {
    description: r.description ?? undefined,
    properties: r.params.length === 0
      ? undefined
      : Object.fromEntries(r.params.map((p) => [p.name, routineProperty(p)])),
    required: required.length === 0 ? undefined : required,
    type: "object",
  };
}

function routineProperty(p: RoutineParam): Record<string, unknown> {
  return { format: swaggerFormat(p.type), items: propertyItems(p.type), type: swaggerType(p.type) };
}

/** A query parameter of `GET /rpc/f`; VARIADIC ones repeat (`collectionFormat: multi`). */
export function routineGetParam(p: RoutineParam): Record<string, unknown> {
  const base = { in: "query", name: p.name, required: p.required };
  if (p.variadic) {
    const element = elementType(p.type);
    return {
      ...base,
      collectionFormat: "multi",
      items: { format: swaggerFormat(element), type: swaggerType(element) },
      type: swaggerType(p.type) ?? "string",
    };
  }
  const t = swaggerType(p.type);
  return { ...base, format: swaggerFormat(p.type), type: t === undefined || t === "array" ? "string" : t };
}
