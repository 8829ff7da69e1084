/**
 * The transaction of `GET /` (PostgREST's `MainTx` for an `InspectPlan`): settings, pre-request,
 * then the OpenAPI catalog queries, read-only; always committed. Output: what the document
 * describes — the relations and functions of the schema, and its comment.
 *
 * `follow-privileges` keeps the catalog's relations the role can access (queried now) and takes
 * the functions it can execute from the query itself; `ignore-privileges` takes every relation
 * and function of the schema from the catalog.
 */
import { decodeRoutines } from "../catalog/decode.ts";
import { type Catalog, qiKey, type Routine, type Table } from "../catalog/types.ts";
import type { OpenApiMode } from "../config/types.ts";
import type { OpenApiQueries } from "../query/openapi.ts";
import type { RenderedSql, Sql } from "../query/sql.ts";
import { stmt } from "./main_tx.ts";
import type { Database, IsolationLevel, Statement } from "./db.ts";

export interface InspectTxInput {
  readonly schema: string;
  readonly mode: OpenApiMode;
  readonly queries: OpenApiQueries;
  readonly txSettings: RenderedSql;
  readonly preRequest: Sql | null;
  readonly isolation: IsolationLevel;
  readonly prepare: boolean;
  readonly catalog: Catalog;
}

/** What the OpenAPI document of one schema describes. */
export interface OpenApiSource {
  readonly tables: readonly Table[];
  readonly routines: readonly Routine[];
  /** The schema's comment: title (first line) and description of the API. */
  readonly schemaDescription: string | null;
}

export async function runInspectTx(db: Database, input: InspectTxInput): Promise<OpenApiSource> {
  const { queries, prepare, catalog, schema } = input;
  const statements: Statement[] = [stmt(input.txSettings, prepare)];
  if (input.preRequest) statements.push(stmt(input.preRequest, prepare));
  const descIndex = statements.push(stmt(queries.schemaDescription, prepare)) - 1;
  const tablesIndex = queries.tables ? statements.push(stmt(queries.tables, prepare)) - 1 : -1;
  const routinesIndex = queries.routines ? statements.push(stmt(queries.routines, prepare)) - 1 : -1;
  const results = await db.transaction({
    isolation: input.isolation,
    readOnly: true,
    statements,
    rollback: false,
  });
  const schemaDescription = results[descIndex][0]?.[0] ?? null;
  if (input.mode === "follow-privileges") {
    const accessible = new Set(results[tablesIndex].map((r) => qiKey(r[0] ?? "", r[1] ?? "")));
    const tables = [...catalog.tables.values()].filter((t) => accessible.has(qiKey(t.schema, t.name)));
    const routines = [...decodeRoutines(results[routinesIndex]).values()].flat();
    return { tables, routines, schemaDescription };
  }
  const tables = [...catalog.tables.values()].filter((t) => t.schema === schema);
  const routines = [...catalog.routines.values()].flat().filter((r) => r.schema === schema);
  return { tables, routines, schemaDescription };
}
