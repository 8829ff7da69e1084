/**
 * Aggregates inside embeds and to-one spreads (`db-aggregates-enabled`): aggregates of a to-one
 * spread are computed at the embedding level (hoisted), JSON embeds group their own rows, to-many
 * spreads refuse aggregates (PGRST127), and disabled aggregates are PGRST123. Ported from the
 * embedding parts of PostgREST's `AggregateFunctionsSpec.hs`.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["embed"], dbAggregatesEnabled: true });
Deno.test.afterAll(() => app.close());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const s = await summary(await app.request(path));
  return { status: s.status, body: s.body };
}

const ok = (body: unknown) => ({ status: 200, body });

Deno.test("GET counts embedded rows with a column named count (backwards compatible)", async () => {
  assert.deepEqual(
    await get("/clients?select=name,projects(count)"),
    ok([{ name: "Microsoft", projects: [{ count: 2 }] }, { name: "Apple", projects: [{ count: 2 }] }]),
  );
});

Deno.test("GET groups the root by a JSON embed", async () => {
  assert.deepEqual(
    await get(
      "/project_invoices?select=project_id,total:invoice_total.sum(),projects(name)&order=project_id",
    ),
    ok([
      { project_id: 1, total: 300, projects: { name: "Windows 7" } },
      { project_id: 2, total: 1200, projects: { name: "Windows 10" } },
      { project_id: 3, total: 3200, projects: { name: "IOS" } },
      { project_id: 4, total: 4100, projects: { name: "OSX" } },
    ]),
  );
});

Deno.test("GET aggregates inside a to-many JSON embed", async () => {
  assert.deepEqual(
    await get(
      "/projects?select=name,project_invoices(invoice_total.max(),invoice_total.min(),invoice_total.avg(),invoice_total.sum(),invoice_total.count())",
    ),
    ok([
      { name: "Windows 7", project_invoices: [{ max: 200, min: 100, avg: 150, sum: 300, count: 2 }] },
      { name: "Windows 10", project_invoices: [{ max: 700, min: 500, avg: 600, sum: 1200, count: 2 }] },
      { name: "IOS", project_invoices: [{ max: 2000, min: 1200, avg: 1600, sum: 3200, count: 2 }] },
      { name: "OSX", project_invoices: [{ max: 4000, min: 100, avg: 2050, sum: 4100, count: 2 }] },
      { name: "Orphan", project_invoices: [{ max: null, min: null, avg: null, sum: null, count: 0 }] },
    ]),
  );
  const res = await app.request("/projects?select=name,project_invoices(invoice_total.avg())&id=eq.1");
  assert.equal(await res.text(), '[{"name":"Windows 7","project_invoices":[{"avg": 150.0000000000000000}]}]');
});

Deno.test("GET hoists the aggregates of a to-one spread to the level embedding it", async () => {
  assert.deepEqual(
    await get(
      "/budget_expenses?select=total_expenses:expense_amount.sum(),...budget_categories(budget_owner,total_budget:budget_amount.sum())&order=budget_categories(budget_owner)",
    ),
    ok([
      { total_expenses: 600.52, budget_owner: "Brian Smith", total_budget: 2000.42 },
      { total_expenses: 100.22, budget_owner: "Jane Clarkson", total_budget: 7000.41 },
      { total_expenses: 900.27, budget_owner: "Sally Hughes", total_budget: 500.23 },
    ]),
  );
  assert.deepEqual(
    await get("/budget_expenses?select=...budget_categories(total_budget:budget_amount.sum())"),
    ok([{ total_budget: 9501.06 }]),
  );
});

Deno.test("GET groups spread aggregates by columns of other spreads", async () => {
  assert.deepEqual(
    await get(
      "/processes?select=...process_costs(cost.sum()),...process_categories(name)&order=process_categories(name)",
    ),
    ok([{ sum: 400, name: "Batch" }, { sum: 350, name: "Mass" }]),
  );
  assert.deepEqual(
    await get(
      "/processes?select=...process_costs(cost_sum:cost.sum()),...process_categories(category:name)&order=process_categories(category)",
    ),
    ok([{ cost_sum: 400, category: "Batch" }, { cost_sum: 350, category: "Mass" }]),
  );
});

Deno.test("GET hoists aggregates of nested to-one spreads", async () => {
  assert.deepEqual(
    await get(
      "/process_supervisor?select=...processes(factory_id,...process_costs(cost.sum()))&order=processes(factory_id).desc",
    ),
    ok([{ factory_id: 3, sum: 110 }, { factory_id: 2, sum: 500 }, { factory_id: 1, sum: 350 }]),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=...processes(factory_id,...process_costs(cost_sum:cost.sum()))&order=processes(factory_id).desc",
    ),
    ok([{ factory_id: 3, cost_sum: 110 }, { factory_id: 2, cost_sum: 500 }, {
      factory_id: 1,
      cost_sum: 350,
    }]),
  );
  const bySupervisor = await get(
    "/process_supervisor?select=supervisor_id,...processes(...process_costs(cost.sum()),...process_categories(name))&order=supervisor_id",
  );
  assert.equal(bySupervisor.status, 200);
  assert.deepEqual(
    (bySupervisor.body as { supervisor_id: number; name: string }[]).toSorted((a, b) =>
      a.supervisor_id - b.supervisor_id || a.name.localeCompare(b.name)
    ),
    [
      { supervisor_id: 1, sum: 220, name: "Batch" },
      { supervisor_id: 2, sum: 70, name: "Batch" },
      { supervisor_id: 2, sum: 200, name: "Mass" },
      { supervisor_id: 3, sum: 180, name: "Batch" },
      { supervisor_id: 3, sum: 110, name: "Mass" },
      { supervisor_id: 4, sum: 180, name: "Batch" },
    ],
  );
});

Deno.test("GET groups hoisted spread aggregates by a JSON embed of the spread", async () => {
  const res = await get(
    "/process_supervisor?select=...processes(factory:factories(name),...process_costs(cost_sum:cost.sum()))",
  );
  assert.equal(res.status, 200);
  assert.deepEqual(
    (res.body as { factory: { name: string } }[]).toSorted((a, b) =>
      a.factory.name.localeCompare(b.factory.name)
    ),
    [
      { factory: { name: "Factory A" }, cost_sum: 350 },
      { factory: { name: "Factory B" }, cost_sum: 500 },
      { factory: { name: "Factory C" }, cost_sum: 110 },
    ],
  );
});

Deno.test("GET hoists spread aggregates into a to-many JSON embed", async () => {
  const res = await get(
    "/supervisors?select=name,process_supervisor(...processes(...process_costs(cost_sum:cost.sum()),...process_categories(category:name)))&order=id",
  );
  assert.equal(res.status, 200);
  const sorted = (res.body as { name: string; process_supervisor: { category: string }[] }[]).map((s) => ({
    ...s,
    process_supervisor: s.process_supervisor.toSorted((a, b) => a.category.localeCompare(b.category)),
  }));
  assert.deepEqual(sorted, [
    { name: "Mary", process_supervisor: [{ category: "Batch", cost_sum: 220 }] },
    {
      name: "John",
      process_supervisor: [{ category: "Batch", cost_sum: 70 }, { category: "Mass", cost_sum: 200 }],
    },
    {
      name: "Peter",
      process_supervisor: [{ category: "Batch", cost_sum: 180 }, { category: "Mass", cost_sum: 110 }],
    },
    { name: "Sarah", process_supervisor: [{ category: "Batch", cost_sum: 180 }] },
    { name: "Jane", process_supervisor: [] },
  ]);
});

Deno.test("GET counts rows of to-one spreads with count()", async () => {
  const perSupervisor = (key: string, counts: number[], id = "supervisor_id") =>
    ok(counts.map((c, i) => ({ [id]: i + 1, [key]: c })));
  assert.deepEqual(
    await get("/process_supervisor?select=supervisor_id,...processes(count())&order=supervisor_id"),
    perSupervisor("count", [2, 2, 3, 1]),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=supervisor_id,...processes(processes_count:count())&order=supervisor_id",
    ),
    perSupervisor("processes_count", [2, 2, 3, 1]),
  );
  assert.deepEqual(
    await get("/process_supervisor?select=...supervisors(id,count())&order=supervisors(id)"),
    perSupervisor("count", [2, 2, 3, 1], "id"),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=...supervisors(supervisor:id,supervisor_count:count())&order=supervisors(supervisor)",
    ),
    perSupervisor("supervisor_count", [2, 2, 3, 1], "supervisor"),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=supervisor_id,...processes(...process_costs(count()))&order=supervisor_id",
    ),
    perSupervisor("count", [2, 2, 3, 1]),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=supervisor:supervisor_id,...processes(...process_costs(process_costs_count:count()))&order=supervisor_id",
    ),
    perSupervisor("process_costs_count", [2, 2, 3, 1], "supervisor"),
  );
});

Deno.test("GET counts nested to-one spreads grouped by spread columns", async () => {
  assert.deepEqual(
    await get(
      "/process_supervisor?select=...processes(factory_id,...process_costs(count()))&order=processes(factory_id)",
    ),
    ok([{ factory_id: 1, count: 2 }, { factory_id: 2, count: 4 }, { factory_id: 3, count: 2 }]),
  );
  assert.deepEqual(
    await get(
      "/process_supervisor?select=...processes(factory:factory_id,processes_count:count(),...process_costs(process_costs_count:count()))&order=processes(factory)",
    ),
    ok([
      { factory: 1, processes_count: 2, process_costs_count: 2 },
      { factory: 2, processes_count: 4, process_costs_count: 4 },
      { factory: 3, processes_count: 2, process_costs_count: 2 },
    ]),
  );
});

Deno.test("GET with an aggregate in a to-many spread is 400 PGRST127", async () => {
  const notImplemented = {
    status: 400,
    body: {
      code: "PGRST127",
      details: "Aggregates are not implemented for one-to-many or many-to-many spreads.",
      hint: null,
      message: "Feature not implemented",
    },
  };
  assert.deepEqual(await get("/factories?select=name,...factory_buildings(type,size.sum())"), notImplemented);
  assert.deepEqual(
    await get("/factories?select=name,...processes(...process_costs(cost.sum()))"),
    notImplemented,
  );
});

Deno.test("GET with aggregates disabled is 400 PGRST123, also in embeds and spreads", async () => {
  const disabled = await testApp({ dbSchemas: ["embed"] });
  try {
    const notAllowed = {
      status: 400,
      body: {
        code: "PGRST123",
        details: null,
        hint: null,
        message: "Use of aggregate functions is not allowed",
      },
    };
    for (
      const path of [
        "/projects?select=name,project_invoices(invoice_total.sum())",
        "/project_invoices?select=...projects(id.count())",
        "/factories?select=...processes(id.count())",
      ]
    ) {
      const s = await summary(await disabled.request(path));
      assert.deepEqual({ status: s.status, body: s.body }, notAllowed, path);
    }
    const spread = await summary(
      await disabled.request("/factories?select=factory:name,...processes(name)&id=eq.1"),
    );
    assert.deepEqual(spread.body, [{ factory: "Factory A", name: ["Process A1", "Process A2"] }]);
  } finally {
    await disabled.close();
  }
});
