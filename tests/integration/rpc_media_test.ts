/**
 * The media types of `/rpc/f`, ported from PostgREST's RpcSpec, CustomMediaSpec (functions and
 * their handlers) and RawOutputTypesSpec: singular and CSV output, HEAD, browsers' Accept, and
 * media-type domains (text, xml, html and raw bytes) and aggregate handlers.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { bodyOf, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"] });
Deno.test.afterAll(() => app.close());
const { get, head, post } = rpcClient(app);

// ---------------------------------------------------------------- singular, CSV, HEAD

Deno.test("Accept: vnd.pgrst.object answers one object, 406 PGRST116 otherwise", async () => {
  const one = await get("/rpc/getproject?id=1", { Accept: "application/vnd.pgrst.object+json" });
  assert.deepEqual(await summary(one, ["content-type"]), {
    status: 200,
    "content-type": "application/vnd.pgrst.object+json; charset=utf-8",
    body: { id: 1, name: "Windows 7", client_id: 1 },
  });
  const scalar = await get("/rpc/add_them?a=1&b=2", { Accept: "application/vnd.pgrst.object+json" });
  assert.deepEqual(await summary(scalar), { status: 200, body: 3 });
  const many = await get("/rpc/getallprojects", { Accept: "application/vnd.pgrst.object+json" });
  assert.deepEqual(await summary(many), {
    status: 406,
    body: {
      code: "PGRST116",
      details: "The result contains 5 rows",
      hint: null,
      message: "Cannot coerce the result to a single JSON object",
    },
  });
});

Deno.test("Accept: text/csv answers CSV, also for HEAD", async () => {
  for (
    const res of [
      await post("/rpc/getitemrange", { min: 2, max: 4 }, { Accept: "text/csv" }),
      await get("/rpc/getitemrange?min=2&max=4", { Accept: "text/csv" }),
    ]
  ) {
    assert.deepEqual(await summary(res, ["content-type"]), {
      status: 200,
      "content-type": "text/csv; charset=utf-8",
      body: "id\n3\n4",
    });
  }
  const h = await head("/rpc/getitemrange?min=2&max=4", { Accept: "text/csv" });
  assert.equal(h.status, 200);
  assert.equal(h.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(await h.text(), "");
});

Deno.test("HEAD answers GET's status and headers without body or Content-Length", async () => {
  const res = await head("/rpc/getitemrange?min=2&max=4&limit=1&offset=1");
  assert.deepEqual(await summary(res, ["content-type", "content-range", "content-length"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    "content-range": "1-1/*",
    "content-length": null,
    body: "",
  });
  const counted = await head("/rpc/getitemrange?min=2&max=4&limit=1&offset=1", { Prefer: "count=exact" });
  assert.equal(counted.status, 206);
  assert.equal(counted.headers.get("content-range"), "1-1/2");
  const ignored = await head("/rpc/getitemrange?min=2&max=5&limit=2&offset=1", {
    Range: "0-0",
    Prefer: "count=exact",
  });
  assert.equal(ignored.status, 206);
  assert.equal(ignored.headers.get("content-range"), "1-2/3");
});

Deno.test("an unknown Accept is 406 PGRST107", async () => {
  for (
    const res of [
      await post("/rpc/sayhello", { name: "world" }, { Accept: "audio/mpeg3" }),
      await get("/rpc/sayhello?name=world", { Accept: "audio/mpeg3" }),
    ]
  ) {
    assert.deepEqual(await summary(res), {
      status: 406,
      body: {
        code: "PGRST107",
        details: null,
        hint: null,
        message: "None of these media types are available: audio/mpeg3",
      },
    });
  }
});

Deno.test("browser Accept headers get JSON", async () => {
  for (
    const accept of [
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3",
    ]
  ) {
    assert.deepEqual(
      await summary(await get("/rpc/get_projects_below?id=3", { Accept: accept }), ["content-type"]),
      {
        status: 200,
        "content-type": "application/json; charset=utf-8",
        body: [{ id: 1, name: "Windows 7", client_id: 1 }, { id: 2, name: "Windows 10", client_id: 1 }],
      },
    );
  }
});

// ---------------------------------------------------------------- media-type domains

Deno.test("a function returning a media-type domain answers its value raw", async () => {
  assert.deepEqual(await summary(await get("/rpc/welcome", { Accept: "text/plain" }), ["content-type"]), {
    status: 200,
    "content-type": "text/plain; charset=utf-8",
    body: "Welcome to PostgREST",
  });
  assert.deepEqual(await summary(await get("/rpc/welcome.html", { Accept: "text/html" }), ["content-type"]), {
    status: 200,
    "content-type": "text/html",
    body: "<h1>Welcome to PostgREST</h1>",
  });
  assert.deepEqual(
    await summary(await get("/rpc/return_scalar_xml", { Accept: "text/xml" }), ["content-type"]),
    {
      status: 200,
      "content-type": "text/xml; charset=utf-8",
      body: "<my-xml-tag/>",
    },
  );
});

Deno.test("a media type the function does not return is 406 PGRST107 (no builtin text or xml)", async () => {
  assert.deepEqual(await summary(await get("/rpc/welcome", { Accept: "text/xml" }), ["content-type"]), {
    status: 406,
    "content-type": "application/json; charset=utf-8",
    body: {
      code: "PGRST107",
      details: null,
      hint: null,
      message: "None of these media types are available: text/xml",
    },
  });
  assert.deepEqual(await bodyOf(await get("/rpc/welcome_twice", { Accept: "text/plain" })), {
    code: "PGRST107",
    details: null,
    hint: null,
    message: "None of these media types are available: text/plain",
  });
  assert.deepEqual(await bodyOf(await get("/rpc/getallprojects", { Accept: "application/octet-stream" })), {
    code: "PGRST107",
    details: null,
    hint: null,
    message: "None of these media types are available: application/octet-stream",
  });
});

Deno.test("a bytea media-type domain answers the raw bytes", async () => {
  for (
    const accept of [
      "image/png",
      "image/png, */*",
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/png,*/*;q=0.8",
    ]
  ) {
    const res = await get("/rpc/ret_image", { Accept: accept });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("content-length"), "11");
    assert.deepEqual(
      new Uint8Array(await res.arrayBuffer()),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]),
    );
  }
});

Deno.test('a "*/*" domain answers any Accept with application/octet-stream', async () => {
  for (const accept of ["*/*", "app/bingo", "text/bango", "image/boingo"]) {
    assert.deepEqual(await summary(await get("/rpc/ret_any_mt", { Accept: accept }), ["content-type"]), {
      status: 200,
      "content-type": "application/octet-stream",
      body: "any",
    }, accept);
  }
});

Deno.test('a "*/*" domain function can set its Content-Type, or refuse with its own error', async () => {
  assert.deepEqual(await summary(await get("/rpc/ret_some_mt", { Accept: "*/*" }), ["content-type"]), {
    status: 200,
    "content-type": "app/groucho",
    body: "groucho",
  });
  assert.deepEqual(await summary(await get("/rpc/ret_some_mt", { Accept: "app/chico" }), ["content-type"]), {
    status: 200,
    "content-type": "app/chico",
    body: "chico",
  });
  assert.deepEqual(await summary(await get("/rpc/ret_some_mt", { Accept: "text/csv" })), {
    status: 406,
    body: { code: "PT406", details: null, hint: null, message: "Not Acceptable" },
  });
});

Deno.test("an aggregate handler of the returned table serializes function results", async () => {
  const res = await get("/rpc/getallprojects?id=lt.3", { Accept: "application/vnd.rpc+csv" });
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 200,
    "content-type": "application/vnd.rpc+csv",
    body: "id;name\n1;Windows 7\n2;Windows 10\n",
  });
  const none = await get("/rpc/getproject?id=777", { Accept: "application/vnd.rpc+csv" });
  assert.deepEqual(await summary(none, ["content-range"]), {
    status: 200,
    "content-range": "*/*",
    body: "id;name\n",
  });
  // The handler applies to the whole row only: a narrower select has no handler.
  const narrowed = await get("/rpc/getallprojects?select=id", { Accept: "application/vnd.rpc+csv" });
  assert.equal(narrowed.status, 406);
  await narrowed.body?.cancel();
});

Deno.test("a bytea aggregate handler answers raw bytes, for a table and for a function's rows", async () => {
  const expected = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
  for (const path of ["/binaries", "/rpc/all_binaries"]) {
    const res = await get(path, { Accept: "application/octet-stream" });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.equal(res.headers.get("content-length"), "11");
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), expected, path);
  }
});

Deno.test("json and jsonb results are the function's value as PostgreSQL wrote it", async () => {
  const res = await post("/rpc/overloaded_default", { a: 2, must_param: 4 });
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(await res.text(), '{"a": 2, "val": 4}');
});

Deno.test("Prefer: tx=rollback is ignored (and not applied) unless db-tx-end allows overriding", async () => {
  const res = await post("/rpc/add_item", { id: 500 }, { Prefer: "tx=rollback" });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 200,
    "preference-applied": null,
    body: [{ id: 500 }],
  });
  assert.equal((await app.db.psql("select count(*) from rpc.items where id = 500")).trim(), "1");
});
