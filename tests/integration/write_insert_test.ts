/**
 * POST on tables: single and bulk inserts, return preferences, Location, Content-Range, columns=
 * and missing=default, singular Accept, constraint errors (WR-01, WR-02, WR-05..WR-08, WR-17,
 * WR-19, WR-22, PF-02, PF-05, PG-13, RH-02/03/05/06).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send, WRITE_HEADERS } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(app, "POST", path, { body, headers });

Deno.test("POST one object is 201 with an empty body, Content-Range */* and Content-Length 0", async () => {
  const res = await post("/articles", '{"id": 10, "body": "new"}');
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 201,
    "content-type": null,
    "content-length": "0",
    "content-range": "*/*",
    location: null,
    "preference-applied": null,
    body: "",
  });
  // The owner column took its default, evaluated as the anonymous role.
  assert.deepEqual(await rows(app, "select * from test.articles where id = 10"), [
    { id: 10, body: "new", owner: "anon" },
  ]);
});

Deno.test("POST an array inserts every row and returns them with return=representation", async () => {
  const res = await post("/items", '[{"id": 1001}, {"id": 1002}]', { Prefer: "return=representation" });
  const raw = await res.clone().text();
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 201,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(new TextEncoder().encode(raw).length),
    "content-range": "*/*",
    location: null,
    "preference-applied": "return=representation",
    body: [{ id: 1001 }, { id: 1002 }],
  });
  assert.deepEqual(await rows(app, "select id from test.items where id > 1000 order by id"), [
    { id: 1001 },
    { id: 1002 },
  ]);
});

Deno.test("POST with count=exact counts the inserted rows in Content-Range */N", async () => {
  const res = await post("/items", '[{"id": 1003}, {"id": 1004}, {"id": 1005}]', {
    Prefer: "return=minimal, count=exact",
  });
  assert.deepEqual(await summary(res, ["content-range", "preference-applied"]), {
    status: 201,
    "content-range": "*/3",
    "preference-applied": "return=minimal, count=exact",
    body: "",
  });
});

Deno.test("POST with return=representation respects select, aliases and casts", async () => {
  const res = await post(
    "/projects?select=pId:id::text,pName:name,cId:client_id::text",
    '{"id":7,"name":"New Project","client_id":2}',
    {
      Prefer: "return=representation",
    },
  );
  assert.deepEqual(await summary(res, ["content-range", "location"]), {
    status: 201,
    "content-range": "*/*",
    location: null,
    body: [{ pId: "7", pName: "New Project", cId: "2" }],
  });
});

Deno.test("POST with select but without return=representation builds no body", async () => {
  const res = await post("/projects?select=id,name", '{"id":8,"name":"P8","client_id":1}', {
    Prefer: "return=minimal",
  });
  assert.deepEqual(await summary(res, ["content-type", "preference-applied"]), {
    status: 201,
    "content-type": null,
    "preference-applied": "return=minimal",
    body: "",
  });
  assert.deepEqual(await rows(app, "select name from test.projects where id = 8"), [{ name: "P8" }]);
});

Deno.test("POST with return=headers-only answers a Location built from the primary key", async () => {
  const res = await post("/projects?select=name,client_id", '{"id":11,"name":"New Project","client_id":2}', {
    Prefer: "return=headers-only",
  });
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 201,
    "content-type": null,
    "content-length": "0",
    "content-range": "*/*",
    location: "/projects?id=eq.11",
    "preference-applied": "return=headers-only",
    body: "",
  });
});

Deno.test("POST with return=headers-only percent-encodes a composite key in Location", async () => {
  const res = await post("/compound_pk", '{"k1":12,"k2":"Rock & R+ll"}', { Prefer: "return=headers-only" });
  const s = await summary(res, ["location"]);
  assert.equal(s.location, "/compound_pk?k1=eq.12&k2=eq.Rock%20%26%20R%2Bll");
  // The Location reads the row back.
  const back = await app.request(s.location as string);
  assert.deepEqual((await summary(back)).body, [{ k1: 12, k2: "Rock & R+ll", extra: null }]);
});

Deno.test("POST with return=headers-only gives the generated key in Location", async () => {
  const res = await post("/auto_pk", '{"non_nullable_string":"not null"}', { Prefer: "return=headers-only" });
  const [id] = await rows(app, "select id from test.auto_pk where non_nullable_string = 'not null'");
  assert.equal((await summary(res, ["location"])).location, `/auto_pk?id=eq.${(id as { id: number }).id}`);
});

Deno.test("POST with return=headers-only has no Location without a primary key or for several rows", async () => {
  const noPk = await post("/no_pk", '{"a":"foo","b":"bar"}', { Prefer: "return=headers-only" });
  assert.deepEqual(await summary(noPk, ["location"]), { status: 201, location: null, body: "" });
  const bulk = await post("/compound_pk", '[{"k1":21,"k2":"a"},{"k1":22,"k2":"b"}]', {
    Prefer: "return=headers-only",
  });
  assert.deepEqual(await summary(bulk, ["location"]), { status: 201, location: null, body: "" });
});

Deno.test("POST an empty object inserts a row of defaults, [{}, {}] two of them", async () => {
  const before = await rows(app, "select count(*)::int as n from test.items");
  assert.equal((await post("/items", "{}")).status, 201);
  assert.equal((await post("/items", "[{}, {}]")).status, 201);
  const after = await rows(app, "select count(*)::int as n from test.items");
  assert.equal((after[0] as { n: number }).n - (before[0] as { n: number }).n, 3);
});

Deno.test("POST an empty array inserts nothing and represents it as []", async () => {
  const res = await post("/no_pk", "[]", { Prefer: "return=representation" });
  assert.deepEqual(await summary(res, ["content-range"]), { status: 201, "content-range": "*/*", body: [] });
});

Deno.test("POST ignores root filters", async () => {
  const res = await post("/articles?id=eq.999", '{"id": 20, "body": "filtered?"}', {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 201, body: [{ id: 20, body: "filtered?", owner: "anon" }] });
});

Deno.test("POST a key that is not a column is 400 PGRST204 and inserts nothing", async () => {
  const before = await rows(app, "select * from test.articles order by id");
  const res = await post("/articles", '{"id": 30, "body": "x", "helicopter": 1}');
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

Deno.test("POST to an unknown table is 404 PGRST205", async () => {
  const res = await post("/garlic", '{"id": 1}');
  const s = await summary(res);
  assert.equal(s.status, 404);
  assert.equal(
    (s.body as { message: string }).message,
    "Could not find the table 'test.garlic' in the schema cache",
  );
});

Deno.test("POST a duplicate key is 409 23505 and changes nothing", async () => {
  const before = await rows(app, "select * from test.simple_pk order by k");
  const res = await post("/simple_pk", '{ "k":"xyyx", "extra":"e1" }');
  assert.deepEqual(await summary(res), {
    status: 409,
    body: {
      code: "23505",
      details: "Key (k)=(xyyx) already exists.",
      hint: null,
      message: 'duplicate key value violates unique constraint "simple_pk_pkey"',
    },
  });
  assert.deepEqual(await rows(app, "select * from test.simple_pk order by k"), before);
});

Deno.test("POST a null into a NOT NULL column is 400 23502", async () => {
  const res = await post("/simple_pk", '{ "k":"k2" }');
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "23502",
      details: "Failing row contains (k2, null).",
      hint: null,
      message: 'null value in column "extra" of relation "simple_pk" violates not-null constraint',
    },
  });
  assert.deepEqual(await rows(app, "select * from test.simple_pk where k = 'k2'"), []);
});

Deno.test("POST a bulk body fails as a whole when one row fails", async () => {
  const res = await post("/guarded", '[{"id": 2, "val": "ok"}, {"id": 3, "val": "bad"}]');
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "P0001", details: null, hint: "Use a good value", message: "bad value for row 3" },
  });
  assert.deepEqual(await rows(app, "select id from test.guarded order by id"), [{ id: 1 }]);
});

Deno.test("POST with a singular Accept returns the one row as an object", async () => {
  const res = await post("/tiobe_pls", '[{"name":"Ruby","rank":11}]', {
    Accept: "application/vnd.pgrst.object+json",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 201,
    "content-type": "application/vnd.pgrst.object+json; charset=utf-8",
    body: { name: "Ruby", rank: 11 },
  });
});

Deno.test("POST several rows with a singular Accept is 406 PGRST116 and rolled back, even with return=minimal", async () => {
  for (const prefer of ["return=minimal", "return=representation"]) {
    const res = await post("/tiobe_pls", '[{"name":"Lisp","rank":30},{"name":"Ada","rank":31}]', {
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
  assert.deepEqual(await rows(app, "select name from test.tiobe_pls where name in ('Lisp', 'Ada')"), []);
  const none = await post("/tiobe_pls", "[]", { Accept: "application/vnd.pgrst.object+json" });
  assert.equal(((await summary(none)).body as { details: string }).details, "The result contains 0 rows");
});

Deno.test({
  name: "POST with columns= inserts only the listed keys and forwards the body unparsed",
  fn: async () => {
    const res = await post(
      "/articles?columns=id,body",
      '{"id": 200, "body": "xxx", "smth": "here", "fake_id": 13}',
      {
        Prefer: "return=representation",
      },
    );
    assert.deepEqual(await summary(res), { status: 201, body: [{ id: 200, body: "xxx", owner: "anon" }] });
    const bulk = await post(
      "/articles?columns=id,body&select=id,body",
      '[{"id": 201, "body": "yyy", "smth": "here"}, {"id": 202, "body": "zzz", "garbage": "%%$&"}, {"id": 203, "body": "aaa", "hey": "ho"}]',
      { Prefer: "return=representation" },
    );
    assert.deepEqual(await summary(bulk), {
      status: 201,
      body: [{ id: 201, body: "yyy" }, { id: 202, body: "zzz" }, { id: 203, body: "aaa" }],
    });
  },
});

Deno.test({
  name: "POST with columns= naming an unknown column is 400 PGRST204 and inserts nothing",
  fn: async () => {
    const before = await rows(app, "select * from test.articles order by id");
    const res = await post("/articles?columns=helicopter", '[{"id": 204, "body": "yyy"}]');
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
  },
});

Deno.test({
  name: "POST with columns= and missing=default fills absent keys with column defaults",
  fn: async () => {
    const res = await post(
      "/with_defaults?columns=id,name,field-with_sep,created",
      '[{"id": 4, "name": "Vier"}, {"id": 5, "name": null}, {"id": 6, "field-with_sep": 6, "created": "1999-01-01"}]',
      { Prefer: "return=representation, missing=default" },
    );
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 201,
      "preference-applied": "missing=default, return=representation",
      body: [
        { id: 4, name: "Vier", "field-with_sep": 1, note: null, created: "2020-01-01" },
        { id: 5, name: null, "field-with_sep": 1, note: null, created: "2020-01-01" },
        { id: 6, name: "Default", "field-with_sep": 6, note: null, created: "1999-01-01" },
      ],
    });
  },
});

Deno.test({
  name: "POST with columns= and without missing=default inserts nulls for absent keys",
  fn: async () => {
    const res = await post("/with_defaults?columns=id,name", '{"id": 7}', {
      Prefer: "return=representation",
    });
    assert.deepEqual(await summary(res), {
      status: 201,
      body: [{ id: 7, name: null, "field-with_sep": 1, note: null, created: "2020-01-01" }],
    });
  },
});

Deno.test({
  name: "POST with missing=default uses view defaults, identity, serial and domain defaults",
  fn: async () => {
    const view = await post("/with_defaults_view?columns=id,name", '[{"id": 8}]', {
      Prefer: "return=representation, missing=default",
    });
    assert.deepEqual((await summary(view)).body, [{
      id: 8,
      name: "View default",
      "field-with_sep": 1,
      note: null,
    }]);
    const domain = await post("/evil_friends?columns=id,name", '{"name": "Lu"}', {
      Prefer: "return=representation, missing=default",
    });
    assert.deepEqual((await summary(domain)).body, [{ id: 666, name: "Lu" }]);
    const colFirst = await post("/evil_friends_with_column_default?columns=id,name", '{"name": "Demon"}', {
      Prefer: "return=representation, missing=default",
    });
    assert.deepEqual((await summary(colFirst)).body, [{ id: 420, name: "Demon" }]);
    const identity = await post("/surr_gen_default_upsert?columns=id,name&select=name", '{"name": "new"}', {
      Prefer: "return=representation, missing=default",
    });
    assert.deepEqual((await summary(identity)).body, [{ name: "new" }]);
  },
});
