import assert from "node:assert/strict";
import {
  buildConfig,
  ConfigError,
  type ConfigSources,
  defaultConfig,
  rawFromEnv,
  toQualifiedName,
} from "../../../lib/config/config.ts";
import { parseConfigFile } from "../../../lib/config/file.ts";
import { OPTIONS } from "../../../lib/config/options.ts";

const fromFile = (text: string, extra: Omit<ConfigSources, "file"> = {}) =>
  buildConfig({ file: parseConfigFile(text, { env: {}, path: "t.conf" }), ...extra });

const fromEnv = (env: Record<string, string>, extra: Omit<ConfigSources, "env" | "appSettings"> = {}) => {
  const { raw, appSettings } = rawFromEnv(env);
  return buildConfig({ env: raw, appSettings, ...extra });
};

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("expected a ConfigError");
};

Deno.test("defaultConfig() has PostgREST's defaults for every option", () => {
  const c = defaultConfig();
  for (const opt of OPTIONS) assert.ok(opt.key in c, opt.name);
  assert.deepEqual(c.dbSchemas, ["public"]);
  assert.deepEqual(c.dbExtraSearchPath, ["public"]);
  assert.deepEqual(c.dbHoistedTxSettings, [
    "statement_timeout",
    "plan_filter.statement_cost_limit",
    "default_transaction_isolation",
  ]);
  assert.equal(c.dbUri, "postgresql://");
  assert.equal(c.dbPool, 10);
  assert.equal(c.dbPoolAcquisitionTimeout, 10);
  assert.equal(c.dbPoolMaxIdletime, 30);
  assert.equal(c.dbPoolMaxLifetime, 1800);
  assert.equal(c.serverHost, "!4");
  assert.equal(c.adminServerHost, "!4");
  assert.equal(c.serverPort, 3000);
  assert.equal(c.adminServerPort, null);
  assert.equal(c.serverUnixSocketMode, 0o660);
  assert.equal(c.jwtRoleClaimKey, "$.role");
  assert.equal(c.jwtCacheMaxEntries, 1000);
  assert.equal(c.dbTxEnd, "commit");
  assert.equal(c.logLevel, "error");
  assert.equal(c.openapiMode, "follow-privileges");
  assert.equal(c.clientErrorVerbosity, "verbose");
  assert.equal(c.serverCorsAllowedOrigins, null);
  assert.equal(c.dbConfig, true);
  assert.equal(c.dbChannelEnabled, true);
  assert.equal(c.urlUseLegacyTargetNames, true);
  assert.equal(c.dbPreparedStatements, true);
  assert.equal(c.dbMaxRows, null);
  assert.deepEqual(c.appSettings, []);
});

Deno.test("buildConfig() reads PGRST_* variables, splitting and trimming lists", () => {
  const c = fromEnv({
    PGRST_DB_SCHEMAS: "multi,   tenant,setup",
    PGRST_DB_ANON_ROLE: "root",
    PGRST_DB_POOL: "1",
    PGRST_DB_MAX_ROWS: "1000",
    PGRST_DB_PRE_REQUEST: "please_run_fast",
    PGRST_DB_PRE_CONFIG: "postgrest.pre_config",
    PGRST_SERVER_PORT: "80",
    PGRST_SERVER_UNIX_SOCKET_MODE: "777",
    PGRST_SERVER_CORS_ALLOWED_ORIGINS: "http://a.com, http://b.com",
    PGRST_LOG_QUERY: "true",
    PGRST_DB_TX_END: "rollback-allow-override",
  });
  assert.deepEqual(c.dbSchemas, ["multi", "tenant", "setup"]);
  assert.equal(c.dbAnonRole, "root");
  assert.equal(c.dbPool, 1);
  assert.equal(c.dbMaxRows, 1000);
  assert.deepEqual(c.dbPreRequest, { schema: "", name: "please_run_fast" });
  assert.deepEqual(c.dbPreConfig, { schema: "postgrest", name: "pre_config" });
  assert.equal(c.serverPort, 80);
  assert.equal(c.serverUnixSocketMode, 0o777);
  assert.deepEqual(c.serverCorsAllowedOrigins, ["http://a.com", "http://b.com"]);
  assert.equal(c.logQuery, true);
  assert.equal(c.dbTxEnd, "rollback-allow-override");
});

Deno.test("buildConfig() reads PGRST_APP_SETTINGS_* as app.settings.*, over the file's", () => {
  const { raw, appSettings } = rawFromEnv({ PGRST_APP_SETTINGS_test: "env", PGRST_APP_SETTINGS_FOO: "bar" });
  const c = buildConfig({
    env: raw,
    appSettings,
    file: parseConfigFile(
      'app.settings.test = "file"\napp.settings.other = "o"\napp.settings.a.b = "deep"\n',
      {
        env: {},
        path: "t.conf",
      },
    ),
  });
  assert.deepEqual(c.appSettings, [
    ["app.settings.FOO", "bar"],
    ["app.settings.other", "o"],
    ["app.settings.test", "env"],
  ]);
});

Deno.test("buildConfig() shows non-text app.settings values as Haskell does", () => {
  assert.deepEqual(fromFile("app.settings.test = false\napp.settings.n = 3600\n").appSettings, [
    ["app.settings.n", "Number 3600.0"],
    ["app.settings.test", "Bool False"],
  ]);
});

Deno.test("buildConfig() ignores unknown and removed options", () => {
  const c = fromFile(
    'raw-media-types = "x"\ndb-use-legacy-gucs = false\njwt-cache-max-lifetime = 10\nnot-an-option = 1\n',
  );
  assert.deepEqual(c, defaultConfig());
  assert.deepEqual(fromEnv({ PGRST_ADMIN_SERVER_CONFIG_ENABLED: "true", PGRST_NOPE: "1" }), defaultConfig());
});

Deno.test("buildConfig() lets the environment win over the file, even with an empty value", () => {
  const file = parseConfigFile('db-anon-role = "file_role"\ndb-pool = 5\n', { env: {}, path: "t.conf" });
  const c1 = buildConfig({ file, env: rawFromEnv({ PGRST_DB_ANON_ROLE: "env_role" }).raw });
  assert.equal(c1.dbAnonRole, "env_role");
  const c2 = buildConfig({ file, env: rawFromEnv({ PGRST_DB_ANON_ROLE: "", PGRST_DB_POOL: "" }).raw });
  assert.equal(c2.dbAnonRole, null);
  assert.equal(c2.dbPool, 10);
});

Deno.test("buildConfig() treats an empty string as unset, except db-extra-search-path", () => {
  const c = fromEnv({
    PGRST_LOG_LEVEL: "",
    PGRST_DB_TX_END: "",
    PGRST_DB_SCHEMAS: "",
    PGRST_JWT_SECRET: "",
    PGRST_DB_EXTRA_SEARCH_PATH: "",
  });
  assert.equal(c.logLevel, "error");
  assert.equal(c.dbTxEnd, "commit");
  assert.deepEqual(c.dbSchemas, ["public"]);
  assert.equal(c.jwtSecret, null);
  assert.deepEqual(c.dbExtraSearchPath, []);
});

Deno.test("buildConfig() keeps empty list elements as PostgREST does", () => {
  assert.deepEqual(fromEnv({ PGRST_DB_SCHEMAS: "a, ,b" }).dbSchemas, ["a", "", "b"]);
});

Deno.test("buildConfig() reads aliases, but an option's own name wins in any source", () => {
  const c = fromFile(
    'db-schema = "provided_through_alias"\ndb-pool-timeout = 5\nmax-rows = 1000\npre-request = "check_alias"\n' +
      'role-claim-key = ".aliased"\nroot-spec = "open_alias"\nsecret-is-base64 = true\n',
  );
  assert.deepEqual(c.dbSchemas, ["provided_through_alias"]);
  assert.equal(c.dbPoolMaxIdletime, 5);
  assert.equal(c.dbMaxRows, 1000);
  assert.deepEqual(c.dbPreRequest, { schema: "", name: "check_alias" });
  assert.equal(c.jwtRoleClaimKey, ".aliased");
  assert.deepEqual(c.dbRootSpec, { schema: "", name: "open_alias" });
  assert.equal(c.jwtSecretIsBase64, true);

  const file = parseConfigFile('db-schemas = "from_file"\ndb-pool-max-idletime = 7\n', {
    env: {},
    path: "t.conf",
  });
  const env = rawFromEnv({ PGRST_DB_SCHEMA: "from_env_alias", PGRST_DB_POOL_TIMEOUT: "9" }).raw;
  const both = buildConfig({ file, env });
  assert.deepEqual(both.dbSchemas, ["from_file"]);
  // db-pool-timeout is the one alias PostgREST looks up before the option's name.
  assert.equal(both.dbPoolMaxIdletime, 9);
});

Deno.test("buildConfig() coerces booleans from text and falls back on other types", () => {
  const c = fromFile(
    'db-channel-enabled = "0"\ndb-prepared-statements = "FALSE"\njwt-secret-is-base64 = "2"\n' +
      'db-plan-enabled = "\\"true\\""\nserver-timing-enabled = 13\nlog-query = "yes"\n',
  );
  assert.equal(c.dbChannelEnabled, false);
  assert.equal(c.dbPreparedStatements, false);
  assert.equal(c.dbPlanEnabled, true);
  assert.equal(c.serverTimingEnabled, false);
  assert.equal(c.logQuery, false);
});

Deno.test("buildConfig() falls back to the default for integers that do not read", () => {
  const c = fromFile(
    'db-pool = "abc"\ndb-max-rows = true\nserver-port = 80.5\ndb-pool-max-lifetime = "0x10"\n',
  );
  assert.equal(c.dbPool, 10);
  assert.equal(c.dbMaxRows, null);
  assert.equal(c.serverPort, 3000);
  assert.equal(c.dbPoolMaxLifetime, 16);
  assert.equal(fromEnv({ PGRST_DB_POOL: " 20 " }).dbPool, 20);
});

Deno.test("buildConfig() shows a number written for a text option as Haskell does", () => {
  assert.equal(fromFile("db-anon-role = 5\n").dbAnonRole, "Number 5.0");
});

Deno.test("buildConfig() takes admin-server-host from server-host when unset", () => {
  assert.equal(fromEnv({ PGRST_SERVER_HOST: "0.0.0.0" }).adminServerHost, "0.0.0.0");
  assert.equal(
    fromEnv({ PGRST_SERVER_HOST: "0.0.0.0", PGRST_ADMIN_SERVER_HOST: "127.0.0.1" }).adminServerHost,
    "127.0.0.1",
  );
});

Deno.test("buildConfig() lets in-db settings win, for in-db capable options only", () => {
  const db = new Map([
    ["db-schemas", "test, tenant1"],
    ["jwt-aud", "https://example.org"],
    ["db-pool", "3"],
    ["server-port", "81"],
    ["log-level", "info"],
    ["db-schema", "alias_is_not_read_from_db"],
  ]);
  const c = fromEnv({ PGRST_DB_SCHEMAS: "env_schema", PGRST_DB_POOL: "2" }, { db });
  assert.deepEqual(c.dbSchemas, ["test", "tenant1"]);
  assert.equal(c.jwtAud, "https://example.org");
  assert.equal(c.dbPool, 2);
  assert.equal(c.serverPort, 3000);
  assert.equal(c.logLevel, "error");
});

Deno.test("buildConfig() keeps the JWT secret and checks a plain one is 32 bytes long", () => {
  assert.equal(
    fromEnv({ PGRST_JWT_SECRET: "reallyreallyreallyreallyverysafe" }).jwtSecret,
    "reallyreallyreallyreallyverysafe",
  );
  assert.equal(
    errorOf(() => fromEnv({ PGRST_JWT_SECRET: "tooshort" })),
    "user error (The JWT secret must be at least 32 characters long.)",
  );
  assert.equal(
    fromEnv({ PGRST_JWT_SECRET: '{"kty":"oct","k":"c2VjcmV0"}' }).jwtSecret,
    '{"kty":"oct","k":"c2VjcmV0"}',
  );
  assert.equal(fromEnv({ PGRST_JWT_SECRET: '{"keys":[]}' }).jwtSecret, '{"keys":[]}');
  assert.equal(fromEnv({ PGRST_JWT_SECRET: "@/run/secrets/jwt" }).jwtSecret, "@/run/secrets/jwt");
});

Deno.test("buildConfig() checks a base64 secret decodes to 32 bytes", () => {
  const ok = "c2VjdXJpdHl0aHJvdWdob2JzY3VyaXR5aW5iYXNlNjQ=";
  assert.equal(fromEnv({ PGRST_JWT_SECRET: ok, PGRST_JWT_SECRET_IS_BASE64: "true" }).jwtSecret, ok);
  assert.equal(
    errorOf(() => fromEnv({ PGRST_JWT_SECRET: "no base-64!", PGRST_JWT_SECRET_IS_BASE64: "true" })),
    "user error (Base64-encoded bytestring has invalid size)",
  );
  assert.equal(
    errorOf(() =>
      fromEnv({ PGRST_JWT_SECRET: "c2VjdXJpdHl0aHJvdWdob2JzY3VyaXR5", PGRST_JWT_SECRET_IS_BASE64: "true" })
    ),
    "user error (The JWT secret must be at least 32 characters long.)",
  );
});

Deno.test("toQualifiedName() splits at the first dot like PostgREST's toQi", () => {
  assert.deepEqual(toQualifiedName("api.f"), { schema: "api", name: "f" });
  assert.deepEqual(toQualifiedName("f"), { schema: "", name: "f" });
  assert.deepEqual(toQualifiedName("a.b.c"), { schema: "a", name: "b.c" });
  assert.deepEqual(toQualifiedName("a."), { schema: "", name: "a" });
  assert.deepEqual(toQualifiedName(" a . b"), { schema: " a ", name: " b" });
});

Deno.test("buildConfig() reads pgrst's own db-pool-pipeline-depth (default 32) from the file and the environment", () => {
  assert.equal(fromFile("").dbPoolPipelineDepth, 32);
  assert.equal(fromFile("db-pool-pipeline-depth = 1\n").dbPoolPipelineDepth, 1);
  assert.equal(fromEnv({ PGRST_DB_POOL_PIPELINE_DEPTH: "8" }).dbPoolPipelineDepth, 8);
});
