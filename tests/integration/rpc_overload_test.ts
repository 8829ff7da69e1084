/**
 * Choosing the function, ported from PostgREST's RpcSpec (fixture `tests/fixtures/50_rpc.sql`):
 * overload resolution by argument names with PGRST202 / PGRST203, the single unnamed json / text /
 * xml / bytea parameter, procedures, methods and OPTIONS.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { bodyOf, FORM_CT, noRpc, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"] });
Deno.test.afterAll(() => app.close());
const { get, post } = rpcClient(app);

// ---------------------------------------------------------------- overloading

Deno.test("overloads are chosen by argument names (GET)", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/overloaded")), [1, 2, 3]);
  assert.deepEqual(await bodyOf(await get("/rpc/overloaded?a=1&b=2")), 3);
  assert.deepEqual(await bodyOf(await get("/rpc/overloaded?a=1&b=2&c=3")), "123");
});

Deno.test("overloads are chosen by argument names (form bodies)", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_html_form", "", FORM_CT)), [1, 2, 3]);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_html_form", "a=1&b=2", FORM_CT)), 3);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_html_form", "a=1&b=2&c=3", FORM_CT)), "123");
});

Deno.test("overloads with DEFAULTs: required parameters must be given, optional ones may be", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_default?select=id,name,users(name)", {})), [
    { id: 2, name: "Code w7", users: [{ name: "Angela Martin" }] },
  ]);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_default", { must_param: 1 })), { val: 1 });
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_default?select=id,name,users(name)", { a: 4 })), [
    { id: 5, name: "Design IOS", users: [{ name: "Michael Scott" }, { name: "Dwight Schrute" }] },
  ]);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_default", { a: 2, must_param: 4 })), {
    a: 2,
    val: 4,
  });
});

Deno.test("an unknown function is 404 PGRST202 with the closest function as hint", async () => {
  const res = await get("/rpc/sayhell");
  const text = await res.text();
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("proxy-status"), "PostgREST; error=PGRST202");
  assert.equal(
    text,
    JSON.stringify(noRpc(
      "Could not find the function rpc.sayhell without parameters in the schema cache",
      "Searched for the function rpc.sayhell without parameters, but no matches were found in the schema cache.",
      "Perhaps you meant to call the function rpc.sayhello",
    )),
  );
  assert.equal(res.headers.get("content-length"), String(new TextEncoder().encode(text).length));
  assert.equal((await get("/rpc/fake")).status, 404);
  assert.equal((await post("/rpc/fakefunc", {})).status, 404);
});

Deno.test("missing or unknown arguments are 404 PGRST202 with the closest signature as hint", async () => {
  assert.equal((await get("/rpc/sayhello")).status, 404);
  assert.equal((await get("/rpc/sayhello?any_arg=value")).status, 404);
  assert.deepEqual(
    await summary(await get("/rpc/sayhello?nam=Peter")),
    {
      status: 404,
      body: noRpc(
        "Could not find the function rpc.sayhello(nam) in the schema cache",
        "Searched for the function rpc.sayhello with parameter nam, but no matches were found in the schema cache.",
        "Perhaps you meant to call the function rpc.sayhello(name)",
      ),
    },
  );
  assert.deepEqual(
    await bodyOf(await get("/rpc/add_them?a=1&b=2&smthelse=blabla")),
    noRpc(
      "Could not find the function rpc.add_them(a, b, smthelse) in the schema cache",
      "Searched for the function rpc.add_them with parameters a, b, smthelse, but no matches were found in the schema cache.",
      "Perhaps you meant to call the function rpc.add_them(a, b)",
    ),
  );
});

Deno.test("PGRST202 lists the arguments in code point order, whatever their order in the request", async () => {
  assert.deepEqual(
    await bodyOf(await get("/rpc/add_them?smthelse=blabla&b=2&a=1")),
    noRpc(
      "Could not find the function rpc.add_them(a, b, smthelse) in the schema cache",
      "Searched for the function rpc.add_them with parameters a, b, smthelse, but no matches were found in the schema cache.",
      "Perhaps you meant to call the function rpc.add_them(a, b)",
    ),
  );
  assert.equal(
    ((await bodyOf(await post("/rpc/add_them", { b: 1, a: 2, B: 3 }))) as { message: string }).message,
    "Could not find the function rpc.add_them(B, a, b) in the schema cache",
  );
});

Deno.test("unknown arguments of an overloaded function are 404 PGRST202", async () => {
  assert.deepEqual(
    await bodyOf(await get("/rpc/overloaded?wrong_arg=value")),
    noRpc(
      "Could not find the function rpc.overloaded(wrong_arg) in the schema cache",
      "Searched for the function rpc.overloaded with parameter wrong_arg, but no matches were found in the schema cache.",
    ),
  );
  assert.deepEqual(
    await bodyOf(await get("/rpc/overloaded?a=1&b=2&wrong_arg=value")),
    noRpc(
      "Could not find the function rpc.overloaded(a, b, wrong_arg) in the schema cache",
      "Searched for the function rpc.overloaded with parameters a, b, wrong_arg, but no matches were found in the schema cache.",
      "Perhaps you meant to call the function rpc.overloaded(a, b, c)",
    ),
  );
});

Deno.test("overloads with the same argument names are 300 PGRST203, fewest parameters first", async () => {
  const res = await get("/rpc/overloaded_same_args?arg=value");
  assert.deepEqual(await summary(res, ["content-length", "proxy-status"]), {
    status: 300,
    "content-length": "350",
    "proxy-status": "PostgREST; error=PGRST203",
    body: {
      code: "PGRST203",
      details: null,
      hint:
        "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
      message:
        "Could not choose the best candidate function between: rpc.overloaded_same_args(arg => integer), rpc.overloaded_same_args(arg => xml), rpc.overloaded_same_args(arg => text, num => integer)",
    },
  });
});

// ---------------------------------------------------------------- the single unnamed parameter

Deno.test("a single unnamed json parameter receives the whole JSON body", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/unnamed_json_param", { A: 1, B: 2, C: 3 })), {
    A: 1,
    B: 2,
    C: 3,
  });
});

Deno.test("a single unnamed json parameter receives an empty body as is (22P02 from PostgreSQL)", async () => {
  assert.deepEqual(await summary(await post("/rpc/unnamed_json_param", "")), {
    status: 400,
    body: {
      code: "22P02",
      details: "The input string ended unexpectedly.",
      hint: null,
      message: "invalid input syntax for type json",
    },
  });
});

Deno.test("a single named json parameter does not take the whole body (404 PGRST202)", async () => {
  assert.deepEqual(
    await summary(await post("/rpc/named_json_param", { A: 1, B: 2, C: 3 })),
    {
      status: 404,
      body: noRpc(
        "Could not find the function rpc.named_json_param(A, B, C) in the schema cache",
        "Searched for the function rpc.named_json_param with parameters A, B, C or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      ),
    },
  );
});

Deno.test("a single unnamed text / xml / bytea parameter receives a raw body", async () => {
  const text = await post("/rpc/unnamed_text_param", "unnamed text arg", {
    "Content-Type": "text/plain",
    Accept: "text/plain",
  });
  assert.deepEqual(await summary(text, ["content-type"]), {
    status: 200,
    "content-type": "text/plain; charset=utf-8",
    body: "unnamed text arg",
  });
  const xml = "<note><from>John</from><to>Jane</to><message>Remember me</message></note>";
  const xmlRes = await post("/rpc/unnamed_xml_param", xml, {
    "Content-Type": "text/xml",
    Accept: "text/xml",
  });
  assert.deepEqual(await summary(xmlRes, ["content-type"]), {
    status: 200,
    "content-type": "text/xml; charset=utf-8",
    body: xml,
  });
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x5c, 0x78, 0x0a]);
  const bin = await app.request("/rpc/unnamed_bytea_param", {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", Accept: "application/octet-stream" },
    body: bytes,
  });
  assert.equal(bin.status, 200);
  assert.equal(bin.headers.get("content-type"), "application/octet-stream");
  assert.equal(bin.headers.get("content-length"), "9");
  assert.deepEqual(new Uint8Array(await bin.arrayBuffer()), bytes);
});

Deno.test("invalid XML for an unnamed xml parameter is PostgreSQL's 400 2200N", async () => {
  const res = await post("/rpc/unnamed_xml_param", "<", { "Content-Type": "text/xml", Accept: "text/xml" });
  assert.deepEqual(await summary(res, ["content-length"]), {
    status: 400,
    "content-length": "118",
    body: {
      code: "2200N",
      details: "line 1: StartTag: invalid element name\n<\n ^",
      hint: null,
      message: "invalid XML content",
    },
  });
});

Deno.test("without a matching single unnamed parameter, PGRST202 names the searched parameter type", async () => {
  assert.deepEqual(
    await bodyOf(await post("/rpc/unnamed_int_param", { x: 1, y: 2 })),
    noRpc(
      "Could not find the function rpc.unnamed_int_param(x, y) in the schema cache",
      "Searched for the function rpc.unnamed_int_param with parameters x, y or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      "Perhaps you meant to call the function rpc.unnamed_text_param",
    ),
  );
  for (
    const [contentType, kind] of [
      ["text/plain", "text"],
      ["text/xml", "xml"],
      ["application/octet-stream", "bytea"],
    ]
  ) {
    assert.deepEqual(
      await summary(await post("/rpc/unnamed_int_param", "a simple text", { "Content-Type": contentType })),
      {
        status: 404,
        body: noRpc(
          "Could not find the function rpc.unnamed_int_param in the schema cache",
          `Searched for the function rpc.unnamed_int_param with a single unnamed ${kind} parameter, but no matches were found in the schema cache.`,
        ),
      },
      contentType,
    );
  }
});

Deno.test("named overloads win over the single unnamed parameter, which is the fallback", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_unnamed_param", {})), 1);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_unnamed_param", { x: 1, y: 2 })), 3);
  assert.deepEqual(await bodyOf(await post("/rpc/overloaded_unnamed_param", { A: 1, B: 2, C: 3 })), {
    A: 1,
    B: 2,
    C: 3,
  });
  const text = await post("/rpc/overloaded_unnamed_param", "unnamed text arg", {
    "Content-Type": "text/plain",
    Accept: "text/plain",
  });
  assert.equal(await text.text(), "unnamed text arg");
  const bin = await app.request("/rpc/overloaded_unnamed_param", {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", Accept: "application/octet-stream" },
    body: new Uint8Array([1, 2, 3, 255]),
  });
  assert.deepEqual(new Uint8Array(await bin.arrayBuffer()), new Uint8Array([1, 2, 3, 255]));
});

Deno.test("GET never falls back to the single unnamed parameter, whatever the Content-Type", async () => {
  for (const ct of ["text/plain", "application/octet-stream"]) {
    assert.deepEqual(await summary(await get("/rpc/overloaded_unnamed_param", { "Content-Type": ct })), {
      status: 200,
      body: 1,
    });
  }
});

Deno.test("two single unnamed json and jsonb fallbacks are 300 PGRST203", async () => {
  assert.deepEqual(
    await summary(await post("/rpc/overloaded_unnamed_json_jsonb_param", { A: 1, B: 2, C: 3 })),
    {
      status: 300,
      body: {
        code: "PGRST203",
        details: null,
        hint:
          "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
        message:
          "Could not choose the best candidate function between: rpc.overloaded_unnamed_json_jsonb_param( => json), rpc.overloaded_unnamed_json_jsonb_param( => jsonb)",
      },
    },
  );
});

// ---------------------------------------------------------------- what is callable, methods, OPTIONS

Deno.test("a procedure is not a function: 404 PGRST202", async () => {
  assert.deepEqual(
    await summary(await post("/rpc/a_procedure", "")),
    {
      status: 404,
      body: noRpc(
        "Could not find the function rpc.a_procedure without parameters in the schema cache",
        "Searched for the function rpc.a_procedure without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      ),
    },
  );
  assert.equal((await get("/rpc/a_procedure")).status, 404);
});

Deno.test("DELETE and PATCH on /rpc are 405 PGRST101", async () => {
  assert.deepEqual(await summary(await app.request("/rpc/sayhello", { method: "DELETE" })), {
    status: 405,
    body: { code: "PGRST101", details: null, hint: null, message: "Cannot use the DELETE method on RPC" },
  });
  assert.deepEqual(await summary(await app.request("/rpc/sayhello", { method: "PATCH" })), {
    status: 405,
    body: { code: "PGRST101", details: null, hint: null, message: "Cannot use the PATCH method on RPC" },
  });
});

Deno.test("OPTIONS /rpc/f allows GET and HEAD unless the function is VOLATILE", async () => {
  const stable = await app.request("/rpc/getallprojects", { method: "OPTIONS" });
  assert.deepEqual(await summary(stable, ["allow", "access-control-allow-origin", "content-length"]), {
    status: 200,
    allow: "OPTIONS,GET,HEAD,POST",
    "access-control-allow-origin": "*",
    "content-length": "0",
    body: "",
  });
  const volatile = await app.request("/rpc/callcounter", { method: "OPTIONS" });
  assert.equal(volatile.headers.get("allow"), "OPTIONS,POST");
  await volatile.body?.cancel();
});

Deno.test("OPTIONS resolves the function as a call without arguments (404 when it needs some)", async () => {
  const res = await app.request("/rpc/add_them", { method: "OPTIONS" });
  assert.deepEqual(await summary(res), {
    status: 404,
    body: noRpc(
      "Could not find the function rpc.add_them without parameters in the schema cache",
      "Searched for the function rpc.add_them without parameters, but no matches were found in the schema cache.",
    ),
  });
  const unknown = await app.request("/rpc/nope", { method: "OPTIONS" });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});
