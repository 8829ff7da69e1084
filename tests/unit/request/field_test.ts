import assert from "node:assert/strict";
import { pFieldName, pFieldNameSpec, pJsonPath, runGrammar } from "../../../lib/request/field.ts";
import { FAIL, type Parser, State } from "../../../lib/request/parsec.ts";
import { errorBody, index, key, pgrst100 } from "./grammar_helpers.ts";

/** Value, end position and consumption of one untracked run. */
function reply(p: Parser<string>, input: string, at: number): string {
  const s = new State(input, false);
  s.pos = at;
  const v = p(s);
  return v === FAIL
    ? `fail consumed=${s.consumed}`
    : `${JSON.stringify(v)} pos=${s.pos} consumed=${s.consumed}`;
}

Deno.test("pFieldName's fast path agrees with PostgREST's definition", () => {
  const alphabet = [
    "a",
    "b",
    "Z",
    "1",
    " ",
    "\t",
    "-",
    ">",
    '"',
    "\\",
    "_",
    "$",
    "é",
    "😀",
    ".",
    ",",
    "(",
    ":",
    "\u3000",
  ];
  let seed = 42;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let round = 0; round < 20000; round++) {
    let input = "";
    const length = random(9);
    for (let k = 0; k < length; k++) input += alphabet[random(alphabet.length)];
    const at = random(2) === 0 ? 0 : random(input.length + 1);
    assert.equal(reply(pFieldName, input, at), reply(pFieldNameSpec, input, at), JSON.stringify([input, at]));
  }
});

Deno.test("pFieldName() reads PostgREST's doctest names", () => {
  const name = (input: string) => runGrammar(pFieldName, "", input);
  assert.equal(name("identifier"), "identifier");
  assert.equal(name("identifier with spaces"), "identifier with spaces");
  assert.equal(name("identifier-with-dashes"), "identifier-with-dashes");
  assert.equal(name("123"), "123");
  assert.equal(name("_"), "_");
  assert.equal(name("$"), "$");
  assert.equal(name('":"'), ":");
  assert.equal(name("a->b"), "a");
  assert.deepEqual(
    errorBody(() => name(":")),
    pgrst100('"" (line 1, column 1)', 'unexpected ":" expecting field name (* or [a..z0..9_$])'),
  );
});

Deno.test("pJsonPath() reads PostgREST's doctest paths", () => {
  const path = (input: string) => runGrammar(pJsonPath, "", input);
  assert.deepEqual(path("->text"), [{ arrow: "->", operand: key("text") }]);
  assert.deepEqual(path("->>!@#$%^&*_a"), [{ arrow: "->>", operand: key("!@#$%^&*_a") }]);
  assert.deepEqual(path("->1"), [{ arrow: "->", operand: index("+1") }]);
  assert.deepEqual(path("->>1"), [{ arrow: "->>", operand: index("+1") }]);
  assert.deepEqual(path("->0,other"), [{ arrow: "->", operand: index("+0") }]);
  assert.deepEqual(path("->0.desc"), [{ arrow: "->", operand: index("+0") }]);
  assert.deepEqual(path('->"a->b"'), [{ arrow: "->", operand: key("a->b") }]);
  const fails = (input: string, position: string, details: string) =>
    assert.deepEqual(errorBody(() => path(input)), pgrst100(`"" ${position}`, details));
  fails(
    "->>-78xy",
    "(line 1, column 7)",
    'unexpected \'x\' expecting digit, "->", "::", ".", "," or end of input',
  );
  fails("->>--34", "(line 1, column 5)", 'unexpected "-" expecting digit');
  fails("->>-xy-4", "(line 1, column 5)", 'unexpected "x" expecting digit');
});
