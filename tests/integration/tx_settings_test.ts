import assert from "node:assert/strict";
import { createAuthenticator } from "../../lib/auth/auth.ts";
import { createPgDatabase } from "../../lib/db/pg.ts";
import { DbServerError } from "../../lib/db/db.ts";
import { render, type RenderedSql, Sql } from "../../lib/query/sql.ts";
import { buildPreRequest, buildTxSettings, type TxSettingsContext } from "../../lib/query/tx_settings.ts";
import { parseGucHeaders, parseGucStatus } from "../../lib/response/guc.ts";
import { testDatabase } from "../helpers/db.ts";
import { SECRET, sign } from "../helpers/jwt.ts";

const tdb = await testDatabase();
await tdb.psql(`
  create function public.pgrst_test_pre() returns void language sql as $$
    select set_config('response.status', '418', true),
           set_config('response.headers', '[{"X-Role": "' || current_user || '"}]', true)
  $$;
`);
const db = createPgDatabase({
  uri: tdb.uri(),
  poolSize: 2,
  acquisitionTimeout: 2,
  maxIdletime: 30,
  maxLifetime: 1800,
  applicationName: "pgrst test",
});

Deno.test.afterAll(async () => {
  await db.close();
  await tdb.drop();
});

const auth = createAuthenticator({
  jwtSecret: SECRET,
  jwtSecretIsBase64: false,
  jwtAud: null,
  jwtRoleClaimKey: "$.role",
  jwtCacheMaxEntries: 10,
  dbAnonRole: "anon",
});

function context(role: string, claims: string, timezone: string | null = null): TxSettingsContext {
  return {
    config: {
      dbExtraSearchPath: ["public"],
      roleSettings: new Map([["webuser", [["statement_timeout", "1234ms"]]]]),
      appSettings: [["app.settings.greeting", "hello 'world'"]],
      dbHoistedTxSettings: ["statement_timeout"],
    },
    auth: { role, claims },
    request: {
      schema: "test",
      method: "GET",
      path: "/items",
      headers: [["user-agent", "pgrst-test"], ["x-odd-name", 'a"b']],
      cookies: [["session", "s1"]],
      preferences: { timezone },
    },
  };
}

const stmt = (q: Sql | RenderedSql) => ({ ...(q instanceof Sql ? render(q) : q), prepare: false });

async function run(ctx: TxSettingsContext, read: string): Promise<(string | null)[]> {
  const results = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: false,
    statements: [stmt(buildTxSettings(ctx)), { text: read, params: [], prepare: false }],
  });
  return [...results[1][0]];
}

Deno.test("buildTxSettings() switches role and exposes claims, headers, cookies and settings to SQL", async () => {
  const token = await sign({ role: "webuser", email: "a@b.c" }, SECRET);
  const { role, claims } = await auth.authenticate(`Bearer ${token}`, Date.now());
  const row = await run(
    context(role, claims, "Asia/Tokyo"),
    `select current_user::text,
            current_setting('request.jwt.claims', true)::json->>'email',
            current_setting('request.jwt.claims', true)::json->>'role',
            current_setting('request.headers', true)::json->>'user-agent',
            current_setting('request.headers', true)::json->>'x-odd-name',
            current_setting('request.cookies', true)::json->>'session',
            current_setting('request.method', true),
            current_setting('request.path', true),
            current_setting('search_path'),
            current_setting('statement_timeout'),
            current_setting('timezone'),
            current_setting('app.settings.greeting', true)`,
  );
  assert.deepEqual(row, [
    "webuser",
    "a@b.c",
    "webuser",
    "pgrst-test",
    'a"b',
    "s1",
    "GET",
    "/items",
    '"test", "public"',
    "1234ms",
    "Asia/Tokyo",
    "hello 'world'",
  ]);
});

Deno.test('buildTxSettings() gives an anonymous request the anonymous role and {"role": …} claims', async () => {
  const { role, claims } = await auth.authenticate(null, Date.now());
  const row = await run(
    context(role, claims),
    "select current_user::text, current_setting('request.jwt.claims')",
  );
  assert.deepEqual(row, ["anon", '{"role":"anon"}']);
});

Deno.test("buildTxSettings() fails with 22023 for a role that does not exist", async () => {
  await assert.rejects(
    run(context("nobody", '{"role":"nobody"}'), "select 1"),
    (e) => e instanceof DbServerError && e.code === "22023" && /role "nobody" does not exist/.test(e.message),
  );
});

Deno.test("buildPreRequest() runs after the settings, as the impersonated role, and can set response GUCs", async () => {
  const results = await db.transaction({
    isolation: "read committed",
    readOnly: true,
    rollback: true,
    statements: [
      stmt(buildTxSettings(context("webuser", '{"role":"webuser"}'))),
      stmt(buildPreRequest({ schema: "public", name: "pgrst_test_pre" })),
      {
        text: "select nullif(current_setting('response.headers', true), ''), " +
          "nullif(current_setting('response.status', true), '')",
        params: [],
        prepare: false,
      },
    ],
  });
  const [headers, status] = results[2][0];
  assert.deepEqual(parseGucHeaders(headers), [["X-Role", "webuser"]]);
  assert.equal(parseGucStatus(status), 418);
});
