/**
 * Request grammar: the `select` parameter (PostgREST's `pFieldForest`). Input: the decoded value;
 * output: a forest of `SelectItem`s.
 *
 *   id,name                      fields
 *   alias:col::text              alias and cast
 *   data->a->>0                  JSON path (keys, quoted keys, indexes, negative indexes)
 *   amount.sum()::int, count()   aggregates with input/output casts
 *   client:clients!fk!inner(*)   embedded relation with alias, hint and join type
 *   ...clients(name)             spread relation
 *
 * Like PostgREST, parsing stops (without error) at the first character that cannot continue the
 * list: `select=id)` selects `id`.
 */
import { lexeme, pField, pFieldName, pIdentifier, runGrammar } from "./field.ts";
import {
  alt,
  attempt,
  char,
  eof,
  guard,
  lookAhead,
  map,
  notFollowedBy,
  type Parser,
  seq,
  string,
} from "./parsec.ts";
import { between, choice, lazy, optionMaybe, sepBy } from "./combinator.ts";
import type { AggregateFunction, JoinType, SelectItem } from "./types.ts";

type Relation = Extract<SelectItem, { kind: "relation" }>;
type Spread = Extract<SelectItem, { kind: "spread" }>;
type EmbedParam = { readonly join: JoinType } | { readonly hint: string };

/** `alias:` (a single colon; `::` is a cast). */
const aliasSeparator = seq([char(":"), notFollowedBy(char(":"))], () => null);
const pAlias = optionMaybe(attempt(seq([pFieldName, aliasSeparator], (name) => name)));

/** `!left`, `!inner` or `!hint`. */
const pEmbedParam: Parser<EmbedParam> = seq(
  [
    char("!"),
    alt<EmbedParam>(
      attempt(map(string("left"), () => ({ join: "left" as const }))),
      attempt(map(string("inner"), () => ({ join: "inner" as const }))),
      attempt(map(pFieldName, (hint) => ({ hint }))),
    ),
  ],
  (_, param) => param,
);

/** Up to two embed params; the first hint and the first join type win. */
const pEmbedParams = seq([optionMaybe(pEmbedParam), optionMaybe(pEmbedParam)], (p1, p2) => {
  const hintOf = (p: EmbedParam | null) => (p !== null && "hint" in p ? p.hint : null);
  const joinOf = (p: EmbedParam | null) => (p !== null && "join" in p ? p.join : null);
  return { hint: hintOf(p1) ?? hintOf(p2), joinType: joinOf(p1) ?? joinOf(p2) };
});

const pOpenParen = attempt(lookAhead(string("(")));

/**
 * `alias:rel!hint!inner(` — the head of an embedded relation (its children are parsed after).
 * `count(` is not a relation: it is the `count()` aggregate.
 */
export const pRelationSelect: Parser<Omit<Relation, "children">> = lexeme(
  seq(
    [pAlias, guard(pFieldName, (name) => name !== "count"), pEmbedParams, pOpenParen],
    (alias, relation, params) => ({ kind: "relation" as const, relation, alias, ...params }),
  ),
);

/** `...rel!hint!inner(` — the head of a spread relation. */
export const pSpreadRelationSelect: Parser<Omit<Spread, "children">> = lexeme(
  seq(
    [string("..."), pFieldName, pEmbedParams, pOpenParen],
    (_, relation, params) => ({ kind: "spread" as const, relation, ...params }),
  ),
);

const pSelectEnd = alt<unknown>(
  attempt(lookAhead(string(")"))),
  attempt(lookAhead(string(","))),
  attempt(eof),
);

const pCast = optionMaybe(seq([string("::"), pIdentifier], (_, type) => type));

const pAggregation: Parser<AggregateFunction> = choice<AggregateFunction>(
  map(string("sum"), () => "sum"),
  map(string("avg"), () => "avg"),
  map(string("count"), () => "count"),
  // max and min share their first letter: without `try` a failed "max" would hide "min".
  map(attempt(string("max")), () => "max"),
  map(attempt(string("min")), () => "min"),
);

type FieldItem = Extract<SelectItem, { kind: "field" }>;

/** `*`, `alias:count()::int`, or `alias:col->path::cast.agg()::cast`. */
export const pFieldSelect: Parser<FieldItem> = lexeme(
  alt<FieldItem>(
    attempt(seq([string("*"), pSelectEnd], () => ({
      kind: "field" as const,
      field: { name: "*", jsonPath: [] },
      aggregate: null,
      aggregateCast: null,
      cast: null,
      alias: null,
    }))),
    attempt(seq([pAlias, string("count()"), pCast, pSelectEnd], (alias, _, aggregateCast) => ({
      kind: "field" as const,
      field: { name: "*", jsonPath: [] },
      aggregate: "count" as const,
      aggregateCast,
      cast: null,
      alias,
    }))),
    seq(
      [
        pAlias,
        pField,
        pCast,
        optionMaybe(attempt(seq([char("."), pAggregation, string("()")], (_, agg) => agg))),
        pCast,
        pSelectEnd,
      ],
      (alias, field, cast, aggregate, aggregateCast) => ({
        kind: "field" as const,
        field,
        aggregate,
        aggregateCast,
        cast,
        alias,
      }),
    ),
  ),
);

const pChildren: Parser<SelectItem[]> = between(char("("), char(")"), lazy(() => pFieldForest));

const pFieldTree: Parser<SelectItem> = alt<SelectItem>(
  seq([attempt(pSpreadRelationSelect), pChildren], (head, children) => ({ ...head, children })),
  seq([attempt(pRelationSelect), pChildren], (head, children) => ({ ...head, children })),
  pFieldSelect,
);

/** The whole `select` value: items separated by commas (optionally surrounded by spaces). */
export const pFieldForest: Parser<SelectItem[]> = sepBy(pFieldTree, lexeme(char(",")));

/** Parses a `select` value (PGRST100 "failed to parse select parameter (…)" on error). */
export function parseSelect(value: string): SelectItem[] {
  return runGrammar(pFieldForest, `failed to parse select parameter (${value})`, value);
}
