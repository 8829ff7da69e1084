import assert from "node:assert/strict";
import { parseLogic } from "../../../lib/request/logic.ts";
import { parseOrder } from "../../../lib/request/order.ts";
import type { Filter, LogicTree, OrderTerm } from "../../../lib/request/types.ts";
import { errorBody, field, key, pgrst100 } from "./grammar_helpers.ts";

const eq = (name: string, value: string): LogicTree => ({
  kind: "stmt",
  filter: {
    field: field(name),
    opExpr: { kind: "op", negated: false, operation: { kind: "quant", op: "eq", quantifier: null, value } },
  },
});

/** The values of the conditions of a tree, depth first. */
function values(tree: LogicTree): string[] {
  if (tree.kind === "expr") return tree.children.flatMap(values);
  const op = (tree.filter as Filter).opExpr;
  if (op.kind !== "op") return [];
  const operation = op.operation;
  return operation.kind === "in" ? operation.values.slice() : "value" in operation ? [operation.value] : [];
}

const logicError = (k: string, v: string, position: string, details: string) =>
  assert.deepEqual(
    errorBody(() => parseLogic(k, v)),
    pgrst100(`"failed to parse logic tree (${v})" ${position}`, details),
  );

Deno.test("parseLogic() reads or/and trees and their negation", () => {
  assert.deepEqual(parseLogic("or", "(id.eq.1,id.eq.2)"), [[], {
    kind: "expr",
    negated: false,
    operator: "or",
    children: [eq("id", "1"), eq("id", "2")],
  }]);
  assert.deepEqual(parseLogic("not.or", "(id.eq.1)")[1], {
    kind: "expr",
    negated: true,
    operator: "or",
    children: [eq("id", "1")],
  });
  assert.deepEqual(parseLogic("and", "(id.eq.1,id.neq.2))")[1].kind, "expr");
});

Deno.test("parseLogic() reads nested and negated subtrees", () => {
  const [, tree] = parseLogic("or", "(and(name.eq.entity 2,id.eq.2),not.and(name.eq.entity 1,id.eq.1))");
  assert.deepEqual(tree, {
    kind: "expr",
    negated: false,
    operator: "or",
    children: [
      { kind: "expr", negated: false, operator: "and", children: [eq("name", "entity 2"), eq("id", "2")] },
      { kind: "expr", negated: true, operator: "and", children: [eq("name", "entity 1"), eq("id", "1")] },
    ],
  });
});

Deno.test("parseLogic() reads embed paths, wherever `not` appears", () => {
  assert.deepEqual(parseLogic("child_entities.or", "(id.eq.1)")[0], ["child_entities"]);
  assert.deepEqual(parseLogic("a.b.or", "(id.eq.1)")[0], ["a", "b"]);
  const [path, tree] = parseLogic("a.not.and", "(id.eq.1)");
  assert.deepEqual(path, ["a"]);
  assert.equal(tree.kind === "expr" && tree.negated, true);
});

Deno.test("parseLogic() reads quoted values, arrays, in lists, fts and JSON paths", () => {
  assert.deepEqual(
    values(parseLogic("or", '(name.eq."(grandchild,entity,4)",name.like."*ity,4*",name.ilike."*ITY,5)")')[1]),
    ["(grandchild,entity,4)", "*ity,4*", "*ITY,5)"],
  );
  assert.deepEqual(values(parseLogic("or", '(arr.cs.{1,2,3},arr.cd.{1},age_range.adj."[18,21)")')[1]), [
    "{1,2,3}",
    "{1}",
    "[18,21)",
  ]);
  assert.deepEqual(values(parseLogic("or", '(id.in.("1","2"),id.in.(3,4))')[1]), ["1", "2", "3", "4"]);
  const [, fts] = parseLogic("or", "(tsv.plfts(german).Art Spass, tsv.not.fts(english).impossible)");
  assert.deepEqual(values(fts), ["Art Spass", "impossible"]);
  const [, json] = parseLogic("or", "(jsonb_col->a->>b.eq.foo, jsonb_col->>b.eq.bar)");
  assert.deepEqual(json.kind === "expr" && json.children.map((c) => c.kind === "stmt" && c.filter.field), [
    field("jsonb_col", [{ arrow: "->", operand: key("a") }, { arrow: "->>", operand: key("b") }]),
    field("jsonb_col", [{ arrow: "->>", operand: key("b") }]),
  ]);
});

Deno.test("parseLogic() allows whitespace around the tree's punctuation", () => {
  const [, tree] = parseLogic("and", "( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )");
  assert.equal(tree.kind === "expr" && tree.children.length, 2);
  assert.deepEqual(values(tree), ["1", " 2", " 3 ", "3 ", "2 ", "3 "]);
});

Deno.test("parseLogic() reports PostgREST's messages for bad trees", () => {
  logicError(
    "or",
    "()",
    "(line 1, column 4)",
    'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
  );
  logicError("or", "(id.in.1,2,id.eq.3)", "(line 1, column 10)", 'unexpected "1" expecting "("');
  logicError(
    "or",
    "(snoozed_until.is.null,,,snoozed_until.lte.(()",
    "(line 1, column 26)",
    'unexpected "," expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
  );
  logicError("or", ")(", "(line 1, column 3)", 'unexpected ")" expecting "("');
  logicError("and", "(ord(id.eq.1,id.eq.1),id.eq.2)", "(line 1, column 7)", 'unexpected "d" expecting "("');
  logicError(
    "or",
    "(id.eq.1,not.xor(id.eq.2,id.eq.3))",
    "(line 1, column 16)",
    'unexpected "x" expecting logic operator (and, or)',
  );
  assert.deepEqual(
    errorBody(() => parseLogic("(.or", "(id.eq.1)")),
    pgrst100(
      '"failed to parse logic path ((.or)" (line 1, column 1)',
      'unexpected "(" expecting field name (* or [a..z0..9_$])',
    ),
  );
});

const term = (
  name: string,
  direction: OrderTerm["direction"] = null,
  nulls: OrderTerm["nulls"] = null,
): OrderTerm => ({
  relation: null,
  field: field(name),
  direction,
  nulls,
});

const orderError = (v: string, position: string, details: string) =>
  assert.deepEqual(
    errorBody(() => parseOrder("order", v)),
    pgrst100(`"failed to parse order (${v})" ${position}`, details),
  );

Deno.test("parseOrder() reads directions, nulls placement and JSON paths", () => {
  assert.deepEqual(parseOrder("order", "name.desc.nullsfirst"), [[], [term("name", "desc", "first")]]);
  assert.deepEqual(parseOrder("order", "age.desc,height.asc")[1], [
    term("age", "desc"),
    term("height", "asc"),
  ]);
  assert.deepEqual(parseOrder("order", "a.nullslast,b")[1], [term("a", null, "last"), term("b")]);
  assert.deepEqual(parseOrder("order", "json_col->!@#$%^&*_a.asc.nullslast")[1], [{
    relation: null,
    field: field("json_col", [{ arrow: "->", operand: key("!@#$%^&*_a") }]),
    direction: "asc",
    nulls: "last",
  }]);
  assert.deepEqual(parseOrder("order", "id , name")[1], [term("id"), term("name")]);
});

Deno.test("parseOrder() reads related orders and embed paths", () => {
  assert.deepEqual(parseOrder("order", "clients(json_col->key).desc.nullsfirst")[1], [{
    relation: "clients",
    field: field("json_col", [{ arrow: "->", operand: key("key") }]),
    direction: "desc",
    nulls: "first",
  }]);
  assert.deepEqual(parseOrder("order", "name,clients(name),id")[1], [
    term("name"),
    { relation: "clients", field: field("name"), direction: null, nulls: null },
    term("id"),
  ]);
  assert.deepEqual(parseOrder("projects.tasks.order", "name.asc")[0], ["projects", "tasks"]);
});

Deno.test("parseOrder() reports PostgREST's messages for bad syntax", () => {
  orderError(
    "clients(name,id)",
    "(line 1, column 8)",
    'unexpected \'(\' expecting letter, digit, "-", "->>", "->", delimiter (.), "," or end of input',
  );
  const directions = 'expecting "asc", "desc", "nullsfirst" or "nullslast"';
  orderError("id.ac", "(line 1, column 4)", `unexpected "c" ${directions}`);
  orderError(
    "id.descc",
    "(line 1, column 8)",
    "unexpected 'c' expecting delimiter (.), \",\" or end of input",
  );
  orderError("id.nulsfist", "(line 1, column 4)", `unexpected "n" ${directions}`);
  orderError("id.nullslasttt", "(line 1, column 13)", "unexpected 't' expecting \",\" or end of input");
  orderError("id.smth34", "(line 1, column 4)", `unexpected "s" ${directions}`);
  orderError("id.asc.nlsfst", "(line 1, column 8)", 'unexpected "l" expecting "nullsfirst" or "nullslast"');
  orderError("id.asc.nullslasttt", "(line 1, column 17)", "unexpected 't' expecting \",\" or end of input");
  orderError("id.asc.smth34", "(line 1, column 8)", 'unexpected "s" expecting "nullsfirst" or "nullslast"');
  orderError(
    "id.desc , name",
    "(line 1, column 8)",
    "unexpected ' ' expecting delimiter (.), \",\" or end of input",
  );
});
