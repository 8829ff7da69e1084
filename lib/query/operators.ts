/**
 * Operator vocabularies: the closed tables mapping PostgREST's operator names to SQL.
 */
import type { FtsOperator, QuantOperator, SimpleOperator } from "../request/types.ts";
import { type Sql, sql } from "./sql.ts";

export const SIMPLE_SQL: Record<SimpleOperator, Sql> = {
  neq: sql`<>`,
  cs: sql`@>`,
  cd: sql`<@`,
  ov: sql`&&`,
  sl: sql`<<`,
  sr: sql`>>`,
  nxr: sql`&<`,
  nxl: sql`&>`,
  adj: sql`-|-`,
};

export const QUANT_SQL: Record<QuantOperator, Sql> = {
  eq: sql`=`,
  gte: sql`>=`,
  gt: sql`>`,
  lte: sql`<=`,
  lt: sql`<`,
  like: sql`like`,
  ilike: sql`ilike`,
  match: sql`~`,
  imatch: sql`~*`,
};

export const FTS_SQL: Record<FtsOperator, Sql> = {
  fts: sql`@@ to_tsquery`,
  plfts: sql`@@ plainto_tsquery`,
  phfts: sql`@@ phraseto_tsquery`,
  wfts: sql`@@ websearch_to_tsquery`,
};
