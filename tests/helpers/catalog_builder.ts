/**
 * Small in-memory catalogs for planner unit tests (no database).
 */
import type { Catalog, Column, Relationship, Representation, Table } from "../../lib/catalog/types.ts";
import { qiKey } from "../../lib/catalog/types.ts";

export function column(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name,
    description: null,
    nullable: true,
    type,
    nominalType: type,
    maxLength: null,
    default: null,
    enumValues: [],
    generated: false,
    ...extra,
  };
}

export function table(
  schema: string,
  name: string,
  columns: readonly Column[],
  pk: readonly string[] = [],
  extra: Partial<Table> = {},
): Table {
  return {
    schema,
    name,
    description: null,
    kind: "table",
    isView: false,
    insertable: true,
    updatable: true,
    deletable: true,
    pk,
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    ...extra,
  };
}

export function catalogOf(
  tables: readonly Table[],
  options: { relationships?: readonly Relationship[]; representations?: readonly Representation[] } = {},
): Catalog {
  const relationships = new Map<string, Relationship[]>();
  for (const r of options.relationships ?? []) {
    const key = qiKey(r.table.schema, r.table.name);
    relationships.set(key, [...(relationships.get(key) ?? []), r]);
  }
  return {
    pgVersion: { num: 150000, full: "PostgreSQL 15" },
    tables: new Map(tables.map((t) => [qiKey(t.schema, t.name), t])),
    relationships,
    routines: new Map(),
    representations: options.representations ?? [],
    mediaHandlers: [],
    schemaDescriptions: new Map(),
  };
}
