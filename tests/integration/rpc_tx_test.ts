/**
 * The transaction around `/rpc/f`, ported from PostgREST's RpcSpec, MaxAffectedSpec,
 * PreferencesSpec and its io settings tests (test_settings.py): access mode by method and
 * volatility (405 for writes in READ ONLY), `Prefer: tx=rollback`, `max-affected` (PGRST124 /
 * PGRST128), settings hoisted from the function's SET clauses (db-hoisted-tx-settings), the
 * function's isolation level, response.headers / response.status, errors raised in functions,
 * request settings, and the root spec function.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";

const app = await testApp({ dbSchemas: ["rpc"], dbTxEnd: "commit-allow-override", jwtSecret: SECRET });
Deno.test.afterAll(() => app.close());

const JSON_CT = { "Content-Type": "application/json" };

function get(path: string, headers: Record<string, string> = {}) {
  return app.request(path, { headers });
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    headers: { ...JSON_CT, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function bodyOf(res: Response): Promise<unknown> {
  return (await summary(res)).body;
}

async function itemIds(): Promise<number[]> {
  const out = await app.db.psql("select coalesce(string_agg(id::text, ',' order by id), '') from rpc.items");
  return out.trim() === "" ? [] : out.trim().split(",").map(Number);
}

const READ_ONLY = {
  code: "25006",
  details: null,
  hint: null,
  message: "cannot execute nextval() in a read-only transaction",
};

// ---------------------------------------------------------------- access mode

Deno.test("GET runs functions READ ONLY: a VOLATILE function that writes is 405 25006", async () => {
  const res = await get("/rpc/callcounter");
  assert.deepEqual(await summary(res, ["proxy-status"]), {
    status: 405,
    "proxy-status": "PostgREST; error=25006",
    body: READ_ONLY,
  });
});

Deno.test("POST runs VOLATILE functions READ WRITE, exactly once per request", async () => {
  await app.db.psql("select setval('rpc.callcounter_count', 1, false)");
  assert.deepEqual(await summary(await post("/rpc/callcounter", {})), { status: 200, body: 1 });
  assert.deepEqual(await summary(await post("/rpc/callcounter", {})), { status: 200, body: 2 });
});

Deno.test("POST runs STABLE functions READ ONLY", async () => {
  assert.deepEqual(await summary(await post("/rpc/stable_callcounter", {})), {
    status: 405,
    body: READ_ONLY,
  });
});

Deno.test("POST commits a VOLATILE function's writes", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/add_item", { id: 101 })), [{ id: 101 }]);
  assert.ok((await itemIds()).includes(101));
});

Deno.test("Prefer: tx=rollback rolls a function's writes back and says so", async () => {
  const res = await post("/rpc/add_item", { id: 102 }, { Prefer: "tx=rollback" });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 200,
    "preference-applied": "tx=rollback",
    body: [{ id: 102 }],
  });
  assert.ok(!(await itemIds()).includes(102));
  const committed = await post("/rpc/add_item", { id: 103 }, { Prefer: "tx=commit" });
  assert.equal(committed.headers.get("preference-applied"), "tx=commit");
  await committed.body?.cancel();
  assert.ok((await itemIds()).includes(103));
});

Deno.test("a singular Accept with many rows is 406 PGRST116 and rolls the function's writes back", async () => {
  const before = await itemIds();
  const res = await post("/rpc/delete_items_returns_setof", "", {
    Accept: "application/vnd.pgrst.object+json",
  });
  assert.deepEqual(await summary(res), {
    status: 406,
    body: {
      code: "PGRST116",
      details: `The result contains ${before.length} rows`,
      hint: null,
      message: "Cannot coerce the result to a single JSON object",
    },
  });
  assert.deepEqual(await itemIds(), before);
});

// ---------------------------------------------------------------- max-affected

Deno.test("max-affected with handling=strict: more rows than allowed is 400 PGRST124 and a rollback", async () => {
  const before = await itemIds();
  for (const fn of ["delete_items_returns_setof", "delete_items_returns_table"]) {
    const res = await post(`/rpc/${fn}`, "", { Prefer: "handling=strict, max-affected=10" });
    assert.deepEqual(await summary(res), {
      status: 400,
      body: {
        code: "PGRST124",
        details: `The query affects ${before.length} rows`,
        hint: null,
        message: "Query result exceeds max-affected preference constraint",
      },
    }, fn);
  }
  assert.deepEqual(await itemIds(), before);
});

Deno.test("max-affected counts the rows left by filters; within the limit the call commits", async () => {
  const res = await post("/rpc/delete_items_returns_table?id=lt.4", "", {
    Prefer: "handling=strict, max-affected=3",
  });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 200,
    "preference-applied": "handling=strict, max-affected=3",
    body: [{ id: 1 }, { id: 2 }, { id: 3 }],
  });
});

Deno.test("max-affected with handling=strict on a function not returning SETOF is 400 PGRST128", async () => {
  const before = await itemIds();
  const res = await post("/rpc/delete_items_returns_void", "", {
    Prefer: "handling=strict, max-affected=20",
  });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST128",
      details: null,
      hint: null,
      message:
        "Function must return SETOF or TABLE when max-affected preference is used with handling=strict",
    },
  });
  assert.deepEqual(await itemIds(), before);
});

// ---------------------------------------------------------------- preferences

Deno.test("handling=strict rejects unknown preferences on RPC (400 PGRST122), lenient ignores them", async () => {
  assert.deepEqual(
    await summary(await post("/rpc/overloaded_unnamed_param", {}, { Prefer: "handling=strict, anything" })),
    {
      status: 400,
      body: {
        code: "PGRST122",
        details: "Invalid preferences: anything",
        hint: null,
        message: "Invalid preferences given with handling=strict",
      },
    },
  );
  const lenient = await post("/rpc/overloaded_unnamed_param", {}, { Prefer: "handling=lenient, anything" });
  assert.deepEqual(await summary(lenient, ["preference-applied"]), {
    status: 200,
    "preference-applied": "handling=lenient",
    body: 1,
  });
});

Deno.test("Prefer: params=single-object is no longer understood (PostgREST 13+)", async () => {
  const strict = await post("/rpc/add_them", { a: 1, b: 2 }, {
    Prefer: "params=single-object, handling=strict",
  });
  assert.deepEqual(await summary(strict), {
    status: 400,
    body: {
      code: "PGRST122",
      details: "Invalid preferences: params=single-object",
      hint: null,
      message: "Invalid preferences given with handling=strict",
    },
  });
  // Without handling=strict it is ignored: the keys stay named arguments.
  const ignored = await post("/rpc/add_them", { a: 1, b: 2 }, { Prefer: "params=single-object" });
  assert.deepEqual(await summary(ignored, ["preference-applied"]), {
    status: 200,
    "preference-applied": null,
    body: 3,
  });
});

// ---------------------------------------------------------------- function settings

Deno.test("default_transaction_isolation of a function sets the transaction's isolation level", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/default_isolation_level")), "read committed");
  assert.deepEqual(await bodyOf(await get("/rpc/serializable_isolation_level")), "serializable");
  assert.deepEqual(await bodyOf(await get("/rpc/repeatable_read_isolation_level")), "repeatable read");
});

Deno.test("the role's isolation level applies, and the function's overrides it", async () => {
  const token = await sign({ role: "rpc_repeatable" }, SECRET);
  const auth = { Authorization: `Bearer ${token}` };
  assert.deepEqual(await bodyOf(await get("/rpc/default_isolation_level", auth)), "repeatable read");
  assert.deepEqual(await bodyOf(await get("/rpc/serializable_isolation_level", auth)), "serializable");
});

Deno.test("statement_timeout from a function's SET clause is hoisted to the transaction", async () => {
  assert.deepEqual(await summary(await get("/rpc/short_timeout_sleep"), ["proxy-status"]), {
    status: 500,
    "proxy-status": "PostgREST; error=57014",
    body: {
      code: "57014",
      details: null,
      hint: null,
      message: "canceling statement due to statement timeout",
    },
  });
  assert.deepEqual(await summary(await get("/rpc/long_timeout_sleep")), { status: 204, body: "" });
});

Deno.test("only settings named in db-hoisted-tx-settings are hoisted (the default hoists statement_timeout)", async () => {
  // Computed fields read the settings outside the function, that is, the transaction's.
  assert.deepEqual(
    await bodyOf(await get("/rpc/rpc_with_one_hoisted?select=get_work_mem,get_statement_timeout")),
    {
      get_work_mem: "4MB",
      get_statement_timeout: "7s",
    },
  );
});

Deno.test("db-hoisted-tx-settings chooses which SET clauses are hoisted", async () => {
  const workMem = await testApp({ dbSchemas: ["rpc"], dbHoistedTxSettings: ["work_mem"] });
  const both = await testApp({ dbSchemas: ["rpc"], dbHoistedTxSettings: ["work_mem", "statement_timeout"] });
  try {
    const select = "select=get_work_mem,get_statement_timeout";
    assert.deepEqual(await bodyOf(await workMem.request(`/rpc/rpc_with_one_hoisted?${select}`)), {
      get_work_mem: "3000kB",
      get_statement_timeout: "0",
    });
    assert.deepEqual(await bodyOf(await both.request(`/rpc/rpc_with_two_hoisted?${select}`)), {
      get_work_mem: "5000kB",
      get_statement_timeout: "10s",
    });
    // The function's timeout no longer applies to the transaction.
    assert.deepEqual(await summary(await workMem.request("/rpc/short_timeout_sleep")), {
      status: 204,
      body: "",
    });
  } finally {
    await workMem.close();
    await both.close();
  }
});

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
