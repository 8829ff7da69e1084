/**
 * `/rpc/f` arguments, ported from PostgREST's RpcSpec (fixture `tests/fixtures/50_rpc.sql`, schema
 * `rpc` standing for PostgREST's `test`): GET arguments and the filters among them, POST JSON and
 * form bodies, DEFAULTs, VARIADIC, `columns=`.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { bodyOf, FORM_CT, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"] });
Deno.test.afterAll(() => app.close());
const { get, post } = rpcClient(app);

// ---------------------------------------------------------------- GET arguments

Deno.test("GET /rpc/add_them?a=1&b=2 passes query parameters as arguments", async () => {
  assert.deepEqual(await summary(await get("/rpc/add_them?a=1&b=2"), ["content-type"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    body: 3,
  });
});

Deno.test("GET arguments are cast to each parameter's type (dates, money, enums, arrays)", async () => {
  const res = await get(
    "/rpc/varied_arguments?double=3.1&varchar=hello&boolean=true&date=20190101&money=0&enum=foo&arr=%7Ba,b,c%7D&integer=43",
  );
  assert.deepEqual(await bodyOf(res), {
    double: 3.1,
    varchar: "hello",
    boolean: true,
    date: "2019-01-01",
    money: "$0.00",
    enum: "foo",
    arr: ["a", "b", "c"],
    integer: 43,
    json: {},
    jsonb: {},
  });
});

Deno.test("GET arguments with quoted (upper case) names reach the right parameters", async () => {
  const res = await get("/rpc/quotedFunction?user=mscott&fullName=Michael Scott&SSN=401-32-XXXX");
  assert.deepEqual(await bodyOf(res), { user: "mscott", fullName: "Michael Scott", SSN: "401-32-XXXX" });
});

Deno.test("GET: a repeated argument keeps its last value unless the parameter is VARIADIC", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/sayhello?name=ignored&name=world")), "Hello, world");
  assert.deepEqual(
    await bodyOf(await get("/rpc/sayhello_variadic?name=ignored&name=world&v=unused")),
    "Hello, world",
  );
});

Deno.test("GET: a VARIADIC parameter takes repeated values, or its DEFAULT", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/variadic_param")), []);
  assert.deepEqual(await bodyOf(await get("/rpc/variadic_param?v=hi")), ["hi"]);
  assert.deepEqual(await bodyOf(await get("/rpc/variadic_param?v=hi&v=there")), ["hi", "there"]);
});

Deno.test("GET: missing arguments with DEFAULTs use them", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/three_defaults?b=4")), 8);
  assert.deepEqual(await bodyOf(await get("/rpc/many_inout_params?num=1&str=two")), {
    num: 1,
    str: "two",
    b: true,
  });
});

Deno.test("GET: character and bit parameters accept values of any length", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/char_param_select?char_=abcdefg&char_arr={abc,abcdefg}")), [
    { char_: "abcdefg", char_arr: ["abc", "abcdefg"] },
  ]);
  assert.deepEqual(await bodyOf(await get("/rpc/bit_param_select?bit_=101010&bit_arr={101,101010}")), [
    { bit_: "101010", bit_arr: ["101", "101010"] },
  ]);
});

Deno.test("GET: a parameter that looks like a filter filters the result, a plain one is an argument", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/get_projects_below?id=5&id=gt.2&select=id")), [
    { id: 3 },
    { id: 4 },
  ]);
  assert.deepEqual(await bodyOf(await get("/rpc/get_projects_below?id=5&id=not.gt.2&select=id")), [
    { id: 1 },
    { id: 2 },
  ]);
  assert.deepEqual(await bodyOf(await get("/rpc/get_projects_below?id=5&id=not.in.(1,3)&select=id")), [
    { id: 2 },
    { id: 4 },
  ]);
});

Deno.test("GET /rpc/noparamsproc calls a function without arguments", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/noparamsproc")), "Return value of no parameters procedure.");
});

// ---------------------------------------------------------------- POST arguments

Deno.test("POST with a JSON object passes its keys as named arguments", async () => {
  const res = await post("/rpc/varied_arguments", {
    double: 3.1,
    varchar: "hello",
    boolean: true,
    date: "20190101",
    money: 0,
    enum: "foo",
    arr: ["a", "b", "c"],
    integer: 43,
    json: { "some key": "some value" },
    jsonb: { "another key": [1, 2, "3"] },
  });
  assert.deepEqual(await bodyOf(res), {
    double: 3.1,
    varchar: "hello",
    boolean: true,
    date: "2019-01-01",
    money: "$0.00",
    enum: "foo",
    arr: ["a", "b", "c"],
    integer: 43,
    json: { "some key": "some value" },
    jsonb: { "another key": [1, 2, "3"] },
  });
});

Deno.test("POST: JSON values keep their JSON type for json parameters", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/json_argument", { arg: { key: 3 } })), "object");
  assert.deepEqual(await bodyOf(await post("/rpc/json_argument", { arg: '{ "key": 3 }' })), "string");
});

Deno.test("POST: unicode arguments round-trip", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/sayhello", { name: "￥" })), "Hello, ￥");
});

Deno.test("POST with an empty body calls a function without arguments", async () => {
  assert.deepEqual(
    await bodyOf(await post("/rpc/noparamsproc", "")),
    "Return value of no parameters procedure.",
  );
});

Deno.test("POST with a JSON array uses only its first object", async () => {
  const res = await post("/rpc/add_them", [{ a: 1, b: 2 }, { a: 4, b: 6 }, { a: 100, b: 200 }]);
  assert.deepEqual(await summary(res, ["content-type"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    body: 3,
  });
});

Deno.test("POST without Content-Type reads the body as JSON", async () => {
  const res = await app.request("/rpc/add_them", {
    method: "POST",
    body: new TextEncoder().encode('{"a":1,"b":2}'),
  });
  assert.deepEqual(await summary(res), { status: 200, body: 3 });
});

Deno.test("POST ?columns= restricts which JSON keys are arguments", async () => {
  const res = await post("/rpc/sayhello?columns=name", {
    name: "John",
    smth: "here",
    other: "stuff",
    fake_id: 13,
  });
  assert.deepEqual(await bodyOf(res), "Hello, John");
});

Deno.test("POST: VARIADIC parameters take a JSON array", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/variadic_param", { v: ["hi", "hello", "there"] })), [
    "hi",
    "hello",
    "there",
  ]);
});

Deno.test("POST with a form body passes its fields as arguments", async () => {
  const res = await post(
    "/rpc/varied_arguments",
    "double=3.1&varchar=hello&boolean=true&date=20190101&money=0&enum=foo&arr=%7Ba,b,c%7D&integer=43",
    FORM_CT,
  );
  assert.deepEqual(await bodyOf(res), {
    double: 3.1,
    varchar: "hello",
    boolean: true,
    date: "2019-01-01",
    money: "$0.00",
    enum: "foo",
    arr: ["a", "b", "c"],
    integer: 43,
    json: {},
    jsonb: {},
  });
});

Deno.test("POST with a form body: repeated fields feed a VARIADIC parameter", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/variadic_param", "", FORM_CT)), []);
  assert.deepEqual(await bodyOf(await post("/rpc/variadic_param", "v=hi", FORM_CT)), ["hi"]);
  assert.deepEqual(await bodyOf(await post("/rpc/variadic_param", "v=hi&v=there", FORM_CT)), ["hi", "there"]);
});

Deno.test("POST: a query parameter is a filter, never an argument (400 PGRST100)", async () => {
  const res = await post("/rpc/sayhello?name=John", { name: "John" });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST100",
      details: 'unexpected "J" expecting "not" or operator (eq, gt, ...)',
      hint: null,
      message: '"failed to parse filter (John)" (line 1, column 1)',
    },
  });
});

Deno.test("POST with malformed JSON is 400 PGRST102", async () => {
  assert.deepEqual(await summary(await post("/rpc/sayhello", "sdfsdf")), {
    status: 400,
    body: { code: "PGRST102", details: null, hint: null, message: "Empty or invalid json" },
  });
});
