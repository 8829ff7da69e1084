/**
 * INTERIM catalog loader (replaced by the full schema cache): relations with columns and
 * primary keys of the exposed schemas.
 */
import type { Database } from "../db/db.ts";
import { param, render, sql } from "../query/sql.ts";
import { arrayLiteral } from "../query/fragments.ts";
import { type Catalog, type Column, qiKey, type RelationKind, type Table } from "./types.ts";

const KINDS: Record<string, RelationKind> = {
  r: "table",
  v: "view",
  m: "materialized view",
  f: "foreign table",
  p: "partitioned table",
};

export async function loadCatalog(db: Database, options: { schemas: readonly string[] }): Promise<Catalog> {
  const q = render(sql`
    select coalesce(json_agg(json_build_object(
      'schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
      'description', obj_description(c.oid, 'pg_class'),
      'updatable', pg_relation_is_updatable(c.oid, true),
      'pk', coalesce((select json_agg(a.attname order by array_position(i.indkey::int2[], a.attnum))
              from pg_index i join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
              where i.indrelid = c.oid and i.indisprimary), '[]'),
      'columns', coalesce((select json_agg(json_build_object(
              'name', a.attname, 'description', col_description(c.oid, a.attnum),
              'nullable', not a.attnotnull, 'type', format_type(a.atttypid, null),
              'nominalType', format_type(a.atttypid, null),
              'default', pg_get_expr(d.adbin, d.adrelid), 'generated', a.attgenerated <> '')
              order by a.attnum)
              from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]')
    )), '[]')::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(${paramSchemas(options.schemas)}) and c.relkind in ('r','v','m','f','p')
      and not c.relispartition`);
  const rows = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [
      { text: "select set_config('search_path', '', true)", params: [], prepare: false },
      { text: q.text, params: q.params, prepare: false },
      { text: "select current_setting('server_version_num'), version()", params: [], prepare: false },
    ],
  });
  const raw = JSON.parse(rows[1][0][0]!) as {
    schema: string;
    name: string;
    kind: string;
    description: string | null;
    updatable: number;
    pk: string[];
    columns: Omit<Column, "maxLength" | "enumValues">[];
  }[];
  const tables = new Map<string, Table>();
  for (const r of raw) {
    const columns: Column[] = r.columns.map((c) => ({ ...c, maxLength: null, enumValues: [] }));
    tables.set(qiKey(r.schema, r.name), {
      schema: r.schema,
      name: r.name,
      description: r.description,
      kind: KINDS[r.kind],
      isView: r.kind === "v" || r.kind === "m",
      insertable: (r.updatable & 8) === 8,
      updatable: (r.updatable & 4) === 4,
      deletable: (r.updatable & 16) === 16,
      pk: r.pk,
      columns,
      columnsByName: new Map(columns.map((c) => [c.name, c])),
    });
  }
  return {
    pgVersion: { num: Number(rows[2][0][0]), full: rows[2][0][1] ?? "" },
    tables,
    relationships: new Map(),
    routines: new Map(),
    representations: [],
    mediaHandlers: [],
    schemaDescriptions: new Map(),
  };
}

function paramSchemas(schemas: readonly string[]) {
  return sql`${param(arrayLiteral(schemas))}::text[]`;
}
