import assert from "node:assert/strict";
import { type AuthConfig, bearerToken, createAuthenticator } from "../../../lib/auth/auth.ts";
import { RoleClaimKeyError } from "../../../lib/auth/jsonpath.ts";
import { JwtSecretError } from "../../../lib/auth/keys.ts";
import { PgrstError } from "../../../lib/errors.ts";
import { generateKey, NOW, NOW_MS, SECRET, sign, signRaw } from "../../helpers/jwt.ts";

const base: AuthConfig = {
  jwtSecret: SECRET,
  jwtSecretIsBase64: false,
  jwtAud: null,
  jwtRoleClaimKey: "$.role",
  jwtCacheMaxEntries: 1000,
  dbAnonRole: "anon",
};

const bearer = async (claims: Record<string, unknown>, secret = SECRET) =>
  `Bearer ${await sign(claims, secret)}`;

interface Expected {
  status: number;
  code: string;
  message: string;
  details?: string | null;
  wwwAuthenticate?: string;
}

async function rejects(p: Promise<unknown>, x: Expected) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof PgrstError, String(e));
    assert.deepEqual(
      { status: e.status, code: e.code, message: e.message, details: e.details, headers: e.headers },
      {
        status: x.status,
        code: x.code,
        message: x.message,
        details: x.details ?? null,
        headers: x.wwwAuthenticate === undefined ? [] : [["WWW-Authenticate", x.wwwAuthenticate]],
      },
    );
    return true;
  });
}

const claimsError = (message: string, details: string | null = null): Expected => ({
  status: 401,
  code: "PGRST303",
  message,
  details,
  wwwAuthenticate: `Bearer error="invalid_token", error_description="${message}"`,
});

const TOKEN_REQUIRED: Expected = {
  status: 401,
  code: "PGRST302",
  message: "Anonymous access is disabled",
  wwwAuthenticate: "Bearer",
};

Deno.test("bearerToken() reads the Bearer scheme case-insensitively and ignores others", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer abc"), "abc");
  assert.equal(bearerToken("BEARER \t abc"), "abc");
  assert.equal(bearerToken("Bearer"), "");
  assert.equal(bearerToken("Bearer "), "");
  assert.equal(bearerToken("Basic dXNlcjpwYXNz"), null);
  assert.equal(bearerToken("Bearerabc"), null);
  assert.equal(bearerToken(null), null);
});

Deno.test("authenticate() makes a request without a token anonymous", async () => {
  const auth = createAuthenticator(base);
  const anon = { role: "anon", claims: '{"role":"anon"}', authenticated: false };
  assert.deepEqual(await auth.authenticate(null, NOW_MS), anon);
  assert.deepEqual(await auth.authenticate("Basic dXNlcjpwYXNz", NOW_MS), anon);
});

Deno.test("authenticate() refuses anonymous requests without db-anon-role (PGRST302)", async () => {
  const auth = createAuthenticator({ ...base, dbAnonRole: null });
  await rejects(auth.authenticate(null, NOW_MS), TOKEN_REQUIRED);
  // A valid token without a role claim is anonymous too.
  await rejects(auth.authenticate(await bearer({ sub: "x" }), NOW_MS), TOKEN_REQUIRED);
  const r = await auth.authenticate(await bearer({ role: "author" }), NOW_MS);
  assert.deepEqual(r, { role: "author", claims: '{"role":"author"}', authenticated: true });
});

Deno.test("authenticate() reports an empty bearer token (PGRST301)", async () => {
  const message = "Empty JWT is sent in Authorization header";
  const expected = {
    status: 401,
    code: "PGRST301",
    message,
    wwwAuthenticate: `Bearer error="invalid_token", error_description="${message}"`,
  };
  await rejects(createAuthenticator(base).authenticate("Bearer ", NOW_MS), expected);
  await rejects(
    createAuthenticator({ ...base, jwtCacheMaxEntries: 0 }).authenticate("bearer", NOW_MS),
    expected,
  );
});

Deno.test("authenticate() without jwt-secret serves anonymous requests and fails on any token (PGRST300)", async () => {
  const auth = createAuthenticator({ ...base, jwtSecret: null });
  assert.equal((await auth.authenticate(null, NOW_MS)).role, "anon");
  const missing = { status: 500, code: "PGRST300", message: "Server lacks JWT secret" };
  await rejects(auth.authenticate(await bearer({ role: "author" }), NOW_MS), missing);
  await rejects(auth.authenticate("Bearer ", NOW_MS), missing);
  assert.equal(auth.cacheStats(), null);
});

Deno.test("authenticate() impersonates the token's role and exposes its claims with the role", async () => {
  const auth = createAuthenticator(base);
  const r = await auth.authenticate(
    await bearer({ role: "author", id: 1.0, z: { b: [1, 2], a: null } }),
    NOW_MS,
  );
  assert.deepEqual(r, {
    role: "author",
    claims: '{"id":1,"role":"author","z":{"a":null,"b":[1,2]}}',
    authenticated: true,
  });
  // No role claim: the anonymous role, written into the claims.
  const anon = await auth.authenticate(await bearer({ email: "a@b.c" }), NOW_MS);
  assert.deepEqual(anon, { role: "anon", claims: '{"email":"a@b.c","role":"anon"}', authenticated: false });
  // A token naming the anonymous role counts as anonymous for 42501 (401, not 403).
  assert.equal((await auth.authenticate(await bearer({ role: "anon" }), NOW_MS)).authenticated, false);
});

Deno.test("authenticate() keeps number literals in the claims text as PostgREST writes them", async () => {
  // A hand-made payload: jose would re-serialize the numbers.
  const raw = await signRaw('{"alg":"HS256"}', '{"role":"x","n":1.0,"m":0.001,"k":1e3}');
  const r = await createAuthenticator(base).authenticate(`Bearer ${raw}`, NOW_MS);
  assert.equal(r.claims, '{"k":1000,"m":1.0e-3,"n":1.0,"role":"x"}');
});

Deno.test("authenticate() extracts the role with jwt-role-claim-key", async () => {
  const claims = { role: "ignored", app: { roles: ["other", "web_user"], n: 5, obj: { b: 1, a: "x" } } };
  const cases: [string, string][] = [
    ["$.app.roles[?search(@, '^web_')]", "web_user"],
    ["$.app.roles[0]", "other"],
    ["$.app.n", "5"],
    ["$.app.obj", '{"a":"x","b":1}'],
    ['.app.roles[?(@ ==^ "_user")]', "web_user"],
  ];
  for (const [key, role] of cases) {
    const r = await createAuthenticator({ ...base, jwtRoleClaimKey: key }).authenticate(
      await bearer(claims),
      NOW_MS,
    );
    assert.equal(r.role, role, key);
    assert.equal(JSON.parse(r.claims).role, role, key);
  }
  const missing = await createAuthenticator({ ...base, jwtRoleClaimKey: "$.app.nope" })
    .authenticate(await bearer(claims), NOW_MS);
  assert.equal(missing.role, "anon");
});

Deno.test("authenticate() validates exp, nbf and iat with 30 seconds of skew", async () => {
  const auth = createAuthenticator(base);
  const ok = async (c: Record<string, unknown>) =>
    assert.equal((await auth.authenticate(await bearer({ role: "a", ...c }), NOW_MS)).role, "a");
  await ok({ exp: NOW - 30, nbf: NOW + 30, iat: NOW + 30 });
  await ok({ exp: null, nbf: null, iat: null });
  await rejects(
    auth.authenticate(await bearer({ exp: NOW - 31 }), NOW_MS),
    claimsError("JWT expired", "Invalid by 31 seconds"),
  );
  await rejects(
    auth.authenticate(await bearer({ nbf: NOW + 45 }), NOW_MS),
    claimsError("JWT not yet valid", "Invalid by 45 seconds"),
  );
  await rejects(
    auth.authenticate(await bearer({ iat: NOW + 31 }), NOW_MS),
    claimsError("JWT issued at future", "Invalid by 31 seconds"),
  );
  // A fractional time is read as 0, as PostgREST's Scientific.toBoundedInteger does.
  await rejects(
    auth.authenticate(await bearer({ exp: NOW + 1000.5 }), NOW_MS),
    claimsError("JWT expired", `Invalid by ${NOW} seconds`),
  );
  for (const claim of ["exp", "nbf", "iat"]) {
    await rejects(
      auth.authenticate(await bearer({ [claim]: String(NOW) }), NOW_MS),
      claimsError(`The JWT '${claim}' claim must be a number`),
    );
  }
  // exp is checked first.
  await rejects(
    auth.authenticate(await bearer({ nbf: NOW + 100, exp: "x" }), NOW_MS),
    claimsError("The JWT 'exp' claim must be a number"),
  );
});

Deno.test("authenticate() checks aud against jwt-aud", async () => {
  const auth = createAuthenticator({ ...base, jwtAud: "youraudience" });
  for (const aud of ["youraudience", ["no", "youraudience"], [], null, undefined]) {
    const r = await auth.authenticate(await bearer({ role: "a", aud }), NOW_MS);
    assert.equal(r.role, "a", JSON.stringify(aud));
  }
  for (const aud of ["notyouraudience", "", ["notyouraudience"], ["a", "b"]]) {
    await rejects(
      auth.authenticate(await bearer({ role: "a", aud }), NOW_MS),
      claimsError("JWT not in audience"),
    );
  }
  const typeError = claimsError("The JWT 'aud' claim must be a string or an array of strings");
  for (const aud of [1, [1], { a: "youraudience" }, ["youraudience", null]]) {
    await rejects(auth.authenticate(await bearer({ role: "a", aud }), NOW_MS), typeError);
  }
  // Without jwt-aud any audience passes, but the type is still checked.
  const open = createAuthenticator(base);
  assert.equal((await open.authenticate(await bearer({ role: "a", aud: "anything" }), NOW_MS)).role, "a");
  await rejects(open.authenticate(await bearer({ role: "a", aud: [true] }), NOW_MS), typeError);
});

Deno.test("authenticate() never yields the role of a forged, expired or wrong-audience token", async () => {
  const auth = createAuthenticator({ ...base, jwtAud: "api" });
  const good = await sign({ role: "admin", aud: "api", exp: NOW + 60 }, SECRET);
  assert.equal((await auth.authenticate(`Bearer ${good}`, NOW_MS)).role, "admin");
  const [h, p] = good.split(".");
  const other = await generateKey("HS256");
  const attempts = [
    `${h}.${p}.${(await sign({ role: "admin" }, "y".repeat(32))).split(".")[2]}`, // foreign signature
    await sign({ role: "admin", aud: "api" }, other.privateKey), // another key
    await sign({ role: "admin", aud: "api" }, SECRET, "HS512"), // an algorithm the secret is not for
    `${h}.${p}.`, // signature stripped
    await sign({ role: "admin", aud: "api", exp: NOW - 60 }, SECRET), // expired
    await sign({ role: "admin", aud: "other" }, SECRET), // another audience
    await sign({ role: "admin", aud: "api", nbf: NOW + 3600 }, SECRET), // not yet valid
  ];
  for (const t of attempts) {
    await assert.rejects(auth.authenticate(`Bearer ${t}`, NOW_MS), PgrstError, t);
  }
});

Deno.test("authenticate() caches verified claims but re-checks time claims on every use", async () => {
  const auth = createAuthenticator(base);
  const token = await bearer({ role: "a", exp: NOW + 60 });
  assert.equal((await auth.authenticate(token, NOW_MS)).role, "a");
  assert.equal((await auth.authenticate(token, NOW_MS + 1000)).role, "a");
  assert.deepEqual(auth.cacheStats(), { size: 1, hits: 1, misses: 1, evictions: 0 });
  // The same cached token, later: expired.
  await rejects(
    auth.authenticate(token, NOW_MS + 91_000),
    claimsError("JWT expired", "Invalid by 31 seconds"),
  );
  assert.equal(auth.cacheStats()!.hits, 2);
  // Rejected tokens are not cached.
  await assert.rejects(auth.authenticate(await bearer({ role: "a" }, "z".repeat(32)), NOW_MS), PgrstError);
  assert.equal(auth.cacheStats()!.size, 1);
});

Deno.test("authenticate() bounds the cache by jwt-cache-max-entries; 0 disables it", async () => {
  const auth = createAuthenticator({ ...base, jwtCacheMaxEntries: 2 });
  for (const role of ["a", "b", "c"]) await auth.authenticate(await bearer({ role }), NOW_MS);
  assert.deepEqual(auth.cacheStats(), { size: 2, hits: 0, misses: 3, evictions: 1 });
  const off = createAuthenticator({ ...base, jwtCacheMaxEntries: 0 });
  assert.equal((await off.authenticate(await bearer({ role: "a" }), NOW_MS)).role, "a");
  assert.equal(off.cacheStats(), null);
});

Deno.test("createAuthenticator() refuses a bad secret or role claim key and warns on the old DSL", () => {
  assert.throws(() => createAuthenticator({ ...base, jwtSecret: "short" }), JwtSecretError);
  assert.throws(() => createAuthenticator({ ...base, jwtRoleClaimKey: "role" }), RoleClaimKeyError);
  assert.deepEqual(createAuthenticator(base).warnings, []);
  const w = createAuthenticator({ ...base, jwtRoleClaimKey: ".role" }).warnings;
  assert.equal(w.length, 1);
  assert.ok(w[0].includes("deprecated"));
});

Deno.test("authenticate() verifies asymmetric tokens from a JWKS secret", async () => {
  const k1 = await generateKey("RS256", { kid: "one" });
  const k2 = await generateKey("EdDSA", { kid: "two" });
  const auth = createAuthenticator({ ...base, jwtSecret: JSON.stringify({ keys: [k1.jwk, k2.jwk] }) });
  const t = await sign({ role: "ed" }, k2.privateKey, "EdDSA", { kid: "two" });
  assert.equal((await auth.authenticate(`Bearer ${t}`, NOW_MS)).role, "ed");
  const hs = await bearer({ role: "admin" });
  await rejects(auth.authenticate(hs, NOW_MS), {
    status: 401,
    code: "PGRST301",
    message: "No suitable key or wrong key type",
    details: "No suitable key was found to decode the JWT",
    wwwAuthenticate: 'Bearer error="invalid_token", error_description="No suitable key or wrong key type"',
  });
});
