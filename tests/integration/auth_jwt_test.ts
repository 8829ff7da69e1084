/**
 * Authentication over HTTP (AU-01/02/06/09/10/12/14, ER-T1 42501): PostgREST's
 * `test/spec/Feature/Auth/AuthSpec.hs` on the `authtest` fixture (tests/fixtures/60_auth.sql), with
 * tokens minted here. `auth_author` plays `postgrest_test_author`, `auth_anon` the anonymous role.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { b64, encrypt, SECRET, sign, signRaw } from "../helpers/jwt.ts";

const app = await testApp({ dbSchemas: ["authtest"], dbAnonRole: "auth_anon", jwtSecret: SECRET });
Deno.test.afterAll(() => app.close());

const now = () => Math.floor(Date.now() / 1000);
const bearer = async (claims: Record<string, unknown>, secret = SECRET) => ({
  Authorization: `Bearer ${await sign(claims, secret)}`,
});
const get = (path: string, headers: HeadersInit = {}) => app.request(path, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** PostgREST's body for a JWT error; `WWW-Authenticate` names the message. */
function jwtError(code: string, message: string, details: string | null = null) {
  return {
    status: 401,
    "www-authenticate": `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`,
    "proxy-status": `PostgREST; error=${code}`,
    body: { code, details, hint: null, message },
  };
}

const WWW_PROXY = ["www-authenticate", "proxy-status"];

Deno.test("GET a table the anonymous role cannot read is 401 42501 with WWW-Authenticate: Bearer", async () => {
  const res = await get("/authors_only");
  assert.deepEqual(await summary(res, ["www-authenticate", "content-length", "content-type"]), {
    status: 401,
    "www-authenticate": "Bearer",
    "content-length": "96",
    "content-type": "application/json; charset=utf-8",
    body: { code: "42501", details: null, hint: null, message: "permission denied for table authors_only" },
  });
});

Deno.test("GET a table a JWT role cannot read is 403 42501 without WWW-Authenticate", async () => {
  const res = await get("/private_table", await bearer({ role: "auth_author" }));
  assert.deepEqual(await summary(res, ["www-authenticate", "content-length"]), {
    status: 403,
    "www-authenticate": null,
    "content-length": "97",
    body: { code: "42501", details: null, hint: null, message: "permission denied for table private_table" },
  });
});

Deno.test("a function the anonymous role may not execute is 401, the JWT role's is 200", async () => {
  const anon = await post("/rpc/privileged_hello", { name: "anonymous" });
  assert.deepEqual(await summary(anon, ["www-authenticate"]), {
    status: 401,
    "www-authenticate": "Bearer",
    body: {
      code: "42501",
      details: null,
      hint: null,
      message: "permission denied for function privileged_hello",
    },
  });
  const author = await post("/rpc/privileged_hello", { name: "jdoe" }, await bearer({ role: "auth_author" }));
  assert.deepEqual(await summary(author, ["content-type"]), {
    status: 200,
    "content-type": "application/json; charset=utf-8",
    body: "Privileged hello to jdoe",
  });
});

Deno.test("a token whose role is the anonymous role is still answered 401 for 42501", async () => {
  const res = await get("/authors_only", await bearer({ role: "auth_anon" }));
  assert.deepEqual(await summary(res, ["www-authenticate"]), {
    status: 401,
    "www-authenticate": "Bearer",
    body: { code: "42501", details: null, hint: null, message: "permission denied for table authors_only" },
  });
});

Deno.test("a valid token switches to its role: the table it may read is 200", async () => {
  const res = await get("/authors_only?order=id", await bearer({ role: "auth_author", id: "jdoe" }));
  assert.deepEqual(await summary(res), {
    status: 200,
    body: [{ id: 1, secret: "only for authors" }, { id: 2, secret: "another secret" }],
  });
});

Deno.test("tokens with extra fields, an unexpired exp, a current iat or a past nbf are accepted", async () => {
  for (
    const claims of [
      { role: "auth_author", id: "jdoe", key1: "value1", a: 1, b: [2], c: { d: null } },
      { role: "auth_author", exp: now() + 3600 },
      { role: "auth_author", iat: now() },
      { role: "auth_author", nbf: now() - 10 },
      { role: "auth_author", exp: now() - 20 }, // within the 30 s skew
      { role: "auth_author", nbf: now() + 20 }, // within the 30 s skew
    ]
  ) {
    const res = await get("/rpc/whoami", await bearer(claims));
    assert.deepEqual(await summary(res), { status: 200, body: "auth_author" }, JSON.stringify(claims));
  }
});

Deno.test("the Bearer scheme is case-insensitive; other schemes are anonymous", async () => {
  const token = await sign({ role: "auth_author" }, SECRET);
  for (const scheme of ["Bearer", "bearer", "BEARER"]) {
    const res = await get("/rpc/whoami", { Authorization: `${scheme} ${token}` });
    assert.deepEqual(await summary(res), { status: 200, body: "auth_author" }, scheme);
  }
  const basic = await get("/rpc/whoami", { Authorization: "Basic dXNlcjpwYXNz" });
  assert.deepEqual(await summary(basic), { status: 200, body: "auth_anon" });
});

Deno.test("an empty bearer token is 401 PGRST301", async () => {
  const res = await get("/authors_only", { Authorization: "Bearer " });
  const s = await summary(res, [...WWW_PROXY, "content-length"]);
  assert.deepEqual(s, {
    ...jwtError("PGRST301", "Empty JWT is sent in Authorization header"),
    "content-length": "100",
  });
});

Deno.test("an expired token is 401 PGRST303 'JWT expired', invalid by its age", async () => {
  const res = await get("/authors_only", await bearer({ exp: 1446678149, role: "auth_author", id: "jdoe" }));
  const s = await summary(res, WWW_PROXY);
  const details = (s.body as { details: string }).details;
  assert.match(details, /^Invalid by \d+ seconds$/);
  const age = Number(details.split(" ")[2]);
  assert.ok(Math.abs(age - (now() - 1446678149)) <= 2, details);
  assert.deepEqual(s, jwtError("PGRST303", "JWT expired", details));
});

Deno.test("a token not valid yet or issued in the future is 401 PGRST303", async () => {
  const nbf = await summary(
    await get("/rpc/whoami", await bearer({ role: "auth_author", nbf: now() + 3600 })),
    WWW_PROXY,
  );
  assert.deepEqual(nbf, jwtError("PGRST303", "JWT not yet valid", (nbf.body as { details: string }).details));
  assert.match((nbf.body as { details: string }).details, /^Invalid by 3[56]\d\d seconds$/);
  const iat = await summary(
    await get("/rpc/whoami", await bearer({ role: "auth_author", iat: now() + 3600 })),
    WWW_PROXY,
  );
  assert.deepEqual(
    iat,
    jwtError("PGRST303", "JWT issued at future", (iat.body as { details: string }).details),
  );
});

Deno.test("time claims that are not numbers and an aud of the wrong type are 401 PGRST303", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ exp: "invalid" }, "The JWT 'exp' claim must be a number"],
    [{ nbf: "invalid" }, "The JWT 'nbf' claim must be a number"],
    [{ iat: "invalid" }, "The JWT 'iat' claim must be a number"],
    [{ aud: { invalid: "value" } }, "The JWT 'aud' claim must be a string or an array of strings"],
    [{ aud: [{ invalid: "value" }, "test"] }, "The JWT 'aud' claim must be a string or an array of strings"],
  ];
  for (const [claims, message] of cases) {
    const res = await get("/authors_only", await bearer({ role: "auth_author", ...claims }));
    assert.deepEqual(await summary(res, WWW_PROXY), jwtError("PGRST303", message), message);
  }
});

Deno.test("a token with 2 or 5 parts is 401 PGRST301 'Expected 3 parts'", async () => {
  const two = await get("/authors_only", {
    Authorization:
      "Bearer ey9zdGdyZXN0X3Rlc3RfYXV0aG9yIiwiaWQiOiJqZG9lIn0.y4vZuu1dDdwAl0-S00MCRWRYMlJ5YAMSir6Es6WtWx0",
  });
  assert.deepEqual(
    await summary(two, [...WWW_PROXY, "content-length"]),
    { ...jwtError("PGRST301", "Expected 3 parts in JWT; got 2"), "content-length": "89" },
  );
  const jwe = await get("/authors_only", {
    Authorization: `Bearer ${await encrypt({ role: "auth_author" })}`,
  });
  assert.deepEqual(await summary(jwe, WWW_PROXY), jwtError("PGRST301", "Expected 3 parts in JWT; got 5"));
});

Deno.test("a token signed with another secret is 401 PGRST301 and never runs as its role", async () => {
  const forged = await bearer({ role: "auth_author" }, "anotheranotheranotheranothersecret");
  const res = await get("/authors_only", forged);
  assert.deepEqual(
    await summary(res, WWW_PROXY),
    jwtError("PGRST301", "No suitable key or wrong key type", "None of the keys was able to decode the JWT"),
  );
});

Deno.test("a token with a tampered payload is 401 PGRST301", async () => {
  const [h, , s] = (await sign({ role: "auth_anon" }, SECRET)).split(".");
  const res = await get("/authors_only", {
    Authorization: `Bearer ${h}.${b64('{"role":"auth_author"}')}.${s}`,
  });
  assert.deepEqual(
    await summary(res, WWW_PROXY),
    jwtError("PGRST301", "No suitable key or wrong key type", "None of the keys was able to decode the JWT"),
  );
});

Deno.test("an unsecured token (alg none) is 401 PGRST301", async () => {
  const token = `${b64('{"alg":"none","typ":"JWT"}')}.${b64('{"role":"auth_author"}')}.`;
  const res = await get("/authors_only", { Authorization: `Bearer ${token}` });
  assert.deepEqual(
    await summary(res, WWW_PROXY),
    jwtError(
      "PGRST301",
      "Wrong or unsupported encoding algorithm",
      "JWT is unsecured but expected 'alg' was not 'none'",
    ),
  );
});

Deno.test("garbage in a three-part token is 401 PGRST301 'JWT cryptographic operation failed'", async () => {
  for (const token of ["a.b.c", `${b64("{}")}.${b64("{}")}.x`, "some random bytes.x.y"]) {
    const res = await get("/authors_only", { Authorization: `Bearer ${token}` });
    assert.deepEqual(
      await summary(res, WWW_PROXY),
      jwtError("PGRST301", "JWT cryptographic operation failed"),
      token,
    );
  }
});

Deno.test("claims that are not a JSON object are 401 PGRST303 'Parsing claims failed'", async () => {
  const token = await signRaw('{"alg":"HS256"}', '["role","auth_author"]');
  const res = await get("/authors_only", { Authorization: `Bearer ${token}` });
  assert.deepEqual(await summary(res, WWW_PROXY), jwtError("PGRST303", "Parsing claims failed"));
});

Deno.test("a token without claims or without a role claim is the anonymous role", async () => {
  for (const claims of [{}, { id: "jdoe" }]) {
    const res = await get("/authors_only", await bearer(claims));
    assert.deepEqual((await summary(res)).status, 401, JSON.stringify(claims));
    const who = await get("/rpc/whoami", await bearer(claims));
    assert.deepEqual(await summary(who), { status: 200, body: "auth_anon" });
  }
});

Deno.test("a role that does not exist is 401 22023 with WWW-Authenticate: Bearer", async () => {
  const res = await get("/rpc/whoami", await bearer({ role: "auth_nobody" }));
  assert.deepEqual(await summary(res, ["www-authenticate", "proxy-status"]), {
    status: 401,
    "www-authenticate": "Bearer",
    "proxy-status": "PostgREST; error=22023",
    body: { code: "22023", details: null, hint: null, message: 'role "auth_nobody" does not exist' },
  });
});

Deno.test("a role claim that is not a string is used JSON-encoded: 401 for the missing role", async () => {
  const cases: [unknown, string][] = [[1, "1"], [true, "true"], [["auth_author"], '["auth_author"]'], [{
    a: 1,
  }, '{"a":1}']];
  for (const [role, name] of cases) {
    const res = await get("/rpc/whoami", await bearer({ role }));
    assert.deepEqual(await summary(res, ["www-authenticate"]), {
      status: 401,
      "www-authenticate": "Bearer",
      body: {
        code: "22023",
        details: null,
        hint: null,
        message: `role "${name}" does not exist`,
      },
    }, name);
  }
});

Deno.test("a role the authenticator may not become is 403 42501 and runs nothing as it", async () => {
  const res = await get("/rpc/whoami", await bearer({ role: "auth_outsider" }));
  assert.deepEqual(await summary(res), {
    status: 403,
    body: {
      code: "42501",
      details: null,
      hint: null,
      message: 'permission denied to set role "auth_outsider"',
    },
  });
});

Deno.test("the whole claims object reaches SQL, with role set to the role used", async () => {
  const claims = {
    iss: "joe",
    sub: "fun",
    exp: 9999999999,
    nbf: 1300819380,
    iat: 1300819380,
    jti: "foo",
    "http://postgrest.com/foo": true,
    nested: { list: [1, "two", null] },
  };
  const ctx =
    (await summary(await get("/rpc/request_context", await bearer({ ...claims, role: "auth_author" }))))
      .body as { claims: unknown; role: string };
  assert.equal(ctx.role, "auth_author");
  assert.deepEqual(ctx.claims, { ...claims, role: "auth_author" });

  const anon = (await summary(await get("/rpc/request_context"))).body as { claims: unknown; role: string };
  assert.deepEqual([anon.role, anon.claims], ["auth_anon", { role: "auth_anon" }]);

  const noRole = (await summary(await get("/rpc/request_context", await bearer({ sub: "x" })))).body as {
    claims: unknown;
  };
  assert.deepEqual(noRole.claims, { sub: "x", role: "auth_anon" });
});

Deno.test("a JWT error wins over a request that would fail later (auth comes first)", async () => {
  const res = await get("/nope?select=(((", { Authorization: "Bearer a.b" });
  assert.deepEqual((await summary(res)).body, {
    code: "PGRST301",
    details: null,
    hint: null,
    message: "Expected 3 parts in JWT; got 2",
  });
});

Deno.test("the server recovers after a 401: the next request with a valid token is 200", async () => {
  const auth = await bearer({ role: "auth_author" });
  assert.equal((await get("/authors_only")).status, 401);
  assert.equal((await post("/rpc/raise_p0001", {}, auth)).status, 400);
  const res = await get("/authors_only?select=id&order=id", auth);
  assert.deepEqual(await summary(res), { status: 200, body: [{ id: 1 }, { id: 2 }] });
});

Deno.test("request.jwt.claims is written as aeson writes it: sorted keys, numbers as Scientific", async () => {
  const payload =
    '{"role":"auth_author","z":[1.0,1e3,0.001,12345678901234567890],"a":"é\\u0001","m":{"y":1,"b":null}}';
  const token = await signRaw('{"alg":"HS256","typ":"JWT"}', payload);
  const res = await get("/rpc/get_guc_value?name=request.jwt.claims", { Authorization: `Bearer ${token}` });
  assert.deepEqual(await summary(res), {
    status: 200,
    body:
      '{"a":"é\\u0001","m":{"b":null,"y":1},"role":"auth_author","z":[1.0,1000,1.0e-3,12345678901234567890]}',
  });
});
