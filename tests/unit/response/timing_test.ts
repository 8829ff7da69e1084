import assert from "node:assert/strict";
import { serverTimingHeader, stopwatch } from "../../../lib/response/timing.ts";

Deno.test("serverTimingHeader() prints milliseconds with one decimal in PostgREST's order", () => {
  assert.equal(
    serverTimingHeader({ plan: 0.1, transaction: 0.2, response: 0.3, jwt: 0.4, parse: 0.5 }),
    "jwt;dur=0.4, parse;dur=0.5, plan;dur=0.1, transaction;dur=0.2, response;dur=0.3",
  );
  assert.equal(
    serverTimingHeader({ jwt: 12.345, parse: 0.04, plan: 1000, transaction: 2, response: 0 }),
    "jwt;dur=12.3, parse;dur=0.0, plan;dur=1000.0, transaction;dur=2.0, response;dur=0.0",
  );
});

Deno.test("serverTimingHeader() leaves a stage that did not run empty, as PostgREST does", () => {
  assert.equal(serverTimingHeader({ jwt: 1 }), "jwt;dur=1.0, , , , ");
  assert.equal(serverTimingHeader({ jwt: -0.01, parse: 2 }), "jwt;dur=0.0, parse;dur=2.0, , , ");
});

Deno.test("stopwatch() returns the time since the previous lap", () => {
  const lap = stopwatch();
  const first = lap();
  const second = lap();
  assert.ok(first >= 0 && second >= 0);
});
