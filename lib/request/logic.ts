/**
 * Request grammar: `and`/`or` logic trees (PostgREST's `pLogicTree`). Input: a parameter such as
 * `not.or=(a.eq.1,and(b.gt.2,c.lt.3))` or `clients.or=(…)`; output: the embed path and the tree.
 *
 * Inside a tree a condition is `field.[not.]op.value`; values may be double-quoted to contain
 * `,` `.` `:` `(` `)`, and PostgreSQL array literals `{a,b}` may stay unquoted.
 */
import { lexeme, pDelimiter, pField, pFieldName, pQuotedValue, runGrammar } from "./field.ts";
import { pOpExpr } from "./filter.ts";
import {
  alt,
  attempt,
  char,
  label,
  manyChars,
  map,
  notFollowedBy,
  type Parser,
  pure,
  seq,
  string,
  token,
} from "./parsec.ts";
import { noneOf } from "./parse_error.ts";
import { lazy, sepBy1 } from "./combinator.ts";
import type { EmbedPath, LogicTree } from "./types.ts";

/** `{…}` kept verbatim (no nested braces). */
const pPgArray: Parser<string> = seq(
  [string("{"), manyChars(noneOf("{}")), string("}")],
  (open, body, close) => open + body + close,
);

/** A value inside a tree: quoted, a PostgreSQL array, or everything up to `,` or `)`. */
export const pLogicSingleVal: Parser<string> = alt(
  attempt(seq([pQuotedValue, notFollowedBy(token(noneOf(",)")))], (v) => v)),
  attempt(pPgArray),
  manyChars(noneOf(",)")),
);

const pLogicFilter = seq(
  [pField, pDelimiter, pOpExpr(pLogicSingleVal)],
  (field, _, opExpr): LogicTree => ({ kind: "stmt", filter: { field, opExpr } }),
);

const pNot = label(
  alt(attempt(seq([string("not"), pDelimiter], () => true)), pure(false)),
  "negation operator (not)",
);

const pLogicOp = label(
  alt(attempt(map(string("and"), () => "and" as const)), map(string("or"), () => "or" as const)),
  "logic operator (and, or)",
);

/** `and(…)`, `not.or(…)` or a condition. */
export const pLogicTree: Parser<LogicTree> = alt(
  attempt(pLogicFilter),
  seq(
    [
      pNot,
      pLogicOp,
      lexeme(char("(")),
      sepBy1(lazy(() => pLogicTree), lexeme(char(","))),
      lexeme(char(")")),
    ],
    (negated, operator, _, children): LogicTree => ({ kind: "expr", negated, operator, children }),
  ),
);

/** `a.b.not.or` → path `[a, b]` and operator `not.or` (a `not` anywhere negates). */
const pLogicPath = map(sepBy1(pFieldName, pDelimiter), (names) => {
  const op = names[names.length - 1];
  const path: EmbedPath = names.slice(0, -1).filter((n) => n !== "not");
  return [path, names.includes("not") ? `not.${op}` : op] as const;
});

/** Parses a logic parameter: `or=(…)` is read as the tree `or(…)`. */
export function parseLogic(key: string, value: string): readonly [EmbedPath, LogicTree] {
  const [path, op] = runGrammar(pLogicPath, `failed to parse logic path (${key})`, key);
  const tree = runGrammar(pLogicTree, `failed to parse logic tree (${value})`, op + value);
  return [path, tree];
}
