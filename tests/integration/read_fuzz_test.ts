import assert from "node:assert/strict";
import { readingApp } from "../helpers/read.ts";
import { READING_VOCABULARY } from "../helpers/read_vocabulary.ts";
import { fuzzHandler } from "../helpers/sql_fuzz.ts";

const app = await readingApp({ dbMaxRows: 100 });
Deno.test.afterAll(() => app.close());

Deno.test("random and mutated reads through the handler never answer 5xx", async () => {
  const summary = await fuzzHandler({
    seed: 20260823,
    count: 600,
    vocabulary: READING_VOCABULARY,
    request: (input) => app.request(input.path, { method: input.method, headers: input.headers }),
  });
  assert.deepEqual(summary.failures, []);
  // Both outcomes must be exercised.
  assert.ok(
    (summary.statuses[200] ?? 0) + (summary.statuses[206] ?? 0) > 60,
    JSON.stringify(summary.statuses),
  );
  assert.ok((summary.statuses[400] ?? 0) > 150, JSON.stringify(summary.statuses));
});
