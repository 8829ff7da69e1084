/**
 * Response headers every request may get (RH-08/09/13/15): `Server-Timing` with
 * `server-timing-enabled` (PostgREST's `ServerTimingSpec` and `test_settings.py`), the
 * `server-trace-header` echo, `Server` and `Vary` — on success, on errors and on CORS preflights.
 */
import assert from "node:assert/strict";
import { summary } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  serverTimingEnabled: true,
  serverTraceHeader: "X-Request-Id",
});
Deno.test.afterAll(() => server.close());

const TIMING =
  /^jwt;dur=(\d+\.\d), parse;dur=(\d+\.\d), plan;dur=(\d+\.\d), transaction;dur=(\d+\.\d), response;dur=(\d+\.\d)$/;

/** The five durations of a Server-Timing header, in milliseconds. */
function timings(res: Response): Record<string, number> {
  const m = TIMING.exec(res.headers.get("server-timing") ?? "");
  assert.ok(m, `Server-Timing: ${res.headers.get("server-timing")}`);
  const [jwt, parse, plan, transaction, response] = m.slice(1).map(Number);
  return { jwt, parse, plan, transaction, response };
}

Deno.test("Server-Timing times every stage of reads, calls, HEAD and OPTIONS", async () => {
  const auth = { Authorization: `Bearer ${await sign({ role: "auth_author" }, SECRET)}` };
  const requests: [string, RequestInit][] = [
    ["/authors_only?id=eq.1", { headers: auth }],
    ["/authors_only?id=eq.1", { method: "HEAD", headers: auth }],
    ["/rpc/whoami", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }],
    ["/rpc/set_response_void", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"status":"204"}',
    }],
    ["/authors_only", { method: "OPTIONS" }],
    ["/rpc/whoami", { method: "OPTIONS" }],
  ];
  for (const [path, init] of requests) {
    const res = await server.request(path, init);
    assert.ok(res.status === 200 || res.status === 204, `${init.method ?? "GET"} ${path}: ${res.status}`);
    timings(res);
    await res.body?.cancel();
  }
});

Deno.test("Server-Timing's transaction covers the time spent in the database", async () => {
  const res = await server.request("/rpc/sleep?seconds=0.3");
  assert.equal(res.status, 204);
  const t = timings(res);
  assert.ok(t.transaction >= 300, `transaction ${t.transaction}`);
});

Deno.test("error responses carry no Server-Timing", async () => {
  for (
    const init of [
      { headers: { Authorization: "Bearer invalid" } },
      {},
    ]
  ) {
    for (const path of ["/authors_only", "/authors_only?id=invalid", "/nope"]) {
      const res = await server.request(path, init);
      assert.ok(res.status >= 400);
      assert.equal(res.headers.get("server-timing"), null, path);
      await res.body?.cancel();
    }
  }
});

Deno.test("without server-timing-enabled there is no Server-Timing header", async () => {
  server.reconfigure({ serverTimingEnabled: false });
  try {
    const res = await server.request("/rpc/whoami");
    assert.equal(res.headers.get("server-timing"), null);
    assert.equal((await summary(res)).body, "auth_anon");
  } finally {
    server.reconfigure();
  }
});

Deno.test("server-trace-header echoes the request's value on every response, empty when absent", async () => {
  const cases: [string, RequestInit, number][] = [
    ["/rpc/whoami", {}, 200],
    ["/nope", {}, 404],
    ["/authors_only", { headers: { Authorization: "Bearer a.b" } }, 401],
    ["/authors_only", { method: "OPTIONS" }, 200],
    ["/authors_only", {
      method: "OPTIONS",
      headers: { Origin: "http://example.com", "Access-Control-Request-Method": "GET" },
    }, 200],
  ];
  for (const [path, init, status] of cases) {
    for (const id of ["req-123", null]) {
      const headers = new Headers(init.headers);
      if (id !== null) headers.set("X-Request-Id", id);
      const res = await server.request(path, { ...init, headers });
      assert.deepEqual([res.status, res.headers.get("x-request-id")], [status, id ?? ""], `${path} ${id}`);
      assert.equal(res.headers.get("server"), "postgrest/16.1", path);
      await res.body?.cancel();
    }
  }
  server.reconfigure({ serverTraceHeader: null });
  try {
    const res = await server.request("/rpc/whoami", { headers: { "X-Request-Id": "req-1" } });
    assert.equal(res.headers.get("x-request-id"), null);
    await res.body?.cancel();
  } finally {
    server.reconfigure();
  }
});

Deno.test("successful responses vary on Accept, Prefer and Range; errors do not", async () => {
  const ok = await server.request("/rpc/whoami");
  assert.deepEqual(await summary(ok, ["vary", "server"]), {
    status: 200,
    vary: "Accept, Prefer, Range",
    server: "postgrest/16.1",
    body: "auth_anon",
  });
  const error = await server.request("/authors_only");
  assert.deepEqual([error.status, error.headers.get("vary")], [401, null]);
  await error.body?.cancel();
});
