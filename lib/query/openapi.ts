/**
 * The catalog queries of `GET /` (PostgREST's `mqOpenAPI`): run per request in the read-only
 * transaction, after the role and search_path are set, so they see what that role may see.
 *
 * - `follow-privileges`: the relations of the schema the role can access, the functions of the
 *   schema it can execute (whole routine rows, as the schema cache reads them), the schema comment.
 * - `ignore-privileges`: the schema comment only (relations and functions come from the catalog).
 */
import { routinesQuery } from "../catalog/routine_queries.ts";
import type { OpenApiMode } from "../config/types.ts";
import { param, type Sql, sql } from "./sql.ts";

export interface OpenApiQueries {
  /** Rows of (schema, name); null when privileges are ignored. */
  readonly tables: Sql | null;
  /** Routine rows for `decodeRoutines`; null when privileges are ignored. */
  readonly routines: Sql | null;
  /** One row: the schema's comment (or none). */
  readonly schemaDescription: Sql;
}

/**
 * Relations (not partitions) of `schema` that the current role owns (or is a member of the
 * owner), holds any table privilege on, or holds a column privilege on.
 */
export function accessibleTablesQuery(schema: string): Sql {
  return sql`
  select n.nspname, c.relname
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('v', 'r', 'm', 'f', 'p')
    and c.relnamespace = quote_ident(${param(schema)})::regnamespace
    and (
      pg_has_role(c.relowner, 'USAGE')
      or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
      or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
    )
    and not c.relispartition
  order by 1, 2`;
}

/** The comment on `schema` (no row when the schema does not exist). */
export function schemaDescriptionQuery(schema: string): Sql {
  return sql`
  select d.description
  from pg_namespace n
  left join pg_description d
    on d.objoid = n.oid and d.classoid = 'pg_namespace'::regclass and d.objsubid = 0
  where n.nspname = ${param(schema)}`;
}

export function buildOpenApiQueries(schema: string, mode: OpenApiMode): OpenApiQueries {
  const follow = mode === "follow-privileges";
  return {
    tables: follow ? accessibleTablesQuery(schema) : null,
    // Hoisted settings are not needed to describe a function.
    routines: follow ? routinesQuery([schema], [], { executableOnly: true }) : null,
    schemaDescription: schemaDescriptionQuery(schema),
  };
}
