/**
 * Spread embeds (FEATURES EM-19..EM-21): `...rel(cols)` lifts a to-one embed's columns into its
 * parent and turns a to-many embed's columns into JSON arrays (ordered by `rel.order`). Ported from
 * PostgREST's `SpreadQueriesSpec.hs` on the `embed` schema of `tests/fixtures/40_embedding.sql`.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["embed"] });
Deno.test.afterAll(() => app.close());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const s = await summary(await app.request(path));
  return { status: s.status, body: s.body };
}

const ok = (body: unknown) => ({ status: 200, body });

// --- to-one spreads ------------------------------------------------------------------------------

Deno.test("GET spreads a many-to-one embed into its parent", async () => {
  assert.deepEqual(
    await get("/projects?select=id,...clients(client_name:name)"),
    ok([
      { id: 1, client_name: "Microsoft" },
      { id: 2, client_name: "Microsoft" },
      { id: 3, client_name: "Apple" },
      { id: 4, client_name: "Apple" },
      { id: 5, client_name: null },
    ]),
  );
  assert.deepEqual(
    await get(
      "/grandchild_entities?select=name,...child_entities(parent_name:name,...entities(grandparent_name:name))&limit=3",
    ),
    ok([
      { name: "grandchild entity 1", parent_name: "child entity 1", grandparent_name: "entity 1" },
      { name: "grandchild entity 2", parent_name: "child entity 1", grandparent_name: "entity 1" },
      { name: "grandchild entity 3", parent_name: "child entity 2", grandparent_name: "entity 1" },
    ]),
  );
  assert.deepEqual(
    await get("/videogames?select=name,...computed_designers(designer_name:name)"),
    ok([
      { name: "Civilization I", designer_name: "Sid Meier" },
      { name: "Civilization II", designer_name: "Sid Meier" },
      { name: "Final Fantasy I", designer_name: "Hironobu Sakaguchi" },
      { name: "Final Fantasy II", designer_name: "Hironobu Sakaguchi" },
    ]),
  );
});

Deno.test("GET spreads inside a regular embed", async () => {
  assert.deepEqual(
    await get(
      "/grandchild_entities?select=name,child_entity:child_entities(name,...entities(parent_name:name))&limit=1",
    ),
    ok([{ name: "grandchild entity 1", child_entity: { name: "child entity 1", parent_name: "entity 1" } }]),
  );
});

Deno.test("GET spreads a one-to-one embed", async () => {
  assert.deepEqual(
    await get("/country?select=name,...capital(capital:name)"),
    ok([{ name: "Afghanistan", capital: "Kabul" }, { name: "Algeria", capital: "Algiers" }]),
  );
});

Deno.test("GET spreads the target of a junction, with or without the junction's columns", async () => {
  const tasks = [
    { id: 1, name: "Design w7", project_id: 1 },
    { id: 2, name: "Code w7", project_id: 1 },
    { id: 3, name: "Design w10", project_id: 2 },
    { id: 4, name: "Code w10", project_id: 2 },
  ];
  assert.deepEqual(
    await get("/users?select=*,tasks:users_tasks(*,...tasks(*))&limit=1"),
    ok([{ id: 1, name: "Angela Martin", tasks: tasks.map((t) => ({ user_id: 1, task_id: t.id, ...t })) }]),
  );
  assert.deepEqual(
    await get("/users?select=*,tasks:users_tasks(...tasks(*))&limit=1"),
    ok([{ id: 1, name: "Angela Martin", tasks }]),
  );
});

Deno.test("GET puts the spread columns after the parent's own columns", async () => {
  const res = await app.request("/projects?select=id,...clients(client_name:name),name&id=eq.1");
  assert.equal(await res.text(), '[{"id":1,"name":"Windows 7","client_name":"Microsoft"}]');
});

// --- to-many spreads: one-to-many ------------------------------------------------------------------

const factories = (f: (name: string) => Record<string, unknown>) =>
  ["Factory A", "Factory B", "Factory C", "Factory D"].map((n) => ({ factory: n, ...f(n) }));

const PROCESSES: Record<string, string[]> = {
  "Factory A": ["Process A1", "Process A2"],
  "Factory B": ["Process B1", "Process B2"],
  "Factory C": ["Process C1", "Process C2", "Process XX", "Process YY"],
  "Factory D": [],
};

Deno.test("GET spreads a one-to-many embed's column as a JSON array", async () => {
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes(name)&order=name"),
    ok(factories((n) => ({ name: PROCESSES[n] }))),
  );
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes(processes:name)&order=name"),
    ok(factories((n) => ({ processes: PROCESSES[n] }))),
  );
});

Deno.test("GET spreads several one-to-many columns as JSON arrays", async () => {
  const categories: Record<string, number[]> = {
    "Factory A": [1, 2],
    "Factory B": [1, 1],
    "Factory C": [2, 2, 2, 2],
    "Factory D": [],
  };
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes(name,category_id)&order=name"),
    ok(factories((n) => ({ name: PROCESSES[n], category_id: categories[n] }))),
  );
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(processes:name,categories:category_id)&order=name",
    ),
    ok(factories((n) => ({ processes: PROCESSES[n], categories: categories[n] }))),
  );
});

Deno.test("GET spreads [] for no rows and [null] for a null value", async () => {
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes(processes:name)&processes=is.null"),
    ok([{ factory: "Factory D", processes: [] }]),
  );
  assert.deepEqual(
    await get("/managers?select=name,...organizations(organizations:name,referees:referee)&id=eq.1"),
    ok([{ name: "Referee Manager", organizations: ["Referee Org"], referees: [null] }]),
  );
});

Deno.test("GET spreads every column of a one-to-many embed", async () => {
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes(*)&order=name"),
    ok([
      {
        factory: "Factory A",
        id: [1, 2],
        name: ["Process A1", "Process A2"],
        factory_id: [1, 1],
        category_id: [1, 2],
      },
      {
        factory: "Factory B",
        id: [3, 4],
        name: ["Process B1", "Process B2"],
        factory_id: [2, 2],
        category_id: [1, 1],
      },
      {
        factory: "Factory C",
        id: [5, 6, 7, 8],
        name: PROCESSES["Factory C"],
        factory_id: [3, 3, 3, 3],
        category_id: [2, 2, 2, 2],
      },
      { factory: "Factory D", id: [], name: [], factory_id: [], category_id: [] },
    ]),
  );
});

Deno.test("GET spreads nested to-one and to-many embeds inside a one-to-many spread", async () => {
  const base = "/factories?select=factory:name,...processes(process:name,";
  const tail = ")&order=name&processes.order=name";
  assert.deepEqual(
    await get(`${base}...process_costs(process_costs:cost)${tail}`),
    ok(factories((n) => ({
      process: PROCESSES[n],
      process_costs:
        { "Factory A": [150, 200], "Factory B": [180, 70], "Factory C": [40, 70, null, 40] }[n] ?? [],
    }))),
  );
  assert.deepEqual(
    await get(`${base}...process_categories(categories:name)${tail}`),
    ok(factories((n) => ({
      process: PROCESSES[n],
      categories: {
        "Factory A": ["Batch", "Mass"],
        "Factory B": ["Batch", "Batch"],
        "Factory C": ["Mass", "Mass", "Mass", "Mass"],
      }[n] ?? [],
    }))),
  );
  assert.deepEqual(
    await get(`${base}...process_supervisor(supervisor_ids:supervisor_id)${tail}`),
    ok(factories((n) => ({
      process: PROCESSES[n],
      supervisor_ids:
        { "Factory A": [[1], [2]], "Factory B": [[3, 4], [1, 2]], "Factory C": [[3], [3], [], []] }[n] ??
          [],
    }))),
  );
  assert.deepEqual(
    await get(`${base}...supervisors(supervisors:name)${tail}&processes.supervisors.order=name`),
    ok(factories((n) => ({
      process: PROCESSES[n],
      supervisors: {
        "Factory A": [["Mary"], ["John"]],
        "Factory B": [["Peter", "Sarah"], ["John", "Mary"]],
        "Factory C": [["Peter"], ["Peter"], [], []],
      }[n] ?? [],
    }))),
  );
});

Deno.test("GET shows non-spread embeds inside a one-to-many spread as arrays", async () => {
  const base = "/factories?select=factory:name,...processes(process:name,";
  const tail = ")&order=name&processes.order=name";
  assert.deepEqual(
    await get(`${base}process_costs(cost)${tail}`),
    ok(factories((n) => ({
      process: PROCESSES[n],
      process_costs: {
        "Factory A": [{ cost: 150 }, { cost: 200 }],
        "Factory B": [{ cost: 180 }, { cost: 70 }],
        "Factory C": [{ cost: 40 }, { cost: 70 }, null, { cost: 40 }],
      }[n] ?? [],
    }))),
  );
  assert.deepEqual(
    await get(
      `${base}process_supervisor(supervisor_id)${tail}&processes.process_supervisor.order=supervisor_id`,
    ),
    ok(factories((n) => ({
      process: PROCESSES[n],
      process_supervisor: {
        "Factory A": [[{ supervisor_id: 1 }], [{ supervisor_id: 2 }]],
        "Factory B": [[{ supervisor_id: 3 }, { supervisor_id: 4 }], [{ supervisor_id: 1 }, {
          supervisor_id: 2,
        }]],
        "Factory C": [[{ supervisor_id: 3 }], [{ supervisor_id: 3 }], [], []],
      }[n] ?? [],
    }))),
  );
});

Deno.test("GET spreads every column of a nested to-one spread", async () => {
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(*,...process_costs(*))&order=name&processes.order=name",
    ),
    ok([
      {
        factory: "Factory A",
        id: [1, 2],
        name: ["Process A1", "Process A2"],
        factory_id: [1, 1],
        category_id: [1, 2],
        process_id: [1, 2],
        cost: [150, 200],
      },
      {
        factory: "Factory B",
        id: [3, 4],
        name: ["Process B1", "Process B2"],
        factory_id: [2, 2],
        category_id: [1, 1],
        process_id: [3, 4],
        cost: [180, 70],
      },
      {
        factory: "Factory C",
        id: [5, 6, 7, 8],
        name: PROCESSES["Factory C"],
        factory_id: [3, 3, 3, 3],
        category_id: [2, 2, 2, 2],
        process_id: [5, 6, null, 8],
        cost: [40, 70, null, 40],
      },
      { factory: "Factory D", id: [], name: [], factory_id: [], category_id: [], process_id: [], cost: [] },
    ]),
  );
});

Deno.test("GET filters a one-to-many spread and filters by it", async () => {
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(*)&processes.name=not.like.*1&order=name&processes.order=name",
    ),
    ok([
      { factory: "Factory A", id: [2], name: ["Process A2"], factory_id: [1], category_id: [2] },
      { factory: "Factory B", id: [4], name: ["Process B2"], factory_id: [2], category_id: [1] },
      {
        factory: "Factory C",
        id: [6, 7, 8],
        name: ["Process C2", "Process XX", "Process YY"],
        factory_id: [3, 3, 3],
        category_id: [2, 2, 2],
      },
      { factory: "Factory D", id: [], name: [], factory_id: [], category_id: [] },
    ]),
  );
  const withProcesses = ok(
    factories((n) => ({ name: PROCESSES[n] })).filter((f) => f.factory !== "Factory D"),
  );
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes!inner(name)&order=name&processes.order=name"),
    withProcesses,
  );
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(name)&processes=not.is.null&order=name&processes.order=name",
    ),
    withProcesses,
  );
});

Deno.test("GET orders every array of a one-to-many spread by the spread's order", async () => {
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(*)&processes.order=category_id.asc,name.desc&order=name",
    ),
    ok([
      {
        factory: "Factory A",
        id: [1, 2],
        name: ["Process A1", "Process A2"],
        factory_id: [1, 1],
        category_id: [1, 2],
      },
      {
        factory: "Factory B",
        id: [4, 3],
        name: ["Process B2", "Process B1"],
        factory_id: [2, 2],
        category_id: [1, 1],
      },
      {
        factory: "Factory C",
        id: [8, 7, 6, 5],
        name: ["Process YY", "Process XX", "Process C2", "Process C1"],
        factory_id: [3, 3, 3, 3],
        category_id: [2, 2, 2, 2],
      },
      { factory: "Factory D", id: [], name: [], factory_id: [], category_id: [] },
    ]),
  );
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(name)&processes.order=category_id.asc,name.desc&order=name",
    ),
    ok([
      { factory: "Factory A", name: ["Process A1", "Process A2"] },
      { factory: "Factory B", name: ["Process B2", "Process B1"] },
      { factory: "Factory C", name: ["Process YY", "Process XX", "Process C2", "Process C1"] },
      { factory: "Factory D", name: [] },
    ]),
  );
});

Deno.test("GET orders a one-to-many spread by JSON paths", async () => {
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...factory_buildings(*)&factory_buildings.order=inspections->pending.asc.nullsfirst,inspections->ins.desc&order=name",
    ),
    ok([
      {
        factory: "Factory A",
        id: [2, 1],
        code: ["A002", "A001"],
        size: [200, 150],
        type: ["A", "A"],
        factory_id: [1, 1],
        inspections: [{ ins: "2025A", pending: true }, { ins: "2024C", pending: true }],
      },
      {
        factory: "Factory B",
        id: [4, 3],
        code: ["B002", "B001"],
        size: [120, 50],
        type: ["C", "B"],
        factory_id: [2, 2],
        inspections: [{ ins: "2023A" }, { ins: "2025A", pending: true }],
      },
      {
        factory: "Factory C",
        id: [5],
        code: ["C001"],
        size: [240],
        type: ["B"],
        factory_id: [3],
        inspections: [{ ins: "2022B" }],
      },
      {
        factory: "Factory D",
        id: [6],
        code: ["D001"],
        size: [310],
        type: ["A"],
        factory_id: [4],
        inspections: [{ ins: "2024C", pending: true }],
      },
    ]),
  );
});

Deno.test("GET orders a one-to-many spread by a column of its to-one spread", async () => {
  assert.deepEqual(
    await get(
      "/factories?select=factory:name,...processes(name,...process_costs(cost))&processes.order=process_costs(cost)&order=name",
    ),
    ok([
      { factory: "Factory A", name: ["Process A1", "Process A2"], cost: [150, 200] },
      { factory: "Factory B", name: ["Process B2", "Process B1"], cost: [70, 180] },
      {
        factory: "Factory C",
        name: ["Process C1", "Process YY", "Process C2", "Process XX"],
        cost: [40, 40, 70, null],
      },
      { factory: "Factory D", name: [], cost: [] },
    ]),
  );
});
