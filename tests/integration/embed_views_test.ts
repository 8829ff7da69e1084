/**
 * Resource embedding through views (FEATURES EM-23): relationships derived from base-table keys
 * through views, views of views, renamed columns, materialized views, and data representations
 * of embedded columns. Ported from the embedding parts of PostgREST's `QuerySpec.hs`.
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

// --- the JSON of embeds (EM-28) ------------------------------------------------------------------

// --- views (EM-23) -----------------------------------------------------------------------------------

Deno.test("GET embeds through views of tables, views of views and materialized views", async () => {
  assert.deepEqual(
    await get("/materialized_projects?select=id,users(id)&id=eq.1&users.order=id"),
    ok([{ id: 1, users: [{ id: 1 }, { id: 3 }] }]),
  );
  const consumers = ok([{ id: 1, name: "consumer 1", orders_view: [{ id: 1, consumer: 1, number: 10 }] }]);
  assert.deepEqual(await get("/consumers_view?select=*,orders_view(*)"), consumers);
  assert.deepEqual(await get("/consumers_view_view?select=*,orders_view(*)"), consumers);
  assert.deepEqual(
    await get("/articleStars?select=createdAt,article:articles(id),user:users(name)&limit=1"),
    ok([{ createdAt: "2015-12-08T04:22:57.472738", article: { id: 1 }, user: { name: "Angela Martin" } }]),
  );
  assert.deepEqual(
    await get("/articles?id=eq.1&select=id,articleStars(users(*))"),
    ok([{
      id: 1,
      articleStars: [
        { users: { id: 1, name: "Angela Martin" } },
        { users: { id: 2, name: "Michael Scott" } },
        { users: { id: 3, name: "Dwight Schrute" } },
      ],
    }]),
  );
});

Deno.test("GET embeds parents and children of views, also with renamed keys", async () => {
  const expected = {
    name: "Windows 7",
    clients: { id: 1, name: "Microsoft" },
    tasks: [{ id: 1, name: "Design w7" }, { id: 2, name: "Code w7" }],
  };
  assert.deepEqual(
    await get("/projects_view?id=eq.1&select=id, name, clients(*), tasks(id, name)"),
    ok([{ id: 1, ...expected }]),
  );
  assert.deepEqual(
    await get("/projects_view_alt?t_id=eq.1&select=t_id, name, clients(*), tasks(id, name)"),
    ok([{ t_id: 1, ...expected }]),
  );
});

Deno.test("GET embeds the parent of many views of one private table", async () => {
  assert.deepEqual(
    await get("/books?select=title,author:authors(name)&id=eq.5"),
    ok([{ title: "Farenheit 451", author: { name: "Ray Bradbury" } }]),
  );
  assert.deepEqual(
    await get("/forties_books?select=title,author:authors(name)&limit=1"),
    ok([{ title: "1984", author: { name: "George Orwell" } }]),
  );
  assert.deepEqual(
    await get("/fifties_books?select=title,author:authors(name)&limit=1"),
    ok([{ title: "The Catcher in the Rye", author: { name: "J.D. Salinger" } }]),
  );
  assert.deepEqual(
    await get("/sixties_books?select=title,author:authors(name)&limit=1"),
    ok([{ title: "To Kill a Mockingbird", author: { name: "Harper Lee" } }]),
  );
});

Deno.test("GET embeds views with subselects, CASE, FROM subqueries and CTEs", async () => {
  assert.deepEqual(
    await get("/authors_books_number?select=*,books(title)&id=eq.1"),
    ok([{
      id: 1,
      name: "George Orwell",
      num_in_forties: 1,
      num_in_fifties: 0,
      num_in_sixties: 0,
      num_in_all_decades: 1,
      books: [{ title: "1984" }],
    }]),
  );
  const exupery = {
    id: 3,
    name: "Antoine de Saint-Exupéry",
    has_book_in_forties: true,
    has_book_in_fifties: false,
    has_book_in_sixties: false,
    books: [{ title: "The Little Prince" }],
  };
  assert.deepEqual(await get("/authors_have_book_in_decade?select=*,books(title)&id=eq.3"), ok([exupery]));
  assert.deepEqual(await get("/authors_have_book_in_decade2?select=*,books(title)&id=eq.3"), ok([exupery]));
  assert.deepEqual(
    await get("/forties_and_fifties_books?select=title,first_publisher,author:authors(name)&id=eq.1"),
    ok([{ title: "1984", first_publisher: "Secker & Warburg", author: { name: "George Orwell" } }]),
  );
  assert.deepEqual(
    await get(
      "/odd_years_publications?select=title,publication_year,first_publisher,author:authors(name)&id=in.(1,2,3)",
    ),
    ok([
      {
        title: "1984",
        publication_year: 1949,
        first_publisher: "Secker & Warburg",
        author: { name: "George Orwell" },
      },
      {
        title: "The Diary of a Young Girl",
        publication_year: 1947,
        first_publisher: "Contact Publishing",
        author: { name: "Anne Frank" },
      },
      {
        title: "The Little Prince",
        publication_year: 1947,
        first_publisher: "Reynal & Hitchcock",
        author: { name: "Antoine de Saint-Exupéry" },
      },
    ]),
  );
  assert.deepEqual(
    await get("/authors_w_entities?select=name,entities,books(title)&id=eq.1"),
    ok([{ name: "George Orwell", entities: [3, 4], books: [{ title: "1984" }] }]),
  );
});

Deno.test("GET embeds views of a table with a long compound key, and views of those views", async () => {
  for (const target of ["contract", "contract_view"]) {
    assert.deepEqual(
      await get(`/player_view?select=id,${target}(purchase_price)&id=in.(1,3,5,7)`),
      ok([
        { id: 1, [target]: [{ purchase_price: 10 }] },
        { id: 3, [target]: [{ purchase_price: 30 }] },
        { id: 5, [target]: [{ purchase_price: 50 }] },
        { id: 7, [target]: [] },
      ]),
    );
    assert.deepEqual(
      await get(`/${target}?select=tournament,player_view(first_name)&limit=3`),
      ok(
        [1, 2, 3].map((n) => ({
          tournament: `tournament_${n}`,
          player_view: { first_name: `first_name_${n}` },
        })),
      ),
    );
  }
});

Deno.test("GET embeds views whose key columns are in another order, grouped views and unique keys", async () => {
  assert.deepEqual(await get("/v1?select=v2(*)"), ok([]));
  assert.deepEqual(await get("/foos?select=*,bars(*)"), ok([]));
  assert.deepEqual(
    await get(
      "/projects_count_grouped_by?select=number_of_projects,client:clients(name)&order=number_of_projects,client_id",
    ),
    ok([
      { number_of_projects: 1, client: null },
      { number_of_projects: 2, client: { name: "Microsoft" } },
      { number_of_projects: 2, client: { name: "Apple" } },
    ]),
  );
  assert.deepEqual(
    await get("/referrals?select=site,link:pages(url)"),
    ok([
      { site: "github.com", link: { url: "http://postgrest.org/en/v6.0/api.html" } },
      { site: "hub.docker.com", link: { url: "http://postgrest.org/en/v6.0/admin.html" } },
    ]),
  );
});

Deno.test("GET embeds one-to-one relationships through views", async () => {
  const students = [
    { name: "John Doe", address: "Street 1" },
    { name: "Jane Doe", address: "Street 2" },
  ];
  for (const target of ["students_info", "students_info_view"]) {
    assert.deepEqual(
      await get(`/students_view?select=name,${target}(address)`),
      ok(students.map((s) => ({ name: s.name, [target]: { address: s.address } }))),
    );
  }
  for (const target of ["students", "students_view"]) {
    assert.deepEqual(
      await get(`/students_info_view?select=address,${target}(name)`),
      ok(students.map((s) => ({ address: s.address, [target]: { name: s.name } }))),
    );
  }
});

// --- empty embeds (EM-17) ------------------------------------------------------------------------------

Deno.test("GET with an empty embed outputs nothing for it but can still filter", async () => {
  const projects = [
    { id: 1, name: "Windows 7" },
    { id: 2, name: "Windows 10" },
    { id: 3, name: "IOS" },
    { id: 4, name: "OSX" },
    { id: 5, name: "Orphan" },
  ];
  assert.deepEqual(await get("/projects?select=id,name,clients()"), ok(projects));
  assert.deepEqual(
    await get("/projects?select=id,name,clients!inner()&clients.id=eq.2"),
    ok(projects.slice(2, 4)),
  );
  assert.deepEqual(
    await get("/clients?select=id,name,projects()"),
    ok([{ id: 1, name: "Microsoft" }, { id: 2, name: "Apple" }]),
  );
  assert.deepEqual(
    await get("/clients?select=id,name,projects!inner()&projects.name=eq.IOS"),
    ok([{ id: 2, name: "Apple" }]),
  );
});

Deno.test("GET with empty many-to-many and nested empty embeds", async () => {
  const users = [
    { id: 1, name: "Angela Martin" },
    { id: 2, name: "Michael Scott" },
    { id: 3, name: "Dwight Schrute" },
  ];
  assert.deepEqual(await get("/users?select=*,tasks!inner()"), ok(users));
  assert.deepEqual(await get("/users?select=*,tasks!inner()&tasks.id=eq.3"), ok([users[0]]));
  assert.deepEqual(await get("/users?select=*,users_tasks(tasks(projects()))"), ok(users));
  assert.deepEqual(
    await get("/users?select=*,users_tasks!inner(tasks!inner(projects()))&users_tasks.tasks.id=eq.3"),
    ok([users[0]]),
  );
  assert.deepEqual(await get("/users?select=*,tasks(projects(clients()),users_tasks())"), ok(users));
  assert.deepEqual(
    await get("/users?select=*,tasks!inner(projects(clients()),users_tasks(),name)&tasks.id=eq.3"),
    ok([{ ...users[0], tasks: [{ name: "Design w10" }] }]),
  );
});

Deno.test("GET embeds quoted names", async () => {
  assert.deepEqual(
    await get("/Escap3e;?select=ghostBusters(*)"),
    ok([
      { ghostBusters: [{ escapeId: 1 }] },
      { ghostBusters: [] },
      { ghostBusters: [{ escapeId: 3 }] },
      { ghostBusters: [] },
      { ghostBusters: [{ escapeId: 5 }] },
    ]),
  );
});

// --- embeds on RPC results (EM-25) ----------------------------------------------------------------

Deno.test("GET /rpc/f embeds relationships of the table the function returns", async () => {
  assert.deepEqual(
    await get("/rpc/getallprojects?select=id,clients(name),tasks(id)&id=lt.3"),
    ok([
      { id: 1, clients: { name: "Microsoft" }, tasks: [{ id: 1 }, { id: 2 }] },
      { id: 2, clients: { name: "Microsoft" }, tasks: [{ id: 3 }, { id: 4 }] },
    ]),
  );
  assert.deepEqual(
    await get("/rpc/getallusers?select=name,tasks(name)&id=eq.3"),
    ok([{ name: "Dwight Schrute", tasks: [{ name: "Design w7" }, { name: "Design IOS" }] }]),
  );
  const post = await app.request("/rpc/getallprojects?select=id,...clients(client:name)&id=eq.3", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  assert.deepEqual([post.status, await post.json()], [200, [{ id: 3, client: "Apple" }]]);
});

Deno.test("GET /rpc/f with an embed that has no relationship is 400 PGRST200", async () => {
  assert.deepEqual(await get("/rpc/getallprojects?select=id,users_tasks(*)"), {
    status: 400,
    body: {
      code: "PGRST200",
      details:
        "Searched for a foreign key relationship between 'projects' and 'users_tasks' in the schema 'embed', but no matches were found.",
      hint: "Perhaps you meant 'users_projects' instead of 'users_tasks'.",
      message: "Could not find a relationship between 'projects' and 'users_tasks' in the schema cache",
    },
  });
});

// --- data representations through joins ----------------------------------------------------------

Deno.test("GET formats represented columns of embeds, also with *", async () => {
  assert.deepEqual(
    await get(
      "/datarep_next_two_todos?select=id,name,first_item:datarep_todos!datarep_next_two_todos_first_item_id_fkey(label_color)&order=id",
    ),
    ok([
      { id: 1, name: "school related", first_item: { label_color: "000100" } },
      { id: 2, name: "do these first", first_item: { label_color: "000000" } },
    ]),
  );
  assert.deepEqual(
    await get(
      "/datarep_next_two_todos?select=id,second_item:datarep_todos!datarep_next_two_todos_second_item_id_fkey(*)&order=id",
    ),
    ok([
      { id: 1, second_item: { id: 3, name: "Algebra", label_color: "01e240" } },
      { id: 2, second_item: { id: 3, name: "Algebra", label_color: "01e240" } },
    ]),
  );
  assert.deepEqual(
    await get(
      "/datarep_next_two_todos?select=id,datarep_todos!datarep_next_two_todos_first_item_id_fkey(label_color)&datarep_todos.label_color=neq.256&order=id",
    ),
    ok([
      { id: 1, datarep_todos: null },
      { id: 2, datarep_todos: { label_color: "000000" } },
    ]),
  );
});

Deno.test("GET of a view defined on itself is 500 42P17, and the catalog still loads", async () => {
  assert.deepEqual(await get("/self_recursive_view"), {
    status: 500,
    body: {
      code: "42P17",
      details: null,
      hint: null,
      message: 'infinite recursion detected in rules for relation "self_recursive_view"',
    },
  });
  assert.deepEqual(await get("/projects?select=id,clients(id)&id=eq.1"), ok([{ id: 1, clients: { id: 1 } }]));
});
