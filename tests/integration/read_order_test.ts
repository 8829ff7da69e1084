/**
 * Ordering (FEATURES §2.4): directions, nulls placement, several columns, JSON and composite
 * paths, computed fields, embedded orders and syntax errors. Ported from PostgREST's QuerySpec
 * ("ordering response") and JsonOperatorSpec ("ordering response").
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

// Plans are enabled to show that JSON arrows use expression indexes.
const app = await readingApp({ dbPlanEnabled: true });
Deno.test.afterAll(() => app.close());

const ordered = (path: string) => fetchReply(app, path, {}, ["content-range"]);

Deno.test("order by a column asc, desc, or with no direction", async () => {
  assert.deepEqual(await ordered("/items?id=lte.2&order=id.asc"), {
    status: 200,
    "content-range": "0-1/*",
    body: ids(1, 2),
  });
  assert.deepEqual(await ordered("/items?id=lte.2&order=id.desc"), {
    status: 200,
    "content-range": "0-1/*",
    body: ids(2, 1),
  });
  assert.deepEqual(await ordered("/items?id=lte.2&order=id"), {
    status: 200,
    "content-range": "0-1/*",
    body: ids(1, 2),
  });
});

Deno.test("nullsfirst and nullslast, with and without a direction", async () => {
  const nul = { a: null, b: null };
  const one = { a: "1", b: "0" };
  const two = { a: "2", b: "0" };
  assert.deepEqual(await ordered("/no_pk?order=a.nullsfirst"), {
    status: 200,
    "content-range": "0-2/*",
    body: [nul, one, two],
  });
  assert.deepEqual(await rows(app, "/no_pk?order=a.asc.nullslast"), [one, two, nul]);
  assert.deepEqual(await rows(app, "/no_pk?order=a.desc.nullsfirst"), [nul, two, one]);
  assert.deepEqual(await rows(app, "/no_pk?order=a.desc.nullslast"), [two, one, nul]);
  assert.deepEqual(await rows(app, "/no_pk?order=a.nullslast"), [one, two, nul]);
});

Deno.test("order by two columns with nulls and directions", async () => {
  assert.deepEqual(
    await ordered("/projects?select=client_id,id,name&order=client_id.desc.nullslast,id.desc"),
    {
      status: 200,
      "content-range": "0-4/*",
      body: [
        { client_id: 2, id: 4, name: "OSX" },
        { client_id: 2, id: 3, name: "IOS" },
        { client_id: 1, id: 2, name: "Windows 10" },
        { client_id: 1, id: 1, name: "Windows 7" },
        { client_id: null, id: 5, name: "Orphan" },
      ],
    },
  );
});

Deno.test("order by a computed field", async () => {
  assert.deepEqual(await rows(app, "/items?order=anti_id.desc&limit=3"), ids(1, 2, 3));
  assert.deepEqual(await rows(app, "/items?select=id&order=always_true.desc,id.desc&limit=1"), ids(15));
});

Deno.test("embedded orders, by name, by alias and two levels deep", async () => {
  assert.deepEqual(
    await rows(app, "/projects?id=eq.1&select=id, name, tasks(id, name)&tasks.order=name.asc"),
    [
      { id: 1, name: "Windows 7", tasks: [{ id: 2, name: "Code w7" }, { id: 1, name: "Design w7" }] },
    ],
  );
  assert.deepEqual(
    await rows(app, "/projects?id=eq.1&select=id, name, the_tasks:tasks(id, name)&the_tasks.order=name.desc"),
    [{ id: 1, name: "Windows 7", the_tasks: [{ id: 1, name: "Design w7" }, { id: 2, name: "Code w7" }] }],
  );
  assert.deepEqual(
    await rows(
      app,
      "/clients?id=eq.1&select=id,projects(id,tasks(id))&projects.order=id.desc&projects.tasks.order=id.desc",
    ),
    [{ id: 1, projects: [{ id: 2, tasks: ids(4, 3) }, { id: 1, tasks: ids(2, 1) }] }],
  );
  assert.deepEqual(
    await rows(app, "/projects?id=eq.1&select=id, name, clients(id, name)&clients.order=name.asc"),
    [
      { id: 1, name: "Windows 7", clients: { id: 1, name: "Microsoft" } },
    ],
  );
});

Deno.test("an unknown column in order is PostgreSQL's 42703", async () => {
  assert.deepEqual(await fetchReply(app, "/items?order=nope.desc"), {
    status: 400,
    body: pgError("42703", "column items.nope does not exist"),
  });
});

Deno.test("bad order syntax is 400 PGRST100 with the position", async () => {
  assert.deepEqual(await fetchReply(app, "/items?order=id.asc.nullslasttt"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse order (id.asc.nullslasttt)" (line 1, column 17)',
      "unexpected 't' expecting \",\" or end of input",
    ),
  });
  const bad = await fetchReply(app, "/items?order=id.ac");
  assert.equal(bad.status, 400);
  assert.deepEqual(
    [(bad.body as { code: string }).code, (bad.body as { message: string }).message],
    ["PGRST100", '"failed to parse order (id.ac)" (line 1, column 4)'],
  );
  assert.deepEqual(await fetchReply(app, "/items?order=id.desc,"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse order (id.desc,)" (line 1, column 9)',
      "unexpected end of input expecting field name (* or [a..z0..9_$])",
    ),
  });
});

Deno.test("filters and orders on JSON arrows of json/jsonb columns use expression indexes", async () => {
  const plan = async (path: string) => {
    const res = await app.request(path, { headers: { Accept: "application/vnd.pgrst.plan" } });
    assert.equal(
      res.headers.get("content-type"),
      'application/vnd.pgrst.plan+text; for="application/json"; charset=utf-8',
    );
    return await res.text();
  };
  for (const col of ["data_json", "data_jsonb"]) {
    const filtered = await plan(`/bets?${col}->>contractId=eq.1`);
    assert.match(filtered, new RegExp(`Index Scan using bets_${col} on bets`), filtered);
    assert.match(filtered, /Index Cond: /, filtered);
    const ordered = await plan(`/bets?order=${col}->>contractId`);
    assert.match(ordered, new RegExp(`Index Scan using bets_${col} on bets`), ordered);
  }
});
