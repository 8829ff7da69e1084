import assert from "node:assert/strict";
import { fuzzSql } from "../../helpers/sql_fuzz.ts";
import { CATALOG, CONFIG, TABLES } from "../plan/read_fixture.ts";

const VOCABULARY = {
  tables: {
    ...Object.fromEntries(TABLES.map((t) => [t.name, [...t.columns.map((c) => c.name), "nope", "computed"]])),
  },
  embeds: { clients: ["projects", "nope"], projects: ["clients"], items: ["clients"] },
};

Deno.test("planned reads never put a request value into SQL text, and fail only with client PgrstErrors", () => {
  const summary = fuzzSql({
    seed: 20260822,
    count: 3000,
    catalog: CATALOG,
    config: { ...CONFIG, dbMaxRows: 50 },
    vocabulary: VOCABULARY,
  });
  assert.deepEqual(summary.failures, []);
  // Both outcomes must be exercised.
  assert.ok(summary.rendered > 1000, `only ${summary.rendered} inputs rendered`);
  assert.ok((summary.errors.PGRST100 ?? 0) > 200, `only ${summary.errors.PGRST100} PGRST100 errors`);
  // Values did travel, as parameters.
  assert.ok(summary.markersPlaced > 2000, `only ${summary.markersPlaced} values marked`);
  assert.ok(summary.markersBound / summary.markersPlaced > 0.95, `${summary.markersBound} bound`);
});
