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
