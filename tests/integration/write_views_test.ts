/**
 * What PostgreSQL decides about a write: auto-updatable views, INSTEAD OF triggers, row-level
 * security WITH CHECK, generated and identity columns, domains, json values, schemas chosen with
 * Content-Profile (WR-16, WR-19, WR-20, WR-21, SCH-02).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const REP = { Prefer: "return=representation" };

Deno.test("POST, PATCH and DELETE through an auto-updatable view write the base table", async () => {
  const post = await send(app, "POST", "/notes", { body: '{"title": "second note"}', headers: REP });
  assert.deepEqual(await summary(post), { status: 201, body: [{ id: 2, title: "second note" }] });
  const patch = await send(app, "PATCH", "/notes?id=eq.1", { body: '{"title": "edited"}', headers: REP });
  assert.deepEqual(await summary(patch), { status: 200, body: [{ id: 1, title: "edited" }] });
  assert.deepEqual(await rows(app, "select * from private.notes_base order by id"), [
    { id: 1, title: "edited", secret: "hidden" },
    { id: 2, title: "second note", secret: "hidden" },
  ]);
  const del = await send(app, "DELETE", "/notes?id=eq.2", { headers: { Prefer: "count=exact" } });
  assert.deepEqual(await summary(del, ["content-range"]), { status: 204, "content-range": "*/1", body: "" });
  assert.deepEqual(await rows(app, "select id from private.notes_base"), [{ id: 1 }]);
});

Deno.test("POST a column the view does not have is 400 PGRST204", async () => {
  const res = await send(app, "POST", "/notes", { body: '{"title": "x", "secret": "y"}' });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST204",
      details: null,
      hint: null,
      message: "Could not find the 'secret' column of 'notes' in the schema cache",
    },
  });
  assert.deepEqual(await rows(app, "select count(*)::int as n from private.notes_base"), [{ n: 1 }]);
});

Deno.test({
  name: "POST through a view answers a Location from the key inferred for the view",
  fn: async () => {
    const res = await send(app, "POST", "/notes", {
      body: '{"title": "located"}',
      headers: { Prefer: "return=headers-only" },
    });
    const [row] = await rows(app, "select id from private.notes_base where title = 'located'");
    assert.deepEqual(await summary(res, ["location"]), {
      status: 201,
      location: `/notes?id=eq.${(row as { id: number }).id}`,
      body: "",
    });
  },
});

Deno.test("POST, PATCH and DELETE through a view with INSTEAD OF triggers return what the trigger wrote", async () => {
  const post = await send(app, "POST", "/shouting", { body: '[{"id": 2, "title": "hello"}]', headers: REP });
  assert.deepEqual(await summary(post), { status: 201, body: [{ id: 2, title: "HELLO" }] });
  const patch = await send(app, "PATCH", "/shouting?id=eq.1", { body: '{"title": "louder"}', headers: REP });
  assert.deepEqual(await summary(patch, ["content-range"]), {
    status: 200,
    "content-range": "0-0/*",
    body: [{ id: 1, title: "LOUDER" }],
  });
  const del = await send(app, "DELETE", "/shouting?id=eq.2", { headers: REP });
  assert.deepEqual(await summary(del), { status: 200, body: [{ id: 2, title: "HELLO" }] });
  assert.deepEqual(await rows(app, "select * from private.shouting_base"), [{ id: 1, title: "LOUDER" }]);
});

Deno.test("POST a row that fails a row-level security WITH CHECK is 401 42501 for the anonymous role", async () => {
  const before = await rows(app, "select * from test.owned_notes order by id");
  const res = await send(app, "POST", "/owned_notes", { body: '{"id": 3, "owner": "bob", "note": "x"}' });
  assert.deepEqual(await summary(res, ["www-authenticate"]), {
    status: 401,
    "www-authenticate": "Bearer",
    body: {
      code: "42501",
      details: null,
      hint: null,
      message: 'new row violates row-level security policy for table "owned_notes"',
    },
  });
  const patch = await send(app, "PATCH", "/owned_notes?id=eq.1", { body: '{"owner": "bob"}' });
  assert.equal((await summary(patch)).status, 401);
  assert.deepEqual(await rows(app, "select * from test.owned_notes order by id"), before);
  const own = await send(app, "POST", "/owned_notes", { body: '{"id": 3, "owner": "anon", "note": "x"}' });
  assert.equal((await summary(own)).status, 201);
});

Deno.test("POST computes generated columns and rejects values for them (428C9)", async () => {
  const ok = await send(app, "POST", "/gen_cols", { body: '{"a": 3}', headers: REP });
  assert.deepEqual(await summary(ok), { status: 201, body: [{ a: 3, b: 6, c: "c default" }] });
  const before = await rows(app, "select * from test.gen_cols order by a");
  const res = await send(app, "POST", "/gen_cols", { body: '[{"a": 4, "b": 1}]' });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "428C9",
      details: 'Column "b" is a generated column.',
      hint: null,
      message: 'cannot insert a non-DEFAULT value into column "b"',
    },
  });
  const patch = await send(app, "PATCH", "/gen_cols?a=eq.3", { body: '{"b": 1}' });
  assert.equal((await summary(patch)).status, 400);
  assert.deepEqual(await rows(app, "select * from test.gen_cols order by a"), before);
});

Deno.test("POST fills identity columns and rejects values for GENERATED ALWAYS ones", async () => {
  const ok = await send(app, "POST", "/identity_always", { body: '{"name": "first"}', headers: REP });
  assert.deepEqual(await summary(ok), { status: 201, body: [{ id: 1, name: "first" }] });
  const res = await send(app, "POST", "/identity_always", { body: '{"id": 5, "name": "second"}' });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "428C9",
      details: 'Column "id" is an identity column defined as GENERATED ALWAYS.',
      hint: "Use OVERRIDING SYSTEM VALUE to override.",
      message: 'cannot insert a non-DEFAULT value into column "id"',
    },
  });
  assert.deepEqual(await rows(app, "select * from test.identity_always"), [{ id: 1, name: "first" }]);
});

Deno.test("POST serializes nested JSON objects and arrays into json columns", async () => {
  const obj = await send(app, "POST", "/json_table", { body: '{"data": {"foo": "bar"}}', headers: REP });
  assert.deepEqual(await summary(obj), { status: 201, body: [{ data: { foo: "bar" } }] });
  const arr = await send(app, "POST", "/json_table", { body: '{"data": [1, 2, 3]}', headers: REP });
  assert.deepEqual(await summary(arr), { status: 201, body: [{ data: [1, 2, 3] }] });
});

Deno.test("POST values PostgreSQL cannot cast is 400 with its error", async () => {
  const res = await send(app, "POST", "/menagerie", {
    body:
      '{"integer": "one", "double": 1, "varchar": "v", "boolean": true, "date": "2020-01-01", "enum": "todo"}',
  });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "22P02",
      details: null,
      hint: null,
      message: 'invalid input syntax for type integer: "one"',
    },
  });
  const enumValue = await send(app, "POST", "/menagerie", {
    body:
      '{"integer": 1, "double": 1, "varchar": "v", "boolean": true, "date": "2020-01-01", "enum": "nope"}',
  });
  assert.equal(((await summary(enumValue)).body as { code: string }).code, "22P02");
  assert.deepEqual(await rows(app, "select * from test.menagerie"), []);
});

Deno.test("POST a child whose parent is missing is 409 23503, also when the check is deferred to COMMIT", async () => {
  const res = await send(app, "POST", "/projects", { body: '{"id": 50, "name": "x", "client_id": 999}' });
  assert.equal((await summary(res)).status, 409);
  const deferred = await send(app, "POST", "/deferred_child", { body: '{"id": 1, "parent_id": 99}' });
  const s = await summary(deferred);
  assert.equal(s.status, 409);
  assert.equal((s.body as { code: string }).code, "23503");
  assert.deepEqual(await rows(app, "select * from test.deferred_child"), []);
});

Deno.test({
  name: "POST and PATCH char(n) and bit(n) columns with values of length n",
  fn: async () => {
    const bit = await send(app, "POST", "/bitchar_with_length?select=bit", {
      body: '{"bit": "10101"}',
      headers: REP,
    });
    assert.deepEqual(await summary(bit), { status: 201, body: [{ bit: "10101" }] });
    const char = await send(app, "POST", "/bitchar_with_length?select=char", {
      body: '{"char": "abcde"}',
      headers: REP,
    });
    assert.deepEqual(await summary(char), { status: 201, body: [{ char: "abcde" }] });
    const patch = await send(app, "PATCH", "/bitchar_with_length?select=bit,char&char=eq.aaaaa", {
      body: '{"bit": "11100"}',
      headers: REP,
    });
    assert.deepEqual(await summary(patch), { status: 200, body: [{ bit: "11100", char: "aaaaa" }] });
  },
});

Deno.test({
  name: "POST embeds related rows in the representation and adds the join columns to RETURNING (EM-26)",
  fn: async () => {
    const res = await send(app, "POST", "/projects?select=id,name,clients(id,name)", {
      body: '{"id": 60, "name": "New Project", "client_id": 2}',
      headers: { Prefer: "return=representation, count=exact" },
    });
    assert.deepEqual(await summary(res, ["content-range", "location"]), {
      status: 201,
      "content-range": "*/1",
      location: null,
      body: [{ id: 60, name: "New Project", clients: { id: 2, name: "Apple" } }],
    });
    const noFk = await send(app, "POST", "/projects?select=name,clients(name)", {
      body: '{"id": 61, "name": "Other", "client_id": 1}',
      headers: REP,
    });
    assert.deepEqual((await summary(noFk)).body, [{ name: "Other", clients: { name: "Microsoft" } }]);
    const inner = await send(app, "POST", "/projects?select=name,clients!inner(name)&clients.name=eq.Apple", {
      body: '[{"id": 62, "name": "A", "client_id": 1}, {"id": 63, "name": "B", "client_id": 2}]',
      headers: REP,
    });
    assert.deepEqual((await summary(inner)).body, [{ name: "B", clients: { name: "Apple" } }]);
    assert.deepEqual(await rows(app, "select id from test.projects where id in (62, 63) order by id"), [{
      id: 62,
    }, {
      id: 63,
    }]);
  },
});

Deno.test("POST with Content-Profile writes into that schema and echoes it", async () => {
  const multi = await testApp({ dbSchemas: ["test", "v2"] });
  try {
    const res = await multi.request("/parents", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Content-Profile": "v2",
        Prefer: "return=representation",
      },
      body: '{"id": 3, "name": "P3"}',
    });
    assert.deepEqual(await summary(res, ["content-profile"]), {
      status: 201,
      "content-profile": "v2",
      body: [{ id: 3, name: "P3" }],
    });
    const unknown = await multi.request("/parents", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Profile": "v3" },
      body: '{"id": 4, "name": "P4"}',
    });
    assert.equal((await summary(unknown)).status, 406);
    assert.deepEqual(await rows(multi, "select id from v2.parents order by id"), [{ id: 1 }, { id: 2 }, {
      id: 3,
    }]);
  } finally {
    await multi.close();
  }
});

Deno.test({
  name: "POST and PATCH parse represented columns with their json → domain cast (WR-20)",
  fn: async () => {
    const post = await send(app, "POST", "/swatches", {
      body: '{"id": 2, "name": "brown", "color": "#221100"}',
      headers: REP,
    });
    assert.deepEqual(await summary(post), {
      status: 201,
      body: [{ id: 2, name: "brown", color: "#221100" }],
    });
    const patch = await send(app, "PATCH", "/swatches?id=eq.1&select=id,color", {
      body: '{"color": "#000100"}',
      headers: REP,
    });
    assert.deepEqual(await summary(patch), { status: 200, body: [{ id: 1, color: "#000100" }] });
    assert.deepEqual(await rows(app, "select id, color::int as color from test.swatches order by id"), [
      { id: 1, color: 256 },
      { id: 2, color: 2232576 },
    ]);
  },
});
