/**
 * The library: `createHandler()` mounted under a path prefix inside another fetch-style server
 * (Hono, served by `Deno.serve`), answering API requests over HTTP next to the host app's routes.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createHandler } from "../../mod.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
const api = await createHandler({
  config: { dbUri: tdb.uri(), dbSchemas: ["test"], dbAnonRole: "anon", dbPool: 2 },
});

const app = new Hono();
app.get("/", (c) => c.text("host app"));
app.all("/api/*", (c) => {
  const url = new URL(c.req.url);
  url.pathname = url.pathname.slice("/api".length);
  return api(new Request(url, c.req.raw));
});
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
const base = `http://127.0.0.1:${server.addr.port}`;

Deno.test.afterAll(async () => {
  await server.shutdown();
  await api.close();
  await tdb.drop();
});

Deno.test("createHandler() under /api in Hono answers a read with PostgREST's headers", async () => {
  const res = await fetch(`${base}/api/projects?select=id,name&id=lt.3&order=id`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("content-range"), "0-1/*");
  assert.deepEqual(await res.json(), [{ id: 1, name: "Windows 7" }, { id: 2, name: "Windows 10" }]);
});

Deno.test("createHandler() under /api answers errors with PostgREST's body", async () => {
  const res = await fetch(`${base}/api/nope`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).code, "PGRST205");
});

Deno.test("the host app keeps its own routes next to the mounted API", async () => {
  const res = await fetch(`${base}/`);
  assert.equal(await res.text(), "host app");
  const outside = await fetch(`${base}/projects`);
  assert.equal(outside.status, 404);
  await outside.body?.cancel();
});

Deno.test("HEAD through the mount has the headers and no body", async () => {
  const res = await fetch(`${base}/api/items?id=lt.4`, { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-range"), "0-2/*");
  assert.equal(await res.text(), "");
});
