/**
 * The transaction-scoped context (TX-03/04/05, AU-14, SCH-01/07): what SQL sees of the request —
 * role, claims, method, path, headers, cookies, search_path, `app.settings.*`, the role's own
 * `ALTER ROLE … SET` settings, isolation levels, hoisted function settings — as PostgREST's
 * `test/io/test_settings.py` checks them, on `authtest` (tests/fixtures/60_auth.sql).
 */
import assert from "node:assert/strict";
import { headerBytes } from "../../lib/response/headers.ts";
import { summary } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  dbExtraSearchPath: ["public", "test"],
  appSettings: [["app.settings.name_var", "John"], ["app.settings.external_api_secret", "0123456789abcdef"]],
  dbPreRequest: { schema: "authtest", name: "pre_request" },
});
Deno.test.afterAll(() => server.close());

const as = async (role: string) => ({ Authorization: `Bearer ${await sign({ role }, SECRET)}` });
const get = async (path: string, headers: HeadersInit = {}) =>
  await summary(await server.request(path, { headers }));
const guc = async (name: string, headers: HeadersInit = {}) =>
  (await get(`/rpc/get_guc_value?name=${encodeURIComponent(name)}`, headers)).body;

interface Context {
  role: string;
  claims: Record<string, unknown>;
  method: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  search_path: string;
  timezone: string;
}

Deno.test("GET: method, path, lower-cased headers without the cookie header, cookies, search_path", async () => {
  const token = await sign({ role: "auth_author", sub: "u1" }, SECRET);
  const res = await server.request("/rpc/request_context", {
    headers: {
      Authorization: `Bearer ${token}`,
      "User-Agent": "pgrst-tests",
      // what a client sends over the wire: UTF-8 bytes
      "X-Custom-Header": headerBytes('with "quotes" and ünïcode')!,
      Cookie: headerBytes("session=abc; theme=dark; name=Zoë")!,
    },
  });
  const ctx = (await summary(res)).body as Context;
  assert.equal(ctx.role, "auth_author");
  assert.deepEqual(ctx.claims, { role: "auth_author", sub: "u1" });
  assert.equal(ctx.method, "GET");
  assert.equal(ctx.path, "/rpc/request_context");
  assert.equal(ctx.headers["user-agent"], "pgrst-tests");
  assert.equal(ctx.headers["x-custom-header"], 'with "quotes" and ünïcode');
  assert.equal(ctx.headers["authorization"], `Bearer ${token}`);
  assert.equal(ctx.headers["cookie"], undefined);
  assert.ok(Object.keys(ctx.headers).every((k) => k === k.toLowerCase()));
  assert.deepEqual(ctx.cookies, { session: "abc", theme: "dark", name: "Zoë" });
  assert.equal(ctx.search_path, '"authtest", "public", "test"');
});

Deno.test("POST: the method is POST and no cookies is an empty object", async () => {
  const res = await server.request("/rpc/request_context", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  const ctx = (await summary(res)).body as Context;
  assert.deepEqual([ctx.method, ctx.path, ctx.cookies, ctx.role], [
    "POST",
    "/rpc/request_context",
    {},
    "auth_anon",
  ]);
  assert.equal(ctx.claims.role, "auth_anon");
});

Deno.test("cookies are split as Web.Cookie splits them: at ';', then at the first '='", async () => {
  const ctx = (await get("/rpc/request_context", { Cookie: "a=1 ;  b=x=y;c;;d=" })).body as Context;
  assert.deepEqual(ctx.cookies, { a: "1 ", b: "x=y", c: "", "": "", d: "" });
});

Deno.test("an empty db-extra-search-path leaves only the exposed schema on the search_path", async () => {
  server.reconfigure({ dbExtraSearchPath: [] });
  try {
    assert.equal(((await get("/rpc/request_context")).body as Context).search_path, '"authtest"');
  } finally {
    server.reconfigure();
  }
  assert.equal(
    ((await get("/rpc/request_context")).body as Context).search_path,
    '"authtest", "public", "test"',
  );
});

Deno.test("Prefer: timezone=… sets the transaction's time zone", async () => {
  const ctx = (await get("/rpc/request_context", { Prefer: "timezone=Asia/Tokyo" })).body as Context;
  assert.equal(ctx.timezone, "Asia/Tokyo");
});

Deno.test("app.settings.* are set for every request", async () => {
  assert.equal(await guc("app.settings.name_var"), "John");
  assert.equal(await guc("app.settings.external_api_secret", await as("auth_author")), "0123456789abcdef");
});

Deno.test("the impersonated role's ALTER ROLE … SET settings apply to its requests only", async () => {
  assert.equal(await guc("statement_timeout"), "5s");
  assert.equal(await guc("statement_timeout", await as("auth_author")), "10s");
  assert.equal(await guc("work_mem", await as("auth_author")), "6MB");
  assert.equal(await guc("work_mem"), "4MB");
  assert.equal(await guc("statement_timeout", await as("webuser")), "0");
});

Deno.test("a superuser setting granted to the authenticator applies; one not granted is skipped", async () => {
  const headers = await as("auth_superuser_settings");
  assert.equal(await guc("log_min_duration_sample", headers), "12345ms");
  assert.equal(await guc("log_min_messages", headers), "warning");
  assert.deepEqual(await get("/rpc/whoami", headers), { status: 200, body: "auth_superuser_settings" });
});

Deno.test("the isolation level follows the role, and a function's own setting wins", async () => {
  assert.equal((await get("/rpc/isolation_level")).body, "read committed");
  assert.equal((await get("/rpc/isolation_level", await as("auth_repeatable"))).body, "repeatable read");
  const post = await server.request("/rpc/isolation_level", {
    method: "POST",
    headers: { ...(await as("auth_serializable")), "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal((await summary(post)).body, "serializable");
  assert.equal((await get("/rpc/serializable_isolation_level")).body, "serializable");
  assert.equal((await get("/rpc/repeatable_read_isolation_level")).body, "repeatable read");
  assert.equal(
    (await get("/rpc/serializable_isolation_level", await as("auth_repeatable"))).body,
    "serializable",
  );
});

Deno.test("a role's statement_timeout cancels a slow request with 500 57014", async () => {
  const headers = await as("auth_timeout");
  assert.deepEqual(await get("/rpc/sleep?seconds=0.01", headers), { status: 204, body: "" });
  const res = await server.request("/rpc/sleep?seconds=2", { headers });
  assert.deepEqual(await summary(res, ["proxy-status"]), {
    status: 500,
    "proxy-status": "PostgREST; error=57014",
    body: {
      code: "57014",
      details: null,
      hint: null,
      message: "canceling statement due to statement timeout",
    },
  });
});

Deno.test("role settings changed in the database apply after a reload", async () => {
  const headers = await as("auth_timeout");
  try {
    await server.db.psql("alter role auth_timeout set statement_timeout = '300ms'");
    assert.equal(await guc("statement_timeout", headers), "200ms");
    await server.pgrst.reloadSchema();
    assert.equal(await guc("statement_timeout", headers), "300ms");
  } finally {
    await server.db.psql("alter role auth_timeout set statement_timeout = '200ms'");
    await server.pgrst.reloadSchema();
  }
  assert.equal(await guc("statement_timeout", headers), "200ms");
});

Deno.test("function settings named in db-hoisted-tx-settings apply to the whole transaction", async () => {
  // The pre-request function runs before the function itself and echoes a setting.
  const echo = async (setting: string) =>
    (await server.request("/rpc/hoisted", { headers: { "X-Echo-Setting": setting } })).headers.get(
      "x-setting",
    );
  assert.equal(await echo("statement_timeout"), "7s"); // hoisted by default
  assert.equal(await echo("work_mem"), "4MB"); // not hoisted
});

Deno.test("db-hoisted-tx-settings = work_mem hoists work_mem and not statement_timeout", async () => {
  const other = await testServer({
    dbSchemas: ["authtest"],
    dbAnonRole: "auth_anon",
    dbHoistedTxSettings: ["work_mem"],
    dbPreRequest: { schema: "authtest", name: "pre_request" },
  });
  try {
    const echo = async (setting: string) =>
      (await other.request("/rpc/hoisted", { headers: { "X-Echo-Setting": setting } })).headers.get(
        "x-setting",
      );
    assert.equal(await echo("work_mem"), "3000kB");
    assert.equal(await echo("statement_timeout"), "5s"); // the anonymous role's own
  } finally {
    await other.close();
  }
});
