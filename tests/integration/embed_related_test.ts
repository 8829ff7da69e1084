/**
 * Queries across embeds (FEATURES EM-13..EM-18): related orders on to-one embeds (PGRST118),
 * `rel=is.null`/`rel=not.is.null` filters (also inside `or`), embedded filters/orders/ranges and
 * the PGRST108 errors for resources that are not embedded. Ported from PostgREST's
 * `RelatedQueriesSpec.hs` and the embedding parts of `QuerySpec.hs`.
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

function error(status: number, code: string, message: string, details: unknown, hint: unknown) {
  return { status, body: { code, details, hint, message } };
}

// --- related orders --------------------------------------------------------------------------------

Deno.test("GET orders by a column of a many-to-one embed, by name or alias", async () => {
  assert.deepEqual(
    await get("/projects?select=id,clients(name)&order=clients(name).nullsfirst"),
    ok([
      { id: 5, clients: null },
      { id: 3, clients: { name: "Apple" } },
      { id: 4, clients: { name: "Apple" } },
      { id: 1, clients: { name: "Microsoft" } },
      { id: 2, clients: { name: "Microsoft" } },
    ]),
  );
  assert.deepEqual(
    await get("/projects?select=id,client:clients(name)&order=client(name).asc"),
    ok([
      { id: 3, client: { name: "Apple" } },
      { id: 4, client: { name: "Apple" } },
      { id: 1, client: { name: "Microsoft" } },
      { id: 2, client: { name: "Microsoft" } },
      { id: 5, client: null },
    ]),
  );
});

Deno.test("GET orders by a column of a to-one computed relationship", async () => {
  assert.deepEqual(
    await get("/videogames?select=id,computed_designers(id)&order=computed_designers(id).desc"),
    ok([
      { id: 3, computed_designers: { id: 2 } },
      { id: 4, computed_designers: { id: 2 } },
      { id: 1, computed_designers: { id: 1 } },
      { id: 2, computed_designers: { id: 1 } },
    ]),
  );
});

Deno.test("GET orders by a JSON path of a one-to-one embed", async () => {
  assert.deepEqual(
    await get("/trash?select=id,trash_details(id,jsonb_col)&order=trash_details(jsonb_col->key).asc"),
    ok([
      { id: 2, trash_details: { id: 2, jsonb_col: { key: 6 } } },
      { id: 3, trash_details: { id: 3, jsonb_col: { key: 8 } } },
      { id: 1, trash_details: { id: 1, jsonb_col: { key: 10 } } },
    ]),
  );
  assert.deepEqual(
    await get("/trash?select=id,trash_details(id,jsonb_col)&order=trash_details(jsonb_col->key).desc"),
    ok([
      { id: 1, trash_details: { id: 1, jsonb_col: { key: 10 } } },
      { id: 3, trash_details: { id: 3, jsonb_col: { key: 8 } } },
      { id: 2, trash_details: { id: 2, jsonb_col: { key: 6 } } },
    ]),
  );
});

Deno.test("GET orders an embed by a related column of its own embed", async () => {
  const task = (id: number, name: string, p: number) => ({
    id,
    name,
    projects: { id: p, name: p === 1 ? "Windows 7" : "Windows 10" },
  });
  assert.deepEqual(
    await get("/users?select=name,tasks(id,name,projects(id,name))&tasks.order=projects(id).desc&limit=1"),
    ok([{
      name: "Angela Martin",
      tasks: [
        task(3, "Design w10", 2),
        task(4, "Code w10", 2),
        task(1, "Design w7", 1),
        task(2, "Code w7", 1),
      ],
    }]),
  );
  assert.deepEqual(
    await get(
      "/users?select=name,tasks(id,name,projects(id,name))&tasks.order=projects(id).desc,name&limit=1",
    ),
    ok([{
      name: "Angela Martin",
      tasks: [
        task(4, "Code w10", 2),
        task(3, "Design w10", 2),
        task(2, "Code w7", 1),
        task(1, "Design w7", 1),
      ],
    }]),
  );
  assert.deepEqual(
    await get("/users?select=name,tasks(id,name,projects(id,name))&tasks.order=projects(id).asc&limit=1"),
    ok([{
      name: "Angela Martin",
      tasks: [
        task(1, "Design w7", 1),
        task(2, "Code w7", 1),
        task(3, "Design w10", 2),
        task(4, "Code w10", 2),
      ],
    }]),
  );
});

Deno.test("GET ordering by a to-many embed is 400 PGRST118", async () => {
  const notToOne = (origin: string, target: string) =>
    error(
      400,
      "PGRST118",
      `A related order on '${target}' is not possible`,
      `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
      null,
    );
  assert.deepEqual(
    await get("/clients?select=*,projects(*)&order=projects(id)"),
    notToOne("clients", "projects"),
  );
  assert.deepEqual(
    await get("/clients?select=*,pros:projects(*)&order=pros(id)"),
    notToOne("clients", "pros"),
  );
  assert.deepEqual(
    await get("/designers?select=id,computed_videogames(id)&order=computed_videogames(id).desc"),
    notToOne("designers", "computed_videogames"),
  );
});

const notEmbedded = (name: string) =>
  error(
    400,
    "PGRST108",
    `'${name}' is not an embedded resource in this request`,
    null,
    `Verify that '${name}' is included in the 'select' query parameter.`,
  );

Deno.test("GET ordering by a resource that is not embedded is 400 PGRST108", async () => {
  assert.deepEqual(
    await get("/projects?select=id,clients(name)&order=clientsx(name).nullsfirst"),
    notEmbedded("clientsx"),
  );
});

// --- null filters on embeds ------------------------------------------------------------------------

Deno.test("GET filters by a many-to-one embed being null or not", async () => {
  assert.deepEqual(
    await get("/projects?select=name,clients()&clients=not.is.null"),
    ok([{ name: "Windows 7" }, { name: "Windows 10" }, { name: "IOS" }, { name: "OSX" }]),
  );
  assert.deepEqual(await get("/projects?select=name,clients()&clients=is.null"), ok([{ name: "Orphan" }]));
  assert.deepEqual(
    await get("/projects?select=name,computed_clients()&computed_clients=is.null"),
    ok([{ name: "Orphan" }]),
  );
});

Deno.test("GET filters by a one-to-many embed being null or not, also by its alias", async () => {
  assert.deepEqual(
    await get("/entities?select=name,child_entities()&child_entities=not.is.null"),
    ok([{ name: "entity 1" }, { name: "entity 2" }]),
  );
  assert.deepEqual(
    await get("/entities?select=name,child_entities()&child_entities=is.null"),
    ok([{ name: "entity 3" }, { name: null }]),
  );
  assert.deepEqual(
    await get("/entities?select=name,childs:child_entities()&childs=is.null"),
    ok([{ name: "entity 3" }, { name: null }]),
  );
});

Deno.test("GET filters by a filtered many-to-many embed being null or not", async () => {
  assert.deepEqual(
    await get("/users?select=name,tasks()&tasks.id=eq.1&tasks=not.is.null"),
    ok([{ name: "Angela Martin" }, { name: "Dwight Schrute" }]),
  );
  assert.deepEqual(
    await get("/users?select=name,tasks()&tasks.id=eq.1&tasks=is.null"),
    ok([{ name: "Michael Scott" }]),
  );
});

Deno.test("GET filters by null embeds at two levels", async () => {
  assert.deepEqual(
    await get(
      "/entities?select=name,child_entities(name,grandchild_entities())&child_entities.grandchild_entities=not.is.null&child_entities=not.is.null",
    ),
    ok([{ name: "entity 1", child_entities: [{ name: "child entity 1" }, { name: "child entity 2" }] }]),
  );
});

const orAcrossEmbeds =
  "/client?select=*,clientinfo(),contact()&clientinfo.other=ilike.*main*&contact.name=ilike.*tabby*&or=(clientinfo.not.is.null,contact.not.is.null)";

Deno.test("GET ORs null filters across two embeds", async () => {
  assert.deepEqual(await get(orAcrossEmbeds), ok([{ id: 1, name: "Walmart" }, { id: 2, name: "Target" }]));
});

Deno.test("GET does not treat a filter on a column as a filter on the embed it names", async () => {
  assert.deepEqual(
    await get("/projects?select=name,client_id,client:client_id(name)&client_id=eq.2"),
    ok([
      { name: "IOS", client_id: 2, client: { name: "Apple" } },
      { name: "OSX", client_id: 2, client: { name: "Apple" } },
    ]),
  );
  assert.deepEqual(
    await get("/user_friend?select=*,user1(*)&user1=eq.a02fb934-3a4d-469b-a6b6-4fcd88b973cf"),
    ok([]),
  );
  assert.deepEqual(await get("/tournaments?select=*,status(*)&status=eq.3"), ok([]));
});

Deno.test("GET not.is.null on an embed checks the whole row with IS DISTINCT FROM NULL", async () => {
  assert.deepEqual(
    await get("/table_b?select=name,table_a(name)&table_a=not.is.null"),
    ok([{ name: "Test 1", table_a: { name: "Not null 1" } }, { name: "Test 2", table_a: { name: null } }]),
  );
  assert.deepEqual(await get("/table_b?select=name,table_a()&table_a=is.null"), ok([{ name: "Test 3" }]));
});

Deno.test("GET counts exactly with null filters on embeds", async () => {
  const count = async (path: string) => {
    const s = await summary(await app.request(path, { headers: { Prefer: "count=exact" } }), [
      "content-range",
    ]);
    return [s.status, s["content-range"], s.body];
  };
  assert.deepEqual(await count("/projects?select=name,clients(name)&clients=not.is.null"), [200, "0-3/4", [
    { name: "Windows 7", clients: { name: "Microsoft" } },
    { name: "Windows 10", clients: { name: "Microsoft" } },
    { name: "IOS", clients: { name: "Apple" } },
    { name: "OSX", clients: { name: "Apple" } },
  ]]);
  assert.deepEqual(await count("/projects?select=name,clients()&clients=is.null"), [200, "0-0/1", [{
    name: "Orphan",
  }]]);
  assert.deepEqual(await count(orAcrossEmbeds), [200, "0-1/2", [{ id: 1, name: "Walmart" }, {
    id: 2,
    name: "Target",
  }]]);
});
