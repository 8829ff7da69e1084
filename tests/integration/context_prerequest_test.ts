/**
 * `db-pre-request` and response control from SQL (TX-06/07/08, AU-15, RH-19): PostgREST's
 * `RpcPreRequestGucsSpec`, the pre-request part of `AuthSpec` and the `response.headers` /
 * `response.status` rules, on `authtest.pre_request()` (tests/fixtures/60_auth.sql), which the
 * tests steer with claims and `X-Set-Headers` / `X-Set-Status` / `X-Reject` request headers.
 */
import assert from "node:assert/strict";
import { summary } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  dbPreRequest: { schema: "authtest", name: "pre_request" },
});
Deno.test.afterAll(() => server.close());

const bearer = async (claims: Record<string, unknown>) => ({
  Authorization: `Bearer ${await sign(claims, SECRET)}`,
});
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  server.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const GUC_HEADERS_ERROR = {
  code: "PGRST111",
  details: null,
  hint: null,
  message:
    "response.headers guc must be a JSON array composed of objects with a single key and a string value",
};
const GUC_STATUS_ERROR = {
  code: "PGRST112",
  details: null,
  hint: null,
  message: "response.status guc must be a valid status code",
};

Deno.test("the pre-request function can switch the role from a claim", async () => {
  const res = await post("/rpc/whoami", {}, await bearer({ id: 1 }));
  assert.deepEqual(await summary(res), { status: 200, body: "auth_author" });
  const other = await post("/rpc/whoami", {}, await bearer({ id: 2 }));
  assert.deepEqual(await summary(other), { status: 200, body: "auth_anon" });
});

Deno.test("the pre-request function can reject a request by raising", async () => {
  const res = await post("/rpc/whoami", {}, await bearer({ id: 3 }));
  assert.deepEqual(await summary(res, ["proxy-status"]), {
    status: 400,
    "proxy-status": "PostgREST; error=P0001",
    body: {
      code: "P0001",
      details: null,
      hint: "Please contact administrator",
      message: "Disabled ID --> 3",
    },
  });
  const reject = await server.request("/authors_only", { headers: { "X-Reject": "banned" } });
  assert.deepEqual(await summary(reject), {
    status: 403,
    body: { code: "PT403", details: "banned", hint: null, message: "Rejected by pre-request" },
  });
  assert.equal(reject.statusText, "Rejected by pre-request");
});

Deno.test("headers set by the pre-request function reach GET and HEAD responses", async () => {
  const res = await server.request("/authors_only?select=id&id=eq.1", {
    headers: { ...(await bearer({ role: "auth_author" })), "User-Agent": "MSIE 6.0" },
  });
  assert.deepEqual(await summary(res, ["cache-control", "content-type"]), {
    status: 200,
    "cache-control": "no-cache, no-store, must-revalidate",
    "content-type": "application/json; charset=utf-8",
    body: [{ id: 1 }],
  });
  const head = await server.request("/rpc/whoami", { method: "HEAD", headers: { "User-Agent": "MSIE 7.0" } });
  assert.deepEqual(await summary(head, ["cache-control", "content-type"]), {
    status: 200,
    "cache-control": "no-cache, no-store, must-revalidate",
    "content-type": "application/json; charset=utf-8",
    body: "",
  });
  const other = await server.request("/rpc/whoami", { headers: { "User-Agent": "MSIE 8.0" } });
  assert.equal(other.headers.get("cache-control"), null);
  await other.body?.cancel();
});

Deno.test("headers set by the pre-request function reach POST responses", async () => {
  const res = await post("/rpc/add_visit", { note: "x" }, {
    "X-Set-Headers": '[{"X-Custom-Header": "mykey=myval"}]',
  });
  assert.deepEqual(await summary(res, ["x-custom-header"]), {
    status: 200,
    "x-custom-header": "mykey=myval",
    body: { id: 1, who: "auth_anon", note: "x" },
  });
});

Deno.test("response.headers replace PostgREST's own headers of the same name", async () => {
  const headers = { "X-Set-Headers": '[{"Content-Type": "application/custom+json"}]' };
  const head = await server.request("/rpc/whoami", { method: "HEAD", headers });
  assert.deepEqual(await summary(head, ["content-type"]), {
    status: 200,
    "content-type": "application/custom+json",
    body: "",
  });
  const read = await server.request("/authors_only", {
    headers: { ...headers, ...(await bearer({ role: "auth_author" })) },
  });
  assert.equal(read.headers.get("content-type"), "application/custom+json");
  await read.body?.cancel();
  const vary = await server.request("/rpc/whoami", { headers: { "X-Set-Headers": '[{"Vary": "Origin"}]' } });
  assert.equal(vary.headers.get("vary"), "Origin");
  await vary.body?.cancel();
});

Deno.test("response.headers may repeat a name (Set-Cookie)", async () => {
  const res = await server.request("/rpc/whoami", {
    headers: {
      "X-Set-Headers": '[{"Set-Cookie": "a=1; Path=/"}, {"Set-Cookie": "b=2"}, {"Cache-Control": "public"}]',
    },
  });
  assert.deepEqual(res.headers.getSetCookie(), ["a=1; Path=/", "b=2"]);
  assert.equal(res.headers.get("cache-control"), "public");
  assert.equal((await summary(res)).body, "auth_anon");
});

Deno.test("response.headers values go out as UTF-8", async () => {
  const res = await server.request("/rpc/whoami", {
    headers: { "X-Set-Headers": '[{"X-Name": "Zo\\u00eb"}]' },
  });
  const bytes = [...res.headers.get("x-name")!].map((c) => c.charCodeAt(0));
  assert.deepEqual(bytes, [0x5a, 0x6f, 0xc3, 0xab]);
  await res.body?.cancel();
});

Deno.test("response.status from the pre-request function sets the status", async () => {
  const res = await server.request("/rpc/whoami", { headers: { "X-Set-Status": "418" } });
  assert.deepEqual(await summary(res), { status: 418, body: "auth_anon" });
  // Haskell's `decimal`: the leading digits count
  const digits = await server.request("/rpc/whoami", { headers: { "X-Set-Status": "202abc" } });
  assert.deepEqual(await summary(digits), { status: 202, body: "auth_anon" });
});

Deno.test("the function's response.status and response.headers win over the pre-request's", async () => {
  const res = await post("/rpc/set_response", { status: "201", headers: '[{"X-Who": "function"}]' }, {
    "X-Set-Status": "418",
    "X-Set-Headers": '[{"X-Who": "pre-request"}]',
  });
  assert.deepEqual(await summary(res, ["x-who"]), { status: 201, "x-who": "function", body: "done" });
});

Deno.test("response.status on a void function replaces its 204", async () => {
  const res = await post("/rpc/set_response_void", { status: "202" });
  assert.deepEqual(await summary(res, ["content-type"]), { status: 202, "content-type": null, body: "" });
});

Deno.test("an error discards the response GUCs", async () => {
  const res = await post("/rpc/raise_p0001", {}, {
    "X-Set-Status": "418",
    "X-Set-Headers": '[{"X-A": "1"}]',
  });
  assert.deepEqual(await summary(res, ["x-a"]), {
    status: 400,
    "x-a": null,
    body: { code: "P0001", details: "Some details", hint: "Some hint", message: "Default error" },
  });
});

Deno.test("an invalid response.headers is 500 PGRST111", async () => {
  for (
    const bad of [
      '{"X-A": "1"}',
      '[{"X-A": 1}]',
      '[{"X-A": "1", "X-B": "2"}]',
      '["X-A"]',
      "not json",
      '[{"Bad Name": "1"}]',
      '[{"X-A": "line\\nbreak"}]',
    ]
  ) {
    const res = await server.request("/rpc/whoami", { headers: { "X-Set-Headers": bad } });
    assert.deepEqual(await summary(res, ["proxy-status", "vary"]), {
      status: 500,
      "proxy-status": "PostgREST; error=PGRST111",
      vary: null,
      body: GUC_HEADERS_ERROR,
    }, bad);
  }
  const fromFunction = await post("/rpc/set_response", { headers: "[1]" });
  assert.deepEqual(await summary(fromFunction), { status: 500, body: GUC_HEADERS_ERROR });
});

Deno.test("an invalid response.status is 500 PGRST112", async () => {
  for (const bad of ["abc", "-1", "+200"]) {
    const res = await server.request("/rpc/whoami", { headers: { "X-Set-Status": bad } });
    assert.deepEqual(await summary(res, ["proxy-status"]), {
      status: 500,
      "proxy-status": "PostgREST; error=PGRST112",
      body: GUC_STATUS_ERROR,
    }, bad);
  }
  const fromFunction = await post("/rpc/set_response", { status: "x" });
  assert.deepEqual(await summary(fromFunction), { status: 500, body: GUC_STATUS_ERROR });
});

Deno.test("a response.status a fetch Response cannot carry (1xx, 600+) is 500 PGRST112", async () => {
  for (const status of ["101", "99", "600", "1000"]) {
    const res = await server.request("/rpc/whoami", { headers: { "X-Set-Status": status } });
    assert.deepEqual(await summary(res), { status: 500, body: GUC_STATUS_ERROR }, status);
  }
});

Deno.test("a 503 from response.status carries Retry-After", async () => {
  const res = await server.request("/rpc/whoami", { headers: { "X-Set-Status": "503" } });
  assert.deepEqual(await summary(res, ["retry-after"]), {
    status: 503,
    "retry-after": "0",
    body: "auth_anon",
  });
});

Deno.test("the pre-request function runs after the settings and sees the request", async () => {
  const res = await server.request("/rpc/whoami", {
    headers: { ...(await bearer({ role: "auth_author" })), "X-Echo-Setting": "request.jwt.claims" },
  });
  assert.equal(res.headers.get("x-setting"), '{"role":"auth_author"}');
  assert.equal((await summary(res)).body, "auth_author");
});
