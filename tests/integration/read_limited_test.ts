/**
 * `db-max-rows` (FEATURES PG-08, PG-11): it caps every level of a read, respects smaller ranges,
 * and is the threshold of `count=estimated`. Ported from PostgREST's QueryLimitedSpec (reads,
 * with db-max-rows=2).
 */
import assert from "node:assert/strict";
import { fetchReply, ids, readingApp } from "../helpers/read.ts";

const limited = await readingApp({ dbMaxRows: 2 });
Deno.test.afterAll(() => limited.close());

/** Content-Range and status only. */
async function rangeOf(
  a: typeof limited,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<[number, unknown]> {
  const r = await fetchReply(a, path, headers, ["content-range"], method);
  return [r.status, r["content-range"]];
}

Deno.test("db-max-rows restricts results and respects a smaller Range", async () => {
  assert.deepEqual(await rangeOf(limited, "/items?order=id"), [200, "0-1/*"]);
  assert.deepEqual((await fetchReply(limited, "/items?order=id")).body, ids(1, 2));
  assert.deepEqual(
    await fetchReply(limited, "/items", { "Range-Unit": "items", Range: "0-0" }, ["content-range"]),
    {
      status: 200,
      "content-range": "0-0/*",
      body: ids(1),
    },
  );
  assert.deepEqual(await rangeOf(limited, "/items?limit=10&offset=3"), [200, "3-4/*"]);
});

Deno.test("db-max-rows works on all levels", async () => {
  assert.deepEqual(
    await fetchReply(limited, "/projects?select=id,tasks(id)&order=id.asc&tasks.order=id.asc", {}, [
      "content-range",
    ]),
    {
      status: 200,
      "content-range": "0-1/*",
      body: [{ id: 1, tasks: ids(1, 2) }, { id: 2, tasks: ids(3, 4) }],
    },
  );
  assert.deepEqual(
    (await fetchReply(limited, "/clients?select=id,projects(id)&order=id&projects.order=id")).body,
    [
      { id: 1, projects: ids(1, 2) },
      { id: 2, projects: ids(3, 4) },
    ],
  );
});

Deno.test("db-max-rows still gets parent embeds, which can be offset like other embeds", async () => {
  assert.deepEqual((await fetchReply(limited, "/tasks?select=id,project:projects(id)&id=gt.5")).body, [
    { id: 6, project: { id: 3 } },
    { id: 7, project: { id: 4 } },
  ]);
  assert.deepEqual(
    (await fetchReply(limited, "/tasks?select=id,project:projects(id)&id=gt.5&project.offset=1")).body,
    [
      { id: 6, project: null },
      { id: 7, project: null },
    ],
  );
});

Deno.test("db-max-rows with count=exact counts every row", async () => {
  assert.deepEqual(await rangeOf(limited, "/items", { Prefer: "count=exact" }), [206, "0-1/15"]);
  assert.deepEqual(await rangeOf(limited, "/items?id=lt.3", { Prefer: "count=exact" }), [200, "0-1/2"]);
});

Deno.test("db-max-rows with count=estimated: exact up to max-rows, the planner's guess beyond", async () => {
  assert.deepEqual(await rangeOf(limited, "/getallprojects_view", { Prefer: "count=estimated" }, "HEAD"), [
    206,
    "0-1/2019",
  ]);
  assert.deepEqual(
    await rangeOf(limited, "/getallprojects_view?id=lt.3", { Prefer: "count=estimated" }, "HEAD"),
    [
      200,
      "0-1/2",
    ],
  );
  // The exact count stops at max-rows + 1 = 3; the guess (ROWS 1) is smaller, so 3 it is.
  assert.deepEqual(
    await rangeOf(limited, "/get_projects_above_view", { Prefer: "count=estimated" }, "HEAD"),
    [
      206,
      "0-1/3",
    ],
  );
});

Deno.test("db-max-rows with limit=0", async () => {
  assert.deepEqual(await fetchReply(limited, "/items?limit=0", {}, ["content-range"]), {
    status: 200,
    "content-range": "*/*",
    body: [],
  });
});
