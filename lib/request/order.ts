/**
 * Request grammar: the `order` parameter (PostgREST's `pOrder`). Input: `order=` key and value;
 * output: the embed path and the order terms.
 *
 *   name.desc.nullsfirst,id       json_col->key.asc         clients(name).desc   (related order)
 */
import { lexeme, pDelimiter, pField, pFieldName, pTreePath, runGrammar } from "./field.ts";
import { alt, attempt, char, eof, lookAhead, map, type Parser, seq, string } from "./parsec.ts";
import { between, optionMaybe, sepBy1 } from "./combinator.ts";
import type { EmbedPath, OrderTerm } from "./types.ts";

const pOrderEnd = alt<unknown>(attempt(lookAhead(char(","))), attempt(eof));

const pDirection = alt(
  attempt(seq([pDelimiter, string("asc")], () => "asc" as const)),
  attempt(seq([pDelimiter, string("desc")], () => "desc" as const)),
);

const pNulls = alt(
  attempt(seq([pDelimiter, string("nullsfirst")], () => "first" as const)),
  attempt(seq([pDelimiter, string("nullslast")], () => "last" as const)),
);

/** `optionMaybe pNulls <* pEnd <|> pEnd $> Nothing`. */
const pNullsEnd = alt<"first" | "last" | null>(
  seq([optionMaybe(pNulls), pOrderEnd], (nulls) => nulls),
  map(pOrderEnd, () => null),
);

const pOrderTerm: Parser<OrderTerm> = seq(
  [pField, optionMaybe(pDirection), pNullsEnd],
  (field, direction, nulls) => ({ relation: null, field, direction, nulls }),
);

const pOrderRelationTerm: Parser<OrderTerm> = seq(
  [pFieldName, between(char("("), char(")"), pField), optionMaybe(pDirection), pNullsEnd],
  (relation, field, direction, nulls) => ({ relation, field, direction, nulls }),
);

export const pOrder: Parser<OrderTerm[]> = sepBy1(
  lexeme(alt(attempt(pOrderRelationTerm), pOrderTerm)),
  char(","),
);

/** Parses an `order` parameter (`a.b.order=…` orders the embedded `a.b`). */
export function parseOrder(key: string, value: string): readonly [EmbedPath, OrderTerm[]] {
  const [path] = runGrammar(pTreePath, `failed to parse tree path (${key})`, key);
  return [path, runGrammar(pOrder, `failed to parse order (${value})`, value)];
}
