/**
 * In-database configuration (CF-04) and member-role settings (TX-03, TX-05) read from a real
 * database. Roles are cluster-wide, so this file logs in as its own authenticator role (created
 * and dropped here) rather than changing the shared `authenticator` role's role-wide settings.
 */
import assert from "node:assert/strict";
import { createPgDatabase } from "../../lib/db/pg.ts";
import type { Database } from "../../lib/db/db.ts";
import { defaultConfig } from "../../lib/config/config.ts";
import {
  queryDbSettings,
  queryRoleSettings,
  queryServerVersion,
  readDbConfig,
} from "../../lib/config/db_config.ts";
import { readConfig, reloadConfig } from "../../lib/config/load.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
const suffix = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
const auth = `cfg_auth_${suffix}`;
const member = `cfg_user_${suffix}`;
const isoOnly = `cfg_iso_${suffix}`;
const granted = `cfg_granted_${suffix}`;
const notMember = `cfg_other_${suffix}`;
const roles = [auth, member, isoOnly, granted, notMember];

await tdb.psql(`
  create role ${auth} login noinherit;
  create role ${member} nologin;
  create role ${isoOnly} nologin;
  create role ${granted} nologin;
  create role ${notMember} nologin;
  grant ${member}, ${isoOnly}, ${granted} to ${auth};

  alter role ${member} set statement_timeout = '1s';
  alter role ${member} set work_mem = '4MB';
  alter role ${member} set default_transaction_isolation = 'repeatable read';
  alter role ${member} set log_statement = 'all';
  alter role ${isoOnly} set default_transaction_isolation = 'serializable';
  alter role ${granted} set log_min_duration_statement = '20';
  grant set on parameter log_min_duration_statement to ${auth};
  alter role ${notMember} set statement_timeout = '9s';

  alter role ${auth} set pgrst.db_schemas = 'test, tenant1';
  alter role ${auth} set pgrst.jwt_secret = 'REALLY=REALLY=REALLY=REALLY=VERY=SAFE';
  alter role ${auth} set pgrst.db_max_rows = '500';
  alter role ${auth} set pgrst.db_uri = 'postgresql://ignored';
  alter role ${auth} set pgrst.server_port = '1111';
  alter role ${auth} set pgrst.not_existing = 'should be ignored';
  alter role ${auth} set pgrst.max_rows = '1';
  alter role ${auth} in database ${tdb.name} set pgrst.jwt_secret = 'OVERRIDE=REALLY=REALLY=REALLY=REALLY=VERY=SAFE';
  alter role ${auth} in database postgres set pgrst.db_max_rows = '1111';
  alter database ${tdb.name} set pgrst.db_anon_role = 'from_alter_database';

  create schema cfgtest;
  grant usage on schema cfgtest to ${auth};
  create function cfgtest.pre_config() returns void language plpgsql as $$
  begin
    perform set_config('pgrst.jwt_aud', 'pre_config_aud', true),
            set_config('pgrst.db_schemas', 'overridden by the role setting', true),
            set_config('pgrst.server_host', 'not in-db capable', true);
  end $$;
`);

const db = createPgDatabase({
  uri: tdb.uri(auth),
  poolSize: 1,
  acquisitionTimeout: 5,
  maxIdletime: 30,
  maxLifetime: 1800,
  applicationName: "pgrst config test",
});

Deno.test.afterAll(async () => {
  await db.close();
  await tdb.psql(`drop owned by ${roles.join(", ")}; drop role ${roles.join(", ")};`);
  await tdb.drop();
});

Deno.test("queryDbSettings() reads pgrst.* of the role, database-specific first", async () => {
  const settings = await queryDbSettings(db, null);
  assert.deepEqual(Object.fromEntries(settings), {
    "db-max-rows": "500",
    "db-schemas": "test, tenant1",
    "jwt-secret": "OVERRIDE=REALLY=REALLY=REALLY=REALLY=VERY=SAFE",
  });
});

Deno.test("queryDbSettings() adds db-pre-config's settings below the role's", async () => {
  const settings = await queryDbSettings(db, { schema: "cfgtest", name: "pre_config" });
  assert.deepEqual(Object.fromEntries(settings), {
    // As in PostgREST, the pre-config values are read with current_setting(), which also sees
    // session defaults such as ALTER DATABASE … SET (ignored without db-pre-config).
    "db-anon-role": "from_alter_database",
    "db-max-rows": "500",
    "db-schemas": "test, tenant1",
    "jwt-aud": "pre_config_aud",
    "jwt-secret": "OVERRIDE=REALLY=REALLY=REALLY=REALLY=VERY=SAFE",
  });
});

Deno.test("queryRoleSettings() reads user-settable settings and isolation of member roles", async () => {
  const { roleSettings, roleIsolationLevels } = await queryRoleSettings(db, await queryServerVersion(db));
  assert.deepEqual(Object.fromEntries(roleSettings), {
    [granted]: [["log_min_duration_statement", "20"]],
    [isoOnly]: [],
    [member]: [["statement_timeout", "1s"], ["work_mem", "4MB"]],
  });
  assert.deepEqual(Object.fromEntries(roleIsolationLevels), {
    [isoOnly]: "serializable",
    [member]: "repeatable read",
  });
});

Deno.test("queryRoleSettings() leaves out granted superuser settings before PostgreSQL 15", async () => {
  const { roleSettings } = await queryRoleSettings(db, 140000);
  assert.equal(roleSettings.has(granted), false);
});

Deno.test("readDbConfig() reports a missing db-pre-config function and goes on", async () => {
  const r = await readDbConfig(db, defaultConfig({ dbPreConfig: { schema: "cfgtest", name: "missing" } }));
  assert.deepEqual(r.dbSettings, new Map());
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].message, "Failed to query database settings for the config parameters.");
  assert.match(String(r.errors[0].error), /function cfgtest\.missing\(\) does not exist/);
  assert.equal(r.roleIsolationLevels?.get(member), "repeatable read");
});

Deno.test("readDbConfig() reads nothing when db-config is off", async () => {
  const failing = {
    transaction: () => Promise.reject(new Error("no query expected")),
  } as unknown as Database;
  const r = await readDbConfig(failing, defaultConfig({ dbConfig: false }));
  assert.deepEqual(r, {
    dbSettings: new Map(),
    roleSettings: new Map(),
    roleIsolationLevels: new Map(),
    errors: [],
  });
});

Deno.test("reloadConfig() at start-up applies the in-database config over the environment", async () => {
  const world = {
    env: {
      PGRST_DB_SCHEMAS: "from_env",
      PGRST_DB_PRE_CONFIG: "cfgtest.pre_config",
      PGRST_JWT_AUD: "env_aud",
    },
    readTextFile: () => Promise.reject(new Error("no files")),
  };
  const initial = await readConfig({ ...world, configFilePath: null });
  const fromDb = await readDbConfig(db, initial);
  assert.deepEqual(fromDb.errors, []);
  const r = await reloadConfig(initial, { ...world, ...fromDb, startingUp: true });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.config.dbSchemas, ["test", "tenant1"]);
  assert.equal(r.config.jwtAud, "pre_config_aud");
  assert.equal(r.config.jwtSecret, "OVERRIDE=REALLY=REALLY=REALLY=REALLY=VERY=SAFE");
  assert.equal(r.config.dbMaxRows, 500);
  assert.equal(r.config.serverPort, 3000);
  assert.equal(r.config.serverHost, "!4");
  assert.deepEqual(r.config.roleSettings.get(member), [["statement_timeout", "1s"], ["work_mem", "4MB"]]);
  assert.equal(r.config.roleIsolationLevels.get(isoOnly), "serializable");
});

Deno.test("queryDbSettings() reads the shared authenticator's database-specific settings", async () => {
  await tdb.psql(`alter role authenticator in database ${tdb.name} set pgrst.db_anon_role = 'anon'`);
  const asAuthenticator = createPgDatabase({
    uri: tdb.uri(),
    poolSize: 1,
    acquisitionTimeout: 5,
    maxIdletime: 30,
    maxLifetime: 1800,
    applicationName: "pgrst config test",
  });
  try {
    const settings = await queryDbSettings(asAuthenticator, null);
    assert.equal(settings.get("db-anon-role"), "anon");
  } finally {
    await asAuthenticator.close();
  }
});
