/**
 * A rejected token never reaches the database (AU-04/06/07/12): a forged, tampered, unsecured,
 * expired, not-yet-valid or wrong-audience token claiming `webuser` is refused before any
 * transaction starts. Proof: the `db-pre-request` function bumps a sequence in every read-write
 * transaction (sequences ignore rollbacks), and `authors_only` is readable by `webuser` only.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { b64, generateKey, SECRET, sign } from "../helpers/jwt.ts";

const app = await testApp({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  jwtAud: "pgrst-tests",
  dbPreRequest: { schema: "authtest", name: "pre_request" },
});
Deno.test.afterAll(() => app.close());

const now = () => Math.floor(Date.now() / 1000);

/** Read-write transactions that reached the pre-request function so far. */
async function transactions(): Promise<number> {
  const [value, called] = (await app.db.psql("select last_value, is_called from authtest.request_counter"))
    .trim().split("|");
  return called === "t" ? Number(value) : 0;
}

async function visitors(): Promise<string[]> {
  const out = (await app.db.psql("select who from authtest.visits order by id")).trim();
  return out === "" ? [] : out.split("\n");
}

const post = (token: string) =>
  app.request("/rpc/add_visit", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ note: "hello" }),
  });

const readSecrets = (token: string) =>
  app.request("/authors_only?select=id", { headers: { Authorization: `Bearer ${token}` } });

const claims = { role: "webuser", aud: "pgrst-tests" };

async function rejected(): Promise<[string, string, string][]> {
  const [header, , signature] = (await sign({ ...claims, role: "auth_anon" }, SECRET)).split(".");
  const rsa = await generateKey("RS256");
  return [
    ["another secret", await sign(claims, "anotheranotheranotheranothersecret"), "PGRST301"],
    ["a tampered payload", `${header}.${b64(JSON.stringify(claims))}.${signature}`, "PGRST301"],
    ["alg none", `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims))}.`, "PGRST301"],
    ["an RSA key the server does not know", await sign(claims, rsa.privateKey, "RS256"), "PGRST301"],
    ["a signature stripped off", `${header}.${b64(JSON.stringify(claims))}.`, "PGRST301"],
    ["an expired token", await sign({ ...claims, exp: now() - 60 }, SECRET), "PGRST303"],
    ["a token not valid yet", await sign({ ...claims, nbf: now() + 3600 }, SECRET), "PGRST303"],
    ["a token issued in the future", await sign({ ...claims, iat: now() + 3600 }, SECRET), "PGRST303"],
    ["another audience", await sign({ ...claims, aud: "someone-else" }, SECRET), "PGRST303"],
  ];
}

Deno.test("a valid webuser token runs as webuser and reaches the pre-request function", async () => {
  const before = await transactions();
  const res = await post(await sign(claims, SECRET));
  assert.deepEqual((await summary(res)).status, 200);
  assert.equal(await transactions(), before + 1);
  assert.deepEqual(await visitors(), ["webuser"]);
  const read = await readSecrets(await sign(claims, SECRET));
  assert.deepEqual(await summary(read), { status: 200, body: [{ id: 1 }, { id: 2 }] });
});

Deno.test("a rejected token claiming webuser never starts a transaction", async () => {
  for (const [what, token, code] of await rejected()) {
    const before = await transactions();
    const visits = await visitors();
    const res = await post(token);
    const s = await summary(res, ["www-authenticate"]);
    assert.equal(s.status, 401, what);
    assert.equal((s.body as { code: string }).code, code, what);
    assert.match(String(s["www-authenticate"]), /^Bearer error="invalid_token"/, what);
    assert.equal(await transactions(), before, what);
    assert.deepEqual(await visitors(), visits, what);
  }
});

Deno.test("a rejected token claiming webuser never reads what only webuser may read", async () => {
  for (const [what, token, code] of await rejected()) {
    const res = await readSecrets(token);
    const s = await summary(res);
    assert.deepEqual([s.status, (s.body as { code: string }).code], [401, code], what);
  }
});
