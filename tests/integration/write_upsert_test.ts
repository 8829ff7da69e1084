/**
 * Upserts: POST with `Prefer: resolution=…` and `on_conflict=`, and PUT, the single-row upsert
 * addressed by its primary key (WR-09..WR-12, PF-04, PG-14, SE-01).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const post = (path: string, body: string, prefer: string) =>
  send(app, "POST", path, { body, headers: { Prefer: prefer } });
const put = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(app, "PUT", path, { body, headers });
const MERGE = "return=representation, resolution=merge-duplicates";
const IGNORE = "return=representation, resolution=ignore-duplicates";

Deno.test("POST with resolution=merge-duplicates inserts new rows and updates existing ones (201)", async () => {
  const res = await post(
    "/tiobe_pls",
    '[{"name":"Javascript","rank":6},{"name":"Java","rank":2},{"name":"C","rank":1}]',
    MERGE,
  );
  assert.deepEqual(await summary(res, ["preference-applied", "content-type"]), {
    status: 201,
    "preference-applied": "resolution=merge-duplicates, return=representation",
    "content-type": "application/json; charset=utf-8",
    body: [{ name: "Javascript", rank: 6 }, { name: "Java", rank: 2 }, { name: "C", rank: 1 }],
  });
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls order by name"), [
    { name: "C", rank: 1 },
    { name: "Java", rank: 2 },
    { name: "Javascript", rank: 6 },
    { name: "Python", rank: 3 },
  ]);
});

Deno.test("POST with resolution=merge-duplicates that only updates is 200", async () => {
  const res = await post("/tiobe_pls", '[{"name":"Python","rank":4},{"name":"C","rank":5}]', MERGE);
  assert.deepEqual(await summary(res), {
    status: 200,
    body: [{ name: "Python", rank: 4 }, { name: "C", rank: 5 }],
  });
  const minimal = await post("/tiobe_pls", '[{"name":"Python","rank":4}]', "resolution=merge-duplicates");
  assert.deepEqual(await summary(minimal, ["content-range"]), {
    status: 200,
    "content-range": "*/*",
    body: "",
  });
});

Deno.test("POST with resolution=merge-duplicates and no rows is 200", async () => {
  const res = await post("/articles", "[]", MERGE);
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    body: [],
  });
});

Deno.test("POST with resolution=merge-duplicates on a composite key updates only the sent columns", async () => {
  const res = await post(
    "/employees",
    '[{"first_name":"Frances M.","last_name":"Roe","salary":30000},{"first_name":"Peter S.","last_name":"Yang","salary":42000}]',
    MERGE,
  );
  assert.deepEqual(await summary(res), {
    status: 201,
    body: [
      {
        first_name: "Frances M.",
        last_name: "Roe",
        salary: 30000,
        company: "One-Up Realty",
        occupation: "Author",
      },
      { first_name: "Peter S.", last_name: "Yang", salary: 42000, company: null, occupation: null },
    ],
  });
});

Deno.test("POST with a resolution on a table with only key columns returns the rows it upserted", async () => {
  const merge = await post("/only_pk", '[{"id":1},{"id":2},{"id":4}]', MERGE);
  assert.deepEqual(await summary(merge, ["preference-applied"]), {
    status: 201,
    "preference-applied": "resolution=merge-duplicates, return=representation",
    body: [{ id: 1 }, { id: 2 }, { id: 4 }],
  });
  const ignore = await post("/only_pk", '[{"id":1},{"id":2},{"id":3}]', IGNORE);
  assert.deepEqual(await summary(ignore), { status: 201, body: [{ id: 3 }] });
  assert.deepEqual(await rows(app, "select id from test.only_pk order by id"), [{ id: 1 }, { id: 2 }, {
    id: 3,
  }, {
    id: 4,
  }]);
});

Deno.test("POST with resolution=ignore-duplicates inserts only the new rows", async () => {
  const res = await post("/tiobe_pls", '[{"name":"PHP","rank":9},{"name":"Python","rank":10}]', IGNORE);
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 201,
    "preference-applied": "resolution=ignore-duplicates, return=representation",
    body: [{ name: "PHP", rank: 9 }],
  });
  assert.deepEqual(await rows(app, "select rank from test.tiobe_pls where name = 'Python'"), [{ rank: 4 }]);
});

Deno.test("POST with resolution=ignore-duplicates that inserts nothing is still 201", async () => {
  const res = await post("/tiobe_pls", '[{"name":"Java","rank":1},{"name":"C","rank":2}]', IGNORE);
  assert.deepEqual(await summary(res), { status: 201, body: [] });
});

Deno.test("POST with resolution= on a table without primary key ignores it (no Preference-Applied)", async () => {
  const res = await post("/no_pk", '[{"a":"1","b":"0"}]', MERGE);
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 201,
    "preference-applied": "return=representation",
    body: [{ a: "1", b: "0" }],
  });
});

Deno.test("POST with resolution= and a conflicting unique column still fails with 409", async () => {
  const before = await rows(app, "select * from test.single_unique");
  const res = await post("/single_unique", '[{"unique_key":1,"value":"B"}]', "resolution=merge-duplicates");
  const s = await summary(res);
  assert.equal(s.status, 409);
  assert.equal((s.body as { code: string }).code, "23505");
  assert.deepEqual(await rows(app, "select * from test.single_unique"), before);
});

Deno.test({
  name: "POST with on_conflict= upserts on a unique column",
  fn: async () => {
    const res = await post(
      "/single_unique?on_conflict=unique_key",
      '[{"unique_key":1,"value":"B"},{"unique_key":2,"value":"C"}]',
      MERGE,
    );
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 201,
      "preference-applied": "resolution=merge-duplicates, return=representation",
      body: [{ unique_key: 1, value: "B" }, { unique_key: 2, value: "C" }],
    });
    const ignore = await post(
      "/compound_unique?on_conflict=key1,key2",
      '[{"key1":1,"key2":1,"value":"B"},{"key1":1,"key2":2,"value":"C"}]',
      IGNORE,
    );
    assert.deepEqual(await summary(ignore), { status: 201, body: [{ key1: 1, key2: 2, value: "C" }] });
    assert.deepEqual(await rows(app, "select value from test.compound_unique where key1 = 1 and key2 = 1"), [
      { value: "A" },
    ]);
  },
});

Deno.test({
  name: "POST with on_conflict= and resolution= on a table without primary key applies the resolution",
  fn: async () => {
    const res = await post(
      "/compound_unique?on_conflict=key1,key2",
      '[{"key1":1,"key2":1,"value":"Z"}]',
      MERGE,
    );
    assert.deepEqual(await summary(res, ["preference-applied"]), {
      status: 200,
      "preference-applied": "resolution=merge-duplicates, return=representation",
      body: [{ key1: 1, key2: 1, value: "Z" }],
    });
    const serial = await post(
      "/surr_serial_upsert?columns=id,name&select=name,extra",
      '[{"id":1,"name":"updated value"},{"name":"new value"}]',
      "return=representation, resolution=merge-duplicates, missing=default",
    );
    assert.deepEqual(await summary(serial, ["preference-applied"]), {
      status: 201,
      "preference-applied": "resolution=merge-duplicates, missing=default, return=representation",
      body: [{ name: "updated value", extra: "existing value" }, { name: "new value", extra: null }],
    });
  },
});

Deno.test("PUT inserts a missing row (201 with representation)", async () => {
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls where name = 'Go'"), []);
  const res = await put("/tiobe_pls?name=eq.Go", '[{"name":"Go","rank":19}]', {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-type", "preference-applied", "content-range"]), {
    status: 201,
    "content-type": "application/json; charset=utf-8",
    "preference-applied": "return=representation",
    "content-range": null,
    body: [{ name: "Go", rank: 19 }],
  });
});

Deno.test("PUT replaces an existing row (200 with representation)", async () => {
  const res = await put("/tiobe_pls?name=eq.Go", '{"name":"Go","rank":13}', {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 200, body: [{ name: "Go", rank: 13 }] });
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls where name = 'Go'"), [{
    name: "Go",
    rank: 13,
  }]);
});

Deno.test("PUT is 204 without a body by default and is idempotent", async () => {
  for (let i = 0; i < 2; i++) {
    const res = await put(
      "/employees?first_name=eq.Susan&last_name=eq.Heidt",
      '{"first_name":"Susan","last_name":"Heidt","salary":48000,"company":"GEX","occupation":"Railroad engineer"}',
    );
    assert.deepEqual(await summary(res, ["content-type", "content-length", "preference-applied"]), {
      status: 204,
      "content-type": null,
      "content-length": null,
      "preference-applied": null,
      body: "",
    });
  }
  assert.deepEqual(await rows(app, "select * from test.employees where first_name = 'Susan'"), [
    {
      first_name: "Susan",
      last_name: "Heidt",
      salary: 48000,
      company: "GEX",
      occupation: "Railroad engineer",
    },
  ]);
  const minimal = await put("/only_pk?id=eq.1", '{"id":1}', { Prefer: "return=minimal" });
  assert.deepEqual(await summary(minimal, ["preference-applied"]), {
    status: 204,
    "preference-applied": "return=minimal",
    body: "",
  });
});

Deno.test("PUT leaves the columns it does not send untouched on update", async () => {
  const res = await put(
    "/employees?first_name=eq.Daniel B.&last_name=eq.Lyon",
    '{"first_name":"Daniel B.","last_name":"Lyon","company":"Acme"}',
    {
      Prefer: "return=representation",
    },
  );
  assert.deepEqual(await summary(res), {
    status: 200,
    body: [{ first_name: "Daniel B.", last_name: "Lyon", salary: 72000, company: "Acme", occupation: null }],
  });
});

Deno.test("PUT puts only the body row that matches the URL and answers one object", async () => {
  const res = await put("/tiobe_pls?name=eq.Java", '[{"name":"Java","rank":19},{"name":"Swift","rank":12}]', {
    Prefer: "return=representation",
    Accept: "application/vnd.pgrst.object+json",
  });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 200,
    "content-type": "application/vnd.pgrst.object+json; charset=utf-8",
    body: { name: "Java", rank: 19 },
  });
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls where name = 'Swift'"), []);
});

Deno.test("PUT ignores the Range header", async () => {
  const res = await put("/tiobe_pls?name=eq.Java", '{"name":"Java","rank":5}', {
    Prefer: "return=representation",
    Range: "1-1",
  });
  assert.deepEqual(await summary(res), { status: 200, body: [{ name: "Java", rank: 5 }] });
});

Deno.test("PUT with a body key that differs from the URL is 400 PGRST115 and changes nothing", async () => {
  const before = await rows(app, "select * from test.tiobe_pls order by name");
  const res = await put("/tiobe_pls?name=eq.MATLAB", '[{"name":"Perl","rank":17}]');
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 400,
    "content-type": "application/json; charset=utf-8",
    body: {
      code: "PGRST115",
      details: null,
      hint: null,
      message: "Payload values do not match URL in primary key column(s)",
    },
  });
  const composite = await put(
    "/employees?first_name=eq.Wendy&last_name=eq.Anderson",
    '{"first_name":"Susan","last_name":"Heidt","salary":1}',
  );
  assert.equal((await summary(composite)).status, 400);
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls order by name"), before);
  assert.deepEqual(await rows(app, "select salary from test.employees where first_name = 'Susan'"), [{
    salary: 48000,
  }]);
});

Deno.test("PUT with filters other than eq on the whole primary key is 405 PGRST105", async () => {
  const before = await rows(app, "select * from test.tiobe_pls order by name");
  const paths = [
    "/tiobe_pls?rank=eq.19",
    "/tiobe_pls?name=not.eq.Java",
    "/tiobe_pls?name=in.(Go)",
    "/tiobe_pls",
    "/employees?first_name=eq.Susan",
    "/no_pk?a=eq.one&b=eq.two",
  ];
  for (const path of paths) {
    const res = await put(path, '[{"name":"Go","rank":19}]');
    assert.deepEqual(await summary(res), {
      status: 405,
      body: {
        code: "PGRST105",
        details: null,
        hint: null,
        message: "Filters must include all and only primary key columns with 'eq' operators",
      },
    }, path);
  }
  assert.deepEqual(await rows(app, "select * from test.tiobe_pls order by name"), before);
});

Deno.test({
  name: "PUT with a logic tree is 405 PGRST105",
  fn: async () => {
    const res = await put("/tiobe_pls?and=(name.eq.Go)", '[{"name":"Go","rank":19}]');
    assert.equal((await summary(res)).status, 405);
  },
});

Deno.test("PUT with limit or offset is 400 PGRST114", async () => {
  for (const path of ["/tiobe_pls?name=eq.Javascript&limit=1", "/tiobe_pls?name=eq.Javascript&offset=1"]) {
    const res = await put(path, '[{"name":"Javascript","rank":1}]');
    assert.deepEqual(await summary(res), {
      status: 400,
      body: {
        code: "PGRST114",
        details: null,
        hint: null,
        message: "limit/offset querystring parameters are not allowed for PUT",
      },
    });
  }
  assert.deepEqual(await rows(app, "select rank from test.tiobe_pls where name = 'Javascript'"), [{
    rank: 6,
  }]);
});

Deno.test("PUT with invalid JSON is 400 PGRST102", async () => {
  const res = await put("/tiobe_pls?name=eq.Go", "}{");
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "PGRST102", details: null, hint: null, message: "Empty or invalid json" },
  });
});
