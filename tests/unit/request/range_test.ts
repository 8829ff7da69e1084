import assert from "node:assert/strict";
import { parseQueryParams } from "../../../lib/request/query_params.ts";
import {
  contentRange,
  LIMIT_ZERO,
  parseRangeHeader,
  rangeStatus,
  resolveRanges,
} from "../../../lib/request/range.ts";
import { ALL_ROWS } from "../../../lib/request/types.ts";
import { PgrstError } from "../../../lib/errors.ts";
import { errorBody } from "./grammar_helpers.ts";

/** `resolveRanges` for a query string and a `Range` header. */
const resolve = (method: string, qs: string, range: string | null = null) =>
  resolveRanges(method, parseQueryParams(qs, false).ranges, range);

const RANGE_416 = (details: string) => ({
  code: "PGRST103",
  details,
  hint: null,
  message: "Requested range not satisfiable",
});

Deno.test("parseRangeHeader() reads first-last and open-ended ranges only", () => {
  assert.deepEqual(parseRangeHeader("0-19"), { offset: 0, upper: 19 });
  assert.deepEqual(parseRangeHeader("10-"), { offset: 10, upper: null });
  assert.deepEqual(parseRangeHeader("5-2"), { offset: 5, upper: 2 });
  for (const ignored of [null, "", "items=0-9", "bytes=0-1", " 0-1", "0-1,3-4", "-5", "a-b"]) {
    assert.deepEqual(parseRangeHeader(ignored), ALL_ROWS, String(ignored));
  }
});

Deno.test("resolveRanges() intersects limit/offset with the Range header on GET only", () => {
  assert.deepEqual(resolve("GET", "").topLevel, ALL_ROWS);
  assert.deepEqual(resolve("GET", "limit=3", "0-1").topLevel, { offset: 0, upper: 1 });
  assert.deepEqual(resolve("GET", "", "10-100").topLevel, { offset: 10, upper: 100 });
  assert.deepEqual(resolve("GET", "limit=3&offset=2").topLevel, { offset: 2, upper: 4 });
  assert.deepEqual(resolve("HEAD", "", "0-1").topLevel, ALL_ROWS);
  assert.deepEqual(resolve("POST", "", "5-2").topLevel, ALL_ROWS);
  // A negative offset is ignored.
  assert.deepEqual(resolve("GET", "offset=-4").topLevel, ALL_ROWS);
  const { ranges } = resolve("GET", "limit=3&clients.limit=2", "1-");
  assert.deepEqual([...ranges], [["clients", { offset: 0, upper: 1 }], ["", { offset: 1, upper: 2 }]]);
});

Deno.test("resolveRanges() keeps limit=0 as the special empty range", () => {
  assert.deepEqual(resolve("GET", "limit=0").topLevel, LIMIT_ZERO);
  assert.deepEqual(resolve("GET", "limit=0", "5-2").topLevel, LIMIT_ZERO);
  assert.deepEqual(resolve("GET", "limit=0", "3-9").ranges.get(""), LIMIT_ZERO);
});

Deno.test("resolveRanges() rejects a negative limit and a reversed Range with 416 PGRST103", () => {
  const negative = RANGE_416("Limit should be greater than or equal to zero.");
  const reversed = RANGE_416(
    "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
  );
  assert.deepEqual(errorBody(() => resolve("GET", "select=id&limit=-1")), negative);
  assert.deepEqual(errorBody(() => resolve("GET", "", "1-0")), reversed);
  assert.deepEqual(errorBody(() => resolve("GET", "", "5-4")), reversed);
  // Like PostgREST, an empty intersection of valid ranges reads as a negative limit.
  assert.deepEqual(errorBody(() => resolve("GET", "limit=5", "10-20")), negative);
  assert.deepEqual(errorBody(() => resolve("GET", "limit=0&offset=2")), negative);
  try {
    resolve("GET", "limit=-1");
  } catch (e) {
    assert.ok(e instanceof PgrstError);
    assert.equal(e.status, 416);
  }
});

Deno.test("resolveRanges() refuses limit/offset on PUT with 400 PGRST114", () => {
  const body = {
    code: "PGRST114",
    details: null,
    hint: null,
    message: "limit/offset querystring parameters are not allowed for PUT",
  };
  assert.deepEqual(errorBody(() => resolve("PUT", "id=eq.1&limit=1")), body);
  assert.deepEqual(errorBody(() => resolve("PUT", "limit=0")), body);
  assert.deepEqual(resolve("PUT", "offset=0").topLevel, ALL_ROWS);
  assert.deepEqual(resolve("PUT", "", "0-1").topLevel, ALL_ROWS);
});

Deno.test("contentRange() formats PostgREST's Content-Range values", () => {
  assert.equal(contentRange(0, 14, null), "0-14/*");
  assert.equal(contentRange(0, -1, null), "*/*");
  assert.equal(contentRange(0, -1, 0), "*/0");
  assert.equal(contentRange(1, 0, 5), "*/5");
  assert.equal(contentRange(0, 9, 10), "0-9/10");
  assert.equal(contentRange(0, 4, 0), "*/0");
});

Deno.test("rangeStatus() gives 200, 206 or 416 with the Content-Range", () => {
  assert.deepEqual(rangeStatus(ALL_ROWS, 15, null), { status: 200, contentRange: "0-14/*" });
  assert.deepEqual(rangeStatus(ALL_ROWS, 0, null), { status: 200, contentRange: "*/*" });
  assert.deepEqual(rangeStatus({ offset: 0, upper: 24 }, 25, 3573458), {
    status: 206,
    contentRange: "0-24/3573458",
  });
  assert.deepEqual(rangeStatus({ offset: 3, upper: 4 }, 2, 15), { status: 206, contentRange: "3-4/15" });
  assert.deepEqual(rangeStatus(ALL_ROWS, 15, 15), { status: 200, contentRange: "0-14/15" });
  assert.deepEqual(rangeStatus({ offset: 100, upper: null }, 0, 15), { status: 416, contentRange: "*/15" });
  assert.deepEqual(rangeStatus({ offset: 1, upper: null }, 0, 0), { status: 416, contentRange: "*/0" });
  assert.deepEqual(rangeStatus(LIMIT_ZERO, 0, 15), { status: 206, contentRange: "*/15" });
});
