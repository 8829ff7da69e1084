/**
 * Errors from PostgreSQL over HTTP (ER-01…07, ER-T1, RH-10/11): the SQLSTATE → status table,
 * `PTxyz`, `RAISE SQLSTATE 'PGRST'`, `client-error-verbosity=minimal`, and the headers of error
 * responses — PostgREST's `ErrorSpec`/`PgErrorCodeSpec` and the raise cases of `RpcSpec`, on
 * `authtest` (tests/fixtures/60_auth.sql).
 */
import assert from "node:assert/strict";
import { summary } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({ dbSchemas: ["authtest"], dbAnonRole: "auth_anon", jwtSecret: SECRET });
Deno.test.afterAll(() => server.close());

const author = async () => ({ Authorization: `Bearer ${await sign({ role: "auth_author" }, SECRET)}` });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  server.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const raise = (code: string, msg = "raised", headers: Record<string, string> = {}) =>
  post("/rpc/raise_code", { code, msg }, headers);

// ER-T1, in PostgREST's order; [SQLSTATE, message, status for anonymous, status for a JWT role]
const TABLE: [string, string, number, number?][] = [
  ["08000", "raised", 503],
  ["08P01", "raised", 503],
  ["09000", "raised", 500],
  ["0L000", "raised", 403],
  ["0P000", "raised", 403],
  ["23503", "raised", 409],
  ["23505", "raised", 409],
  ["25006", "raised", 405],
  ["21000", "raised", 500],
  ["21000", "UPDATE requires a WHERE clause", 400],
  ["22023", "raised", 400],
  ["22023", 'role "x" does not exist', 401],
  ["25001", "raised", 500],
  ["28000", "raised", 403],
  ["2D000", "raised", 500],
  ["38000", "raised", 500],
  ["39000", "raised", 500],
  ["3B000", "raised", 500],
  ["40001", "raised", 500],
  ["53400", "raised", 500],
  ["53300", "raised", 503],
  ["54000", "raised", 500],
  ["55000", "raised", 500],
  ["57P01", "raised", 503],
  ["57014", "raised", 500],
  ["58000", "raised", 500],
  ["F0000", "raised", 500],
  ["HV000", "raised", 500],
  ["P0001", "raised", 400],
  ["P0002", "raised", 500],
  ["XX000", "raised", 500],
  ["42883", "raised", 404],
  ["42883", "function xmlagg(integer) does not exist", 406],
  ["42P01", "raised", 404],
  ["42P17", "raised", 500],
  ["42501", "raised", 401, 403],
  ["22P02", "raised", 400],
  ["23502", "raised", 400],
  ["42703", "raised", 400],
  ["PT418", "I'm a teapot", 418],
  ["PT299", "raised", 299],
  ["PT599", "raised", 599],
];

Deno.test("SQLSTATEs map to PostgREST's statuses (ER-T1)", async () => {
  const auth = await author();
  for (const [code, msg, anonStatus, authStatus = anonStatus] of TABLE) {
    for (const [headers, status] of [[{}, anonStatus], [auth, authStatus]] as const) {
      const res = await raise(code, msg, headers);
      const s = await summary(res, ["proxy-status", "www-authenticate", "retry-after", "vary"]);
      const what = `${code} ${msg} ${Object.keys(headers).length ? "as author" : "anonymous"}`;
      assert.deepEqual(s, {
        status,
        "proxy-status": `PostgREST; error=${code}`,
        "www-authenticate": status === 401 ? "Bearer" : null,
        "retry-after": status === 503 ? "0" : null,
        vary: null,
        body: { code, details: null, hint: null, message: msg },
      }, what);
    }
  }
});

Deno.test("PTxyz sets the status and uses the message as the reason phrase", async () => {
  const res = await server.request("/rpc/raise_pt402");
  assert.deepEqual(await summary(res, ["proxy-status", "content-length", "content-type"]), {
    status: 402,
    "proxy-status": "PostgREST; error=PT402",
    "content-length": "99",
    "content-type": "application/json; charset=utf-8",
    body: {
      code: "PT402",
      details: "Quota exceeded",
      hint: "Upgrade your plan",
      message: "Payment Required",
    },
  });
  assert.equal(res.statusText, "Payment Required");
  const unauthorized = await raise("PT401", "Who are you?");
  assert.deepEqual(
    [unauthorized.status, unauthorized.headers.get("www-authenticate"), unauthorized.statusText],
    [401, "Bearer", "Who are you?"],
  );
  await unauthorized.body?.cancel();
});

Deno.test("PT with a status a fetch Response cannot carry, or no number, is 500", async () => {
  for (const code of ["PT100", "PT600", "PT999", "PT4X2", "PTABC"]) {
    const res = await raise(code, "odd");
    assert.deepEqual(await summary(res), {
      status: 500,
      body: { code, details: null, hint: null, message: "odd" },
    }, code);
  }
});

Deno.test("RAISE EXCEPTION is 400 P0001 with message, details and hint", async () => {
  const res = await post("/rpc/raise_p0001", {});
  assert.deepEqual(await summary(res, ["proxy-status"]), {
    status: 400,
    "proxy-status": "PostgREST; error=P0001",
    body: { code: "P0001", details: "Some details", hint: "Some hint", message: "Default error" },
  });
});

const pgrst = (msg: unknown, det?: unknown) =>
  post("/rpc/raise_pgrst", {
    msg: typeof msg === "string" ? msg : JSON.stringify(msg),
    ...(det === undefined ? {} : { det: typeof det === "string" ? det : JSON.stringify(det) }),
  });

Deno.test("RAISE SQLSTATE 'PGRST' sets the code, body, status, reason and headers", async () => {
  const res = await pgrst(
    { code: "123", message: "ABC", details: "DEF", hint: "XYZ" },
    { status: 332, status_text: "My Custom Status", headers: { "X-Header": "str" } },
  );
  assert.deepEqual(await summary(res, ["x-header", "proxy-status", "content-length"]), {
    status: 332,
    "x-header": "str",
    "proxy-status": "PostgREST; error=123",
    "content-length": "59",
    body: { code: "123", details: "DEF", hint: "XYZ", message: "ABC" },
  });
  assert.equal(res.statusText, "My Custom Status");

  const minimal = await pgrst({ code: "123", message: "ABC" }, {
    status: 332,
    headers: { "X-Header": "str" },
  });
  assert.deepEqual(await summary(minimal, ["x-header"]), {
    status: 332,
    "x-header": "str",
    body: { code: "123", details: null, hint: null, message: "ABC" },
  });

  const notFound = await pgrst({ code: "123", message: "ABC" }, {
    status: 404,
    status_text: "My Not Found",
    headers: { "X-Header": "str", "Set-Cookie": "a=1" },
  });
  assert.deepEqual(await summary(notFound, ["x-header", "set-cookie", "content-type"]), {
    status: 404,
    "x-header": "str",
    "set-cookie": "a=1",
    "content-type": "application/json; charset=utf-8",
    body: { code: "123", details: null, hint: null, message: "ABC" },
  });
  assert.equal(notFound.statusText, "My Not Found");
});

Deno.test("RAISE SQLSTATE 'PGRST' with a 401 sends only its own headers", async () => {
  const res = await pgrst({ code: "AUTH", message: "no" }, { status: 401, headers: {} });
  assert.deepEqual(await summary(res, ["www-authenticate"]), {
    status: 401,
    "www-authenticate": null,
    body: { code: "AUTH", details: null, hint: null, message: "no" },
  });
});

Deno.test("RAISE SQLSTATE 'PGRST' that cannot be parsed is 500 PGRST121", async () => {
  const MESSAGE_HINT =
    "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const DETAIL_HINT =
    "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  const error = (details: string, hint: string) => ({
    status: 500,
    body: {
      code: "PGRST121",
      details,
      hint,
      message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
    },
  });
  const detail = { status: 400, headers: {} };
  assert.deepEqual(
    await summary(await pgrst("not json", detail)),
    error("Invalid JSON value for MESSAGE: 'not json'", MESSAGE_HINT),
  );
  assert.deepEqual(
    await summary(await pgrst({ message: "no code" }, detail)),
    error(`Invalid JSON value for MESSAGE: '{"message":"no code"}'`, MESSAGE_HINT),
  );
  assert.deepEqual(
    await summary(await pgrst({ code: 1, message: "x" }, detail)),
    error(`Invalid JSON value for MESSAGE: '{"code":1,"message":"x"}'`, MESSAGE_HINT),
  );
  assert.deepEqual(
    await summary(await pgrst({ code: "1", message: "x" })),
    error("DETAIL is missing in the RAISE statement", DETAIL_HINT),
  );
  for (
    const bad of ["nope", { status: 400 }, { headers: {} }, { status: "400", headers: {} }, {
      status: 400,
      headers: [],
    }]
  ) {
    const raw = typeof bad === "string" ? bad : JSON.stringify(bad);
    assert.deepEqual(
      await summary(await pgrst({ code: "1", message: "x" }, bad)),
      error(`Invalid JSON value for DETAIL: '${raw}'`, DETAIL_HINT),
      raw,
    );
  }
});

Deno.test("RAISE SQLSTATE 'PGRST' headers go out sorted by name, values as UTF-8", async () => {
  const res = await pgrst({ code: "1", message: "x" }, {
    status: 400,
    headers: { "X-B": "2", "X-A": "Zoë" },
  });
  assert.deepEqual([...res.headers.get("x-a")!].map((c) => c.charCodeAt(0)), [0x5a, 0x6f, 0xc3, 0xab]);
  assert.equal(res.headers.get("x-b"), "2");
  await res.body?.cancel();
});

Deno.test("PostgreSQL's own errors: read-only transaction 405, cardinality 500, bad input 400, unique 409", async () => {
  const readOnly = await server.request("/rpc/add_visit?note=x");
  assert.deepEqual(await summary(readOnly), {
    status: 405,
    body: {
      code: "25006",
      details: null,
      hint: null,
      message: "cannot execute INSERT in a read-only transaction",
    },
  });
  const cardinality = await server.request(
    "/rpc/bad_cardinality",
    await author().then((headers) => ({ headers })),
  );
  assert.deepEqual(await summary(cardinality), {
    status: 500,
    body: {
      code: "21000",
      details: null,
      hint: null,
      message: "more than one row returned by a subquery used as an expression",
    },
  });
  const badInput = await server.request(
    "/authors_only?id=eq.abc",
    await author().then((headers) => ({ headers })),
  );
  assert.deepEqual(await summary(badInput), {
    status: 400,
    body: {
      code: "22P02",
      details: null,
      hint: null,
      message: 'invalid input syntax for type integer: "abc"',
    },
  });
  const unique = await post("/rpc/raise_constraint", {});
  assert.deepEqual(await summary(unique), {
    status: 409,
    body: {
      code: "23505",
      details: "Key (col)=(1) already exists.",
      hint: null,
      message: 'duplicate key value violates unique constraint "deferrable_unique_col_key"',
    },
  });
});

Deno.test("error responses: JSON, Content-Length, Proxy-Status, Server, no Vary", async () => {
  for (
    const [path, code] of [
      ["/nope", "PGRST205"],
      ["/invalid/nested/paths", "PGRST125"],
      ["/authors_only", "42501"],
      ["/rpc/raise_pt402", "PT402"],
    ]
  ) {
    const res = await server.request(path);
    const text = await res.text();
    assert.deepEqual({
      type: res.headers.get("content-type"),
      length: res.headers.get("content-length"),
      proxy: res.headers.get("proxy-status"),
      server: res.headers.get("server"),
      vary: res.headers.get("vary"),
      code: JSON.parse(text).code,
    }, {
      type: "application/json; charset=utf-8",
      length: String(new TextEncoder().encode(text).length),
      proxy: `PostgREST; error=${code}`,
      server: "postgrest/16.1",
      vary: null,
      code,
    }, path);
  }
  const paths = await server.request("/invalid/nested/paths");
  assert.deepEqual(await summary(paths, ["content-length"]), {
    status: 404,
    "content-length": "96",
    body: { code: "PGRST125", details: null, hint: null, message: "Invalid path specified in request URL" },
  });
});

Deno.test("client-error-verbosity=minimal keeps only code and message", async () => {
  server.reconfigure({ clientErrorVerbosity: "minimal" });
  try {
    const cases: [Promise<Response>, number, { code: string; message: string }][] = [
      [server.request("/nope"), 404, {
        code: "PGRST205",
        message: "Could not find the table 'authtest.nope' in the schema cache",
      }],
      [post("/rpc/raise_p0001", {}), 400, { code: "P0001", message: "Default error" }],
      [server.request("/rpc/raise_pt402"), 402, { code: "PT402", message: "Payment Required" }],
      [server.request("/authors_only", { headers: { Authorization: "Bearer a.b" } }), 401, {
        code: "PGRST301",
        message: "Expected 3 parts in JWT; got 2",
      }],
      [pgrst({ code: "1", message: "x", details: "d", hint: "h" }, { status: 409, headers: {} }), 409, {
        code: "1",
        message: "x",
      }],
    ];
    for (const [res, status, body] of cases) {
      const r = await res;
      const text = await r.clone().text();
      assert.deepEqual(await summary(r, ["content-length"]), {
        status,
        "content-length": String(new TextEncoder().encode(text).length),
        body,
      });
    }
  } finally {
    server.reconfigure();
  }
  assert.deepEqual((await summary(await post("/rpc/raise_p0001", {}))).body, {
    code: "P0001",
    details: "Some details",
    hint: "Some hint",
    message: "Default error",
  });
});
