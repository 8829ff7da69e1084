/**
 * Resource embedding: ambiguous and missing relationships, and the hints that disambiguate them
 * (FEATURES EM-07..EM-11, EM-23, EM-27). Ported from PostgREST's `EmbedDisambiguationSpec.hs` on
 * the `embed` schema of `tests/fixtures/40_embedding.sql`.
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

function ambiguous(parent: string, child: string, details: unknown[], hints: string[]) {
  return {
    status: 300,
    body: {
      code: "PGRST201",
      details,
      hint: `Try changing '${child}' to one of the following: ${
        hints.map((h) => `'${child}!${h}'`).join(", ")
      }. Find the desired relationship in the 'details' key.`,
      message: `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
    },
  };
}

const m2m = (embedding: string, relationship: string) => ({
  cardinality: "many-to-many",
  embedding,
  relationship,
});

Deno.test("GET an embed with a many-to-one and two many-to-many candidates is 300 PGRST201", async () => {
  const res = await app.request("/sites?select=*,big_projects(*)");
  assert.equal(res.headers.get("content-length"), "828");
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(
    { status: res.status, body: await res.json() },
    ambiguous("sites", "big_projects", [
      {
        cardinality: "many-to-one",
        embedding: "sites with big_projects",
        relationship: "main_project using sites(main_project_id) and big_projects(big_project_id)",
      },
      m2m(
        "sites with big_projects",
        "jobs using jobs_site_id_fkey(site_id) and jobs_big_project_id_fkey(big_project_id)",
      ),
      m2m(
        "sites with big_projects",
        "main_jobs using jobs_site_id_fkey(site_id) and jobs_big_project_id_fkey(big_project_id)",
      ),
    ], ["main_project", "jobs", "main_jobs"]),
  );
});

Deno.test("GET an embed with a circular reference lists the one-to-many before the many-to-one", async () => {
  assert.deepEqual(
    await get("/agents?select=*,departments(*)"),
    ambiguous("agents", "departments", [
      {
        cardinality: "one-to-many",
        embedding: "agents with departments",
        relationship: "departments_head_id_fkey using agents(id) and departments(head_id)",
      },
      {
        cardinality: "many-to-one",
        embedding: "agents with departments",
        relationship: "agents_department_id_fkey using agents(department_id) and departments(id)",
      },
    ], ["departments_head_id_fkey", "agents_department_id_fkey"]),
  );
});

Deno.test("GET through a junction with four foreign keys lists the four many-to-many choices", async () => {
  const rel = (s: number, p: number) =>
    m2m(
      "whatev_sites with whatev_projects",
      `whatev_jobs using whatev_jobs_site_id_${s}_fkey(site_id_${s}) and whatev_jobs_project_id_${p}_fkey(project_id_${p})`,
    );
  assert.deepEqual(
    await get("/whatev_sites?select=*,whatev_projects(*)"),
    ambiguous("whatev_sites", "whatev_projects", [rel(1, 1), rel(1, 2), rel(2, 1), rel(2, 2)], [
      "whatev_jobs",
      "whatev_jobs",
      "whatev_jobs",
      "whatev_jobs",
    ]),
  );
});

Deno.test("GET disambiguates each of the four junction joins with spread embeds and column hints", async () => {
  for (const [s, p] of [[1, 1], [1, 2], [2, 1], [2, 2]]) {
    assert.deepEqual(
      await get(`/whatev_sites?select=*,whatev_jobs!site_id_${s}(...whatev_projects!project_id_${p}(*))`),
      ok([]),
    );
  }
});

Deno.test("GET disambiguates a recursive many-to-many with spread embeds", async () => {
  assert.deepEqual(
    await get("/posters?select=*,subscribers:subscriptions!subscribed(...posters!subscriber(*))&limit=1"),
    ok([{ id: 1, name: "Mark", subscribers: [{ id: 3, name: "Bill" }, { id: 4, name: "Jeff" }] }]),
  );
  assert.deepEqual(
    await get("/posters?select=*,subscriptions!subscriber(...posters!subscribed(*))&limit=1"),
    ok([{ id: 1, name: "Mark", subscriptions: [{ id: 2, name: "Elon" }] }]),
  );
});

Deno.test("GET an embed with two one-to-one candidates is 300 PGRST201", async () => {
  const rel = (n: number) => ({
    cardinality: "one-to-one",
    embedding: "first with second",
    relationship: `first_second_id_${n}_fkey using first(second_id_${n}) and second(id)`,
  });
  assert.deepEqual(
    await get("/first?select=second(*)"),
    ambiguous("first", "second", [rel(1), rel(2)], ["first_second_id_1_fkey", "first_second_id_2_fkey"]),
  );
});

Deno.test("GET a view repeating a composite key's columns lists every combination", async () => {
  const rel = (a: number, b: number) => ({
    cardinality: "many-to-one",
    embedding: "i2459_composite_v2 with i2459_composite_v1",
    relationship:
      `i2459_composite_t2_t1_a_t1_b_fkey using i2459_composite_v2(t1_a${a}, t1_b${b}) and i2459_composite_v1(a, b)`,
  });
  const hint = "i2459_composite_t2_t1_a_t1_b_fkey";
  assert.deepEqual(
    await get("/i2459_composite_v2?select=*,i2459_composite_v1(*)"),
    ambiguous("i2459_composite_v2", "i2459_composite_v1", [rel(1, 1), rel(1, 2), rel(2, 1), rel(2, 2)], [
      hint,
      hint,
      hint,
      hint,
    ]),
  );
});

// --- hints: constraint names ---------------------------------------------------------------------

Deno.test("GET embeds by the foreign key constraint name", async () => {
  assert.deepEqual(
    await get("/projects?id=in.(1,3)&select=id,name,client(id,name)"),
    ok([
      { id: 1, name: "Windows 7", client: { id: 1, name: "Microsoft" } },
      { id: 3, name: "IOS", client: { id: 2, name: "Apple" } },
    ]),
  );
  assert.deepEqual(
    await get("/projects?id=in.(1,3)&select=id,name,client_id,client(id,name)"),
    ok([
      { id: 1, name: "Windows 7", client_id: 1, client: { id: 1, name: "Microsoft" } },
      { id: 3, name: "IOS", client_id: 2, client: { id: 2, name: "Apple" } },
    ]),
  );
});

Deno.test("GET embeds a parent view by view!fk and its parent by the constraint name", async () => {
  assert.deepEqual(
    await get("/tasks?id=eq.1&select=id,name,projects_view!project(id,name,client(id,name))"),
    ok([{
      id: 1,
      name: "Design w7",
      projects_view: { id: 1, name: "Windows 7", client: { id: 1, name: "Microsoft" } },
    }]),
  );
});

Deno.test("GET embeds by a composite foreign key's name", async () => {
  assert.deepEqual(
    await get(
      "/unit_workdays?select=unit_id,day,fst_shift(car_id,schedule(name)),snd_shift(camera_id,schedule(name))",
    ),
    ok([{
      unit_id: 1,
      day: "2019-12-02",
      fst_shift: { car_id: "CAR-349", schedule: { name: "morning" } },
      snd_shift: { camera_id: "CAM-123", schedule: { name: "night" } },
    }]),
  );
});

Deno.test("GET embeds two foreign keys to the same table by their names", async () => {
  assert.deepEqual(
    await get("/orders?id=eq.1&select=id, name, billing(address), shipping(address)"),
    ok([{ id: 1, name: "order 1", billing: { address: "address 1" }, shipping: { address: "address 2" } }]),
  );
});

Deno.test("GET with an unknown hint is 400 PGRST200 naming the hint", async () => {
  assert.deepEqual(await get("/message?select=id,sender:person!space(name)&id=lt.4"), {
    status: 400,
    body: {
      code: "PGRST200",
      details:
        "Searched for a foreign key relationship between 'message' and 'person' using the hint 'space' in the schema 'embed', but no matches were found.",
      hint: null,
      message: "Could not find a relationship between 'message' and 'person' in the schema cache",
    },
  });
});

Deno.test("GET embeds a parent by a constraint named like a keyword", async () => {
  assert.deepEqual(
    await get("/comments?select=content,user(name)"),
    ok([{ content: "Needs to be delivered ASAP", user: { name: "Angela Martin" } }]),
  );
  assert.deepEqual(
    await get("/articleStars?select=createdAt,article:articles(id),user(name)&limit=1"),
    ok([{ createdAt: "2015-12-08T04:22:57.472738", article: { id: 1 }, user: { name: "Angela Martin" } }]),
  );
});

Deno.test("GET embeds a view twice by view!fk hints", async () => {
  assert.deepEqual(
    await get(
      "/message?select=id,body,sender:person_detail!message_sender_fkey(name,sent),recipient:person_detail!message_recipient_fkey(name,received)&id=lt.4&order=id",
    ),
    ok([
      {
        id: 1,
        body: "Hello Jane",
        sender: { name: "John", sent: 2 },
        recipient: { name: "Jane", received: 2 },
      },
      { id: 2, body: "Hi John", sender: { name: "Jane", sent: 1 }, recipient: { name: "John", received: 1 } },
      {
        id: 3,
        body: "How are you doing?",
        sender: { name: "John", sent: 2 },
        recipient: { name: "Jane", received: 2 },
      },
    ]),
  );
});

Deno.test("GET embeds children two levels deep with a table!fk hint", async () => {
  assert.deepEqual(
    await get("/clients?id=eq.1&select=id,projects:projects!client(id,tasks(id))"),
    ok([{
      id: 1,
      projects: [{ id: 1, tasks: [{ id: 1 }, { id: 2 }] }, { id: 2, tasks: [{ id: 3 }, { id: 4 }] }],
    }]),
  );
});

Deno.test("GET picks the many-to-one by its constraint name among many-to-many candidates", async () => {
  assert.deepEqual(
    await get("/sites?select=name,main_project(name)&site_id=eq.1"),
    ok([{ name: "site 1", main_project: { name: "big project 1" } }]),
  );
});

// --- hints: column names -------------------------------------------------------------------------

Deno.test("GET embeds by the foreign key column", async () => {
  assert.deepEqual(
    await get("/projects?id=in.(1,3)&select=id,name,client_id(id,name)"),
    ok([
      { id: 1, name: "Windows 7", client_id: { id: 1, name: "Microsoft" } },
      { id: 3, name: "IOS", client_id: { id: 2, name: "Apple" } },
    ]),
  );
  assert.deepEqual(
    await get("/projects?id=in.(1,3)&select=id,name,client_id,client:client_id(id,name)"),
    ok([
      { id: 1, name: "Windows 7", client_id: 1, client: { id: 1, name: "Microsoft" } },
      { id: 3, name: "IOS", client_id: 2, client: { id: 2, name: "Apple" } },
    ]),
  );
});

Deno.test("GET embeds a parent view by view!column and the grandparent by the column", async () => {
  assert.deepEqual(
    await get(
      "/tasks?id=eq.1&select=id,name,project:projects_view!project_id(id,name,client:client_id(id,name))",
    ),
    ok([{
      id: 1,
      name: "Design w7",
      project: { id: 1, name: "Windows 7", client: { id: 1, name: "Microsoft" } },
    }]),
  );
});

Deno.test("GET embeds a table twice by table!column hints", async () => {
  assert.deepEqual(
    await get("/message?select=id,body,sender:person!sender(name),recipient:person!recipient(name)&id=lt.4"),
    ok([
      { id: 1, body: "Hello Jane", sender: { name: "John" }, recipient: { name: "Jane" } },
      { id: 2, body: "Hi John", sender: { name: "Jane" }, recipient: { name: "John" } },
      { id: 3, body: "How are you doing?", sender: { name: "John" }, recipient: { name: "Jane" } },
    ]),
  );
});

Deno.test("GET embeds by a column with uppercase characters", async () => {
  assert.deepEqual(
    await get("/ghostBusters?select=escapeId(*)"),
    ok([{ escapeId: { so6meIdColumn: 1 } }, { escapeId: { so6meIdColumn: 3 } }, {
      escapeId: { so6meIdColumn: 5 },
    }]),
  );
});

Deno.test("GET embeds two columns to the same table, or a column and a constraint", async () => {
  assert.deepEqual(
    await get("/orders?id=eq.1&select=id, name, billing_address_id(id), shipping_address_id(id)"),
    ok([{ id: 1, name: "order 1", billing_address_id: { id: 1 }, shipping_address_id: { id: 2 } }]),
  );
  assert.deepEqual(
    await get("/orders?id=eq.1&select=id, name, billing_address_id(id), shipping(id)"),
    ok([{ id: 1, name: "order 1", billing_address_id: { id: 1 }, shipping: { id: 2 } }]),
  );
  assert.deepEqual(
    await get("/sites?select=name,main_project_id(name)&site_id=eq.1"),
    ok([{ name: "site 1", main_project_id: { name: "big project 1" } }]),
  );
});

Deno.test("GET accepts every view column carrying the same base column as a hint", async () => {
  for (
    const path of [
      "/i2459_simple_v1?select=*,i2459_simple_v2!t1_id1(*)",
      "/i2459_simple_v1?select=*,i2459_simple_v2!t1_id2(*)",
      "/i2459_simple_v2?select=*,i2459_simple_v1!t1_id1(*)",
      "/i2459_simple_v2?select=*,i2459_simple_v1!t1_id2(*)",
      "/i2459_self_v1?select=*,parent(*),grandparent(*)",
      "/i2459_self_v2?select=*,parent(*),grandparent(*)",
    ]
  ) {
    assert.deepEqual(await get(path), ok([]), path);
  }
});

Deno.test("GET embeds many-to-many through the junction named as hint", async () => {
  assert.deepEqual(
    await get("/sites?select=*,big_projects!jobs(name)&site_id=in.(1,2)"),
    ok([
      { site_id: 1, name: "site 1", main_project_id: 1, big_projects: [{ name: "big project 1" }] },
      {
        site_id: 2,
        name: "site 2",
        main_project_id: null,
        big_projects: [{ name: "big project 1" }, { name: "big project 2" }],
      },
    ]),
  );
  assert.deepEqual(
    await get("/sites?select=*,big_projects!main_jobs(name)&site_id=in.(1,2)"),
    ok([
      { site_id: 1, name: "site 1", main_project_id: 1, big_projects: [{ name: "big project 1" }] },
      { site_id: 2, name: "site 2", main_project_id: null, big_projects: [] },
    ]),
  );
});
