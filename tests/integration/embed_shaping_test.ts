/**
 * Shaping embeds (FEATURES EM-06, EM-13..EM-15): filters, orders, ranges and logic trees inside
 * embeds, PGRST108 for resources that are not embedded, `db-max-rows` per level, and legacy target
 * names with their `Warning: 299` header. Ported from PostgREST's `QuerySpec.hs`.
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

const notEmbedded = (name: string) =>
  error(
    400,
    "PGRST108",
    `'${name}' is not an embedded resource in this request`,
    null,
    `Verify that '${name}' is included in the 'select' query parameter.`,
  );

// --- related orders --------------------------------------------------------------------------------

// --- filters, orders, ranges and logic inside embeds ---------------------------------------------------

Deno.test("GET filters nested embeds", async () => {
  assert.deepEqual(
    await get("/clients?select=id,projects(id,tasks(id,name))&projects.tasks.name=like.Design*"),
    ok([
      {
        id: 1,
        projects: [{ id: 1, tasks: [{ id: 1, name: "Design w7" }] }, {
          id: 2,
          tasks: [{ id: 3, name: "Design w10" }],
        }],
      },
      {
        id: 2,
        projects: [{ id: 3, tasks: [{ id: 5, name: "Design IOS" }] }, {
          id: 4,
          tasks: [{ id: 7, name: "Design OSX" }],
        }],
      },
    ]),
  );
});

Deno.test("GET filtering a resource that is not embedded is 400 PGRST108", async () => {
  assert.deepEqual(
    await get("/clients?select=*&non_existent_projects.name=like.*NonExistent*"),
    notEmbedded("non_existent_projects"),
  );
  assert.deepEqual(
    await get("/clients?select=*,amiga_projects:projects(*)&amiga_projectsss.name=ilike.*Amiga*"),
    notEmbedded("amiga_projectsss"),
  );
  assert.deepEqual(
    await get("/clients?select=id,projects(id,tasks(id,name))&projects.tasks2.name=like.Design*"),
    notEmbedded("tasks2"),
  );
});

Deno.test("GET orders embeds, also two levels down and on a to-one parent", async () => {
  assert.deepEqual(
    await get("/projects?id=eq.1&select=id, name, tasks(id, name)&tasks.order=name.asc"),
    ok([{ id: 1, name: "Windows 7", tasks: [{ id: 2, name: "Code w7" }, { id: 1, name: "Design w7" }] }]),
  );
  assert.deepEqual(
    await get(
      "/projects?id=eq.1&select=id, name, tasks(id, name, users(id, name))&tasks.order=name.asc&tasks.users.order=name.desc",
    ),
    ok([{
      id: 1,
      name: "Windows 7",
      tasks: [
        { id: 2, name: "Code w7", users: [{ id: 1, name: "Angela Martin" }] },
        {
          id: 1,
          name: "Design w7",
          users: [{ id: 3, name: "Dwight Schrute" }, { id: 1, name: "Angela Martin" }],
        },
      ],
    }]),
  );
  assert.deepEqual(
    await get("/projects?id=eq.1&select=id, name, clients(id, name)&clients.order=name.asc"),
    ok([{ id: 1, name: "Windows 7", clients: { id: 1, name: "Microsoft" } }]),
  );
});

Deno.test("GET filters the same table embedded twice under two aliases separately", async () => {
  assert.deepEqual(
    await get(
      "/space?select=id,zones:zone(id,name),stores:zone(id,name)&zones.zone_type_id=eq.2&stores.zone_type_id=eq.3",
    ),
    ok([{
      id: 1,
      zones: [{ id: 1, name: "zone 1" }, { id: 2, name: "zone 2" }],
      stores: [{ id: 3, name: "store 3" }, { id: 4, name: "store 4" }],
    }]),
  );
  assert.deepEqual(
    await get(
      "/users?select=id,designTasks:tasks(id,name),codeTasks:tasks(id,name)&designTasks.name=like.*Design*&codeTasks.name=like.*Code*",
    ),
    ok([
      {
        id: 1,
        designTasks: [{ id: 1, name: "Design w7" }, { id: 3, name: "Design w10" }],
        codeTasks: [{ id: 2, name: "Code w7" }, { id: 4, name: "Code w10" }],
      },
      {
        id: 2,
        designTasks: [{ id: 5, name: "Design IOS" }, { id: 7, name: "Design OSX" }],
        codeTasks: [{ id: 6, name: "Code IOS" }],
      },
      { id: 3, designTasks: [{ id: 1, name: "Design w7" }, { id: 5, name: "Design IOS" }], codeTasks: [] },
    ]),
  );
});

Deno.test("GET filters an aliased embed and its unaliased child", async () => {
  const design = (id: number, name: string, task: string, user: [number, string]) => ({
    id,
    name,
    designTasks: [{ name: task, users: [{ id: user[0], name: user[1] }] }],
  });
  assert.deepEqual(
    await get(
      "/projects?select=id,name,designTasks:tasks(name,users(id,name))&designTasks.name=like.*Design*&designTasks.users.id=in.(1,2)",
    ),
    ok([
      design(1, "Windows 7", "Design w7", [1, "Angela Martin"]),
      design(2, "Windows 10", "Design w10", [1, "Angela Martin"]),
      design(3, "IOS", "Design IOS", [2, "Michael Scott"]),
      design(4, "OSX", "Design OSX", [2, "Michael Scott"]),
      { id: 5, name: "Orphan", designTasks: [] },
    ]),
  );
});

Deno.test("GET applies and/or logic inside aliased embeds", async () => {
  assert.deepEqual(
    await get(
      "/entities?select=id,children:child_entities(id,gChildren:grandchild_entities(id))&children.and=(id.in.(1,2,3))&children.gChildren.or=(id.eq.1,id.eq.2)",
    ),
    ok([
      { id: 1, children: [{ id: 1, gChildren: [{ id: 1 }, { id: 2 }] }, { id: 2, gChildren: [] }] },
      { id: 2, children: [{ id: 3, gChildren: [] }] },
      { id: 3, children: [] },
      { id: 4, children: [] },
    ]),
  );
});

Deno.test("GET limits and offsets an embed", async () => {
  assert.deepEqual(
    await get("/clients?select=id,projects(id)&projects.order=id.desc&projects.limit=1&projects.offset=1"),
    ok([{ id: 1, projects: [{ id: 1 }] }, { id: 2, projects: [{ id: 3 }] }]),
  );
});

// --- db-max-rows applies per level -------------------------------------------------------------

Deno.test("GET with db-max-rows caps the root and every embedded level", async () => {
  const capped = await testApp({ dbSchemas: ["embed"], dbMaxRows: 2 });
  try {
    const s = await summary(
      await capped.request(
        "/entities?select=id,child_entities(id,grandchild_entities(id))&order=id&child_entities.order=id&child_entities.grandchild_entities.order=id",
      ),
      ["content-range"],
    );
    assert.deepEqual([s.status, s["content-range"], s.body], [200, "0-1/*", [
      {
        id: 1,
        child_entities: [
          { id: 1, grandchild_entities: [{ id: 1 }, { id: 2 }] },
          { id: 2, grandchild_entities: [{ id: 3 }, { id: 4 }] },
        ],
      },
      { id: 2, child_entities: [{ id: 3, grandchild_entities: [] }, { id: 6, grandchild_entities: [] }] },
    ]]);
    const offset = await summary(
      await capped.request("/users?select=id,tasks(id)&id=eq.1&tasks.order=id&tasks.offset=1"),
    );
    assert.deepEqual(offset.body, [{ id: 1, tasks: [{ id: 2 }, { id: 3 }] }]);
    const limited = await summary(
      await capped.request("/users?select=id,tasks(id)&id=eq.1&tasks.order=id&tasks.limit=1&tasks.offset=2"),
    );
    assert.deepEqual(limited.body, [{ id: 1, tasks: [{ id: 3 }] }]);
  } finally {
    await capped.close();
  }
});

// --- legacy target names (EM-14) -------------------------------------------------------------------

const legacyPath =
  "/projects?id=eq.1&select=id, name, the_tasks:tasks(id, name)&tasks.name=like.Code*&tasks.order=name.asc&tasks.limit=1";

Deno.test("GET filters an aliased embed by its relation name with a Warning: 299 header", async () => {
  const s = await summary(await app.request(legacyPath), ["warning"]);
  assert.deepEqual(s, {
    status: 200,
    warning:
      '299 PostgRESTv16.1 "Embedded resource was referenced by relation name even though it has an alias. This is deprecated and will stop working in a future release. Update `tasks` to `the_tasks` in query string filters, orders or limits."',
    body: [{ id: 1, name: "Windows 7", the_tasks: [{ id: 2, name: "Code w7" }] }],
  });
});

Deno.test("GET lists every legacy target name in one Warning header", async () => {
  const res = await app.request(
    "/clients?select=id,pros:projects(id,ts:tasks(id))&projects.order=id&projects.tasks.order=id.desc&id=eq.1",
  );
  assert.equal(
    res.headers.get("warning"),
    '299 PostgRESTv16.1 "Embedded resource was referenced by relation name even though it has an alias. This is deprecated and will stop working in a future release. Update `projects` to `pros`, `tasks` to `ts` in query string filters, orders or limits."',
  );
  assert.deepEqual(await res.json(), [{
    id: 1,
    pros: [{ id: 1, ts: [{ id: 2 }, { id: 1 }] }, { id: 2, ts: [{ id: 4 }, { id: 3 }] }],
  }]);
});

Deno.test("GET without legacy names sends no Warning header", async () => {
  const res = await app.request("/projects?id=eq.1&select=id,the_tasks:tasks(id)&the_tasks.order=id");
  assert.equal(res.headers.get("warning"), null);
  await res.body?.cancel();
});

Deno.test("GET with url-use-legacy-target-names=false rejects relation names of aliased embeds", async () => {
  const strict = await testApp({ dbSchemas: ["embed"], urlUseLegacyTargetNames: false });
  try {
    const s = await summary(await strict.request(legacyPath), ["warning"]);
    assert.deepEqual(s, {
      status: 400,
      warning: null,
      body: {
        code: "PGRST108",
        details: "Target names are not allowed in filters if they have an alias",
        hint: "Change 'tasks' to 'the_tasks' in filters, orders or limits.",
        message: "'tasks' is not an embedded resource in this request",
      },
    });
    const visits = await summary(
      await strict.request(
        "/places?select=name,visits(id,start_time,visit_type),work_visits:visits(id,start_time,visit_type)&id=eq.1&visits.visit_type=neq.work&visits.start_time=gt.20250101+00:00&work_visits.visit_type=eq.work&work_visits.start_time=gt.20250101+00:00",
      ),
    );
    assert.deepEqual(visits, {
      status: 200,
      body: [{
        name: "Lake",
        visits: [
          { id: 1, start_time: "2025-01-01T10:00:00", visit_type: "vacation" },
          { id: 2, start_time: "2025-01-01T15:00:00", visit_type: "vacation" },
        ],
        work_visits: [{ id: 3, start_time: "2025-01-01T20:00:00", visit_type: "work" }],
      }],
    });
  } finally {
    await strict.close();
  }
});
