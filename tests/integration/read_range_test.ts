/**
 * Pagination and counting (FEATURES §2.5): limit/offset, the Range header (GET only), every form
 * of Content-Range, 200/206/416 and `Prefer: count=exact|planned|estimated`. Ported from
 * PostgREST's RangeSpec (relation parts); db-max-rows is in read_limited_test.ts.
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

const HEADERS = ["content-range", "content-type", "content-length"];
const get = (path: string, headers: Record<string, string> = {}) => fetchReply(app, path, headers, HEADERS);
const JSON_CT = "application/json; charset=utf-8";
const all = ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

/** Content-Range and status only. */
async function rangeOf(
  a: typeof app,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<[number, unknown]> {
  const r = await fetchReply(a, path, headers, ["content-range"], method);
  return [r.status, r["content-range"]];
}

/** The planner's row estimate for a query, straight from PostgreSQL. */
async function plannedRows(query: string): Promise<number> {
  const out = await app.db.psql(`explain (format json) ${query}`);
  return JSON.parse(out)[0].Plan["Plan Rows"];
}

const outOfBounds = (offset: number, total: number) =>
  pgError(
    "PGRST103",
    "Requested range not satisfiable",
    `An offset of ${offset} was requested, but there are only ${total} rows.`,
  );

Deno.test("without a count: whole range, n-m/*, and */* for no rows", async () => {
  assert.deepEqual(await get("/items?select=id&order=id"), {
    status: 200,
    "content-range": "0-14/*",
    "content-type": JSON_CT,
    "content-length": "184",
    body: all,
  });
  assert.deepEqual(await get("/empty_table"), {
    status: 200,
    "content-range": "*/*",
    "content-type": JSON_CT,
    "content-length": "2",
    body: [],
  });
  assert.deepEqual(await rangeOf(app, "/items?id=eq.1&order=id", { Prefer: "count=none" }), [200, "0-0/*"]);
});

Deno.test("count=exact on an empty result is */0", async () => {
  assert.deepEqual(await get("/items?id=eq.0", { Prefer: "count=exact" }), {
    status: 200,
    "content-range": "*/0",
    "content-type": JSON_CT,
    "content-length": "2",
    body: [],
  });
});

Deno.test("limit and offset", async () => {
  assert.deepEqual(await get("/items?select=id&order=id.asc&limit=3"), {
    status: 200,
    "content-range": "0-2/*",
    "content-type": JSON_CT,
    "content-length": "34",
    body: ids(1, 2, 3),
  });
  assert.deepEqual(await get("/items?select=id&order=id.asc&limit=3&offset=2"), {
    status: 200,
    "content-range": "2-4/*",
    "content-type": JSON_CT,
    "content-length": "34",
    body: ids(3, 4, 5),
  });
  assert.deepEqual(await rangeOf(app, "/items?offset=0&id=eq.0"), [200, "*/*"]);
  assert.deepEqual(await rangeOf(app, "/items?offset=0&id=eq.0", { Prefer: "count=exact" }), [200, "*/0"]);
  assert.deepEqual((await get("/items?select=id&offset=0&order=id")).body, all);
});

Deno.test("HEAD answers the headers of GET without a body or Content-Length", async () => {
  const r = await app.request("/items?select=id&order=id.asc&limit=3&offset=2", { method: "HEAD" });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-range"), "2-4/*");
  assert.equal(r.headers.get("content-type"), JSON_CT);
  assert.equal(r.headers.get("content-length"), null);
  assert.equal(r.headers.get("content-location"), "/items?limit=3&offset=2&order=id.asc&select=id");
  assert.equal(await r.text(), "");
});

Deno.test("a negative offset is ignored", async () => {
  assert.deepEqual(await get("/items?select=id&offset=-4&order=id"), {
    status: 200,
    "content-range": "0-14/*",
    "content-type": JSON_CT,
    "content-length": "184",
    body: all,
  });
});

Deno.test("limit=0 returns no rows, the count still works", async () => {
  assert.deepEqual(await get("/items?select=id&limit=0"), {
    status: 200,
    "content-range": "*/*",
    "content-type": JSON_CT,
    "content-length": "2",
    body: [],
  });
  assert.deepEqual(await rangeOf(app, "/items?select=id&limit=0", { Prefer: "count=exact" }), [206, "*/15"]);
  assert.deepEqual(await rangeOf(app, "/items?select=id&limit=0", { Range: "0-5" }), [200, "*/*"]);
});

Deno.test("a negative limit is 416 PGRST103", async () => {
  assert.deepEqual(await get("/items?select=id&limit=-1"), {
    status: 416,
    "content-range": null,
    "content-type": JSON_CT,
    "content-length": "134",
    body: pgError(
      "PGRST103",
      "Requested range not satisfiable",
      "Limit should be greater than or equal to zero.",
    ),
  });
});

Deno.test("limit and offset that do not parse as integers are ignored", async () => {
  assert.deepEqual(await rangeOf(app, "/items?limit=abc"), [200, "0-14/*"]);
  assert.deepEqual(await rangeOf(app, "/items?offset=1e3"), [200, "0-14/*"]);
});

Deno.test("an offset past a known total is 416 PGRST103 with */total", async () => {
  assert.deepEqual(await get("/empty_table?offset=1", { Prefer: "count=exact" }), {
    status: 416,
    "content-range": "*/0",
    "content-type": JSON_CT,
    "content-length": "144",
    body: outOfBounds(1, 0),
  });
  assert.deepEqual(await get("/items?offset=100", { Prefer: "count=exact" }), {
    status: 416,
    "content-range": "*/15",
    "content-type": JSON_CT,
    "content-length": "147",
    body: outOfBounds(100, 15),
  });
  assert.deepEqual(await rangeOf(app, "/items?offset=15", { Prefer: "count=exact" }), [206, "*/15"]);
  assert.deepEqual(await rangeOf(app, "/items?offset=14", { Prefer: "count=exact" }), [206, "14-14/15"]);
});

Deno.test("count=exact gives 206 for a partial page and 200 for all rows", async () => {
  assert.deepEqual(await get("/items?select=id&limit=2", { Prefer: "count=exact" }), {
    status: 206,
    "content-range": "0-1/15",
    "content-type": JSON_CT,
    "content-length": "22",
    body: ids(1, 2),
  });
  assert.deepEqual(await rangeOf(app, "/items", { Prefer: "count=exact" }), [200, "0-14/15"]);
  assert.deepEqual(
    await rangeOf(app, "/items?select=id&order=id.desc&limit=2&offset=1", { Prefer: "count=exact" }),
    [
      206,
      "1-2/15",
    ],
  );
  assert.deepEqual(await rangeOf(app, "/items", { Prefer: "count=exact" }, "HEAD"), [200, "0-14/15"]);
});

Deno.test("count=exact counts only the filtered rows of the root", async () => {
  assert.deepEqual(await rangeOf(app, "/items?id=gt.10&limit=1", { Prefer: "count=exact" }), [206, "0-0/5"]);
  assert.deepEqual(
    await rangeOf(app, "/clients?select=id,projects(id)&projects.id=eq.1&limit=1", { Prefer: "count=exact" }),
    [206, "0-0/2"],
  );
});

Deno.test("count=planned uses the planner's estimate of the count query", async () => {
  const estimate = await plannedRows("select 1 from reading.items where id > 8");
  assert.deepEqual(await get("/items?select=id&id=gt.8", { Prefer: "count=planned" }), {
    status: estimate > 7 ? 206 : 200,
    "content-range": `0-6/${estimate}`,
    "content-type": JSON_CT,
    "content-length": "88",
    body: ids(9, 10, 11, 12, 13, 14, 15),
  });
  const bigEstimate = await plannedRows("select 1 from reading.big where id > 100");
  assert.deepEqual(await rangeOf(app, "/big?id=gt.100&limit=2", { Prefer: "count=planned" }), [
    206,
    `0-1/${bigEstimate}`,
  ]);
});

Deno.test("count=planned reads a function's ROWS through a view, and ignores limit/offset", async () => {
  assert.deepEqual(await rangeOf(app, "/items", { Prefer: "count=planned" }, "HEAD"), [200, "0-14/15"]);
  assert.deepEqual(await rangeOf(app, "/child_entities", { Prefer: "count=planned" }, "HEAD"), [
    200,
    "0-5/6",
  ]);
  assert.deepEqual(await rangeOf(app, "/getallprojects_view", { Prefer: "count=planned" }, "HEAD"), [
    206,
    "0-4/2019",
  ]);
  assert.deepEqual(
    await rangeOf(app, "/getallprojects_view?select=id&id=lt.3", { Prefer: "count=planned" }),
    [
      206,
      "0-1/673",
    ],
  );
  assert.deepEqual(await rangeOf(app, "/items?limit=2&offset=3", { Prefer: "count=planned" }, "HEAD"), [
    206,
    "3-4/15",
  ]);
  assert.deepEqual(await rangeOf(app, "/child_entities?limit=2", { Prefer: "count=planned" }, "HEAD"), [
    206,
    "0-1/6",
  ]);
  assert.deepEqual(await rangeOf(app, "/getallprojects_view?limit=2", { Prefer: "count=planned" }, "HEAD"), [
    206,
    "0-1/2019",
  ]);
  assert.deepEqual(
    await rangeOf(app, "/child_entities?select=*,entities(*)", { Prefer: "count=planned" }, "HEAD"),
    [200, "0-5/6"],
  );
});

Deno.test("count=estimated without db-max-rows takes the larger of the exact count and the estimate", async () => {
  assert.deepEqual(await rangeOf(app, "/big?select=id&limit=2", { Prefer: "count=estimated" }), [
    206,
    "0-1/2000",
  ]);
  assert.deepEqual(await rangeOf(app, "/big?select=id&id=gt.1990", { Prefer: "count=estimated" }), [
    200,
    "0-9/10",
  ]);
  // The planner believes the function's ROWS 2019; PostgREST's Maybe comparison prefers it.
  assert.deepEqual(await rangeOf(app, "/getallprojects_view", { Prefer: "count=estimated" }, "HEAD"), [
    206,
    "0-4/2019",
  ]);
});

Deno.test("the Range header picks rows, also open-ended and past the end", async () => {
  assert.deepEqual(await rangeOf(app, "/items", { "Range-Unit": "items", Range: "0-1" }), [200, "0-1/*"]);
  assert.deepEqual(await rangeOf(app, "/items", { "Range-Unit": "items", Range: "0-" }), [200, "0-14/*"]);
  assert.deepEqual(await rangeOf(app, "/items", { "Range-Unit": "items", Range: "0-0" }), [200, "0-0/*"]);
  assert.deepEqual(await rangeOf(app, "/items", { "Range-Unit": "items", Range: "10-100" }), [
    200,
    "10-14/*",
  ]);
  assert.deepEqual(
    (await get("/items?select=id", { Range: "2-" })).body,
    ids(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
  );
  assert.deepEqual(await get("/empty_table", { "Range-Unit": "items", Range: "0-1" }), {
    status: 200,
    "content-range": "*/*",
    "content-type": JSON_CT,
    "content-length": "2",
    body: [],
  });
});

Deno.test("the Range header intersects with limit and offset", async () => {
  assert.deepEqual(
    await get("/items?select=id&order=id.asc&limit=3", { "Range-Unit": "items", Range: "0-1" }),
    {
      status: 200,
      "content-range": "0-1/*",
      "content-type": JSON_CT,
      "content-length": "22",
      body: ids(1, 2),
    },
  );
  assert.deepEqual(await rangeOf(app, "/items?limit=1&offset=2", { Range: "0-5" }), [200, "2-2/*"]);
});

Deno.test("a Range header that is not first-last is ignored", async () => {
  assert.deepEqual(await rangeOf(app, "/items?limit=1", { Range: "abc" }), [200, "0-0/*"]);
  assert.deepEqual(await rangeOf(app, "/items", { Range: "items=0-1" }), [200, "0-14/*"]);
});

Deno.test("the Range header is ignored on HEAD", async () => {
  assert.deepEqual(await rangeOf(app, "/items?select=id&limit=2", { Range: "0-0" }, "HEAD"), [200, "0-1/*"]);
  assert.deepEqual(await rangeOf(app, "/items", { Range: "1-0" }, "HEAD"), [200, "0-14/*"]);
});

Deno.test("an offside Range is 416 PGRST103", async () => {
  assert.deepEqual(await get("/items", { "Range-Unit": "items", Range: "1-0" }), {
    status: 416,
    "content-range": null,
    "content-type": JSON_CT,
    "content-length": "177",
    body: pgError(
      "PGRST103",
      "Requested range not satisfiable",
      "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
    ),
  });
});

Deno.test("a Range past a counted total is 416 PGRST103", async () => {
  assert.deepEqual(
    await get("/empty_table", { Prefer: "count=exact", "Range-Unit": "items", Range: "1-2" }),
    {
      status: 416,
      "content-range": "*/0",
      "content-type": JSON_CT,
      "content-length": "144",
      body: outOfBounds(1, 0),
    },
  );
  assert.deepEqual(await get("/items", { Prefer: "count=exact", "Range-Unit": "items", Range: "100-199" }), {
    status: 416,
    "content-range": "*/15",
    "content-type": JSON_CT,
    "content-length": "147",
    body: outOfBounds(100, 15),
  });
});

Deno.test("limits apply on every embedded level", async () => {
  const r = await fetchReply(
    app,
    "/clients?select=id,projects(id,tasks(id))&order=id.asc&limit=1&projects.order=id.asc&projects.limit=2&projects.tasks.order=id.asc&projects.tasks.limit=1",
    {},
    ["content-range"],
  );
  assert.deepEqual(r, {
    status: 200,
    "content-range": "0-0/*",
    body: [{ id: 1, projects: [{ id: 1, tasks: ids(1) }, { id: 2, tasks: ids(3) }] }],
  });
  assert.deepEqual(
    (await get(
      "/clients?select=id,projects(id)&order=id&projects.order=id&projects.offset=1&projects.limit=1",
    )).body,
    [{ id: 1, projects: ids(2) }, { id: 2, projects: ids(4) }],
  );
});
