/**
 * The library served by `@hono/node-server` (under Deno's Node compatibility; in a file of its
 * own, as it replaces the global `Response`): it hands the handler the `IncomingMessage`, and
 * large bodies are read from it rather than through `request.body`.
 */
import assert from "node:assert/strict";
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createHandler } from "../../mod.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
const api = await createHandler({
  config: { dbUri: tdb.uri(), dbSchemas: ["test"], dbAnonRole: "anon", dbPool: 2 },
});

// `{ fetch: api }` type-checks as it is; the test wraps it to see the requests.
const _asIs: Parameters<typeof createAdaptorServer>[0] = { fetch: api };
const seen: Request[] = [];
const server = createAdaptorServer({
  fetch: (req: Request, env: HttpBindings | Http2Bindings) => {
    seen.push(req);
    return api(req, env);
  },
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

Deno.test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await api.close();
  await tdb.drop();
});

Deno.test("on @hono/node-server a large body is read from the IncomingMessage, not request.body", async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}`, data: { i } }));
  const body = JSON.stringify(rows);
  assert.ok(body.length > 64 * 1024, "above the size read in one piece");
  seen.length = 0;
  const res = await fetch(`${base}/bulk_rows?select=id`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Prefer: "return=representation,count=exact" },
    body,
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-range"), "*/3000");
  const ids = (await res.json() as { id: number }[]).map((r) => r.id);
  assert.deepEqual(ids, rows.map((r) => r.id));
  assert.equal(seen.length, 1);
  assert.equal(seen[0].bodyUsed, false, "request.body was never read");
});

Deno.test("on @hono/node-server small bodies and reads answer as usual", async () => {
  const post = await fetch(`${base}/bulk_rows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Prefer: "return=representation" },
    body: JSON.stringify({ id: 5000, name: "small", data: null }),
  });
  assert.equal(post.status, 201);
  assert.deepEqual(await post.json(), [{ id: 5000, name: "small", data: null }]);
  // No representation: an empty body and no Content-Type (not the `text/plain` that
  // @hono/node-server's Response gives a body without one).
  const minimal = await fetch(`${base}/bulk_rows`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ id: 5001, name: "minimal", data: null }),
  });
  assert.equal(minimal.status, 201);
  assert.equal(minimal.headers.get("content-type"), null);
  assert.equal(minimal.headers.get("content-length"), "0");
  assert.equal(await minimal.text(), "");
  const get = await fetch(`${base}/bulk_rows?id=eq.5000&select=name`);
  assert.deepEqual(await get.json(), [{ name: "small" }]);
});
