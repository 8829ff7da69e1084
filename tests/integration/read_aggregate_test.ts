/**
 * Aggregates with `db-aggregates-enabled` (FEATURES §2.7): count(), sum/avg/min/max, casts,
 * aliases, implicit GROUP BY, aggregates in embeds and grouping by embeds. Ported from PostgREST's
 * AggregateFunctionsSpec ("allowed"; the "disallowed" part is in read_select_test.ts).
 */
import assert from "node:assert/strict";
import { fetchReply, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp({ dbAggregatesEnabled: true });
Deno.test.afterAll(() => app.close());

Deno.test("count() counts all rows, with an alias, a cast, and grouped by other columns", async () => {
  assert.deepEqual(await rows(app, "/entities?select=count()"), [{ count: 4 }]);
  assert.deepEqual(await rows(app, "/entities?select=cnt:count()"), [{ cnt: 4 }]);
  assert.deepEqual(await rows(app, "/entities?select=count()::text"), [{ count: "4" }]);
  assert.deepEqual(await rows(app, "/projects?select=c:count(),client_id&order=client_id.desc"), [
    { c: 1, client_id: null },
    { c: 2, client_id: 2 },
    { c: 2, client_id: 1 },
  ]);
});

Deno.test("count as a column still counts (backwards compatibility), also embedded", async () => {
  assert.deepEqual(await rows(app, "/entities?select=count"), [{ count: 4 }]);
  assert.deepEqual(await rows(app, "/clients?select=name,projects(count)"), [
    { name: "Microsoft", projects: [{ count: 2 }] },
    { name: "Apple", projects: [{ count: 2 }] },
  ]);
});

Deno.test("sum, avg, min, max and count on a column", async () => {
  assert.deepEqual(await rows(app, "/project_invoices?select=invoice_total.sum()"), [{ sum: 8800 }]);
  assert.deepEqual(await rows(app, "/project_invoices?select=invoice_total.min()"), [{ min: 100 }]);
  assert.deepEqual(await rows(app, "/project_invoices?select=invoice_total.max()"), [{ max: 4000 }]);
  assert.deepEqual(await rows(app, "/project_invoices?select=invoice_total.count()"), [{ count: 8 }]);
  // The exact numeric text PostgreSQL wrote (JSON.parse would lose the trailing zeros).
  const raw = await (await app.request("/project_invoices?select=invoice_total.avg()")).text();
  assert.equal(raw, '[{"avg":1100.0000000000000000}]');
});

Deno.test("non-aggregated columns form the GROUP BY, aliased or not", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/project_invoices?select=invoice_total.sum(),invoice_total.max(),invoice_total.min(),project_id&order=project_id.desc",
    ),
    [
      { sum: 4100, max: 4000, min: 100, project_id: 4 },
      { sum: 3200, max: 2000, min: 1200, project_id: 3 },
      { sum: 1200, max: 700, min: 500, project_id: 2 },
      { sum: 300, max: 200, min: 100, project_id: 1 },
    ],
  );
  assert.deepEqual(
    await rows(
      app,
      "/project_invoices?select=invoice_total.sum(),invoice_total.max(),invoice_total.min(),pid:project_id&order=project_id.desc",
    ),
    [
      { sum: 4100, max: 4000, min: 100, pid: 4 },
      { sum: 3200, max: 2000, min: 1200, pid: 3 },
      { sum: 1200, max: 700, min: 500, pid: 2 },
      { sum: 300, max: 200, min: 100, pid: 1 },
    ],
  );
});

Deno.test("aggregates take an alias and an output cast", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/project_invoices?select=total_charged:invoice_total.sum(),project_id&order=project_id.desc",
    ),
    [
      { total_charged: 4100, project_id: 4 },
      { total_charged: 3200, project_id: 3 },
      { total_charged: 1200, project_id: 2 },
      { total_charged: 300, project_id: 1 },
    ],
  );
  assert.deepEqual(
    await rows(
      app,
      "/project_invoices?select=total_charged:invoice_total.sum()::text,project_id&order=project_id.desc",
    ),
    [
      { total_charged: "4100", project_id: 4 },
      { total_charged: "3200", project_id: 3 },
      { total_charged: "1200", project_id: 2 },
      { total_charged: "300", project_id: 1 },
    ],
  );
});

Deno.test("aggregates take an input cast on a JSON path, with alias and output cast", async () => {
  assert.deepEqual(await rows(app, "/trash_details?select=jsonb_col->>key::integer.sum()"), [{ sum: 24 }]);
  assert.deepEqual(await rows(app, "/trash_details?select=s:jsonb_col->>key::integer.sum()::text"), [{
    s: "24",
  }]);
});

Deno.test("aggregates over a view on a set-returning function", async () => {
  assert.deepEqual(await rows(app, "/getallprojects_view?select=id.max()"), [{ max: 5 }]);
});

Deno.test("filters apply before the aggregate", async () => {
  assert.deepEqual(await rows(app, "/project_invoices?select=count()&invoice_total=gt.500"), [{ count: 4 }]);
});

Deno.test("a to-one embed is part of the GROUP BY", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/project_invoices?select=project_id,total:invoice_total.sum(),projects(name)&order=project_id",
    ),
    [
      { project_id: 1, total: 300, projects: { name: "Windows 7" } },
      { project_id: 2, total: 1200, projects: { name: "Windows 10" } },
      { project_id: 3, total: 3200, projects: { name: "IOS" } },
      { project_id: 4, total: 4100, projects: { name: "OSX" } },
    ],
  );
});

Deno.test("aggregates inside a to-many embed are per parent", async () => {
  const raw = await (await app.request(
    "/projects?select=name,project_invoices(invoice_total.max(),invoice_total.min(),invoice_total.avg(),invoice_total.sum(),invoice_total.count())",
  )).text();
  assert.deepEqual(JSON.parse(raw), [
    { name: "Windows 7", project_invoices: [{ avg: 150, max: 200, min: 100, sum: 300, count: 2 }] },
    { name: "Windows 10", project_invoices: [{ avg: 600, max: 700, min: 500, sum: 1200, count: 2 }] },
    { name: "IOS", project_invoices: [{ avg: 1600, max: 2000, min: 1200, sum: 3200, count: 2 }] },
    { name: "OSX", project_invoices: [{ avg: 2050, max: 4000, min: 100, sum: 4100, count: 2 }] },
    { name: "Orphan", project_invoices: [{ avg: null, max: null, min: null, sum: null, count: 0 }] },
  ]);
  assert.ok(raw.includes('"avg": 150.0000000000000000'), raw);
  assert.deepEqual(await rows(app, "/projects?select=name,project_invoices(invoice_total.sum())&id=gt.3"), [
    { name: "OSX", project_invoices: [{ sum: 4100 }] },
    { name: "Orphan", project_invoices: [{ sum: null }] },
  ]);
});

Deno.test("ordering by an aggregate is not supported: PostgreSQL's 42703", async () => {
  assert.deepEqual(await fetchReply(app, "/project_invoices?select=invoice_total.sum()&order=sum"), {
    status: 400,
    body: pgError("42703", "column project_invoices.sum does not exist"),
  });
});

Deno.test("count=exact with an aggregate counts the result rows", async () => {
  assert.deepEqual(
    await fetchReply(app, "/project_invoices?select=count()", { Prefer: "count=exact" }, ["content-range"]),
    { status: 200, "content-range": "0-0/1", body: [{ count: 8 }] },
  );
  assert.deepEqual(
    await fetchReply(app, "/project_invoices?select=project_id,count()&limit=2&order=project_id", {
      Prefer: "count=exact",
    }, ["content-range"]),
    {
      status: 206,
      "content-range": "0-1/8",
      body: [{ project_id: 1, count: 2 }, { project_id: 2, count: 2 }],
    },
  );
});
