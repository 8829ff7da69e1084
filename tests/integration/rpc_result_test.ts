/**
 * What `/rpc/f` answers, ported from PostgREST's RpcSpec (fixture `tests/fixtures/50_rpc.sql`):
 * every result shape (scalar, composite, SETOF, TABLE, OUT / INOUT, record, void), and select /
 * filters / order / limit / Range / counts / embedding on function results.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { bodyOf, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"] });
Deno.test.afterAll(() => app.close());
const { get, head, post } = rpcClient(app);

// ---------------------------------------------------------------- shapes

Deno.test("a scalar function answers a bare JSON value", async () => {
  const res = await post("/rpc/sayhello", { name: "world" });
  assert.deepEqual(await summary(res, ["content-type", "content-range", "content-length"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    "content-range": "0-0/*",
    "content-length": "14",
    body: "Hello, world",
  });
  assert.deepEqual(await bodyOf(await post("/rpc/ret_array", {})), [1, 2, 3]);
  assert.deepEqual(await bodyOf(await post("/rpc/ret_enum", { val: "foo" })), "foo");
  assert.deepEqual(await bodyOf(await post("/rpc/ret_domain", { val: "8" })), 8);
  assert.deepEqual(await bodyOf(await post("/rpc/ret_range", { low: 10, up: 20 })), "[10,20)");
  assert.deepEqual(await summary(await post("/rpc/ret_null", {})), { status: 200, body: null });
});

Deno.test("a SETOF scalar function answers a JSON array (empty when no rows)", async () => {
  const res = await post("/rpc/ret_setof_integers", {});
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 200,
    "content-range": "0-2/*",
    body: [1, 2, 3],
  });
  const empty = await get("/rpc/test_empty_rowset");
  assert.deepEqual(await summary(empty, ["content-range", "content-type"]), {
    status: 200,
    "content-range": "*/*",
    "content-type": "application/json; charset=utf-8",
    body: [],
  });
});

Deno.test("a SETOF table function answers an array of objects, as PostgreSQL serialized it", async () => {
  const res = await post("/rpc/getitemrange", { min: 2, max: 4 });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(await res.text(), '[{"id":3}, \n {"id":4}]');
  assert.deepEqual(await bodyOf(await get("/rpc/getitemrange?min=2&max=4")), [{ id: 3 }, { id: 4 }]);
});

Deno.test("a composite function answers one object (types of the exposed schema, domains over them)", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/ret_point_2d", {})), { x: 10, y: 5 });
  assert.deepEqual(await bodyOf(await post("/rpc/ret_composite_domain", {})), { x: 10, y: 5 });
  assert.deepEqual(await bodyOf(await post("/rpc/ret_point_overloaded", { x: 1, y: 2 })), { x: 1, y: 2 });
  assert.deepEqual(await bodyOf(await post("/rpc/single_project?select=id", { id: 2 })), { id: 2 });
});

Deno.test("a composite type of a schema the role cannot use is 401 42501", async () => {
  const res = await post("/rpc/ret_point_3d", {});
  assert.deepEqual(await summary(res, ["www-authenticate"]), {
    status: 401,
    "www-authenticate": "Bearer",
    body: { code: "42501", details: null, hint: null, message: "permission denied for schema rpc_private" },
  });
});

Deno.test("a void function answers 204 without Content-Type or body", async () => {
  const res = await post("/rpc/ret_void", {});
  assert.deepEqual(await summary(res, ["content-type", "content-length", "content-range"]), {
    status: 204,
    "content-type": null,
    "content-length": null,
    "content-range": "0-0/*",
    body: "",
  });
});

Deno.test("record and SETOF record functions answer objects named after the row's columns", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/returns_record", "")), {
    id: 1,
    name: "Windows 7",
    client_id: 1,
  });
  assert.deepEqual(await bodyOf(await post("/rpc/returns_setof_record", "")), [
    { id: 1, name: "Windows 7", client_id: 1 },
    { id: 2, name: "Windows 10", client_id: 1 },
  ]);
});

Deno.test("TABLE functions answer an array of objects, also with one column", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/single_column_table_return")), [{ a: "A" }]);
  assert.deepEqual(await bodyOf(await get("/rpc/multi_column_table_return")), [{ a: "A", b: "B" }]);
  assert.deepEqual(await bodyOf(await post("/rpc/ret_scalars", {})), [
    { a: "scalars", b: "foo", c: 1, d: "[10,20)" },
  ]);
  assert.deepEqual(await bodyOf(await get("/rpc/test")), [{ test: "hello", value: 1 }]);
});

Deno.test("OUT and INOUT parameters make an object, even a single one (as PostgREST does)", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/single_out_param?num=5")), { num_plus_one: 6 });
  assert.deepEqual(await bodyOf(await get("/rpc/single_json_out_param?a=1&b=two")), {
    my_json: { a: 1, b: "two" },
  });
  assert.deepEqual(await bodyOf(await get("/rpc/single_inout_param?num=2")), { num: 3 });
  assert.deepEqual(await bodyOf(await get("/rpc/many_out_params")), {
    my_json: { a: 1, b: "two" },
    num: 3,
    str: "four",
  });
  assert.deepEqual(await bodyOf(await get("/rpc/many_inout_params?num=1&str=two&b=false")), {
    num: 1,
    str: "two",
    b: false,
  });
});

// ---------------------------------------------------------------- select, filters, order, ranges, counts

Deno.test("select, filters, limit and offset apply to the function's rows", async () => {
  for (
    const res of [
      await post("/rpc/getallprojects?id=gt.1&id=lt.5&select=id", {}),
      await get("/rpc/getallprojects?id=gt.1&id=lt.5&select=id"),
    ]
  ) {
    assert.deepEqual(await bodyOf(res), [{ id: 2 }, { id: 3 }, { id: 4 }]);
  }
  for (
    const res of [
      await post("/rpc/getallprojects?id=gt.1&id=lt.5&select=id&limit=2&offset=1", {}),
      await get("/rpc/getallprojects?id=gt.1&id=lt.5&select=id&limit=2&offset=1"),
    ]
  ) {
    assert.deepEqual(await summary(res, ["content-range"]), {
      status: 200,
      "content-range": "1-2/*",
      body: [{ id: 3 }, { id: 4 }],
    });
  }
  assert.deepEqual(await bodyOf(await get("/rpc/getproject?id=1&select=id,name")), [{
    id: 1,
    name: "Windows 7",
  }]);
});

Deno.test("order applies to the function's rows", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/getallprojects?select=id,name&order=id.desc&limit=3")), [
    { id: 5, name: "Orphan" },
    { id: 4, name: "OSX" },
    { id: 3, name: "IOS" },
  ]);
  // As in PostgREST, the call selects the selected and filtered columns only: ordering by another
  // column of the result is PostgreSQL's 42703.
  assert.deepEqual(await summary(await get("/rpc/getallprojects?select=id&order=name.desc")), {
    status: 400,
    body: { code: "42703", details: null, hint: null, message: "column projects.name does not exist" },
  });
});

Deno.test("filters may use columns that are not selected, also in logic trees and embeds", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/getallprojects?select=id,client_id&name=like.OSX")), [
    { id: 4, client_id: 2 },
  ]);
  assert.deepEqual(
    await bodyOf(await get("/rpc/getallprojects?select=id,client_id&or=(name.like.OSX,name.like.IOS)")),
    [{ id: 3, client_id: 2 }, { id: 4, client_id: 2 }],
  );
  assert.deepEqual(
    await bodyOf(await get("/rpc/getallprojects?select=id,clients(id)&clients.name=not.is.null")),
    [
      { id: 1, clients: { id: 1 } },
      { id: 2, clients: { id: 1 } },
      { id: 3, clients: { id: 2 } },
      { id: 4, clients: { id: 2 } },
      { id: 5, clients: null },
    ],
  );
});

Deno.test("full text search filters apply to tsvector columns of the result", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/get_tsearch?text_search_vector=fts(english).impossible")), [
    { text_search_vector: "'fun':5 'imposs':9 'kind':3" },
  ]);
  assert.deepEqual(
    await bodyOf(await get("/rpc/get_tsearch?text_search_vector=not.fts(english).fun%7Crat")),
    [
      { text_search_vector: "'amus':5 'fair':7 'impossibl':9 'peu':4" },
      { text_search_vector: "'art':4 'spass':5 'unmog':7" },
    ],
  );
});

Deno.test("the Range header pages GET results; count=exact gives the total and 206", async () => {
  const ranged = await get("/rpc/getitemrange?min=2&max=4", { Range: "1-1" });
  assert.deepEqual(await summary(ranged, ["content-range"]), {
    status: 200,
    "content-range": "1-1/*",
    body: [{ id: 4 }],
  });
  const counted = await get("/rpc/getitemrange?min=2&max=4", { Range: "1-1", Prefer: "count=exact" });
  assert.deepEqual(await summary(counted, ["content-range", "preference-applied"]), {
    status: 206,
    "content-range": "1-1/2",
    "preference-applied": "count=exact",
    body: [{ id: 4 }],
  });
  const limited = await post("/rpc/getitemrange?limit=1&offset=1", { min: 2, max: 4 }, {
    Prefer: "count=exact",
  });
  assert.deepEqual(await summary(limited, ["content-range"]), {
    status: 206,
    "content-range": "1-1/2",
    body: [{ id: 4 }],
  });
});

Deno.test("POST ignores the Range header but honours limit and offset", async () => {
  const res = await post("/rpc/getitemrange", { min: 2, max: 4 }, { Range: "1-1", Prefer: "count=exact" });
  assert.deepEqual(await summary(res, ["content-range"]), {
    status: 200,
    "content-range": "0-1/2",
    body: [{ id: 3 }, { id: 4 }],
  });
  const paged = await post("/rpc/getitemrange?limit=2&offset=1", { min: 2, max: 5 }, {
    Range: "0-0",
    Prefer: "count=exact",
  });
  assert.deepEqual(await summary(paged, ["content-range"]), {
    status: 206,
    "content-range": "1-2/3",
    body: [{ id: 4 }, { id: 5 }],
  });
});

Deno.test("count=exact counts 1 for functions returning one scalar, domain or composite", async () => {
  for (
    const [path, body] of [
      ["/rpc/add_them?a=3&b=4", 7],
      ["/rpc/ret_domain?val=8", 8],
      ["/rpc/ret_point_2d", { x: 10, y: 5 }],
    ] as const
  ) {
    assert.deepEqual(await summary(await get(path, { Prefer: "count=exact" }), ["content-range"]), {
      status: 200,
      "content-range": "0-0/1",
      body,
    }, path);
  }
});

Deno.test("count=exact counts the rows left by filters and inner embeds", async () => {
  const all = await head("/rpc/getallprojects", { Prefer: "count=exact" });
  assert.equal(all.status, 200);
  assert.equal(all.headers.get("content-range"), "0-4/5");
  const inner = await head("/rpc/getallprojects?select=*,clients!inner(*)&clients.id=eq.1", {
    Prefer: "count=exact",
  });
  assert.equal(inner.headers.get("content-range"), "0-1/2");
});

// ---------------------------------------------------------------- embedding

Deno.test("a function returning rows of a table embeds that table's relationships", async () => {
  const expected = [{ id: 1, name: "Windows 7", client: { id: 1 }, tasks: [{ id: 1 }, { id: 2 }] }];
  assert.deepEqual(
    await bodyOf(await post("/rpc/getproject?select=id,name,client:clients(id),tasks(id)", { id: 1 })),
    expected,
  );
  assert.deepEqual(
    await bodyOf(await get("/rpc/getproject?id=1&select=id,name,client:clients(id),tasks(id)")),
    expected,
  );
  assert.deepEqual(await bodyOf(await get("/rpc/single_project?id=1&select=id,client:clients(id)")), {
    id: 1,
    client: { id: 1 },
  });
});

Deno.test("embedding through a junction (M2M) and its parents works on function results", async () => {
  assert.deepEqual(
    await bodyOf(await get("/rpc/getallusers?select=name,tasks(name,project:projects(name))&id=gt.1")),
    [
      {
        name: "Michael Scott",
        tasks: [
          { name: "Design IOS", project: { name: "IOS" } },
          { name: "Code IOS", project: { name: "IOS" } },
          { name: "Design OSX", project: { name: "OSX" } },
        ],
      },
      {
        name: "Dwight Schrute",
        tasks: [{ name: "Design w7", project: { name: "Windows 7" } }, {
          name: "Design IOS",
          project: { name: "IOS" },
        }],
      },
    ],
  );
});

Deno.test("embedding an unknown relationship of a function result is 400 PGRST200", async () => {
  const res = await get("/rpc/getallprojects?select=*,nope(*)");
  const s = await summary(res);
  assert.equal(s.status, 400);
  assert.equal((s.body as { code: string }).code, "PGRST200");
});
