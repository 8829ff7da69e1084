/**
 * JSON paths (FEATURES VF-04/05, HF-17, OR-03): `->`/`->>` with keys and (negative) indexes in
 * select, filters and order, on json/jsonb columns natively and on composite and array columns
 * through to_jsonb(). Ported from PostgREST's JsonOperatorSpec.
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

Deno.test("JSON sub-fields with ->>, ->, casts and aliases", async () => {
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=settings->>foo::json"), [{
    foo: { int: 1, bar: "baz" },
  }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=myFoo:settings->>foo::json"), [
    { myFoo: { int: 1, bar: "baz" } },
  ]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=settings->foo->>bar"), [{ bar: "baz" }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=myBar:settings->foo->>bar"), [{
    myBar: "baz",
  }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=settings->foo->>int::integer"), [{
    int: 1,
  }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=myInt:settings->foo->>int::integer"), [{
    myInt: 1,
  }]);
});

Deno.test("a JSON value that does not cast is PostgreSQL's 22P02", async () => {
  assert.deepEqual(await fetchReply(app, "/complex_items?select=settings->foo->>bar::integer"), {
    status: 400,
    body: pgError("22P02", 'invalid input syntax for type integer: "baz"'),
  });
});

Deno.test("JSON keys with non-reserved special characters", async () => {
  assert.deepEqual(
    await rows(app, "/json_arr?id=eq.10&select=data->!@%23$%^%26*_d->>!@%23$%^%26*_e::integer"),
    [
      { "!@#$%^&*_e": 3 },
    ],
  );
});

Deno.test("a reserved character in a JSON key is 400 PGRST100", async () => {
  assert.deepEqual(
    await fetchReply(app, "/json_arr?id=eq.10&select=data->(!@%23$%^%26*_d->>!@%23$%^%26*_e::integer"),
    {
      status: 400,
      body: pgError(
        "PGRST100",
        '"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)" (line 1, column 7)',
        'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
      ),
    },
  );
});

Deno.test("-> after ->> is PostgreSQL's 42883 (404)", async () => {
  const hint =
    "No operator matches the given name and argument types. You might need to add explicit type casts.";
  assert.deepEqual(await fetchReply(app, "/json_arr?select=data->>c->1"), {
    status: 404,
    body: pgError("42883", "operator does not exist: text -> integer", null, hint),
  });
  assert.deepEqual(await fetchReply(app, "/json_arr?select=data->>c->b"), {
    status: 404,
    body: pgError("42883", "operator does not exist: text -> unknown", null, hint),
  });
});

Deno.test("JSON array indexes, nested, negative, and keys that look like numbers", async () => {
  assert.deepEqual(await rows(app, "/json_arr?select=data->>0::int&id=in.(1,2)"), [{ data: 1 }, { data: 4 }]);
  assert.deepEqual(await rows(app, "/json_arr?select=idx0:data->>0::int,idx1:data->>1::int&id=in.(1,2)"), [
    { idx0: 1, idx1: 2 },
    { idx0: 4, idx1: 5 },
  ]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->>1::int&id=in.(3,4)"), [{ data: 8 }, {
    data: 7,
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->0->>1::int&id=in.(3,4)"), [{ data: null }, {
    data: 6,
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->>a&id=in.(5,6)"), [{ a: "A" }, {
    a: "[1,2,3]",
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->a->>2&id=in.(5,6)"), [{ a: null }, { a: "3" }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->c->>0::json&id=in.(7,8)"), [
    { c: 1 },
    { c: { d: [4, 5, 6, 7, 8] } },
  ]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->c->0->d->>4::int&id=in.(7,8)"), [{ d: null }, {
    d: 8,
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->0xy1->1->23-xy-45->1->xy-6->>0::int&id=eq.9"), [
    { "xy-6": 3 },
  ]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->>-1::int&id=in.(1,2)"), [{ data: 3 }, {
    data: 6,
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->>-2::int&id=in.(3,4)"), [{ data: 8 }, {
    data: 7,
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->-2->>a&id=in.(5,6)"), [{ a: "A" }, {
    a: "[1,2,3]",
  }]);
});

Deno.test("JSON paths ending with ->", async () => {
  assert.deepEqual(await rows(app, "/json_arr?select=data->c&id=in.(7,8)"), [{ c: [1, 2, 3] }, {
    c: [{ d: [4, 5, 6, 7, 8] }],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->0->a&id=in.(5,6)"), [{ a: "A" }, {
    a: [1, 2, 3],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data->c->0->d&id=eq.8"), [{ d: [4, 5, 6, 7, 8] }]);
});

Deno.test("a malformed JSON index is 400 PGRST100", async () => {
  assert.deepEqual(await fetchReply(app, "/json_arr?select=data->>--34"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse select parameter (data->>--34)" (line 1, column 9)',
      'unexpected "-" expecting digit',
    ),
  });
});

Deno.test("arrows on composite and array columns", async () => {
  assert.deepEqual(await rows(app, "/fav_numbers?select=num->i"), [{ i: 0.5 }, { i: 0.6 }]);
  assert.deepEqual(await rows(app, "/fav_numbers?select=num->>i"), [{ i: "0.5" }, { i: "0.6" }]);
  assert.deepEqual(
    await rows(app, "/arrays?select=a:numbers->0,b:numbers->1,c:numbers_mult->0->0,d:numbers_mult->1->2"),
    [{ a: 1, b: 2, c: 1, d: 6 }, { a: 11, b: 12, c: 11, d: 16 }],
  );
  assert.deepEqual(
    await rows(app, "/arrays?select=a:numbers->>0,b:numbers->>1,c:numbers_mult->0->>0,d:numbers_mult->1->>2"),
    [{ a: "1", b: "2", c: "1", d: "6" }, { a: "11", b: "12", c: "11", d: "16" }],
  );
});

Deno.test("a JSON path on a plain column goes through to_jsonb()", async () => {
  assert.deepEqual(await rows(app, "/items?select=id->>a&id=eq.1"), [{ a: null }]);
});

Deno.test("filters on JSON paths compare as json (->) or text (->>)", async () => {
  const row = { data: { id: 1, foo: { bar: "baz" } } };
  assert.deepEqual(await rows(app, "/json_table?data->foo->>bar=eq.baz"), [row]);
  assert.deepEqual(await rows(app, "/json_table?data->foo->>bar=eq.fake"), []);
  assert.deepEqual(await rows(app, "/json_table?data->foo->>bar=not.eq.baz"), []);
  assert.deepEqual(await rows(app, "/json_table?data->>id=eq.1"), [row]);
  assert.deepEqual(
    await rows(app, "/json_arr?select=data->!@%23$%^%26*_d&data->!@%23$%^%26*_d->>!@%23$%^%26*_e=eq.3"),
    [{ "!@#$%^&*_d": { "!@#$%^&*_e": 3 } }],
  );
});

Deno.test("filters on JSON array indexes, negative ones too", async () => {
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->>0=eq.1"), [{ data: [1, 2, 3] }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->1->>2=eq.13"), [{
    data: [[9, 8, 7], [11, 12, 13]],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->1->>b=eq.B"), [{
    data: [{ a: "A" }, { b: "B" }],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->1->b->>1=eq.5"), [
    { data: [{ a: [1, 2, 3] }, { b: [4, 5] }] },
  ]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->>-3=eq.1"), [{ data: [1, 2, 3] }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->-1->>-3=eq.11"), [{
    data: [[9, 8, 7], [11, 12, 13]],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->-1->>b=eq.B"), [{
    data: [{ a: "A" }, { b: "B" }],
  }]);
  assert.deepEqual(await rows(app, "/json_arr?select=data&data->-1->b->>-1=eq.5"), [
    { data: [{ a: [1, 2, 3] }, { b: [4, 5] }] },
  ]);
});

Deno.test("jsonb values compare as jsonb", async () => {
  assert.deepEqual(await rows(app, '/jsonb_test?data=eq.{"e":1}'), [{ id: 4, data: { e: 1 } }]);
  assert.deepEqual(await rows(app, '/jsonb_test?data->a=eq.{"b":2}'), [{ id: 1, data: { a: { b: 2 } } }]);
  assert.deepEqual(await rows(app, "/jsonb_test?data->c=eq.[1,2,3]"), [{ id: 2, data: { c: [1, 2, 3] } }]);
  assert.deepEqual(await rows(app, '/jsonb_test?data->0=eq.{"d":"test"}'), [{
    id: 3,
    data: [{ d: "test" }],
  }]);
});

Deno.test("filters on composite fields and array elements", async () => {
  assert.deepEqual(await rows(app, "/fav_numbers?num->>i=gt.0.5"), [{
    num: { r: 0.6, i: 0.6 },
    person: "B",
  }]);
  assert.deepEqual(await rows(app, "/arrays?select=id&numbers->0=eq.1"), ids(0));
  assert.deepEqual(await rows(app, "/arrays?select=id&numbers->>0=eq.11"), ids(1));
  assert.deepEqual(await rows(app, "/arrays?select=id&numbers_mult->1->1=eq.5"), ids(0));
  assert.deepEqual(await rows(app, "/arrays?select=id&numbers_mult->2->>2=eq.19"), ids(1));
});

Deno.test("order by JSON properties", async () => {
  assert.deepEqual(await rows(app, "/json_table?order=data->>id.asc"), [
    { data: { id: 0 } },
    { data: { id: 1, foo: { bar: "baz" } } },
    { data: { id: 3 } },
  ]);
  assert.deepEqual(await rows(app, "/json_table?order=data->>id.desc"), [
    { data: { id: 3 } },
    { data: { id: 1, foo: { bar: "baz" } } },
    { data: { id: 0 } },
  ]);
  assert.deepEqual(await rows(app, "/json_table?order=data->foo->>bar.nullsfirst,data->>id.desc"), [
    { data: { id: 3 } },
    { data: { id: 0 } },
    { data: { id: 1, foo: { bar: "baz" } } },
  ]);
});

Deno.test("order by composite fields and array elements", async () => {
  const a = { num: { r: 0.5, i: 0.5 }, person: "A" };
  const b = { num: { r: 0.6, i: 0.6 }, person: "B" };
  assert.deepEqual(await rows(app, "/fav_numbers?order=num->i.asc"), [a, b]);
  assert.deepEqual(await rows(app, "/fav_numbers?order=num->>i.desc"), [b, a]);
  assert.deepEqual(await rows(app, "/arrays?select=id&order=numbers->0.desc"), ids(1, 0));
  assert.deepEqual(await rows(app, "/arrays?select=id&order=numbers->1.asc"), ids(0, 1));
  assert.deepEqual(await rows(app, "/arrays?select=id&order=numbers_mult->0->0.desc"), ids(1, 0));
  assert.deepEqual(await rows(app, "/arrays?select=id&order=numbers_mult->2->2.asc"), ids(0, 1));
});
