/**
 * Authentication settings over HTTP (AU-03/04/05/07/08/09/11): PostgREST's
 * `AudienceJwtSecretSpec`, `AsymmetricJwtSpec`, `BinaryJwtSecretSpec`, `NoAnonSpec`,
 * `NoJwtSecretSpec` and the role-claim fixtures of `test/io/test_auth.py`, on `authtest`
 * (tests/fixtures/60_auth.sql). Every token is minted here, every key generated here.
 */
import assert from "node:assert/strict";
import { readConfig } from "../../lib/config/load.ts";
import type { AppConfig } from "../../lib/config/types.ts";
import { summary } from "../helpers/app.ts";
import { type Alg, b64, generateKey, SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({ dbSchemas: ["authtest"], dbAnonRole: "auth_anon", jwtSecret: SECRET });
Deno.test.afterAll(() => server.close());

type TestApp = typeof server;

/**
 * Runs `f` with the authentication settings of `config`, swapped into the running server as a
 * config reload does (a new authenticator each time the JWT settings change).
 */
async function withApp(config: Partial<AppConfig>, f: (app: TestApp) => Promise<void>): Promise<void> {
  server.reconfigure(config);
  await f(server);
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const whoami = async (app: TestApp, token?: string) =>
  await summary(await app.request("/rpc/whoami", token === undefined ? {} : bearer(token)));

function jwtError(code: string, message: string, details: string | null = null) {
  return { status: 401, body: { code, details, hint: null, message } };
}

const AUTHOR = { status: 200, body: "auth_author" };
const NOT_IN_AUDIENCE = jwtError("PGRST303", "JWT not in audience");

Deno.test("with jwt-aud, aud must equal it or contain it; absent, null and [] pass", async () => {
  await withApp({ jwtAud: "youraudience" }, async (app) => {
    const cases: [unknown, typeof AUTHOR | typeof NOT_IN_AUDIENCE][] = [
      ["youraudience", AUTHOR],
      ["notyouraudience", NOT_IN_AUDIENCE],
      ["", NOT_IN_AUDIENCE],
      [["youraudience"], AUTHOR],
      [["notyouraudience", "youraudience", "anotheraudience"], AUTHOR],
      [["notyouraudience"], NOT_IN_AUDIENCE],
      [["notyouraudience", "stillnotyouraudience"], NOT_IN_AUDIENCE],
      [[], AUTHOR],
      [null, AUTHOR],
    ];
    for (const [aud, expected] of cases) {
      const token = await sign({ exp: 9999999999, role: "auth_author", id: "jdoe", aud }, SECRET);
      assert.deepEqual(await whoami(app, token), expected, JSON.stringify(aud));
    }
    assert.deepEqual(await whoami(app, await sign({ role: "auth_author" }, SECRET)), AUTHOR);
    assert.deepEqual(await whoami(app), { status: 200, body: "auth_anon" });
    const res = await app.request(
      "/rpc/whoami",
      bearer(await sign({ role: "auth_author", aud: "x" }, SECRET)),
    );
    assert.equal(
      res.headers.get("www-authenticate"),
      'Bearer error="invalid_token", error_description="JWT not in audience"',
    );
  });
});

Deno.test("without jwt-aud, any aud is accepted", async () => {
  await withApp({}, async (app) => {
    for (const aud of ["youraudience", "", ["youraudience"], ["a", "b"], [], null]) {
      const token = await sign({ exp: 9999999999, role: "auth_author", aud }, SECRET);
      assert.deepEqual(await whoami(app, token), AUTHOR, JSON.stringify(aud));
    }
  });
});

Deno.test("the aud claim can be the role claim (jwt-aud + jwt-role-claim-key)", async () => {
  await withApp({ jwtAud: "auth_author", jwtRoleClaimKey: "$.aud" }, async (app) => {
    assert.deepEqual(await whoami(app, await sign({ aud: "auth_author" }, SECRET)), AUTHOR);
    assert.deepEqual(await whoami(app, await sign({ aud: "auth_invalid" }, SECRET)), NOT_IN_AUDIENCE);
  });
  await withApp({ jwtAud: "auth_author", jwtRoleClaimKey: "$.aud[1]" }, async (app) => {
    // passes the audience check, then the role does not exist
    const res = await whoami(app, await sign({ aud: ["auth_author", "auth_invalid"] }, SECRET));
    assert.deepEqual(res, {
      status: 401,
      body: { code: "22023", details: null, hint: null, message: 'role "auth_invalid" does not exist' },
    });
  });
});

Deno.test("without db-anon-role a token works, no token is 401 PGRST302", async () => {
  await withApp({ dbAnonRole: null }, async (app) => {
    assert.deepEqual(await whoami(app, await sign({ role: "auth_author" }, SECRET)), AUTHOR);
    const res = await app.request("/rpc/whoami");
    assert.deepEqual(await summary(res, ["www-authenticate", "proxy-status"]), {
      status: 401,
      "www-authenticate": "Bearer",
      "proxy-status": "PostgREST; error=PGRST302",
      body: { code: "PGRST302", details: null, hint: null, message: "Anonymous access is disabled" },
    });
    // A token without a role claim has no role to use either.
    assert.deepEqual(
      await whoami(app, await sign({ sub: "x" }, SECRET)),
      jwtError("PGRST302", "Anonymous access is disabled"),
    );
  });
});

Deno.test("without jwt-secret anonymous requests work and any token is 500 PGRST300", async () => {
  await withApp({ jwtSecret: null }, async (app) => {
    assert.deepEqual(await whoami(app), { status: 200, body: "auth_anon" });
    const res = await app.request("/authors_only", bearer(await sign({ role: "auth_author" }, SECRET)));
    assert.deepEqual(await summary(res, ["www-authenticate", "proxy-status"]), {
      status: 500,
      "www-authenticate": null,
      "proxy-status": "PostgREST; error=PGRST300",
      body: { code: "PGRST300", details: null, hint: null, message: "Server lacks JWT secret" },
    });
  });
});

Deno.test("a base64 secret (jwt-secret-is-base64) verifies tokens signed with its bytes", async () => {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  bytes[0] = 0; // not valid UTF-8 text
  bytes[1] = 0xff;
  const base64 = btoa(String.fromCharCode(...bytes));
  await withApp({ jwtSecret: base64, jwtSecretIsBase64: true }, async (app) => {
    const token = await sign({ exp: 9999999999, role: "auth_author", id: "jdoe" }, bytes);
    assert.deepEqual(await whoami(app, token), AUTHOR);
    const text = await sign({ role: "auth_author" }, base64); // the text itself is not the key
    assert.equal((await whoami(app, text)).status, 401);
  });
  // URL-safe spelling is accepted too.
  const urlSafe = base64.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ".");
  await withApp({ jwtSecret: urlSafe, jwtSecretIsBase64: true }, async (app) => {
    assert.deepEqual(await whoami(app, await sign({ role: "auth_author" }, bytes)), AUTHOR);
  });
});

for (
  const alg of ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA", "HS384", "HS512"] as Alg[]
) {
  Deno.test(`a ${alg} JWK and a JWKS verify tokens of that key and refuse others`, async () => {
    const key = await generateKey(alg);
    const other = await generateKey(alg);
    for (const secret of [JSON.stringify(key.jwk), JSON.stringify({ keys: [key.jwk] })]) {
      await withApp({ jwtSecret: secret }, async (app) => {
        assert.deepEqual(await whoami(app, await sign({ role: "auth_author" }, key.privateKey, alg)), AUTHOR);
        assert.deepEqual(
          await whoami(app, await sign({ role: "auth_author" }, other.privateKey, alg)),
          jwtError(
            "PGRST301",
            "No suitable key or wrong key type",
            "None of the keys was able to decode the JWT",
          ),
        );
      });
    }
  });
}

Deno.test("with a JWKS, a token's kid picks the key; an unknown kid is 401 PGRST301", async () => {
  const k1 = await generateKey("RS256", { kid: "k1" });
  const k2 = await generateKey("ES256", { kid: "k2" });
  const k3 = await generateKey("HS256", { kid: "k3" });
  await withApp({ jwtSecret: JSON.stringify({ keys: [k1.jwk, k2.jwk, k3.jwk] }) }, async (app) => {
    assert.deepEqual(
      await whoami(app, await sign({ role: "auth_author" }, k2.privateKey, "ES256", { kid: "k2" })),
      AUTHOR,
    );
    assert.deepEqual(await whoami(app, await sign({ role: "auth_author" }, k1.privateKey, "RS256")), AUTHOR);
    assert.deepEqual(
      await whoami(app, await sign({ role: "auth_author" }, k2.privateKey, "ES256", { kid: "nope" })),
      jwtError(
        "PGRST301",
        "No suitable key or wrong key type",
        "No suitable key was found to decode the JWT",
      ),
    );
    assert.deepEqual(
      await whoami(app, await sign({ role: "auth_author" }, k3.privateKey, "HS256", { kid: "k1" })),
      jwtError(
        "PGRST301",
        "No suitable key or wrong key type",
        "No suitable key was found to decode the JWT",
      ),
    );
    // an RS256 token cannot be verified with the HMAC key, even when it names it
    const forged = await sign({ role: "auth_author" }, k1.privateKey, "RS256", { kid: "k3" });
    assert.equal((await whoami(app, forged)).status, 401);
  });
});

Deno.test("an RSA public key cannot be used as an HMAC secret (algorithm confusion)", async () => {
  const rsa = await generateKey("RS256");
  await withApp({ jwtSecret: JSON.stringify(rsa.jwk) }, async (app) => {
    const confused = await sign({ role: "auth_author" }, JSON.stringify(rsa.jwk), "HS256");
    assert.deepEqual(
      await whoami(app, confused),
      jwtError(
        "PGRST301",
        "No suitable key or wrong key type",
        "No suitable key was found to decode the JWT",
      ),
    );
  });
});

// test/io/fixtures/fixtures.yaml `roleclaims`, in the RFC 9535 syntax and the deprecated one.
const ROLE_CLAIMS: [string, string, Record<string, unknown>, number][] = [
  ["$.postgrest.a_role", ".postgrest.a_role", { postgrest: { a_role: "auth_author" }, other: "claims" }, 200],
  ["$.customObject.manyRoles[1]", ".customObject.manyRoles[1]", {
    customObject: { manyRoles: ["other", "auth_author"] },
  }, 200],
  [`$["https://www.example.com/roles"][0].value`, `."https://www.example.com/roles"[0].value`, {
    "https://www.example.com/roles": [{ value: "auth_author" }],
  }, 200],
  ["$.myDomain[3]", ".myDomain[3]", { myDomain: ["other", "auth_author"] }, 401],
  ["$.myRole", ".myRole", { role: "auth_author" }, 401],
  [
    "$.realm_access.roles[?(@ == 'auth_author')]",
    '.realm_access.roles[?(@ == "auth_author")]',
    { realm_access: { roles: ["other", "auth_author"] } },
    200,
  ],
  [
    "$.realm_access.roles[?(@ != 'other')]",
    '.realm_access.roles[?(@ != "other")]',
    { realm_access: { roles: ["other", "auth_author"] } },
    200,
  ],
  [
    "$.realm_access.roles[?(@ == 'string')]",
    '.realm_access.roles[?(@ == "string")]',
    { realm_access: { roles: [{ obj_key: "obj_value" }] } },
    401,
  ],
];

Deno.test("jwt-role-claim-key finds the role with an RFC 9535 JSONPath and the deprecated syntax", async () => {
  for (const [modern, deprecated, claims, status] of ROLE_CLAIMS) {
    for (const key of [modern, deprecated]) {
      await withApp({ jwtRoleClaimKey: key }, async (app) => {
        const res = await app.request("/authors_only?select=id", bearer(await sign(claims, SECRET)));
        assert.equal(res.status, status, `${key} ${JSON.stringify(claims)}`);
        await res.body?.cancel();
      });
    }
  }
});

Deno.test("jwt-role-claim-key: the deprecated string operators still select the role", async () => {
  const cases: [string, Record<string, unknown>][] = [
    ['.realm_access.roles[?(@ ^== "auth_au")]', { realm_access: { roles: ["other", "auth_author"] } }],
    ['.realm_access.roles[?(@ ==^ "_author")]', { realm_access: { roles: ["other", "auth_author"] } }],
    ['.realm_access.roles[?(@ *== "th_au")]', { realm_access: { roles: ["other", "auth_author"] } }],
  ];
  for (const [key, claims] of cases) {
    await withApp({ jwtRoleClaimKey: key }, async (app) => {
      assert.deepEqual(await whoami(app, await sign(claims, SECRET)), AUTHOR, key);
    });
  }
});

Deno.test("a JWE (encrypted token) or a token with a bad header is never accepted", async () => {
  await withApp({}, async (app) => {
    const header = b64('{"alg":"HS256","enc":"A256GCM"}');
    const res = await app.request("/rpc/whoami", bearer(`${header}.${b64('{"role":"auth_author"}')}.c2ln`));
    assert.deepEqual(await summary(res), jwtError("PGRST301", "JWT cryptographic operation failed"));
  });
});

Deno.test("jwt-secret = @file reads the secret (one trailing newline dropped) for every request", async () => {
  const rsa = await generateKey("RS256", { kid: "file-key" });
  const files: Record<string, string> = {
    "/run/secrets/jwks": JSON.stringify({ keys: [rsa.jwk] }) + "\n",
    "/run/secrets/plain": SECRET + "\n",
  };
  const readTextFile = (path: string) =>
    path in files ? Promise.resolve(files[path]) : Promise.reject(new Error(`${path}: not found`));
  for (
    const [path, token] of [
      [
        "/run/secrets/jwks",
        await sign({ role: "auth_author" }, rsa.privateKey, "RS256", { kid: "file-key" }),
      ],
      ["/run/secrets/plain", await sign({ role: "auth_author" }, SECRET)],
    ] as const
  ) {
    const c = await readConfig({ configFilePath: null, env: { PGRST_JWT_SECRET: `@${path}` }, readTextFile });
    await withApp({ jwtSecret: c.jwtSecret, jwtSecretIsBase64: c.jwtSecretIsBase64 }, async (app) => {
      assert.deepEqual(await whoami(app, token), AUTHOR, path);
    });
  }
});
