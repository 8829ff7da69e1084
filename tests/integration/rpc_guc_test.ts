/**
 * What functions exchange with the request and the response, ported from PostgREST's RpcSpec and
 * its io settings tests: response.headers / response.status, errors raised in functions (RAISE,
 * PTxyz, SQLSTATE 'PGRST'), the request's settings (headers, cookies, claims, method, path,
 * app.settings.*), Accept-Profile / Content-Profile, and db-root-spec.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { bodyOf, JSON_CT, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"] });
Deno.test.afterAll(() => app.close());
const { get, post } = rpcClient(app);

// ---------------------------------------------------------------- response settings and errors

Deno.test("response.headers set by a function are added to the response", async () => {
  for (
    const res of [
      await get("/rpc/get_projects_and_guc_headers?id=eq.2&select=id"),
      await get("/rpc/get_int_and_guc_headers?num=1"),
      await post("/rpc/get_int_and_guc_headers", { num: 1 }),
    ]
  ) {
    const s = await summary(res, ["content-type", "x-test", "x-test-2"]);
    assert.equal(s.status, 200);
    assert.equal(s["content-type"], "application/json; charset=utf-8");
    assert.equal(s["x-test"], "key1=val1; someValue; key2=val2");
    assert.equal(s["x-test-2"], "key1=val1");
  }
});

Deno.test("response.headers can repeat a header, also on 204", async () => {
  const res = await get("/rpc/set_cookie_twice");
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("content-type"), null);
  assert.deepEqual(res.headers.getSetCookie(), [
    "sessionid=38afes7a8; HttpOnly; Path=/",
    "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly",
  ]);
  assert.equal(await res.text(), "");
});

Deno.test("malformed response.headers is 500 PGRST111", async () => {
  for (const res of [await get("/rpc/bad_guc_headers_1"), await post("/rpc/bad_guc_headers_1", {})]) {
    assert.deepEqual(await summary(res, ["content-length"]), {
      status: 500,
      "content-length": "157",
      body: {
        code: "PGRST111",
        details: null,
        hint: null,
        message:
          "response.headers guc must be a JSON array composed of objects with a single key and a string value",
      },
    });
  }
});

Deno.test("response.status set by a function is the response status; an invalid one is 500 PGRST112", async () => {
  assert.deepEqual(await summary(await get("/rpc/send_body_status_403")), {
    status: 403,
    body: { message: "invalid user or password" },
  });
  assert.deepEqual(await summary(await get("/rpc/send_bad_status"), ["content-length"]), {
    status: 500,
    "content-length": "106",
    body: {
      code: "PGRST112",
      details: null,
      hint: null,
      message: "response.status guc must be a valid status code",
    },
  });
});

Deno.test("RAISE in a function: P0001 is 400, assert is 500, PTxyz is status xyz", async () => {
  assert.deepEqual(await summary(await post("/rpc/problem", {})), {
    status: 400,
    body: { code: "P0001", details: null, hint: null, message: "bad thing" },
  });
  assert.deepEqual(await summary(await post("/rpc/assert", {})), {
    status: 500,
    body: { code: "P0004", details: null, hint: null, message: "always fails" },
  });
  assert.deepEqual(await summary(await get("/rpc/raise_pt402")), {
    status: 402,
    body: {
      code: "PT402",
      details: "Quota exceeded",
      hint: "Upgrade your plan",
      message: "Payment Required",
    },
  });
  assert.deepEqual(await summary(await get("/rpc/raise_bad_pt")), {
    status: 500,
    body: { code: "PT40A", details: null, hint: null, message: "Wrong" },
  });
});

Deno.test("RAISE SQLSTATE 'PGRST' sets the status, its text, headers and body", async () => {
  const res = await get("/rpc/raise_sqlstate_test1");
  assert.equal(res.status, 332);
  assert.equal(res.statusText, "My Custom Status");
  assert.equal(res.headers.get("x-header"), "str");
  assert.equal(await res.text(), '{"code":"123","details":"DEF","hint":"XYZ","message":"ABC"}');
  const notFound = await get("/rpc/raise_sqlstate_test3");
  assert.equal(notFound.status, 404);
  assert.deepEqual(await bodyOf(notFound), { code: "123", details: null, hint: null, message: "ABC" });
  assert.deepEqual(await summary(await get("/rpc/raise_sqlstate_invalid_json_message")), {
    status: 500,
    body: {
      code: "PGRST121",
      details: "Invalid JSON value for MESSAGE: 'INVALID'",
      hint:
        "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
      message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
    },
  });
});

// ---------------------------------------------------------------- request settings

Deno.test("functions see the request's headers, cookies, claims, method and path", async () => {
  const guc = (body: unknown, headers: Record<string, string> = {}) =>
    post("/rpc/get_guc_value", body, headers).then(bodyOf);
  assert.equal(
    await guc({ prefix: "request.headers", name: "custom-header" }, { "Custom-Header": "test" }),
    "test",
  );
  assert.equal(
    await guc({ prefix: "request.headers", name: "origin" }, { Origin: "http://example.com" }),
    "http://example.com",
  );
  assert.equal(await guc({ prefix: "request.jwt.claims", name: "role" }), "anon");
  assert.equal(
    await guc({ prefix: "request.cookies", name: "secondcookie" }, {
      Cookie: "acookie=cookievalue;secondcookie=anothervalue",
    }),
    "anothervalue",
  );
  assert.equal(await guc({ name: "request.method" }), "POST");
  assert.equal(await guc({ name: "request.path" }), "/rpc/get_guc_value");
  assert.equal(await bodyOf(await get("/rpc/get_guc_value?name=request.method")), "GET");
});

Deno.test("app.settings.* reach functions", async () => {
  const withSettings = await testApp({
    dbSchemas: ["rpc"],
    appSettings: [["app.settings.app_host", "localhost"]],
  });
  try {
    assert.deepEqual(
      await bodyOf(await withSettings.request("/rpc/get_guc_value?name=app.settings.app_host")),
      "localhost",
    );
  } finally {
    await withSettings.close();
  }
});

// ---------------------------------------------------------------- profiles and the root spec

Deno.test("Accept-Profile (GET) and Content-Profile (POST) choose the function's schema", async () => {
  const multi = await testApp({ dbSchemas: ["test", "rpc"] });
  try {
    const viaGet = await multi.request("/rpc/add_them?a=1&b=2", { headers: { "Accept-Profile": "rpc" } });
    assert.deepEqual(await summary(viaGet, ["content-profile"]), {
      status: 200,
      "content-profile": "rpc",
      body: 3,
    });
    const viaPost = await multi.request("/rpc/add_them", {
      method: "POST",
      headers: { ...JSON_CT, "Content-Profile": "rpc" },
      body: JSON.stringify({ a: 1, b: 2 }),
    });
    assert.deepEqual(await summary(viaPost, ["content-profile"]), {
      status: 200,
      "content-profile": "rpc",
      body: 3,
    });
    const wrongSchema = await multi.request("/rpc/add_them?a=1&b=2");
    assert.equal(wrongSchema.status, 404);
    await wrongSchema.body?.cancel();
  } finally {
    await multi.close();
  }
});

Deno.test("db-root-spec makes GET / call that function", async () => {
  const rooted = await testApp({ dbSchemas: ["rpc"], dbRootSpec: { schema: "", name: "noparamsproc" } });
  try {
    assert.deepEqual(await summary(await rooted.request("/")), {
      status: 200,
      body: "Return value of no parameters procedure.",
    });
  } finally {
    await rooted.close();
  }
});
