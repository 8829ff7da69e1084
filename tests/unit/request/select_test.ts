import assert from "node:assert/strict";
import { pFieldName, runGrammar } from "../../../lib/request/field.ts";
import type { Parser } from "../../../lib/request/parsec.ts";
import {
  parseSelect,
  pFieldSelect,
  pRelationSelect,
  pSpreadRelationSelect,
} from "../../../lib/request/select.ts";
import { col, errorBody, index, key, pgrst100, rel, spread } from "./grammar_helpers.ts";

const selectError = (value: string, position: string, details: string) =>
  assert.deepEqual(
    errorBody(() => parseSelect(value)),
    pgrst100(`"failed to parse select parameter (${value})" ${position}`, details),
  );

Deno.test("parseSelect() reads columns, star and the empty select", () => {
  assert.deepEqual(parseSelect("name,location"), [col("name"), col("location")]);
  assert.deepEqual(parseSelect("*"), [col("*")]);
  assert.deepEqual(parseSelect(""), []);
  assert.deepEqual(parseSelect("id, name ,  x"), [col("id"), col("name"), col("x")]);
});

Deno.test("parseSelect() reads names with dashes, spaces, dollars, digits and unicode", () => {
  assert.deepEqual(parseSelect("field-with_sep"), [col("field-with_sep")]);
  assert.deepEqual(parseSelect("Just A Server Model"), [col("Just A Server Model")]);
  assert.deepEqual(parseSelect("a$num$,123,_,$"), [col("a$num$"), col("123"), col("_"), col("$")]);
  assert.deepEqual(parseSelect("名前,straße"), [col("名前"), col("straße")]);
  assert.deepEqual(parseSelect("a - b"), [col("a-b")]);
});

Deno.test("parseSelect() reads quoted names with reserved characters and escapes", () => {
  assert.deepEqual(
    parseSelect('":arr->ow::cast","(inside,parens)","a.dotted.column","  col  w  space  "'),
    [col(":arr->ow::cast"), col("(inside,parens)"), col("a.dotted.column"), col("  col  w  space  ")],
  );
  assert.deepEqual(parseSelect('"a\\"b\\\\c"'), [col('a"b\\c')]);
});

Deno.test("parseSelect() reads aliases and casts", () => {
  assert.deepEqual(parseSelect("myId:id::text"), [col("id", { alias: "myId", cast: "text" })]);
  assert.deepEqual(parseSelect("oid_array_col::_int4"), [col("oid_array_col", { cast: "_int4" })]);
  assert.deepEqual(parseSelect("x::double precision"), [col("x", { cast: "double precision" })]);
});

Deno.test("parseSelect() reads JSON paths with keys, quoted keys and (negative) indexes", () => {
  assert.deepEqual(parseSelect("settings->foo->>bar"), [
    col("settings", {
      jsonPath: [{ arrow: "->", operand: key("foo") }, { arrow: "->>", operand: key("bar") }],
    }),
  ]);
  assert.deepEqual(parseSelect("data->>-1::int,data->0->>1"), [
    col("data", { jsonPath: [{ arrow: "->>", operand: index("-1") }], cast: "int" }),
    col("data", {
      jsonPath: [{ arrow: "->", operand: index("+0") }, { arrow: "->>", operand: index("+1") }],
    }),
  ]);
  assert.deepEqual(parseSelect('data->"a.b"->!@#$%^&*_d'), [
    col("data", {
      jsonPath: [{ arrow: "->", operand: key("a.b") }, { arrow: "->", operand: key("!@#$%^&*_d") }],
    }),
  ]);
  // Only well-formed numbers are indexes (JsonOperatorSpec).
  assert.deepEqual(parseSelect("data->0xy1->23-xy-45->xy-6"), [
    col("data", {
      jsonPath: [
        { arrow: "->", operand: key("0xy1") },
        { arrow: "->", operand: key("23-xy-45") },
        { arrow: "->", operand: key("xy-6") },
      ],
    }),
  ]);
});

Deno.test("parseSelect() reads aggregates with input and output casts", () => {
  assert.deepEqual(parseSelect("amount.sum(),amount.avg()::int,amount::numeric.max()"), [
    col("amount", { aggregate: "sum" }),
    col("amount", { aggregate: "avg", aggregateCast: "int" }),
    col("amount", { aggregate: "max", cast: "numeric" }),
  ]);
  assert.deepEqual(parseSelect("x.min(),x.count()"), [
    col("x", { aggregate: "min" }),
    col("x", { aggregate: "count" }),
  ]);
  assert.deepEqual(parseSelect("count(),total:count()::int"), [
    col("*", { aggregate: "count" }),
    col("*", { aggregate: "count", alias: "total", aggregateCast: "int" }),
  ]);
  assert.deepEqual(parseSelect("data->x::numeric.sum()"), [
    col("data", { jsonPath: [{ arrow: "->", operand: key("x") }], cast: "numeric", aggregate: "sum" }),
  ]);
  // The legacy `count` column is a plain field.
  assert.deepEqual(parseSelect("count"), [col("count")]);
});

Deno.test("parseSelect() reads embedded relations with alias, hint and join type", () => {
  assert.deepEqual(parseSelect("client(id)"), [rel("client", [col("id")])]);
  assert.deepEqual(parseSelect("*,client(*,nested(*))"), [
    col("*"),
    rel("client", [col("*"), rel("nested", [col("*")])]),
  ]);
  assert.deepEqual(parseSelect("alias:rel!inner!hint(*)"), [
    rel("rel", [col("*")], { alias: "alias", hint: "hint", joinType: "inner" }),
  ]);
  assert.deepEqual(parseSelect("rel!hint!left()"), [rel("rel", [], { hint: "hint", joinType: "left" })]);
  assert.deepEqual(parseSelect("files!touched_files(filename)"), [
    rel("files", [col("filename")], { hint: "touched_files" }),
  ]);
  assert.deepEqual(parseSelect("id, name, clients(*), tasks(id, name)"), [
    col("id"),
    col("name"),
    rel("clients", [col("*")]),
    rel("tasks", [col("id"), col("name")]),
  ]);
});

Deno.test("parseSelect() reads spread relations", () => {
  assert.deepEqual(parseSelect("*,...client(*),other(*)"), [
    col("*"),
    spread("client", [col("*")]),
    rel("other", [col("*")]),
  ]);
  assert.deepEqual(parseSelect("...rel!hint!inner(a:b)"), [
    spread("rel", [col("b", { alias: "a" })], { hint: "hint", joinType: "inner" }),
  ]);
});

Deno.test("parseSelect() stops without error where the list cannot continue, like PostgREST", () => {
  assert.deepEqual(parseSelect("id)"), [col("id")]);
  assert.deepEqual(parseSelect("a,b)c,d"), [col("a"), col("b")]);
  // A first item failing without consuming leaves the empty list (`sepBy ... <|> return []`).
  assert.deepEqual(parseSelect("*!hint"), []);
  assert.deepEqual(parseSelect("(x)"), []);
});

Deno.test("pFieldSelect, pRelationSelect and pSpreadRelationSelect fail as in PostgREST's doctests", () => {
  const doctest = (p: Parser<unknown>, input: string, position: string, details: string) =>
    assert.deepEqual(errorBody(() => runGrammar(p, "", input)), pgrst100(`"" ${position}`, details));
  doctest(
    pFieldSelect,
    "*!hint",
    "(line 1, column 2)",
    'unexpected \'!\' expecting ")", "," or end of input',
  );
  doctest(pRelationSelect, "rel->jsonpath!hint(*)", "(line 1, column 6)", "unexpected '>'");
  doctest(pSpreadRelationSelect, "rel(*)", "(line 1, column 1)", 'unexpected "r" expecting "..."');
  doctest(pSpreadRelationSelect, "alias:...rel(*)", "(line 1, column 1)", 'unexpected "a" expecting "..."');
  doctest(pSpreadRelationSelect, "...rel->jsonpath(*)", "(line 1, column 9)", "unexpected '>'");
  doctest(pFieldName, ":", "(line 1, column 1)", 'unexpected ":" expecting field name (* or [a..z0..9_$])');
  assert.deepEqual(runGrammar(pRelationSelect, "", "rel!inner(*)"), {
    kind: "relation",
    relation: "rel",
    alias: null,
    hint: null,
    joinType: "inner",
  });
  assert.equal(
    runGrammar(pFieldName, "", '" leading and trailing spaces "'),
    " leading and trailing spaces ",
  );
  assert.equal(
    runGrammar(pFieldName, "", " no leading or trailing spaces "),
    "no leading or trailing spaces",
  );
});

Deno.test("parseSelect() reports PostgREST's messages for bad syntax", () => {
  selectError(
    "id,clients(name[])",
    "(line 1, column 16)",
    'unexpected \'[\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError(
    "data->>-78xy",
    "(line 1, column 11)",
    'unexpected \'x\' expecting digit, "->", "::", ".", "," or end of input',
  );
  selectError("data->>--34", "(line 1, column 9)", 'unexpected "-" expecting digit');
  selectError(
    "data->(!@#$%^&*_d->>!@#$%^&*_e::integer",
    "(line 1, column 7)",
    'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
  );
  selectError(
    "name!hint",
    "(line 1, column 5)",
    'unexpected \'!\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError("name::", "(line 1, column 7)", "unexpected end of input expecting letter or digit");
  selectError(
    "count(*)",
    "(line 1, column 6)",
    'unexpected \'(\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError(
    "users:auth.users(email)",
    "(line 1, column 12)",
    'unexpected "u" expecting "sum", "avg", "count", "max" or "min"',
  );
  // The relation head fails under `try`; the field parser then reads `rel->jsonpath`.
  selectError(
    "rel->jsonpath(*)",
    "(line 1, column 14)",
    'unexpected \'(\' expecting "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError(
    "é!x",
    "(line 1, column 2)",
    'unexpected \'!\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError(
    "a,(b)",
    "(line 1, column 3)",
    'unexpected "(" expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"',
  );
});

Deno.test("parseSelect() reports unclosed embeds and quotes", () => {
  selectError(
    "client(id",
    "(line 1, column 10)",
    'unexpected end of input expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
  );
  selectError('"abc', "(line 1, column 5)", 'unexpected end of input expecting "\\\\" or "\\""');
});
