import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp();
Deno.test.afterAll(() => app.close());

Deno.test("GET /projects?select=id,name&id=lt.3&order=id.desc returns the rows PostgreSQL built", async () => {
  const res = await app.request("/projects?select=id,name&id=lt.3&order=id.desc");
  assert.deepEqual(await summary(res, ["content-type", "content-range"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    "content-range": "0-1/*",
    body: [{ id: 2, name: "Windows 10" }, { id: 1, name: "Windows 7" }],
  });
});

Deno.test("GET with an alias and a cast renames and casts the column", async () => {
  const res = await app.request("/projects?select=pid:id::text&id=eq.1");
  assert.deepEqual((await summary(res)).body, [{ pid: "1" }]);
});

Deno.test("GET with limit and offset gives the page and its Content-Range", async () => {
  const res = await app.request("/items?select=id&order=id&limit=2&offset=3");
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 200,
    "content-range": "3-4/*",
    body: [{ id: 4 }, { id: 5 }],
  });
});

Deno.test("HEAD answers like GET without a body", async () => {
  const res = await app.request("/items?id=lt.3", { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-range"), "0-1/*");
  assert.equal(await res.text(), "");
});

Deno.test("GET an unknown table is 404 PGRST205", async () => {
  const res = await app.request("/nope");
  const s = await summary(res, ["proxy-status"]);
  assert.equal(s.status, 404);
  assert.equal(s["proxy-status"], "PostgREST; error=PGRST205");
  assert.deepEqual(s.body, {
    code: "PGRST205",
    details: null,
    hint: null,
    message: "Could not find the table 'test.nope' in the schema cache",
  });
});

Deno.test("GET an unknown column is 400 with PostgreSQL's 42703", async () => {
  const res = await app.request("/projects?select=nope");
  const s = await summary(res);
  assert.equal(s.status, 400);
  assert.equal((s.body as { code: string }).code, "42703");
});

Deno.test("a table the anonymous role may not read is 401 42501", async () => {
  const res = await app.request("/authors_only");
  const s = await summary(res, ["www-authenticate"]);
  assert.equal(s.status, 401);
  assert.equal(s["www-authenticate"], "Bearer");
  assert.equal((s.body as { code: string }).code, "42501");
});

Deno.test("COPY is 405 PGRST117", async () => {
  const res = await app.request("/items", { method: "COPY" });
  assert.deepEqual((await summary(res)).body, {
    code: "PGRST117",
    details: null,
    hint: null,
    message: "Unsupported HTTP method: COPY",
  });
});
