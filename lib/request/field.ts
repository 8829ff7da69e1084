/**
 * Request grammar, shared pieces: field names, JSON paths, quoted values, embed paths — the parts of
 * PostgREST's `QueryParams.hs` used by `select`, filters, `order` and logic trees — and
 * `runGrammar`, which turns a Parsec failure into PostgREST's PGRST100 error:
 *
 *   {"code":"PGRST100","details":"unexpected \"x\" expecting ...","hint":null,
 *    "message":"\"failed to parse select parameter (…)\" (line 1, column 4)"}
 */
import { Errors } from "../errors.ts";
import { isAlpha, isDigit, strip } from "./haskell.ts";
import {
  codePointAt,
  errorPosition,
  labelClass,
  noneOf,
  oneOf,
  orClass,
  satisfy,
  showErrorMessages,
} from "./parse_error.ts";
import {
  alt,
  attempt,
  char,
  eof,
  FAIL,
  label,
  lookAhead,
  many,
  manyChars,
  map,
  notFollowedBy,
  type Parser,
  runParser,
  seq,
  type State,
  string,
  token,
} from "./parsec.ts";
import { option, sepBy1 } from "./combinator.ts";
import type { EmbedPath, Field, JsonOperand, JsonOperation, JsonPath } from "./types.ts";

export const NO_JSON_PATH: JsonPath = Object.freeze([]) as JsonPath;

export const letter = labelClass(satisfy(isAlpha), "letter");
export const digit = labelClass(satisfy(isDigit), "digit");

/** `ws = many (oneOf " \t")`. */
export const ws = manyChars(oneOf(" \t"));

/** `lexeme p = ws *> p <* ws`. */
export function lexeme<T>(p: Parser<T>): Parser<T> {
  return seq([ws, p, ws], (_, x) => x);
}

/** `pDelimiter = char '.' <?> "delimiter (.)"`. */
export const pDelimiter = label(char("."), "delimiter (.)");

/**
 * `"..."` with `\` escaping any character: `"a\"b"` → `a"b`.
 */
export const pQuotedValue: Parser<string> = seq(
  [
    char('"'),
    many(alt(token(noneOf('\\"')), seq([char("\\"), token(satisfy(() => true))], (_, c) => c))),
    char('"'),
  ],
  (_, chars) => chars.join(""),
);

/** `pIdentifier = T.strip <$> many1 (letter <|> digit <|> oneOf "_ $")`. */
export const pIdentifier: Parser<string> = map(manyChars(orClass(letter, digit, oneOf("_ $")), true), strip);

/** A dash that does not start an arrow: `try (char '-' >> notFollowedBy (char '>'))`. */
const dash = attempt(seq([char("-"), notFollowedBy(char(">"))], () => "-"));

/** Identifiers joined by dashes: `field-with-dashes`. */
function sepByDash(p: Parser<string>): Parser<string> {
  return map(sepBy1(p, dash), (parts) => parts.join("-"));
}

/** `pFieldName` as PostgREST writes it (used when describing errors; see `fastFieldName`). */
export const pFieldNameSpec: Parser<string> = label(
  alt(pQuotedValue, sepByDash(pIdentifier)),
  "field name (* or [a..z0..9_$])",
);

const isIdentChar = (c: number) => isAlpha(c) || isDigit(c) || c === 0x5f || c === 0x20 || c === 0x24;

/**
 * `pFieldNameSpec` without error tracking, written out by hand: PostgREST's grammar reads every
 * name several times (relation? alias? field?), so this is the grammar's hot path. Same result,
 * position and consumption as the combinators (checked by a property test).
 */
function fastFieldName(s: State): string | typeof FAIL {
  const input = s.input;
  let i = s.pos;
  s.consumed = false;
  if (input.charCodeAt(i) === 0x22) {
    let value = "";
    for (i++;; i++) {
      if (i >= input.length) return (s.consumed = true, FAIL);
      const c = input.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c && ++i >= input.length) return (s.consumed = true, FAIL);
      value += input[i];
    }
    s.pos = i + 1;
    s.consumed = true;
    return value;
  }
  let name = "";
  for (;;) {
    const start = i;
    while (i < input.length) {
      const c = codePointAt(input, i);
      if (!isIdentChar(c)) break;
      i += c > 0xffff ? 2 : 1;
    }
    if (i === start) {
      if (name !== "") s.consumed = true; // a dash not followed by an identifier
      return FAIL;
    }
    name += strip(input.slice(start, i));
    // `try (char '-' >> notFollowedBy (char '>'))`
    if (input.charCodeAt(i) !== 0x2d || input.charCodeAt(i + 1) === 0x3e) break;
    name += "-";
    i++;
  }
  s.pos = i;
  s.consumed = true;
  return name;
}

/**
 * A column, relation or alias name: `name`, `name with spaces`, `field-with-dashes`, `"quoted.name"`.
 */
export const pFieldName: Parser<string> = (s) => (s.track ? pFieldNameSpec(s) : fastFieldName(s));

const pJsonArrow: Parser<"->" | "->>"> = alt(
  attempt(map(string("->>"), () => "->>" as const)),
  attempt(map(string("->"), () => "->" as const)),
);

/** What may follow an array index: another arrow, a cast, `.`, `,` or the end. */
const pIndexEnd = alt<unknown>(
  attempt(lookAhead(string("->"))),
  attempt(lookAhead(string("::"))),
  attempt(lookAhead(string("."))),
  attempt(lookAhead(string(","))),
  attempt(eof),
);

/** `->0`, `->-1` (an index is kept as PostgREST writes it: `+0`, `-1`). */
const pJsonIndex = seq(
  [option("+", char("-")), manyChars(digit, true), pIndexEnd],
  (sign, digits) => ({ kind: "index" as const, value: sign + digits }),
);

const pJsonKeyName: Parser<string> = label(
  alt(pQuotedValue, sepByDash(map(manyChars(noneOf("(-:.,>)"), true), strip))),
  "any non reserved character different from: .,>()",
);

const pJsonOperation: Parser<JsonOperation> = seq(
  [
    pJsonArrow,
    alt<JsonOperand>(
      attempt(pJsonIndex),
      attempt(map(pJsonKeyName, (value) => ({ kind: "key" as const, value }))),
    ),
  ],
  (arrow, operand) => ({ arrow, operand }),
);

/** `->a->>0`: JSON operators in select, order and filters. */
export const pJsonPath: Parser<JsonPath> = many(pJsonOperation);

/** `name->a->>b`, surrounded by optional spaces. */
export const pField: Parser<Field> = lexeme(
  seq([pFieldName, option(NO_JSON_PATH, pJsonPath)], (name, jsonPath) => ({ name, jsonPath })),
);

/** `a.b.c->d`: the embed path `[a, b]` and the field `c->d` of a filter or `order` key. */
export const pTreePath: Parser<readonly [EmbedPath, Field]> = seq(
  [sepBy1(pFieldName, pDelimiter), option(NO_JSON_PATH, pJsonPath)],
  (names, jsonPath) => [names.slice(0, -1), { name: names[names.length - 1], jsonPath }] as const,
);

/** `traverse (\c -> char c <|> char (toUpper c))`: a case-insensitive word (for `is.NULL`). */
export function ciString(word: string): Parser<string> {
  const chars = Array.from(word, (c) => alt(char(c), char(c.toUpperCase())));
  return seq(chars, (...cs) => cs.join(""));
}

/** `pColumns = pFieldName `sepBy1` lexeme (char ',')` (`columns=`, `on_conflict=`). */
export const pColumns: Parser<string[]> = sepBy1(pFieldName, lexeme(char(",")));

/**
 * `P.parse p name input`, throwing PostgREST's PGRST100 on failure. Like Parsec, trailing input
 * after a successful parse is ignored. A grammar nested deeper than the JavaScript stack allows is
 * reported as a PGRST100 as well (PostgREST itself has no such limit).
 */
export function runGrammar<T>(p: Parser<T>, name: string, input: string): T {
  let result;
  try {
    result = runParser(p, input);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw Errors.queryParam(`"${name}" (line 1, column 1)`, "nesting too deep");
  }
  if (result.ok) return result.value;
  const { line, column } = errorPosition(input, result.error.pos);
  const details = strip(showErrorMessages(result.error.messages).replaceAll("\n", " "));
  throw Errors.queryParam(`"${name}" (line ${line}, column ${column})`, details);
}
