/**
 * Resource embedding of every relationship kind (FEATURES EM-01..EM-05, EM-17, EM-23..EM-25,
 * EM-28): many-to-one, one-to-many, one-to-one, many-to-many (composite keys too), views (chains,
 * renamed columns, materialized), partitioned tables, empty embeds, embeds on RPC results, and the
 * JSON PostgreSQL builds for them. Ported from the embedding parts of PostgREST's `QuerySpec.hs`.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["embed"] });
Deno.test.afterAll(() => app.close());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const s = await summary(await app.request(path));
  return { status: s.status, body: s.body };
}

async function text(path: string): Promise<[number, string]> {
  const res = await app.request(path);
  return [res.status, await res.text()];
}

const ok = (body: unknown) => ({ status: 200, body });

// --- the JSON of embeds (EM-28) ------------------------------------------------------------------

Deno.test("GET builds to-one embeds with row_to_json and to-many with json_agg", async () => {
  assert.deepEqual(
    await text("/projects?id=eq.1&select=id, name, clients(*), tasks(id, name)"),
    [
      200,
      '[{"id":1,"name":"Windows 7","clients":{"id": 1, "name": "Microsoft"},"tasks":[{"id": 1, "name": "Design w7"}, {"id": 2, "name": "Code w7"}]}]',
    ],
  );
  assert.deepEqual(await text("/projects?id=in.(1,5)&select=id,clients(id),tasks(id)&id=eq.5"), [
    200,
    '[{"id":5,"clients":null,"tasks":[]}]',
  ]);
});

// --- many-to-one, one-to-many --------------------------------------------------------------------

Deno.test("GET embeds parents and children, renamed", async () => {
  assert.deepEqual(
    await get("/projects?select=name,client:clients(clientId:id,name)"),
    ok([
      { name: "Windows 7", client: { name: "Microsoft", clientId: 1 } },
      { name: "Windows 10", client: { name: "Microsoft", clientId: 1 } },
      { name: "IOS", client: { name: "Apple", clientId: 2 } },
      { name: "OSX", client: { name: "Apple", clientId: 2 } },
      { name: "Orphan", client: null },
    ]),
  );
  assert.deepEqual(
    await get(
      "/projects?id=eq.1&select=myId:id, name, project_client:clients(*), project_tasks:tasks(id, name)",
    ),
    ok([{
      myId: 1,
      name: "Windows 7",
      project_client: { id: 1, name: "Microsoft" },
      project_tasks: [{ id: 1, name: "Design w7" }, { id: 2, name: "Code w7" }],
    }]),
  );
});

Deno.test("GET embeds a parent by part of its composite key", async () => {
  const comment = { id: 1, commenter_id: 1, user_id: 2, task_id: 6, content: "Needs to be delivered ASAP" };
  assert.deepEqual(
    await get("/comments?select=*,users_tasks(userId:user_id)"),
    ok([{ ...comment, users_tasks: { userId: 2 } }]),
  );
  assert.deepEqual(
    await get("/comments?select=*,users_tasks(taskId:task_id)"),
    ok([{ ...comment, users_tasks: { taskId: 6 } }]),
  );
  assert.deepEqual(
    await get("/users_tasks?user_id=eq.2&task_id=eq.6&select=*, comments(content)"),
    ok([{ user_id: 2, task_id: 6, comments: [{ content: "Needs to be delivered ASAP" }] }]),
  );
});

Deno.test("GET keeps rows without a parent (null) and without children ([])", async () => {
  assert.deepEqual(
    await get("/projects?id=in.(1,5)&select=id,clients(id)"),
    ok([{ id: 1, clients: { id: 1 } }, { id: 5, clients: null }]),
  );
  assert.deepEqual(await get("/projects?id=in.(5)&select=id,tasks(id)"), ok([{ id: 5, tasks: [] }]));
  assert.deepEqual(
    await get("/clients?id=eq.1&select=id,projects(id,tasks(id))"),
    ok([{
      id: 1,
      projects: [{ id: 1, tasks: [{ id: 1 }, { id: 2 }] }, { id: 2, tasks: [{ id: 3 }, { id: 4 }] }],
    }]),
  );
});

// --- many-to-many --------------------------------------------------------------------------------

Deno.test("GET embeds many-to-many both ways", async () => {
  assert.deepEqual(
    await get("/tasks?select=id,users(id)"),
    ok([
      { id: 1, users: [{ id: 1 }, { id: 3 }] },
      { id: 2, users: [{ id: 1 }] },
      { id: 3, users: [{ id: 1 }] },
      { id: 4, users: [{ id: 1 }] },
      { id: 5, users: [{ id: 2 }, { id: 3 }] },
      { id: 6, users: [{ id: 2 }] },
      { id: 7, users: [{ id: 2 }] },
      { id: 8, users: [] },
    ]),
  );
  assert.deepEqual(
    await get("/tasks?id=eq.1&select=id,theUsers:users(id)"),
    ok([{ id: 1, theUsers: [{ id: 1 }, { id: 3 }] }]),
  );
  assert.deepEqual(
    await get("/users?select=id,tasks(id)"),
    ok([
      { id: 1, tasks: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] },
      { id: 2, tasks: [{ id: 5 }, { id: 6 }, { id: 7 }] },
      { id: 3, tasks: [{ id: 1 }, { id: 5 }] },
    ]),
  );
});

Deno.test("GET embeds many-to-many through a junction with composite foreign keys", async () => {
  assert.deepEqual(
    await get("/files?filename=eq.autoexec.bat&project_id=eq.1&select=filename,users_tasks(user_id,task_id)"),
    ok([{ filename: "autoexec.bat", users_tasks: [{ user_id: 1, task_id: 1 }, { user_id: 3, task_id: 1 }] }]),
  );
  const files = [
    { filename: "autoexec.bat", content: "@ECHO OFF" },
    { filename: "command.com", content: "#include <unix.h>" },
    { filename: "README.md", content: "# make $$$!" },
  ];
  const sorted = (r: { status: number; body: unknown }) => ({
    status: r.status,
    body: (r.body as { files: { filename: string }[] }[]).map((row) => ({
      ...row,
      files: row.files.toSorted((a, b) => a.filename.localeCompare(b.filename)),
    })),
  });
  assert.deepEqual(
    sorted(await get("/users_tasks?user_id=eq.1&task_id=eq.1&select=user_id,files(filename,content)")),
    ok([{ user_id: 1, files }]),
  );
  assert.deepEqual(
    sorted(
      await get(
        "/users_tasks?user_id=eq.1&task_id=eq.1&select=user_id,files!touched_files(filename,content)",
      ),
    ),
    ok([{ user_id: 1, files }]),
  );
});

Deno.test("GET does not invent many-to-many through tables that are not junctions", async () => {
  assert.deepEqual(await get("/plate?select=*,well(*)"), ok([]));
});

Deno.test("GET embeds a many-to-many whose key columns are named like their tables", async () => {
  assert.deepEqual(
    await get("/being?select=*,descendant(*)&limit=1"),
    ok([{
      being: 1,
      descendant: [{ descendant: 1, being: 1 }, { descendant: 2, being: 1 }, { descendant: 3, being: 1 }],
    }]),
  );
  assert.deepEqual(await get("/being?select=*,part(*)&limit=1"), ok([{ being: 1, part: [{ part: 1 }] }]));
});

// --- one-to-one ----------------------------------------------------------------------------------

Deno.test("GET embeds one-to-one both ways as objects (primary key as foreign key)", async () => {
  assert.deepEqual(
    await get("/students_info?select=address,students(name)"),
    ok([
      { address: "Street 1", students: { name: "John Doe" } },
      { address: "Street 2", students: { name: "Jane Doe" } },
    ]),
  );
  assert.deepEqual(
    await get("/students?select=name,students_info(address)"),
    ok([
      { name: "John Doe", students_info: { address: "Street 1" } },
      { name: "Jane Doe", students_info: { address: "Street 2" } },
    ]),
  );
});

Deno.test("GET embeds one-to-one by a unique foreign key, by table, column, constraint or hint", async () => {
  const countries = (key: string) =>
    ok([{ name: "Afghanistan", [key]: { name: "Kabul" } }, { name: "Algeria", [key]: { name: "Algiers" } }]);
  const capitals = (key: string) =>
    ok([{ name: "Kabul", [key]: { name: "Afghanistan" } }, { name: "Algiers", [key]: { name: "Algeria" } }]);
  assert.deepEqual(await get("/country?select=name,capital(name)"), countries("capital"));
  assert.deepEqual(await get("/capital?select=name,country(name)"), capitals("country"));
  assert.deepEqual(await get("/capital?select=name,country_id(name)"), capitals("country_id"));
  assert.deepEqual(
    await get("/capital?select=name,capital_country_id_fkey(name)"),
    capitals("capital_country_id_fkey"),
  );
  assert.deepEqual(
    await get("/country?select=name,capital_country_id_fkey(name)"),
    countries("capital_country_id_fkey"),
  );
  assert.deepEqual(await get("/country?select=name,id(name)"), countries("id"));
  assert.deepEqual(await get("/country?select=name,capital!id(name)"), countries("capital"));
  assert.deepEqual(await get("/country?select=name,capital!country_id(name)"), countries("capital"));
  assert.deepEqual(await get("/capital?select=name,country!id(name)"), capitals("country"));
  assert.deepEqual(await get("/capital?select=name,country!country_id(name)"), capitals("country"));
});

// --- partitioned tables (EM-24) --------------------------------------------------------------------

Deno.test("GET embeds between partitioned tables and tables", async () => {
  assert.deepEqual(
    await get("/car_models?name=in.(DeLorean,Murcielago)&select=name,year,car_brands(name)&order=name.asc"),
    ok([
      { name: "DeLorean", year: 1981, car_brands: { name: "DMC" } },
      { name: "Murcielago", year: 2001, car_brands: { name: "Lamborghini" } },
    ]),
  );
  assert.deepEqual(
    await get("/car_brands?select=name,car_models(name,year)&order=name.asc&car_models.order=name.asc"),
    ok([
      { name: "DMC", car_models: [{ name: "DeLorean", year: 1981 }] },
      { name: "Ferrari", car_models: [{ name: "F310-B", year: 1997 }] },
      {
        name: "Lamborghini",
        car_models: [{ name: "Murcielago", year: 2001 }, { name: "Veneno", year: 2013 }],
      },
    ]),
  );
  assert.deepEqual(
    await get("/car_models?name=in.(DeLorean,F310-B)&select=name,year,car_racers(name)&order=name.asc"),
    ok([
      { name: "DeLorean", year: 1981, car_racers: [] },
      { name: "F310-B", year: 1997, car_racers: [{ name: "Michael Schumacher" }] },
    ]),
  );
  assert.deepEqual(
    await get("/car_racers?select=name,car_models(name,year)&order=name.asc"),
    ok([
      { name: "Alain Prost", car_models: null },
      { name: "Michael Schumacher", car_models: { name: "F310-B", year: 1997 } },
    ]),
  );
});

Deno.test("GET embeds between two partitioned tables and many-to-many through a partitioned junction", async () => {
  assert.deepEqual(
    await get(
      "/car_models?name=in.(DeLorean,Murcielago,Veneno)&select=name,year,car_model_sales(date,quantity)&order=name.asc&car_model_sales.order=date",
    ),
    ok([
      {
        name: "DeLorean",
        year: 1981,
        car_model_sales: [{ date: "2021-01-14", quantity: 7 }, { date: "2021-01-15", quantity: 9 }],
      },
      {
        name: "Murcielago",
        year: 2001,
        car_model_sales: [{ date: "2021-02-11", quantity: 1 }, { date: "2021-02-12", quantity: 3 }],
      },
      { name: "Veneno", year: 2013, car_model_sales: [] },
    ]),
  );
  assert.deepEqual(
    await get(
      "/car_model_sales?date=in.(2021-01-15,2021-02-11)&select=date,quantity,car_models(name,year)&order=date.asc",
    ),
    ok([
      { date: "2021-01-15", quantity: 9, car_models: { name: "DeLorean", year: 1981 } },
      { date: "2021-02-11", quantity: 1, car_models: { name: "Murcielago", year: 2001 } },
    ]),
  );
  assert.deepEqual(
    await get("/car_models?select=name,year,car_dealers(name,city)&order=name.asc&limit=4"),
    ok([
      { name: "DeLorean", year: 1981, car_dealers: [{ name: "Springfield Cars S.A.", city: "Springfield" }] },
      { name: "F310-B", year: 1997, car_dealers: [] },
      { name: "Murcielago", year: 2001, car_dealers: [{ name: "The Best Deals S.A.", city: "Franklin" }] },
      { name: "Veneno", year: 2013, car_dealers: [] },
    ]),
  );
});

Deno.test("GET does not embed partitions, with a fuzzy hint to the partitioned table", async () => {
  const noRel = (parent: string, child: string, hint: string) => ({
    status: 400,
    body: {
      code: "PGRST200",
      details:
        `Searched for a foreign key relationship between '${parent}' and '${child}' in the schema 'embed', but no matches were found.`,
      hint,
      message: `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
    },
  });
  assert.deepEqual(
    await get("/car_models?id=in.(1,2,4)&select=id,name,car_model_sales_202101(id)&order=id.asc"),
    noRel(
      "car_models",
      "car_model_sales_202101",
      "Perhaps you meant 'car_model_sales' instead of 'car_model_sales_202101'.",
    ),
  );
  assert.deepEqual(
    await get("/car_model_sales?id=in.(1,3,4)&select=id,name,car_models_default(id,name)&order=id.asc"),
    noRel(
      "car_model_sales",
      "car_models_default",
      "Perhaps you meant 'car_models' instead of 'car_models_default'.",
    ),
  );
});

Deno.test("GET with an unknown root table is 404 before relationships are searched", async () => {
  const s = await get("/car_models_default?select=id,name,car_model_sales(id,name)&order=id.asc");
  assert.equal(s.status, 404);
  assert.equal((s.body as { code: string }).code, "PGRST205");
});

Deno.test("GET suggests a close parent when the parent has no relationships", async () => {
  assert.deepEqual(await get("/screenz?select=*,labels(*)"), {
    status: 400,
    body: {
      code: "PGRST200",
      details:
        "Searched for a foreign key relationship between 'screenz' and 'labels' in the schema 'embed', but no matches were found.",
      hint: "Perhaps you meant 'screens' instead of 'screenz'.",
      message: "Could not find a relationship between 'screenz' and 'labels' in the schema cache",
    },
  });
});
