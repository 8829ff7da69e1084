/**
 * The root endpoint over HTTP (RT-03, RT-10, ME-03, MT-09, OA-02, OA-06..OA-09): Accept rules,
 * HEAD and OPTIONS, other methods, profile headers, openapi-security-active, the proxy URI and
 * server host/port, the pre-request function, and db-root-spec.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["openapi", "openapi_alt"] });
Deno.test.afterAll(() => app.close());

const OPENAPI = "application/openapi+json; charset=utf-8";

Deno.test("Accept: openapi+json, json, */* (also among others, and none at all) get the document", async () => {
  for (
    const accept of [
      "application/openapi+json",
      "application/json",
      "*/*",
      "application/json; charset=utf-8",
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "text/csv, application/openapi+json;q=0.1",
      null,
    ]
  ) {
    const res = await app.request("/", { headers: accept === null ? {} : { Accept: accept } });
    const doc = await res.json();
    assert.deepEqual([accept, res.status, res.headers.get("content-type"), doc.swagger], [
      accept,
      200,
      OPENAPI,
      "2.0",
    ]);
  }
});

Deno.test("Accept: anything else is 406 PGRST107 naming the types asked for", async () => {
  const cases: [string, string][] = [
    ["text/csv", "text/csv"],
    ["application/vnd.pgrst.object+json", "application/vnd.pgrst.object+json"],
    ["application/*", "application/*"],
    ["text/plain, text/csv;q=0.5", "text/plain, text/csv"],
  ];
  for (const [accept, listed] of cases) {
    assert.deepEqual(await summary(await app.request("/", { headers: { Accept: accept } })), {
      status: 406,
      body: {
        code: "PGRST107",
        details: null,
        hint: null,
        message: `None of these media types are available: ${listed}`,
      },
    });
  }
});

Deno.test("application/openapi+json is only produced by the root: 406 on a table", async () => {
  const res = await app.request("/entities", { headers: { Accept: "application/openapi+json" } });
  assert.deepEqual(await summary(res), {
    status: 406,
    body: {
      code: "PGRST107",
      details: null,
      hint: null,
      message: "None of these media types are available: application/openapi+json",
    },
  });
});

Deno.test("HEAD / answers the headers of GET / without a body or Content-Length", async () => {
  const res = await app.request("/", { method: "HEAD", headers: { "Accept-Profile": "openapi_alt" } });
  assert.deepEqual(
    [
      res.status,
      await res.text(),
      ...["content-type", "content-length", "content-profile"].map((h) => res.headers.get(h)),
    ],
    [200, "", OPENAPI, null, "openapi_alt"],
  );
});

Deno.test("OPTIONS / allows OPTIONS, GET and HEAD without touching the database", async () => {
  const res = await app.request("/", { method: "OPTIONS" });
  assert.deepEqual(await summary(res, ["allow", "content-length", "access-control-allow-origin"]), {
    status: 200,
    allow: "OPTIONS,GET,HEAD",
    "content-length": "0",
    "access-control-allow-origin": "*",
    body: "",
  });
});

Deno.test("other methods on the root are 405 PGRST117", async () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.deepEqual(await summary(await app.request("/", { method, body: "{}" })), {
      status: 405,
      body: { code: "PGRST117", details: null, hint: null, message: `Unsupported HTTP method: ${method}` },
    });
  }
});

Deno.test("profiles: Accept-Profile picks the schema and is echoed; one schema sends no Content-Profile", async () => {
  const alt = await app.request("/", { headers: { "Accept-Profile": "openapi_alt" } });
  assert.deepEqual(alt.headers.get("content-profile"), "openapi_alt");
  assert.deepEqual(Object.keys((await alt.json()).paths), ["/", "/alt_items", "/rpc/root", "/rpc/root_json"]);
  // The default schema, still echoed: several schemas are exposed.
  const first = await app.request("/");
  assert.equal(first.headers.get("content-profile"), "openapi");
  await first.body?.cancel();

  const single = await testApp({ dbSchemas: ["openapi_alt"] });
  try {
    const res = await single.request("/");
    assert.deepEqual([res.status, res.headers.get("content-profile")], [200, null]);
    await res.body?.cancel();
  } finally {
    await single.close();
  }
});

Deno.test("profiles: an unknown Accept-Profile is 406 PGRST106", async () => {
  const res = await app.request("/", { headers: { "Accept-Profile": "nope" } });
  assert.deepEqual(await summary(res), {
    status: 406,
    body: {
      code: "PGRST106",
      details: null,
      hint: "Only the following schemas are exposed: openapi, openapi_alt",
      message: "Invalid schema: nope",
    },
  });
});

Deno.test("openapi-security-active adds the JWT security definition and requirement", async () => {
  const secured = await testApp({ dbSchemas: ["openapi_alt"], openapiSecurityActive: true });
  try {
    const text = await (await secured.request("/")).text();
    assert.ok(
      text.endsWith(
        '"securityDefinitions":{"JWT":{"description":"Add the token prepending \\"Bearer \\" (without quotes) to it",' +
          '"in":"header","name":"Authorization","type":"apiKey"}},"security":[{"JWT":[]}],' +
          '"externalDocs":{"description":"PostgREST Documentation",' +
          '"url":"https://postgrest.org/en/v16/references/api.html"}}',
      ),
      text.slice(-400),
    );
    const plain = await (await app.request("/")).json();
    assert.deepEqual(["securityDefinitions" in plain, "security" in plain], [false, false]);
  } finally {
    await secured.close();
  }
});

Deno.test("host, basePath and schemes: server-host and server-port, or openapi-server-proxy-uri", async () => {
  const cases: [Parameters<typeof testApp>[0], string][] = [
    [
      { serverHost: "api.example.com", serverPort: 8080 },
      '"host":"api.example.com:8080","basePath":"/","schemes":["http"]',
    ],
    [{ serverHost: "*4", serverPort: 3001 }, '"host":"0.0.0.0:3001","basePath":"/","schemes":["http"]'],
    [
      { openapiServerProxyUri: "https://postgrest.com/openapi.json" },
      '"host":"postgrest.com:443","basePath":"/openapi.json","schemes":["https"]',
    ],
    [
      { openapiServerProxyUri: "http://example.org:8443/api/v1" },
      '"host":"example.org:8443","basePath":"/api/v1","schemes":["http"]',
    ],
  ];
  for (const [config, expected] of cases) {
    const configured = await testApp({ dbSchemas: ["openapi_alt"], ...config });
    try {
      const text = await (await configured.request("/")).text();
      assert.ok(
        text.includes(`"version":"16.1"},${expected},"consumes"`),
        `${expected}\n${text.slice(0, 300)}`,
      );
    } finally {
      await configured.close();
    }
  }
});

Deno.test("the pre-request function runs before the document is read, with the request's context", async () => {
  const guarded = await testApp({
    dbSchemas: ["openapi_alt"],
    dbPreRequest: { schema: "openapi_alt", name: "guard" },
  }, {
    setup: `create function openapi_alt.guard() returns void language plpgsql as $$
      begin
        if current_setting('request.headers', true)::json->>'x-deny' = 'yes' then
          raise exception 'no docs for %', current_setting('request.method');
        end if;
      end $$;`,
  });
  try {
    assert.deepEqual(await summary(await guarded.request("/", { headers: { "X-Deny": "yes" } })), {
      status: 400,
      body: { code: "P0001", details: null, hint: null, message: "no docs for GET" },
    });
    const res = await guarded.request("/");
    assert.deepEqual([res.status, (await res.json()).swagger], [200, "2.0"]);
  } finally {
    await guarded.close();
  }
});

Deno.test("db-root-spec: GET / calls the function; its media-type domain answers openapi+json", async () => {
  const rooted = await testApp({ dbSchemas: ["openapi_alt"], dbRootSpec: { schema: "", name: "root" } });
  const rootedJson = await testApp({
    dbSchemas: ["openapi_alt"],
    dbRootSpec: { schema: "", name: "root_json" },
  });
  try {
    const custom = { swagger: "2.0", info: { title: "Custom API", description: "From root()" } };
    const asOpenApi = await rooted.request("/", { headers: { Accept: "application/openapi+json" } });
    assert.deepEqual(await summary(asOpenApi, ["content-type"]), {
      status: 200,
      "content-type": OPENAPI,
      body: custom,
    });
    const asJson = await rooted.request("/", { headers: { Accept: "application/json" } });
    assert.deepEqual(await summary(asJson, ["content-type"]), {
      status: 200,
      "content-type": "application/json; charset=utf-8",
      body: custom,
    });
    assert.deepEqual(await summary(await rootedJson.request("/"), ["content-type"]), {
      status: 200,
      "content-type": "application/json; charset=utf-8",
      body: { custom: true },
    });
    // OPTIONS / describes the function (STABLE: GET and HEAD too).
    assert.equal(
      (await rootedJson.request("/", { method: "OPTIONS" })).headers.get("allow"),
      "OPTIONS,GET,HEAD,POST",
    );
  } finally {
    await rooted.close();
    await rootedJson.close();
  }
});
