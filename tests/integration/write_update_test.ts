/**
 * PATCH: updates with filters, counts, representation, empty and array bodies, ignored limits,
 * full-table updates and the pg-safeupdate error, max-affected (WR-13, WR-15, PF-09, PG-13, PG-15).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send, WRITE_HEADERS } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const patch = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(app, "PATCH", path, { body, headers });

Deno.test("PATCH one row is 204 with Content-Range 0-0/* and no Content-Type", async () => {
  const res = await patch("/items?id=eq.2", '{"id": 42}');
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 204,
    "content-type": null,
    "content-length": null,
    "content-range": "0-0/*",
    location: null,
    "preference-applied": null,
    body: "",
  });
  assert.deepEqual(await rows(app, "select id from test.items where id in (2, 42)"), [{ id: 42 }]);
});

Deno.test("PATCH with return=representation is 200 with the updated rows", async () => {
  const res = await patch("/items?id=eq.42", '{"id": 2}', { Prefer: "return=representation" });
  const raw = await res.clone().text();
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(new TextEncoder().encode(raw).length),
    "content-range": "0-0/*",
    location: null,
    "preference-applied": "return=representation",
    body: [{ id: 2 }],
  });
});

Deno.test("PATCH several rows gives their range, and the count with count=exact", async () => {
  const res = await patch("/no_pk?b=eq.0", '{"b": "1"}', { Prefer: "count=exact" });
  assert.deepEqual(await summary(res, ["content-range", "preference-applied"]), {
    status: 204,
    "content-range": "0-1/2",
    "preference-applied": "count=exact",
    body: "",
  });
  assert.deepEqual(await rows(app, "select a from test.no_pk where b = '1' order by a"), [{ a: "1" }, {
    a: "2",
  }]);
  const back = await patch("/no_pk?b=eq.1", '{"b": "0"}');
  assert.equal((await summary(back, ["content-range"]))["content-range"], "0-1/*");
});

Deno.test("PATCH that matches nothing is 204 */*, or 200 [] with representation", async () => {
  const res = await patch("/items?id=eq.99999999", '{"id": 42}');
  assert.deepEqual(await summary(res, ["content-range"]), { status: 204, "content-range": "*/*", body: "" });
  const rep = await patch("/items?id=eq.999999", '{"id": 999999}', { Prefer: "return=representation" });
  assert.deepEqual(await summary(rep, ["content-range", "preference-applied"]), {
    status: 200,
    "content-range": "*/*",
    "preference-applied": "return=representation",
    body: [],
  });
});

Deno.test("PATCH can set a column to null and shape the representation", async () => {
  const res = await patch("/complex_items?id=eq.1&select=name,field_with_sep", '{"field_with_sep": null}', {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 200, body: [{ name: "One", field_with_sep: null }] });
});

Deno.test("PATCH with select but return=minimal builds no body", async () => {
  const res = await patch("/items?id=eq.1&select=id", '{"id": 1}', { Prefer: "return=minimal" });
  assert.deepEqual(await summary(res, ["content-type", "content-range", "preference-applied"]), {
    status: 204,
    "content-type": null,
    "content-range": "0-0/*",
    "preference-applied": "return=minimal",
    body: "",
  });
});

Deno.test("PATCH with return=headers-only is 204 without Location", async () => {
  const res = await patch("/items?id=eq.1", '{"id": 1}', { Prefer: "return=headers-only" });
  assert.deepEqual(await summary(res, ["location", "content-range"]), {
    status: 204,
    location: null,
    "content-range": "0-0/*",
    body: "",
  });
});

Deno.test("PATCH with an empty body updates nothing", async () => {
  const before = await rows(app, "select * from test.items order by id");
  for (const body of ["{}", "[]", "[{}]"]) {
    const res = await patch("/items", body);
    assert.deepEqual(await summary(res, ["content-type", "content-range"]), {
      status: 204,
      "content-type": null,
      "content-range": "*/*",
      body: "",
    }, body);
    const sel = await patch("/items?select=id", body, { Prefer: "return=representation" });
    assert.deepEqual(
      await summary(sel, ["content-range"]),
      { status: 200, "content-range": "*/*", body: [] },
      body,
    );
  }
  assert.deepEqual(await rows(app, "select * from test.items order by id"), before);
});

Deno.test("PATCH with an array body uses its first element", async () => {
  const res = await patch("/simple_pk?k=eq.xyyx", '[{"extra": "first"}, {"extra": "second"}]', {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 200, body: [{ k: "xyyx", extra: "first" }] });
});

Deno.test("PATCH with empty or invalid JSON is 400 PGRST102 and changes nothing", async () => {
  const before = await rows(app, "select * from test.simple_pk order by k");
  for (const body of ["}{ x = 2", ""]) {
    const res = await patch("/simple_pk", body);
    assert.deepEqual(await summary(res, ["content-type"]), {
      status: 400,
      "content-type": "application/json; charset=utf-8",
      body: { code: "PGRST102", details: null, hint: null, message: "Empty or invalid json" },
    });
  }
  assert.deepEqual(await rows(app, "select * from test.simple_pk order by k"), before);
});

Deno.test("PATCH a key that is not a column is 400 PGRST204 and changes nothing", async () => {
  const before = await rows(app, "select * from test.articles order by id");
  const res = await patch("/articles?id=eq.1", '{"body": "x", "helicopter": 1}');
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST204",
      details: null,
      hint: null,
      message: "Could not find the 'helicopter' column of 'articles' in the schema cache",
    },
  });
  assert.deepEqual(await rows(app, "select * from test.articles order by id"), before);
});

Deno.test("PATCH ignores limit and order: every matching row is updated", async () => {
  const res = await patch("/tiobe_pls?rank=gt.0&limit=1&order=rank", '{"rank": 100}', {
    Prefer: "count=exact",
  });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 204,
    "content-range": "0-2/3",
    body: "",
  });
  assert.deepEqual(await rows(app, "select distinct rank from test.tiobe_pls"), [{ rank: 100 }]);
});

Deno.test("PATCH without filters updates the whole table", async () => {
  const res = await patch("/compound_pk", '{"extra": 7}', { Prefer: "count=exact" });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 204,
    "content-range": "0-2/3",
    body: "",
  });
  assert.deepEqual(await rows(app, "select distinct extra from test.compound_pk"), [{ extra: 7 }]);
});

Deno.test("PATCH without filters where pg-safeupdate is loaded is 400 21000 and changes nothing", async () => {
  const before = await rows(app, "select * from test.safe_update order by id");
  const res = await patch("/safe_update", '{"name": "New name"}');
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "21000", details: null, hint: null, message: "UPDATE requires a WHERE clause" },
  });
  assert.deepEqual(await rows(app, "select * from test.safe_update order by id"), before);
  const filtered = await patch("/safe_update?id=gt.0", '{"name": "New name"}', { Prefer: "count=exact" });
  assert.deepEqual(await summary(filtered, ["content-range"]), {
    status: 204,
    "content-range": "0-2/3",
    body: "",
  });
});

Deno.test("PATCH affecting more rows than max-affected with handling=strict is 400 PGRST124 and rolled back", async () => {
  const before = await rows(app, "select * from test.tasks order by id");
  const res = await patch("/tasks?id=lt.5", '{"name": "x"}', { Prefer: "handling=strict, max-affected=2" });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST124",
      details: "The query affects 4 rows",
      hint: null,
      message: "Query result exceeds max-affected preference constraint",
    },
  });
  assert.deepEqual(await rows(app, "select * from test.tasks order by id"), before);
});

Deno.test("PATCH within max-affected with handling=strict succeeds", async () => {
  const ok = await patch("/items?id=eq.3", '{"id": 333}', { Prefer: "handling=strict, max-affected=2" });
  assert.deepEqual(await summary(ok, ["preference-applied"]), {
    status: 204,
    "preference-applied": "handling=strict, max-affected=2",
    body: "",
  });
  assert.deepEqual(await rows(app, "select id from test.items where id = 333"), [{ id: 333 }]);
});

Deno.test("PATCH ignores max-affected without handling=strict", async () => {
  const res = await patch("/users_tasks?user_id=eq.1", '{"user_id": 1}', { Prefer: "max-affected=1" });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 204,
    "content-range": "0-3/*",
    body: "",
  });
});

Deno.test("PATCH several rows with a singular Accept is 406 PGRST116 and rolled back", async () => {
  const before = await rows(app, "select * from test.clients order by id");
  for (const prefer of ["return=minimal", "return=representation"]) {
    const res = await patch("/clients", '{"name": "zzz"}', {
      Accept: "application/vnd.pgrst.object+json",
      Prefer: prefer,
    });
    assert.deepEqual(await summary(res), {
      status: 406,
      body: {
        code: "PGRST116",
        details: "The result contains 2 rows",
        hint: null,
        message: "Cannot coerce the result to a single JSON object",
      },
    });
  }
  const zero = await patch("/clients?id=lt.0", '{"name": "zzz"}', {
    Accept: "application/vnd.pgrst.object+json",
  });
  assert.equal(((await summary(zero)).body as { details: string }).details, "The result contains 0 rows");
  assert.deepEqual(await rows(app, "select * from test.clients order by id"), before);
});

Deno.test("PATCH one row with a singular Accept answers an object", async () => {
  const res = await patch("/clients?id=eq.1", '{"name": "B Street"}', {
    Accept: "application/vnd.pgrst.object+json",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 200,
    "content-type": "application/vnd.pgrst.object+json; charset=utf-8",
    body: { id: 1, name: "B Street" },
  });
});

Deno.test("PATCH rows a trigger rejects is 400 with the trigger's error and changes nothing", async () => {
  const res = await patch("/guarded?id=eq.1", '{"val": "bad"}');
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "P0001", details: null, hint: "Use a good value", message: "bad value for row 1" },
  });
  assert.deepEqual(await rows(app, "select * from test.guarded"), [{ id: 1, val: "good" }]);
});

Deno.test({
  name: "PATCH filters with logic trees",
  fn: async () => {
    const res = await patch("/users?or=(id.eq.1,id.eq.3)&select=id,name", '{"name": "Kevin"}', {
      Prefer: "return=representation",
    });
    assert.deepEqual(await summary(res), {
      status: 200,
      body: [{ id: 1, name: "Kevin" }, { id: 3, name: "Kevin" }],
    });
    assert.deepEqual(await rows(app, "select id from test.users where name = 'Kevin' order by id"), [{
      id: 1,
    }, {
      id: 3,
    }]);
  },
});

Deno.test({
  name: "PATCH with columns= and missing=default sets absent keys to their default",
  fn: async () => {
    const res = await patch("/with_defaults?id=eq.1&columns=name,field-with_sep", '{"name": "Tres"}', {
      Prefer: "return=representation, missing=default",
    });
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 200,
      "preference-applied": "missing=default, return=representation",
      body: [{ id: 1, name: "Tres", "field-with_sep": 1, note: "a note", created: "2021-01-01" }],
    });
    const plain = await patch("/with_defaults?id=eq.1&columns=note", '{"body": "ignored"}', {
      Prefer: "return=representation",
    });
    assert.deepEqual((await summary(plain)).body, [{
      id: 1,
      name: "Tres",
      "field-with_sep": 1,
      note: null,
      created: "2021-01-01",
    }]);
  },
});

Deno.test({
  name: "PATCH embeds related rows in the representation (EM-26)",
  fn: async () => {
    const res = await patch(
      "/users?id=eq.1&select=name,tasks(name,project:projects(name))&tasks.order=id",
      '{"name": "Kevin Malone"}',
      {
        Prefer: "return=representation",
      },
    );
    assert.deepEqual(await summary(res), {
      status: 200,
      body: [{
        name: "Kevin Malone",
        tasks: [
          { name: "Design w7", project: { name: "Windows 7" } },
          { name: "Code w7", project: { name: "Windows 7" } },
          { name: "Design w10", project: { name: "Windows 10" } },
          { name: "Code w10", project: { name: "Windows 10" } },
        ],
      }],
    });
    const filtered = await patch(
      "/projects?id=eq.1&select=name,tasks(name)&tasks.name=like.Code*",
      '{"name": "Windows Seven"}',
      { Prefer: "return=representation" },
    );
    assert.deepEqual((await summary(filtered)).body, [{
      name: "Windows Seven",
      tasks: [{ name: "Code w7" }],
    }]);
  },
});
