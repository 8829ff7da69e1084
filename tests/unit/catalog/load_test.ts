import assert from "node:assert/strict";
import {
  type CatalogStats,
  catalogSummary,
  formatMillis,
  formatQueryTimings,
} from "../../../lib/catalog/load.ts";

const stats: CatalogStats = {
  queriedMs: 3.84,
  loadedMs: 0.42,
  queryTimings: [["tables", "1.234"], ["keydeps", "0.5"]],
  relations: 15,
  relationships: 8,
  routines: 8,
  representations: 0,
  mediaHandlers: 4,
};

Deno.test("catalogSummary() prints PostgREST's 'Schema cache loaded' figures", () => {
  assert.equal(
    `Schema cache loaded ${catalogSummary(stats)}`,
    "Schema cache loaded 15 Relations, 8 Relationships, 8 RPCs, 0 Domain Representations, 4 Media Type Handlers",
  );
});

Deno.test("formatMillis() and formatQueryTimings() print the timing lines", () => {
  assert.equal(
    `Schema cache queried in ${formatMillis(stats.queriedMs)} milliseconds`,
    "Schema cache queried in 3.8 milliseconds",
  );
  assert.equal(formatQueryTimings(stats.queryTimings!), "tables: 1.234 ms, keydeps: 0.5 ms");
});
