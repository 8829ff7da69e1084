import assert from "node:assert/strict";
import { parseFilter } from "../../../lib/request/filter.ts";
import type { Operation } from "../../../lib/request/types.ts";
import { errorBody, field, key, pgrst100 } from "./grammar_helpers.ts";

/** The operation of `id=<value>`. */
function op(value: string, negated = false): Operation {
  const [, filter] = parseFilter("id", value, false);
  assert.equal(filter.opExpr.kind, "op");
  assert.equal(filter.opExpr.kind === "op" && filter.opExpr.negated, negated);
  return (filter.opExpr as { operation: Operation }).operation;
}

const filterError = (value: string, position: string, details: string, isRpcRead = false) =>
  assert.deepEqual(
    errorBody(() => parseFilter("id", value, isRpcRead)),
    pgrst100(`"failed to parse filter (${value})" ${position}`, details),
  );

Deno.test("parseFilter() reads a quantifiable operator with its value", () => {
  assert.deepEqual(parseFilter("id", "eq.1", false), [[], {
    field: field("id"),
    opExpr: {
      kind: "op",
      negated: false,
      operation: { kind: "quant", op: "eq", quantifier: null, value: "1" },
    },
  }]);
  for (const o of ["gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch"] as const) {
    assert.deepEqual(op(`${o}.x.y`), { kind: "quant", op: o, quantifier: null, value: "x.y" });
  }
  assert.deepEqual(op("imatch..*YY.*"), { kind: "quant", op: "imatch", quantifier: null, value: ".*YY.*" });
  assert.deepEqual(op("eq."), { kind: "quant", op: "eq", quantifier: null, value: "" });
});

Deno.test("parseFilter() reads the simple operators", () => {
  for (const o of ["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"] as const) {
    assert.deepEqual(op(`${o}.{1,2}`), { kind: "simple", op: o, value: "{1,2}" });
  }
  assert.deepEqual(op("adj.(3,10]"), { kind: "simple", op: "adj", value: "(3,10]" });
});

Deno.test("parseFilter() reads a negated any-quantified like", () => {
  assert.deepEqual(op("not.like(any).{O*,P*}", true), {
    kind: "quant",
    op: "like",
    quantifier: "any",
    value: "{O*,P*}",
  });
  assert.deepEqual(op("gt(all).{4,3}"), { kind: "quant", op: "gt", quantifier: "all", value: "{4,3}" });
  assert.deepEqual(op("not.eq(all).value", true), {
    kind: "quant",
    op: "eq",
    quantifier: "all",
    value: "value",
  });
});

Deno.test("parseFilter() reads in lists with quotes, escapes and empty lists", () => {
  assert.deepEqual(op("in.(1,3,5)"), { kind: "in", values: ["1", "3", "5"] });
  assert.deepEqual(op('in.("Hebdon, John",Larry Thompson)'), {
    kind: "in",
    values: ["Hebdon, John", "Larry Thompson"],
  });
  assert.deepEqual(op('in.("Double O Seven(007)")'), { kind: "in", values: ["Double O Seven(007)"] });
  assert.deepEqual(op('in.("Double\\"Quote\\"McGraw\\"")'), { kind: "in", values: ['Double"Quote"McGraw"'] });
  assert.deepEqual(op('in.("D\\a\\vid W\\h\\ite")'), { kind: "in", values: ["David White"] });
  assert.deepEqual(op('in.("\\\\")'), { kind: "in", values: ["\\"] });
  // Unquoted quotes and backslashes are kept as they are.
  assert.deepEqual(op('in.(")'), { kind: "in", values: ['"'] });
  assert.deepEqual(op('in.(Double"Quote"McGraw")'), { kind: "in", values: ['Double"Quote"McGraw"'] });
  assert.deepEqual(op("in.(/\\Slash/\\Beast/\\)"), { kind: "in", values: ["/\\Slash/\\Beast/\\"] });
  // `in.()` is the one-empty-element list (PostgREST's SQL reads it as the empty set).
  assert.deepEqual(op("in.()"), { kind: "in", values: [""] });
  assert.deepEqual(op("in.(    )"), { kind: "in", values: [""] });
  assert.deepEqual(op("in.( ,3,4)"), { kind: "in", values: ["", "3", "4"] });
  assert.deepEqual(op("not.in.( 1, 2 )", true), { kind: "in", values: ["1", " 2 "] });
  assert.deepEqual(op("in.(1,2)ignored"), { kind: "in", values: ["1", "2"] });
});

Deno.test("parseFilter() reads is values case-insensitively", () => {
  for (
    const [text, value] of [
      ["null", "null"],
      ["NULL", "null"],
      ["not_null", "not_null"],
      ["NOT_NULL", "not_null"],
      [
        "TRUE",
        "true",
      ],
      ["FAlSe", "false"],
      ["UnKnOwN", "unknown"],
    ] as const
  ) {
    assert.deepEqual(op(`is.${text}`), { kind: "is", value });
  }
  assert.deepEqual(op("not.is.null", true), { kind: "is", value: "null" });
});

Deno.test("parseFilter() reads isdistinct and full-text search with a language", () => {
  assert.deepEqual(op("isdistinct.2"), { kind: "isdistinct", value: "2" });
  assert.deepEqual(op("not.isdistinct.{1,2}", true), { kind: "isdistinct", value: "{1,2}" });
  assert.deepEqual(op("fts.impossible"), { kind: "fts", op: "fts", language: null, value: "impossible" });
  assert.deepEqual(op("fts(french).amusant"), {
    kind: "fts",
    op: "fts",
    language: "french",
    value: "amusant",
  });
  assert.deepEqual(op("plfts.The Fat Rats"), {
    kind: "fts",
    op: "plfts",
    language: null,
    value: "The Fat Rats",
  });
  assert.deepEqual(op("not.phfts(english).The Fat Cats", true), {
    kind: "fts",
    op: "phfts",
    language: "english",
    value: "The Fat Cats",
  });
  assert.deepEqual(op("wfts(simple).a or b"), {
    kind: "fts",
    op: "wfts",
    language: "simple",
    value: "a or b",
  });
});

Deno.test("parseFilter() reads embed paths and JSON paths in the key", () => {
  const [path, filter] = parseFilter("clients.projects.data->foo->>bar", "eq.baz", false);
  assert.deepEqual(path, ["clients", "projects"]);
  assert.deepEqual(
    filter.field,
    field("data", [{ arrow: "->", operand: key("foo") }, { arrow: "->>", operand: key("bar") }]),
  );
  assert.deepEqual(parseFilter('"a.b".c', "eq.1", false)[0], ["a.b"]);
  assert.deepEqual(
    parseFilter("Just A Server Model", "like.*91*", false)[1].field,
    field("Just A Server Model"),
  );
  // Like PostgREST, the key is read as far as it parses: `age::text` filters on `age`.
  assert.deepEqual(parseFilter("age::text", "eq.1", false)[1].field, field("age"));
});

Deno.test("parseFilter() takes a value without operator as an argument on RPC reads", () => {
  assert.deepEqual(parseFilter("id", "val", true), [[], {
    field: field("id"),
    opExpr: { kind: "noOp", value: "val" },
  }]);
  assert.deepEqual(parseFilter("x", "", true)[1].opExpr, { kind: "noOp", value: "" });
  assert.deepEqual(parseFilter("x", "eq.5", true)[1].opExpr, {
    kind: "op",
    negated: false,
    operation: { kind: "quant", op: "eq", quantifier: null, value: "5" },
  });
});

Deno.test("parseFilter() reports PostgREST's messages for bad operators", () => {
  filterError("val", "(line 1, column 1)", 'unexpected "v" expecting "not" or operator (eq, gt, ...)');
  filterError("0", "(line 1, column 1)", 'unexpected "0" expecting "not" or operator (eq, gt, ...)');
  filterError("noop.0", "(line 1, column 1)", 'unexpected "o" expecting "not" or operator (eq, gt, ...)');
  filterError("fts().value", "(line 1, column 5)", 'unexpected ")" expecting operator (eq, gt, ...)');
  filterError("eq().value", "(line 1, column 4)", 'unexpected ")" expecting operator (eq, gt, ...)');
  filterError("is().value", "(line 1, column 3)", 'unexpected "(" expecting operator (eq, gt, ...)');
  filterError("in().value", "(line 1, column 3)", 'unexpected "(" expecting operator (eq, gt, ...)');
  filterError("eq", "(line 1, column 3)", "unexpected end of input expecting operator (eq, gt, ...)");
  filterError("not.xx.1", "(line 1, column 5)", 'unexpected "x" expecting operator (eq, gt, ...)');
  filterError("", "(line 1, column 1)", 'unexpected end of input expecting "not" or operator (eq, gt, ...)');
  // Seen in the wild from PostgREST: `not` read, then no delimiter.
  filterError("notARealID", "(line 1, column 4)", 'unexpected "A" expecting delimiter (.)');
  filterError(
    "1791127911925",
    "(line 1, column 1)",
    'unexpected "1" expecting "not" or operator (eq, gt, ...)',
  );
});

Deno.test("parseFilter() reports bad is values and in lists after the operator", () => {
  filterError(
    "is.nil",
    "(line 1, column 5)",
    'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)',
  );
  filterError(
    "is.ok",
    "(line 1, column 4)",
    'unexpected "o" expecting isVal: (null, not_null, true, false, unknown)',
  );
  filterError("in.1,2", "(line 1, column 4)", 'unexpected "1" expecting "("');
  filterError("in.))", "(line 1, column 4)", 'unexpected ")" expecting "("');
  filterError("in.(1,2", "(line 1, column 8)", 'unexpected end of input expecting "," or ")"');
});

Deno.test("parseFilter() fails on RPC reads too once an operator prefix was read", () => {
  filterError("not.xx", "(line 1, column 5)", 'unexpected "x" expecting operator (eq, gt, ...)', true);
  filterError("in.foo", "(line 1, column 4)", 'unexpected "f" expecting "("', true);
});

Deno.test("parseFilter() reports bad keys as tree path errors", () => {
  assert.deepEqual(
    errorBody(() => parseFilter("", "eq.1", false)),
    pgrst100(
      '"failed to parse tree path ()" (line 1, column 1)',
      "unexpected end of input expecting field name (* or [a..z0..9_$])",
    ),
  );
  assert.deepEqual(
    errorBody(() => parseFilter("a.", "eq.1", false)),
    pgrst100(
      '"failed to parse tree path (a.)" (line 1, column 3)',
      "unexpected end of input expecting field name (* or [a..z0..9_$])",
    ),
  );
});
