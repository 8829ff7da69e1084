/**
 * The per-shape plan cache answers exactly as planning every request does: the same requests go
 * to a server that learns each shape on first sight and to one without the cache, each on its own
 * copy of the test database, and every response (status, body, the headers planning shapes) must
 * be the same — reads, writes with bodies, calls, errors after a shape was learnt.
 */
import assert from "node:assert/strict";
import { testServer } from "../helpers/server.ts";

const cached = await testServer({ dbSchemas: ["test", "rpc"] }, { shapeCache: { learnAfter: 1 } });
const planned = await testServer({ dbSchemas: ["test", "rpc"] }, { shapeCache: { max: 0 } });
Deno.test.afterAll(async () => {
  await cached.close();
  await planned.close();
});

const HEADERS = ["content-range", "content-location", "location", "preference-applied", "content-type"];

interface Req {
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

async function answer(server: typeof cached, r: Req) {
  const headers = { ...r.headers };
  if (r.body !== undefined) headers["content-type"] ??= "application/json";
  const res = await server.request(r.path, { method: r.method ?? "GET", headers, body: r.body });
  return {
    status: res.status,
    headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h)])),
    body: await res.text(),
  };
}

/** Sends each request to both servers; returns how many the cache answered. */
async function same(requests: readonly Req[]): Promise<number> {
  const before = cached.pgrst.state.shapes.hits;
  for (const r of requests) {
    const [a, b] = [await answer(cached, r), await answer(planned, r)];
    assert.deepEqual(a, b, `${r.method ?? "GET"} ${r.path} ${r.body ?? ""}`);
  }
  return cached.pgrst.state.shapes.hits - before;
}

const ids = [1, 2, 3, 99, 4];

Deno.test("reads: filters, embeds, counts, ranges and singular objects with other values", async () => {
  const hits = await same([
    ...ids.map((id) => ({ path: `/projects?id=eq.${id}` })),
    ...ids.map((id) => ({ path: `/projects?select=id,name,clients(name)&id=gt.${id}&order=id&limit=2` })),
    ...ids.map((id) => ({
      path: `/tasks?project_id=lte.${id}&status=neq.done`,
      headers: { prefer: "count=exact" },
    })),
    ...ids.map((id) => ({ path: `/tasks?id=gte.${id}`, headers: { range: "0-1" } })),
    ...ids.map((id) => ({
      path: `/clients?id=eq.${id}`,
      headers: { accept: "application/vnd.pgrst.object+json" },
    })),
    ...["Apple", "Micro'soft", "a b", "%25"].map((n) => ({ path: `/clients?name=not.eq.${n}&select=id` })),
    ...ids.map((id) => ({ path: `/projects?id=eq.${id}`, method: "HEAD" })),
  ]);
  assert.ok(hits >= 25, `${hits} hits`);
});

Deno.test("a learnt shape still fails as planning does: bad values, unknown enum labels", async () => {
  const hits = await same([
    { path: "/tasks?id=eq.1" },
    { path: "/tasks?id=eq.x" }, // 22P02 from PostgreSQL
    { path: "/tasks?status=eq.todo" },
    { path: "/tasks?status=eq.nope" },
    { path: "/clients?id=eq.1", headers: { accept: "application/vnd.pgrst.object+json" } },
    { path: "/clients?id=eq.77", headers: { accept: "application/vnd.pgrst.object+json" } }, // 406
  ]);
  assert.equal(hits, 4); // the singular shape was learnt by the read test
});

Deno.test("writes: inserts, updates and deletes with other bodies and filters", async () => {
  const rep = { prefer: "return=representation" };
  const hits = await same([
    ...[10, 11, 12].map((id) => ({
      path: "/clients",
      method: "POST",
      headers: rep,
      body: JSON.stringify({ id, name: `client ${id}` }),
    })),
    ...[13, 14].map((id) => ({
      path: "/clients",
      method: "POST",
      body: JSON.stringify([{ id, name: `c${id}` }, { id: id + 10, name: `c${id + 10}` }]),
    })),
    { path: "/clients", method: "POST", headers: rep, body: `{"id": 10, "name": "duplicate"}` }, // 409
    ...[10, 11, 99].map((id) => ({
      path: `/clients?id=eq.${id}`,
      method: "PATCH",
      headers: rep,
      body: JSON.stringify({ name: `renamed ${id}` }),
    })),
    { path: "/clients?id=eq.12", method: "PATCH", body: `{"name": null}` }, // not null: 400
    ...[13, 23].map((id) => ({ path: `/clients?id=eq.${id}`, method: "DELETE", headers: rep })),
    ...[30, 31].map((id) => ({
      path: "/clients",
      method: "POST",
      headers: { prefer: "return=headers-only" }, // Location
      body: JSON.stringify({ id, name: "located" }),
    })),
  ]);
  assert.equal(hits, 8);
});

Deno.test("calls: POST bodies and GET filters on results", async () => {
  const hits = await same([
    ...[[1, 2], [3, 4], [-5, 5]].map(([a, b]) => ({
      path: "/rpc/add_them",
      method: "POST",
      body: JSON.stringify({ a, b }),
      headers: { "content-profile": "rpc" },
    })),
    ...["x", "y'", "z"].map((name) => ({
      path: "/rpc/sayhello",
      method: "POST",
      body: JSON.stringify({ name }),
      headers: { "content-profile": "rpc" },
    })),
    ...ids.map((id) => ({ path: `/rpc/getallprojects?id=gt.${id}`, headers: { "accept-profile": "rpc" } })),
    ...ids.map((id) => ({
      path: `/rpc/getitemrange?id=neq.${id}`,
      method: "POST",
      body: `{"min": 1, "max": ${id + 3}}`,
      headers: { "content-profile": "rpc" },
    })),
  ]);
  assert.equal(hits, 12);
});
