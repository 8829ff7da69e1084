/**
 * Resource embedding with `!inner` / `!left` (FEATURES EM-12): inner embeds filter their parents,
 * and exact counts follow them (`EXISTS` in the count query). Ported from PostgREST's
 * `EmbedInnerJoinSpec.hs` on the `embed` schema of `tests/fixtures/40_embedding.sql`.
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

/** `HEAD` with `Prefer: count=exact`: the status and the Content-Range PostgREST answers. */
async function headCount(path: string): Promise<[number, string | null, string]> {
  const res = await app.request(path, { method: "HEAD", headers: { Prefer: "count=exact" } });
  return [res.status, res.headers.get("content-range"), await res.text()];
}

Deno.test("GET many-to-one !inner drops parents without a match, !left keeps them", async () => {
  assert.deepEqual(
    await get("/projects?select=id,clients!inner(id)"),
    ok([
      { id: 1, clients: { id: 1 } },
      { id: 2, clients: { id: 1 } },
      { id: 3, clients: { id: 2 } },
      { id: 4, clients: { id: 2 } },
    ]),
  );
  assert.deepEqual(
    await get("/projects?select=id,clients!left(id)"),
    ok([
      { id: 1, clients: { id: 1 } },
      { id: 2, clients: { id: 1 } },
      { id: 3, clients: { id: 2 } },
      { id: 4, clients: { id: 2 } },
      { id: 5, clients: null },
    ]),
  );
  assert.deepEqual(await headCount("/projects?select=id,clients!inner(id)"), [200, "0-3/4", ""]);
});

Deno.test("GET many-to-one !inner filters the parents by the embedded filter", async () => {
  assert.deepEqual(
    await get("/projects?select=id,clients!inner(id)&clients.id=eq.1"),
    ok([{ id: 1, clients: { id: 1 } }, { id: 2, clients: { id: 1 } }]),
  );
  assert.deepEqual(
    await get("/projects?select=id,clients!inner(id)&clients.id=eq.2"),
    ok([{ id: 3, clients: { id: 2 } }, { id: 4, clients: { id: 2 } }]),
  );
  assert.deepEqual(await get("/projects?select=id,clients!inner(id)&clients.id=eq.0"), ok([]));
  assert.deepEqual(await headCount("/projects?select=id,clients!inner(id)&clients.id=eq.1"), [
    200,
    "0-1/2",
    "",
  ]);
});

Deno.test("GET many-to-one !inner two levels down filters the root", async () => {
  const tasks = (ids: number[], project: (t: number) => number, client: number) =>
    ids.map((id) => ({ id, projects: { id: project(id), clients: { id: client } } }));
  assert.deepEqual(
    await get("/tasks?select=id,projects!inner(id,clients!inner(id))&projects.clients.id=eq.1"),
    ok(tasks([1, 2, 3, 4], (t) => t <= 2 ? 1 : 2, 1)),
  );
  assert.deepEqual(
    await get("/tasks?select=id,projects!inner(id,clients!inner(id))&projects.clients.id=eq.2"),
    ok(tasks([5, 6, 7, 8], (t) => t <= 6 ? 3 : 4, 2)),
  );
  assert.deepEqual(
    await headCount("/tasks?select=id,projects!inner(id,clients!inner(id))&projects.clients.id=eq.1"),
    [200, "0-3/4", ""],
  );
});

Deno.test("GET !inner only filters the level it is directly embedded in", async () => {
  assert.deepEqual(
    await get("/tasks?select=id,projects(id,clients!inner(id))&projects.clients.id=eq.2"),
    ok([
      { id: 1, projects: null },
      { id: 2, projects: null },
      { id: 3, projects: null },
      { id: 4, projects: null },
      { id: 5, projects: { id: 3, clients: { id: 2 } } },
      { id: 6, projects: { id: 3, clients: { id: 2 } } },
      { id: 7, projects: { id: 4, clients: { id: 2 } } },
      { id: 8, projects: { id: 4, clients: { id: 2 } } },
    ]),
  );
  assert.deepEqual(
    await headCount("/tasks?select=id,projects(id,clients!inner(id))&projects.clients.id=eq.2"),
    [200, "0-7/8", ""],
  );
});

Deno.test("GET many-to-one !inner works with views", async () => {
  assert.deepEqual(
    await get("/books?select=title,authors!inner(name)&authors.name=eq.George%20Orwell"),
    ok([{ title: "1984", authors: { name: "George Orwell" } }]),
  );
  assert.deepEqual(
    await headCount("/books?select=title,authors!inner(name)&authors.name=eq.George%20Orwell"),
    [200, "0-0/1", ""],
  );
});

Deno.test("GET one-to-many !inner drops parents with no children, !left keeps []", async () => {
  assert.deepEqual(
    await get("/entities?select=id,child_entities!inner(id)"),
    ok([
      { id: 1, child_entities: [{ id: 1 }, { id: 2 }, { id: 4 }, { id: 5 }] },
      { id: 2, child_entities: [{ id: 3 }, { id: 6 }] },
    ]),
  );
  assert.deepEqual(
    await get("/entities?select=id,child_entities!left(id)"),
    ok([
      { id: 1, child_entities: [{ id: 1 }, { id: 2 }, { id: 4 }, { id: 5 }] },
      { id: 2, child_entities: [{ id: 3 }, { id: 6 }] },
      { id: 3, child_entities: [] },
      { id: 4, child_entities: [] },
    ]),
  );
  assert.deepEqual(await headCount("/entities?select=id,child_entities!inner(id)"), [200, "0-1/2", ""]);
});

Deno.test("GET one-to-many !inner filters the parents by the children's filter", async () => {
  assert.deepEqual(
    await get("/entities?select=id,child_entities!inner(id)&child_entities.id=eq.1"),
    ok([{ id: 1, child_entities: [{ id: 1 }] }]),
  );
  assert.deepEqual(
    await get("/entities?select=id,child_entities!inner(id)&child_entities.id=eq.3"),
    ok([{ id: 2, child_entities: [{ id: 3 }] }]),
  );
  assert.deepEqual(await get("/entities?select=id,child_entities!inner(id)&child_entities.id=eq.0"), ok([]));
  assert.deepEqual(
    await headCount("/entities?select=id,child_entities!inner(id)&child_entities.id=eq.1"),
    [200, "0-0/1", ""],
  );
});

Deno.test("GET one-to-many !inner two levels down filters the root", async () => {
  assert.deepEqual(
    await get(
      "/entities?select=id,child_entities!inner(id,grandchild_entities!inner(id))&child_entities.grandchild_entities.id=in.(1,5)",
    ),
    ok([{
      id: 1,
      child_entities: [{ id: 1, grandchild_entities: [{ id: 1 }] }, {
        id: 2,
        grandchild_entities: [{ id: 5 }],
      }],
    }]),
  );
  assert.deepEqual(
    await get(
      "/entities?select=id,child_entities!inner(id,grandchild_entities!inner(id))&child_entities.grandchild_entities.id=eq.2",
    ),
    ok([{ id: 1, child_entities: [{ id: 1, grandchild_entities: [{ id: 2 }] }] }]),
  );
  assert.deepEqual(
    await headCount(
      "/entities?select=id,child_entities!inner(id,grandchild_entities!inner(id))&child_entities.grandchild_entities.id=in.(1,5)",
    ),
    [200, "0-0/1", ""],
  );
});

Deno.test("GET one-to-many !inner with a left grandchild keeps every child", async () => {
  assert.deepEqual(
    await get(
      "/entities?select=id,child_entities!inner(id,grandchild_entities(id))&child_entities.grandchild_entities.id=eq.2",
    ),
    ok([
      {
        id: 1,
        child_entities: [
          { id: 1, grandchild_entities: [{ id: 2 }] },
          { id: 2, grandchild_entities: [] },
          { id: 4, grandchild_entities: [] },
          { id: 5, grandchild_entities: [] },
        ],
      },
      { id: 2, child_entities: [{ id: 3, grandchild_entities: [] }, { id: 6, grandchild_entities: [] }] },
    ]),
  );
  assert.deepEqual(
    await headCount(
      "/entities?select=id,child_entities!inner(id,grandchild_entities(id))&child_entities.grandchild_entities.id=eq.2",
    ),
    [200, "0-1/2", ""],
  );
});

Deno.test("GET one-to-many !inner works with views", async () => {
  assert.deepEqual(
    await get("/authors?select=*,books!inner(*)&books.title=eq.1984"),
    ok([{
      id: 1,
      name: "George Orwell",
      books: [{ id: 1, title: "1984", publication_year: 1949, author_id: 1, first_publisher_id: 1 }],
    }]),
  );
  assert.deepEqual(await headCount("/authors?select=*,books!inner(*)&books.title=eq.1984"), [
    200,
    "0-0/1",
    "",
  ]);
});

Deno.test("GET many-to-many !inner drops parents without related rows", async () => {
  assert.deepEqual(
    await get("/products?select=id,suppliers!inner(id)"),
    ok([{ id: 1, suppliers: [{ id: 1 }, { id: 2 }] }, { id: 2, suppliers: [{ id: 1 }, { id: 3 }] }]),
  );
  assert.deepEqual(
    await get("/products?select=id,suppliers!left(id)"),
    ok([
      { id: 1, suppliers: [{ id: 1 }, { id: 2 }] },
      { id: 2, suppliers: [{ id: 1 }, { id: 3 }] },
      { id: 3, suppliers: [] },
    ]),
  );
  assert.deepEqual(await headCount("/products?select=id,suppliers!inner(id)"), [200, "0-1/2", ""]);
});

Deno.test("GET many-to-many !inner filters the parents, also two levels down", async () => {
  assert.deepEqual(
    await get("/products?select=id,suppliers!inner(id)&suppliers.id=eq.2"),
    ok([{ id: 1, suppliers: [{ id: 2 }] }]),
  );
  assert.deepEqual(
    await get("/products?select=id,suppliers!inner(id)&suppliers.id=eq.3"),
    ok([{ id: 2, suppliers: [{ id: 3 }] }]),
  );
  assert.deepEqual(await get("/products?select=id,suppliers!inner(id)&suppliers.id=eq.0"), ok([]));
  assert.deepEqual(await headCount("/products?select=id,suppliers!inner(id)&suppliers.id=eq.2"), [
    200,
    "0-0/1",
    "",
  ]);
  assert.deepEqual(
    await get(
      "/products?select=id,suppliers!inner(id,trade_unions!inner(id))&suppliers.trade_unions.id=eq.3",
    ),
    ok([{ id: 1, suppliers: [{ id: 2, trade_unions: [{ id: 3 }] }] }]),
  );
  assert.deepEqual(
    await get(
      "/products?select=id,suppliers!inner(id,trade_unions!inner(id))&suppliers.trade_unions.id=eq.4",
    ),
    ok([{ id: 1, suppliers: [{ id: 2, trade_unions: [{ id: 4 }] }] }]),
  );
  assert.deepEqual(
    await headCount(
      "/products?select=id,suppliers!inner(id,trade_unions!inner(id))&suppliers.trade_unions.id=eq.3",
    ),
    [200, "0-0/1", ""],
  );
  assert.deepEqual(
    await get("/products?select=id,suppliers!inner(id,trade_unions(id))&suppliers.trade_unions.id=eq.3"),
    ok([
      { id: 1, suppliers: [{ id: 1, trade_unions: [] }, { id: 2, trade_unions: [{ id: 3 }] }] },
      { id: 2, suppliers: [{ id: 1, trade_unions: [] }, { id: 3, trade_unions: [] }] },
    ]),
  );
  assert.deepEqual(
    await headCount(
      "/products?select=id,suppliers!inner(id,trade_unions(id))&suppliers.trade_unions.id=eq.3",
    ),
    [200, "0-1/2", ""],
  );
});

Deno.test("GET many-to-many !inner works with views", async () => {
  assert.deepEqual(
    await get("/actors?select=*,films!inner(*)&films.title=eq.douze%20commandements"),
    ok([{ id: 1, name: "john", films: [{ id: 12, title: "douze commandements" }] }]),
  );
  assert.deepEqual(
    await get("/films?select=*,actors!inner(*)&actors.name=eq.john"),
    ok([{ id: 12, title: "douze commandements", actors: [{ id: 1, name: "john" }] }]),
  );
  assert.deepEqual(
    await headCount("/actors?select=*,films!inner(*)&films.title=eq.douze%20commandements"),
    [200, "0-0/1", ""],
  );
});

Deno.test("GET combines a many-to-one and a many-to-many !inner", async () => {
  assert.deepEqual(
    await get("/projects?select=name,clients!inner(name),users!inner(name)"),
    ok([
      {
        name: "Windows 7",
        clients: { name: "Microsoft" },
        users: [{ name: "Angela Martin" }, { name: "Dwight Schrute" }],
      },
      { name: "Windows 10", clients: { name: "Microsoft" }, users: [{ name: "Angela Martin" }] },
      {
        name: "IOS",
        clients: { name: "Apple" },
        users: [{ name: "Michael Scott" }, { name: "Dwight Schrute" }],
      },
      { name: "OSX", clients: { name: "Apple" }, users: [{ name: "Michael Scott" }] },
    ]),
  );
  assert.deepEqual(await headCount("/projects?select=name,clients!inner(name),users!inner(name)"), [
    200,
    "0-3/4",
    "",
  ]);
});

Deno.test("GET /rpc/f embeds the function's rows with !inner (EM-25)", async () => {
  assert.deepEqual(
    await get("/rpc/getallprojects?select=id,clients!inner(id)&clients.id=eq.1"),
    ok([{ id: 1, clients: { id: 1 } }, { id: 2, clients: { id: 1 } }]),
  );
  assert.deepEqual(
    await headCount("/rpc/getallprojects?select=id,clients!inner(id)&clients.id=eq.1"),
    [200, "0-1/2", ""],
  );
});

Deno.test("GET combines !inner with hints, in either order", async () => {
  assert.deepEqual(
    await get("/projects?select=id,clients!client!inner(id)&clients.id=eq.2"),
    ok([{ id: 3, clients: { id: 2 } }, { id: 4, clients: { id: 2 } }]),
  );
  assert.deepEqual(
    await get("/projects?select=id,client!inner(id)&client.id=eq.2"),
    ok([{ id: 3, client: { id: 2 } }, { id: 4, client: { id: 2 } }]),
  );
  assert.deepEqual(
    await headCount("/projects?select=id,clients!client!inner(id)&clients.id=eq.2"),
    [200, "0-1/2", ""],
  );
});

Deno.test("GET with several one-to-many !inner embeds filters by each of them", async () => {
  assert.deepEqual(
    await get("/client?select=id,name,contact!inner(name),clientinfo!inner(other)"),
    ok([
      {
        id: 1,
        name: "Walmart",
        contact: [{ name: "Wally Walton" }, { name: "Wilma Wellers" }],
        clientinfo: [{ other: "123 Main St" }],
      },
      {
        id: 2,
        name: "Target",
        contact: [{ name: "Tabby Targo" }],
        clientinfo: [{ other: "456 South 3rd St" }],
      },
      {
        id: 3,
        name: "Big Lots",
        contact: [{ name: "Bobby Bots" }, { name: "Bonnie Bits" }, { name: "Billy Boats" }],
        clientinfo: [{ other: "789 Palm Tree Ln" }],
      },
    ]),
  );
  assert.deepEqual(
    await get(
      "/client?select=id,name,contact!inner(name),clientinfo!inner(other)&contact.name=eq.Wally%20Walton",
    ),
    ok([{
      id: 1,
      name: "Walmart",
      contact: [{ name: "Wally Walton" }],
      clientinfo: [{ other: "123 Main St" }],
    }]),
  );
  assert.deepEqual(
    await headCount("/client?select=id,name,contact!inner(name),clientinfo!inner(other)"),
    [200, "0-2/3", ""],
  );
});

Deno.test("GET with a filtered embed moves its key to the front, as PostgREST's plan does", async () => {
  const res = await app.request(
    "/client?select=id,name,contact!inner(name),clientinfo!inner(other)&clientinfo.other=eq.456%20South%203rd%20St",
  );
  assert.equal(res.status, 200);
  assert.equal(
    await res.text(),
    '[{"id":2,"name":"Target","clientinfo":[{"other": "456 South 3rd St"}],"contact":[{"name": "Tabby Targo"}]}]',
  );
});

Deno.test("GET with !inner alongside another embed counts only the inner one", async () => {
  assert.deepEqual(
    await get("/books?select=id,authors(name),publishers!inner(name)&id=gte.7"),
    ok([
      { id: 7, authors: { name: "Harper Lee" }, publishers: { name: "J. B. Lippincott & Co." } },
      { id: 8, authors: { name: "Kurt Vonnegut" }, publishers: { name: "Delacorte" } },
      { id: 9, authors: { name: "Ken Kesey" }, publishers: { name: "Viking Press & Signet Books" } },
    ]),
  );
  assert.deepEqual(
    await headCount("/books?select=id,authors(name),publishers!inner(name)&id=gte.7"),
    [200, "0-2/3", ""],
  );
  assert.deepEqual(
    await headCount("/books?select=id,publishers!inner(name),authors(name)&id=gte.7"),
    [200, "0-2/3", ""],
  );
});
