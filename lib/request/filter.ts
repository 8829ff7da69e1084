/**
 * Request grammar: filters (PostgREST's `pOpExpr`). Input: a filter's key and value; output: a
 * `Filter` with its embed path.
 *
 *   id=eq.1                 name=not.like.*smith*     tags=cs.{a,b}
 *   id=in.(1,"2,3")         done=is.NULL              x=isdistinct.1
 *   tsv=fts(english).cat    name=ilike(any).{a*,b*}   clients.name=eq.x   (embedded)
 *
 * For GET/HEAD calls of functions a value without an operator is a function argument:
 * `/rpc/f?x=1` gives `{ kind: "noOp", value: "1" }`.
 */
import { ciString, lexeme, pDelimiter, pIdentifier, pQuotedValue, pTreePath, runGrammar } from "./field.ts";
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
import { anyCharClass, noneOf } from "./parse_error.ts";
import { between, optionMaybe, sepBy1 } from "./combinator.ts";
import type {
  EmbedPath,
  Filter,
  FtsOperator,
  IsValue,
  Operation,
  OpExpr,
  QuantOperator,
  SimpleOperator,
} from "./types.ts";

function keyword<T extends string>(word: T): Parser<T> {
  return attempt(map(string(word), () => word));
}

const simpleOperator: Parser<SimpleOperator> = label(
  alt(...(["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"] as const).map(keyword)),
  "unknown single value operator",
);

const quantOperator: Parser<QuantOperator> = label(
  alt(...(["eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"] as const).map(keyword)),
  "unknown single value operator",
);

const ftsOperator: Parser<FtsOperator> = alt(...(["fts", "plfts", "phfts", "wfts"] as const).map(keyword));

const pIsVal: Parser<IsValue> = label(
  alt(
    ...(["null", "not_null", "true", "false", "unknown"] as const).map((v) =>
      attempt(map(ciString(v), () => v))
    ),
  ),
  "isVal: (null, not_null, true, false, unknown)",
);

/** `(a,"b,c",d)`: elements may be double-quoted to contain `,` and `)`. */
const pListElement: Parser<string> = alt(
  attempt(seq([pQuotedValue, notFollowedBy(token(noneOf(",)")))], (v) => v)),
  manyChars(noneOf(",)")),
);

export const pListVal: Parser<string[]> = seq(
  [lexeme(char("(")), sepBy1(pListElement, char(",")), lexeme(char(")"))],
  (_, values) => values,
);

/** The rest of the input, as is. */
export const pSingleVal: Parser<string> = manyChars(anyCharClass);

/** `[not.]operator[(modifier)].value`, with `pValue` reading single values. */
export function pOpExpr(pValue: Parser<string>): Parser<OpExpr> {
  const delimited = <T>(p: Parser<T>) => seq([pDelimiter, p], (_, v) => v);
  const pIn = seq(
    [attempt(seq([string("in"), pDelimiter], () => null)), pListVal],
    (_, values): Operation => ({
      kind: "in",
      values,
    }),
  );
  const pIs = seq([attempt(seq([string("is"), pDelimiter], () => null)), pIsVal], (_, value): Operation => ({
    kind: "is",
    value,
  }));
  const pIsDistinct = seq(
    [attempt(seq([string("isdistinct"), pDelimiter], () => null)), pValue],
    (_, value): Operation => ({ kind: "isdistinct", value }),
  );
  const pFts = seq(
    [ftsOperator, optionMaybe(attempt(between(char("("), char(")"), pIdentifier))), delimited(pValue)],
    (op, language, value): Operation => ({ kind: "fts", op, language, value }),
  );
  const pSimple = seq(
    [simpleOperator, delimited(pValue)],
    (op, value): Operation => ({ kind: "simple", op, value }),
  );
  const quantifier = alt(
    attempt(map(string("any"), () => "any" as const)),
    map(string("all"), () => "all" as const),
  );
  const pQuant = seq(
    [quantOperator, optionMaybe(attempt(between(char("("), char(")"), quantifier))), delimited(pValue)],
    (op, quant, value): Operation => ({ kind: "quant", op, quantifier: quant, value }),
  );
  const pOperation = label(
    alt(pIn, pIs, pIsDistinct, attempt(pFts), attempt(pSimple), attempt(pQuant)),
    "operator (eq, gt, ...)",
  );
  const pNot = alt(attempt(seq([string("not"), pDelimiter], () => true)), pure(false));
  return seq([pNot, pOperation], (negated, operation) => ({ kind: "op" as const, negated, operation }));
}

const pFilterValue = pOpExpr(pSingleVal);

/**
 * The common case `col=[not.]op.value` read without the combinators: the same result as the
 * grammar for a plain column name and an operator that takes the rest as its value (anything
 * else, errors included, goes through the grammar).
 */
const SIMPLE_KEY = /^[A-Za-z0-9_$]+$/;
const SIMPLE_VALUE =
  /^(not\.)?(eq|neq|gt|gte|lt|lte|like|ilike|match|imatch|cs|cd|ov|sl|sr|nxr|nxl|adj)\.([^]*)$/;
const SIMPLE_OPS: ReadonlySet<string> = new Set(["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"]);
const NO_PATH: EmbedPath = [];

function fastFilter(key: string, value: string): readonly [EmbedPath, Filter] | null {
  if (!SIMPLE_KEY.test(key)) return null;
  const m = SIMPLE_VALUE.exec(value);
  if (m === null) return null;
  const [, not, op, v] = m;
  const operation: Operation = SIMPLE_OPS.has(op)
    ? { kind: "simple", op: op as SimpleOperator, value: v }
    : { kind: "quant", op: op as QuantOperator, quantifier: null, value: v };
  return [NO_PATH, {
    field: { name: key, jsonPath: [] },
    opExpr: { kind: "op", negated: not !== undefined, operation },
  }];
}

/** Parses a filter `key=value` into its embed path and `Filter`. */
export function parseFilter(key: string, value: string, isRpcRead: boolean): readonly [EmbedPath, Filter] {
  return fastFilter(key, value) ?? parseFilterWithGrammar(key, value, isRpcRead);
}

/** The grammar alone (what `parseFilter` falls back to; tests compare the two). */
export function parseFilterWithGrammar(
  key: string,
  value: string,
  isRpcRead: boolean,
): readonly [EmbedPath, Filter] {
  const [path, field] = runGrammar(pTreePath, `failed to parse tree path (${key})`, key);
  const parser = isRpcRead ? alt<OpExpr>(pFilterValue, pure({ kind: "noOp", value })) : pFilterValue;
  const opExpr = runGrammar(parser, `failed to parse filter (${value})`, value);
  return [path, { field, opExpr }];
}
