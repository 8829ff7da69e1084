import assert from "node:assert/strict";
import { fuzzGrammar } from "../../helpers/grammar_fuzz.ts";

Deno.test("parseQueryParams() returns or throws PGRST100 on random and mutated query strings", () => {
  const summary = fuzzGrammar({ seed: 20260821, count: 4000 });
  assert.deepEqual(summary.failures, []);
  // The generator must exercise both outcomes.
  assert.ok(summary.parsed > 400, `only ${summary.parsed} inputs parsed`);
  assert.ok((summary.errors.PGRST100 ?? 0) > 400, `only ${summary.errors.PGRST100} PGRST100 errors`);
});
