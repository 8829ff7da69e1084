/**
 * Spread embeds over many-to-many relationships (FEATURES EM-20, EM-21): each column becomes a
 * JSON array ordered by `rel.order`, and empty spreads. Ported from PostgREST's
 * `SpreadQueriesSpec.hs` on the `embed` schema of `tests/fixtures/40_embedding.sql`.
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

// --- to-many spreads: many-to-many --------------------------------------------------------------

const factories = (f: (name: string) => Record<string, unknown>) =>
  ["Factory A", "Factory B", "Factory C", "Factory D"].map((n) => ({ factory: n, ...f(n) }));

const OPERATORS = ["Alfred", "Anne", "Jeff", "Liz", "Louis"];
const OPERATOR_PROCESSES: Record<string, string[]> = {
  Alfred: ["Process C2", "Process XX"],
  Anne: ["Process A1", "Process A2", "Process B2"],
  Jeff: ["Process A2", "Process B1", "Process B2", "Process C2"],
  Liz: [],
  Louis: ["Process A1", "Process A2"],
};
const operators = (f: (name: string) => Record<string, unknown>) =>
  OPERATORS.map((n) => ({ operator: n, ...f(n) }));

Deno.test("GET spreads a many-to-many embed's columns as JSON arrays", async () => {
  assert.deepEqual(
    await get("/operators?select=operator:name,...processes(name)&order=name&processes.order=name"),
    ok(operators((n) => ({ name: OPERATOR_PROCESSES[n] }))),
  );
  assert.deepEqual(
    await get(
      "/operators?select=operator:name,...processes(processes:name,categories:category_id)&order=name&processes.order=name",
    ),
    ok(operators((n) => ({
      processes: OPERATOR_PROCESSES[n],
      categories: { Alfred: [2, 2], Anne: [1, 2, 1], Jeff: [2, 1, 1, 2], Liz: [], Louis: [1, 2] }[n],
    }))),
  );
  assert.deepEqual(
    await get("/operators?select=operator:name,...processes(processes:name)&processes=is.null"),
    ok([{ operator: "Liz", processes: [] }]),
  );
  assert.deepEqual(
    await get(
      "/operators?select=name,...processes(process:name,...process_costs(cost)))&id=eq.5&processes.id=eq.7",
    ),
    ok([{ name: "Alfred", process: ["Process XX"], cost: [null] }]),
  );
});

Deno.test("GET spreads nested embeds inside a many-to-many spread", async () => {
  assert.deepEqual(
    await get(
      "/operators?select=operator:name,...processes(process:name,...supervisors(supervisors:name))&order=name&processes.order=name",
    ),
    ok(operators((n) => ({
      process: OPERATOR_PROCESSES[n],
      supervisors: {
        Alfred: [["Peter"], []],
        Anne: [["Mary"], ["John"], ["Mary", "John"]],
        Jeff: [["John"], ["Peter", "Sarah"], ["Mary", "John"], ["Peter"]],
        Liz: [],
        Louis: [["Mary"], ["John"]],
      }[n],
    }))),
  );
  assert.deepEqual(
    await get(
      "/operators?select=operator:name,...processes(process:name,process_costs(cost))&order=name&processes.order=name",
    ),
    ok(operators((n) => ({
      process: OPERATOR_PROCESSES[n],
      process_costs: {
        Alfred: [{ cost: 70 }, null],
        Anne: [{ cost: 150 }, { cost: 200 }, { cost: 70 }],
        Jeff: [{ cost: 200 }, { cost: 180 }, { cost: 70 }, { cost: 70 }],
        Liz: [],
        Louis: [{ cost: 150 }, { cost: 200 }],
      }[n],
    }))),
  );
});

Deno.test("GET filters, joins and orders a many-to-many spread", async () => {
  assert.deepEqual(
    await get(
      "/supervisors?select=supervisor:name,...processes(*)&processes.name=not.like.*1&order=name&processes.order=name",
    ),
    ok([
      { supervisor: "Jane", id: [], name: [], factory_id: [], category_id: [] },
      {
        supervisor: "John",
        id: [2, 4],
        name: ["Process A2", "Process B2"],
        factory_id: [1, 2],
        category_id: [2, 1],
      },
      { supervisor: "Mary", id: [4], name: ["Process B2"], factory_id: [2], category_id: [1] },
      { supervisor: "Peter", id: [6], name: ["Process C2"], factory_id: [3], category_id: [2] },
      { supervisor: "Sarah", id: [], name: [], factory_id: [], category_id: [] },
    ]),
  );
  const inner = ok([
    { supervisor: "John", name: ["Process A2", "Process B2"] },
    { supervisor: "Mary", name: ["Process A1", "Process B2"] },
    { supervisor: "Peter", name: ["Process B1", "Process C1", "Process C2"] },
    { supervisor: "Sarah", name: ["Process B1"] },
  ]);
  assert.deepEqual(
    await get("/supervisors?select=supervisor:name,...processes!inner(name)&order=name&processes.order=name"),
    inner,
  );
  assert.deepEqual(
    await get(
      "/supervisors?select=supervisor:name,...processes(name)&processes=not.is.null&order=name&processes.order=name",
    ),
    inner,
  );
  assert.deepEqual(
    await get(
      "/supervisors?select=supervisor:name,...processes(name,...process_costs(cost))&processes.order=process_costs(cost)&order=name",
    ),
    ok([
      { supervisor: "Jane", name: [], cost: [] },
      { supervisor: "John", name: ["Process B2", "Process A2"], cost: [70, 200] },
      { supervisor: "Mary", name: ["Process B2", "Process A1"], cost: [70, 150] },
      { supervisor: "Peter", name: ["Process C1", "Process C2", "Process B1"], cost: [40, 70, 180] },
      { supervisor: "Sarah", name: ["Process B1"], cost: [180] },
    ]),
  );
});

Deno.test("GET orders a many-to-many spread by JSON paths with nulls first", async () => {
  assert.deepEqual(
    await get(
      "/processes?select=process:name,...operators(*)&operators.order=status->afk.asc.nullsfirst,status->id.desc&order=name",
    ),
    ok([
      {
        process: "Process A1",
        id: [2, 1],
        name: ["Louis", "Anne"],
        status: [{ id: "012345" }, { id: "543210", afk: true }],
      },
      {
        process: "Process A2",
        id: [2, 3, 1],
        name: ["Louis", "Jeff", "Anne"],
        status: [{ id: "012345" }, { id: "666666", afk: true }, { id: "543210", afk: true }],
      },
      { process: "Process B1", id: [3], name: ["Jeff"], status: [{ id: "666666", afk: true }] },
      {
        process: "Process B2",
        id: [3, 1],
        name: ["Jeff", "Anne"],
        status: [{ id: "666666", afk: true }, { id: "543210", afk: true }],
      },
      { process: "Process C1", id: [], name: [], status: [] },
      {
        process: "Process C2",
        id: [5, 3],
        name: ["Alfred", "Jeff"],
        status: [{ id: "000000" }, { id: "666666", afk: true }],
      },
      { process: "Process XX", id: [5], name: ["Alfred"], status: [{ id: "000000" }] },
      { process: "Process YY", id: [], name: [], status: [] },
    ]),
  );
});

// --- empty spreads --------------------------------------------------------------------------------

Deno.test("GET with empty spreads answers like empty embeds", async () => {
  assert.deepEqual(
    await get("/actors?select=*,...films()"),
    ok([{ id: 1, name: "john" }, { id: 2, name: "mary" }]),
  );
  assert.deepEqual(
    await get("/grandchild_entities?select=name,...child_entities(parent_name:name,...entities())"),
    ok([
      { name: "grandchild entity 1", parent_name: "child entity 1" },
      { name: "grandchild entity 2", parent_name: "child entity 1" },
      { name: "grandchild entity 3", parent_name: "child entity 2" },
      { name: "(grandchild,entity,4)", parent_name: "child entity 2" },
      { name: "(grandchild,entity,5)", parent_name: "child entity 2" },
    ]),
  );
  assert.deepEqual(
    await get("/factories?select=factory:name,...processes()"),
    ok(factories(() => ({}))),
  );
});

Deno.test("GET disambiguates a spread by a hint and joins it with !inner", async () => {
  assert.deepEqual(
    await get("/projects?select=id,...clients!client!inner(client:name)&id=lt.3"),
    ok([{ id: 1, client: "Microsoft" }, { id: 2, client: "Microsoft" }]),
  );
});
