/**
 * DELETE: filters, counts, representation, singular and max-affected rollbacks, ignored limits
 * and bodies, the pg-safeupdate error (WR-14, WR-15, WR-17, PF-09, PG-13, PG-15).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { rows, send, WRITE_HEADERS } from "../helpers/writes.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

const del = (path: string, headers: Record<string, string> = {}, body?: string) =>
  send(app, "DELETE", path, { headers, body });

Deno.test("DELETE is 204 with Content-Range */* and no body", async () => {
  const res = await del("/items?id=eq.1");
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 204,
    "content-type": null,
    "content-length": null,
    "content-range": "*/*",
    location: null,
    "preference-applied": null,
    body: "",
  });
  assert.deepEqual(await rows(app, "select id from test.items where id = 1"), []);
});

Deno.test("DELETE with return=representation and count=exact answers the rows and */N", async () => {
  const res = await del("/items?id=eq.2", { Prefer: "return=representation, count=exact" });
  const raw = await res.clone().text();
  assert.deepEqual(await summary(res, WRITE_HEADERS), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(new TextEncoder().encode(raw).length),
    "content-range": "*/1",
    location: null,
    "preference-applied": "return=representation, count=exact",
    body: [{ id: 2 }],
  });
});

Deno.test("DELETE with select but without return=representation builds no body", async () => {
  const res = await del("/items?id=eq.3&select=id", { Prefer: "return=minimal" });
  assert.deepEqual(await summary(res, ["content-type", "content-range", "preference-applied"]), {
    status: 204,
    "content-type": null,
    "content-range": "*/*",
    "preference-applied": "return=minimal",
    body: "",
  });
  assert.deepEqual(await rows(app, "select id from test.items where id = 3"), []);
});

Deno.test("DELETE shapes the representation with select, aliases and casts", async () => {
  const res = await del("/complex_items?id=eq.3&select=ciId:id::text,ciName:name", {
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 200,
    "content-range": "*/*",
    body: [{ ciId: "3", ciName: "Three" }],
  });
});

Deno.test("DELETE that matches nothing is 200 [] with representation", async () => {
  const res = await del("/items?id=eq.101", { Prefer: "return=representation" });
  assert.deepEqual(await summary(res, ["content-range"]), { status: 200, "content-range": "*/*", body: [] });
});

Deno.test("DELETE ignores limit, offset and the body", async () => {
  const res = await del("/no_pk?b=eq.0&limit=1&offset=1", { Prefer: "count=exact" }, "}{ not json");
  assert.deepEqual(await summary(res, ["content-range"]), { status: 204, "content-range": "*/2", body: "" });
  assert.deepEqual(await rows(app, "select * from test.no_pk"), [{ a: null, b: null }]);
});

Deno.test("DELETE without filters empties the table", async () => {
  const res = await del("/users_tasks", { Prefer: "count=exact" });
  assert.deepEqual(await summary(res, ["content-range"]), { status: 204, "content-range": "*/9", body: "" });
  assert.deepEqual(await rows(app, "select * from test.users_tasks"), []);
});

Deno.test("DELETE without filters where pg-safeupdate is loaded is 400 21000 and deletes nothing", async () => {
  const before = await rows(app, "select * from test.safe_delete order by id");
  const res = await del("/safe_delete", { Prefer: "count=exact" });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: { code: "21000", details: null, hint: null, message: "DELETE requires a WHERE clause" },
  });
  assert.deepEqual(await rows(app, "select * from test.safe_delete order by id"), before);
  const filtered = await del("/safe_delete?id=gt.0", { Prefer: "count=exact" });
  assert.deepEqual(await summary(filtered, ["content-type", "content-range"]), {
    status: 204,
    "content-type": null,
    "content-range": "*/3",
    body: "",
  });
});

Deno.test("DELETE several rows with a singular Accept is 406 PGRST116 and rolled back", async () => {
  const before = await rows(app, "select id from test.items order by id");
  for (const prefer of ["return=minimal", "return=representation"]) {
    const res = await del("/items?id=gt.5&id=lt.11", {
      Accept: "application/vnd.pgrst.object+json",
      Prefer: prefer,
    });
    assert.deepEqual(await summary(res, ["content-type"]), {
      status: 406,
      "content-type": "application/json; charset=utf-8",
      body: {
        code: "PGRST116",
        details: "The result contains 5 rows",
        hint: null,
        message: "Cannot coerce the result to a single JSON object",
      },
    });
  }
  const zero = await del("/items?id=lt.0", { Accept: "application/vnd.pgrst.object+json" });
  assert.equal(((await summary(zero)).body as { details: string }).details, "The result contains 0 rows");
  assert.deepEqual(await rows(app, "select id from test.items order by id"), before);
});

Deno.test("DELETE one row with a singular Accept answers an object", async () => {
  const res = await del("/items?id=eq.11", {
    Accept: "application/vnd.pgrst.object+json",
    Prefer: "return=representation",
  });
  assert.deepEqual(await summary(res), { status: 200, body: { id: 11 } });
  const minimal = await del("/items?id=eq.12", {
    Accept: "application/vnd.pgrst.object+json",
    Prefer: "return=minimal",
  });
  assert.deepEqual(await summary(minimal), { status: 204, body: "" });
});

Deno.test("DELETE affecting more rows than max-affected with handling=strict is 400 PGRST124 and rolled back", async () => {
  const before = await rows(app, "select id from test.items order by id");
  const res = await del("/items?id=gt.0", { Prefer: "handling=strict, max-affected=2" });
  const s = await summary(res);
  assert.equal(s.status, 400);
  assert.deepEqual(s.body, {
    code: "PGRST124",
    details: `The query affects ${before.length} rows`,
    hint: null,
    message: "Query result exceeds max-affected preference constraint",
  });
  assert.deepEqual(await rows(app, "select id from test.items order by id"), before);
  const lenient = await del("/items?id=eq.13", { Prefer: "max-affected=0" });
  assert.equal(lenient.status, 204);
  await lenient.body?.cancel();
});

Deno.test("DELETE of rows the role may not see under RLS deletes nothing", async () => {
  const res = await del("/owned_notes?id=eq.2", { Prefer: "return=representation" });
  assert.deepEqual(await summary(res), { status: 200, body: [] });
  const own = await del("/owned_notes?id=eq.1", { Prefer: "return=representation" });
  assert.deepEqual(await summary(own), { status: 200, body: [{ id: 1, owner: "anon", note: "mine" }] });
  assert.deepEqual(await rows(app, "select id from test.owned_notes"), [{ id: 2 }]);
});

Deno.test("DELETE from an unknown table is 404 PGRST205", async () => {
  const res = await del("/foozle?id=eq.101");
  const s = await summary(res);
  assert.equal(s.status, 404);
  assert.equal((s.body as { code: string }).code, "PGRST205");
});

Deno.test({
  name: "DELETE embeds the parent of the deleted rows (EM-26)",
  fn: async () => {
    const res = await del("/tasks?id=eq.8&select=id,name,project:projects(id)", {
      Prefer: "return=representation",
    });
    assert.deepEqual(await summary(res), {
      status: 200,
      body: [{ id: 8, name: "Code OSX", project: { id: 4 } }],
    });
  },
});
