import assert from "node:assert/strict";
import { buildConfig, defaultConfig, rawFromEnv } from "../../../lib/config/config.ts";
import { dumpConfig } from "../../../lib/config/dump.ts";
import { parseConfigFile } from "../../../lib/config/file.ts";
import type { AppConfig } from "../../../lib/config/types.ts";

const DEFAULTS_DUMP = `admin-server-host = "!4"
admin-server-port = ""
admin-server-unix-socket = ""
admin-server-unix-socket-mode = "660"
client-error-verbosity = "verbose"
db-aggregates-enabled = false
db-anon-role = ""
db-channel = "pgrst"
db-channel-enabled = true
db-config = true
db-extra-search-path = "public"
db-hoisted-tx-settings = "statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation"
db-max-rows = ""
db-plan-enabled = false
db-pool = 10
db-pool-acquisition-timeout = 10
db-pool-automatic-recovery = true
db-pool-max-idletime = 30
db-pool-max-lifetime = 1800
db-pre-config = ""
db-pre-request = ""
db-prepared-statements = true
db-root-spec = ""
db-schemas = "public"
db-tx-end = "commit"
db-uri = "postgresql://"
jwt-aud = ""
jwt-cache-max-entries = 1000
jwt-role-claim-key = "$$.role"
jwt-secret = ""
jwt-secret-is-base64 = false
log-level = "error"
log-query = false
openapi-mode = "follow-privileges"
openapi-security-active = false
openapi-server-proxy-uri = ""
server-cors-allowed-origins = ""
server-host = "!4"
server-port = 3000
server-reuseport = false
server-timing-enabled = false
server-trace-header = ""
server-unix-socket = ""
server-unix-socket-mode = "660"
url-use-legacy-target-names = true
`;

/** PostgREST's test/io/configs/no-defaults-env.yaml. */
const NO_DEFAULTS_ENV: Record<string, string> = {
  PGRST_APP_SETTINGS_test2: "test",
  PGRST_APP_SETTINGS_test: "test",
  PGRST_DB_AGGREGATES_ENABLED: "true",
  PGRST_DB_ANON_ROLE: "root",
  PGRST_DB_CHANNEL: "postgrest",
  PGRST_DB_CHANNEL_ENABLED: "false",
  PGRST_DB_EXTRA_SEARCH_PATH: "public, test",
  PGRST_DB_HOISTED_TX_SETTINGS: "work_mem",
  PGRST_DB_MAX_ROWS: "1000",
  PGRST_DB_PLAN_ENABLED: "true",
  PGRST_DB_POOL: "1",
  PGRST_DB_POOL_ACQUISITION_TIMEOUT: "30",
  PGRST_DB_POOL_MAX_LIFETIME: "3600",
  PGRST_DB_POOL_MAX_IDLETIME: "60",
  PGRST_DB_POOL_AUTOMATIC_RECOVERY: "false",
  PGRST_DB_PREPARED_STATEMENTS: "false",
  PGRST_DB_PRE_REQUEST: "please_run_fast",
  PGRST_DB_ROOT_SPEC: "openapi_v3",
  PGRST_DB_SCHEMAS: "multi,   tenant,setup",
  PGRST_DB_CONFIG: "false",
  PGRST_DB_PRE_CONFIG: "postgrest.pre_config",
  PGRST_DB_TX_END: "rollback-allow-override",
  PGRST_DB_URI: "tmp_db",
  PGRST_DB_USE_LEGACY_GUCS: "false",
  PGRST_JWT_AUD: "https://postgrest.org",
  PGRST_JWT_ROLE_CLAIM_KEY: '.user[0]."real-role"',
  PGRST_JWT_SECRET: "c2VjdXJpdHl0aHJvdWdob2JzY3VyaXR5aW5iYXNlNjQ=",
  PGRST_JWT_SECRET_IS_BASE64: "true",
  PGRST_JWT_CACHE_MAX_ENTRIES: "86400",
  PGRST_LOG_LEVEL: "info",
  PGRST_LOG_QUERY: "true",
  PGRST_OPENAPI_MODE: "ignore-privileges",
  PGRST_OPENAPI_SECURITY_ACTIVE: "true",
  PGRST_OPENAPI_SERVER_PROXY_URI: "https://postgrest.org",
  PGRST_SERVER_CORS_ALLOWED_ORIGINS: "http://example.com",
  PGRST_SERVER_HOST: "0.0.0.0",
  PGRST_SERVER_PORT: "80",
  PGRST_SERVER_TRACE_HEADER: "X-Request-Id",
  PGRST_SERVER_TIMING_ENABLED: "true",
  PGRST_SERVER_UNIX_SOCKET: "/tmp/pgrst_io_test.sock",
  PGRST_SERVER_UNIX_SOCKET_MODE: "777",
  PGRST_ADMIN_SERVER_HOST: "127.0.0.1",
  PGRST_ADMIN_SERVER_PORT: "3001",
};

const NO_DEFAULTS_DUMP = `admin-server-host = "127.0.0.1"
admin-server-port = 3001
admin-server-unix-socket = ""
admin-server-unix-socket-mode = "660"
app.settings.test = "test"
app.settings.test2 = "test"
client-error-verbosity = "verbose"
db-aggregates-enabled = true
db-anon-role = "root"
db-channel = "postgrest"
db-channel-enabled = false
db-config = false
db-extra-search-path = "public,test"
db-hoisted-tx-settings = "work_mem"
db-max-rows = 1000
db-plan-enabled = true
db-pool = 1
db-pool-acquisition-timeout = 30
db-pool-automatic-recovery = false
db-pool-max-idletime = 60
db-pool-max-lifetime = 3600
db-pre-config = "postgrest.pre_config"
db-pre-request = "please_run_fast"
db-prepared-statements = false
db-root-spec = "openapi_v3"
db-schemas = "multi,tenant,setup"
db-tx-end = "rollback-allow-override"
db-uri = "tmp_db"
jwt-aud = "https://postgrest.org"
jwt-cache-max-entries = 86400
jwt-role-claim-key = ".\\"user\\"[0].\\"real-role\\""
jwt-secret = "c2VjdXJpdHl0aHJvdWdob2JzY3VyaXR5aW5iYXNlNjQ="
jwt-secret-is-base64 = true
log-level = "info"
log-query = true
openapi-mode = "ignore-privileges"
openapi-security-active = true
openapi-server-proxy-uri = "https://postgrest.org"
server-cors-allowed-origins = "http://example.com"
server-host = "0.0.0.0"
server-port = 80
server-reuseport = false
server-timing-enabled = true
server-trace-header = "X-Request-Id"
server-unix-socket = "/tmp/pgrst_io_test.sock"
server-unix-socket-mode = "777"
url-use-legacy-target-names = true
`;

const reread = (dump: string): AppConfig =>
  buildConfig({ file: parseConfigFile(dump, { env: {}, path: "dump" }) });

Deno.test("dumpConfig() prints the defaults as sorted key = value lines", () => {
  assert.equal(dumpConfig(defaultConfig()), DEFAULTS_DUMP);
});

Deno.test("dumpConfig() prints a config from every environment variable like PostgREST", () => {
  const { raw, appSettings } = rawFromEnv(NO_DEFAULTS_ENV);
  assert.equal(dumpConfig(buildConfig({ env: raw, appSettings })), NO_DEFAULTS_DUMP);
});

Deno.test("dumpConfig() output reads back to the same dump", () => {
  const { raw, appSettings } = rawFromEnv({
    ...NO_DEFAULTS_ENV,
    PGRST_JWT_ROLE_CLAIM_KEY: "$.roles[0]",
    PGRST_APP_SETTINGS_quoted: 'say "hi"',
  });
  const dumped = dumpConfig(buildConfig({ env: raw, appSettings }));
  assert.match(dumped, /^jwt-role-claim-key = "\$\$\.roles\[0\]"$/m);
  assert.match(dumped, /^app\.settings\.quoted = "say \\"hi\\""$/m);
  assert.equal(dumpConfig(reread(dumped)), dumped);
  assert.equal(dumpConfig(reread(DEFAULTS_DUMP)), DEFAULTS_DUMP);
});

Deno.test("dumpConfig() escapes $ only in the role claim key, as PostgREST does", () => {
  const dumped = dumpConfig(defaultConfig({ dbAnonRole: "a$b", jwtRoleClaimKey: "$.a" }));
  assert.match(dumped, /^db-anon-role = "a\$b"$/m);
  assert.match(dumped, /^jwt-role-claim-key = "\$\$\.a"$/m);
});

Deno.test("dumpConfig() re-encodes a URL-safe base64 secret as standard base64", () => {
  const config = defaultConfig({
    jwtSecret: "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_A.",
    jwtSecretIsBase64: true,
  });
  assert.match(
    dumpConfig(config),
    /^jwt-secret = "\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/\+\/A="$/m,
  );
});

Deno.test("dumpConfig() writes a plain secret and names as configured", () => {
  const dumped = dumpConfig(defaultConfig({
    jwtSecret: "reallyreallyreallyreallyverysafe",
    dbPreRequest: { schema: "api", name: "check" },
    serverCorsAllowedOrigins: ["http://a.com", "http://b.com"],
    dbMaxRows: 5,
  }));
  assert.match(dumped, /^jwt-secret = "reallyreallyreallyreallyverysafe"$/m);
  assert.match(dumped, /^db-pre-request = "api\.check"$/m);
  assert.match(dumped, /^server-cors-allowed-origins = "http:\/\/a\.com,http:\/\/b\.com"$/m);
  assert.match(dumped, /^db-max-rows = 5$/m);
});

Deno.test("dumpConfig() prints a JSONPath role claim key through the canonical printer", () => {
  const dumped = dumpConfig(defaultConfig({ jwtRoleClaimKey: '$.roles["a-b"]' }), {
    formatRoleClaimKey: (k) => k.replaceAll('"', "'"),
  });
  assert.match(dumped, /^jwt-role-claim-key = "\$\$\.roles\['a-b'\]"$/m);
});

Deno.test("dumpConfig() normalizes a deprecated role claim key", () => {
  assert.match(
    dumpConfig(defaultConfig({ jwtRoleClaimKey: ".role" })),
    /^jwt-role-claim-key = "\.\\"role\\""$/m,
  );
  assert.match(
    dumpConfig(defaultConfig({ jwtRoleClaimKey: '.roles[?(@ == "role1")]' })),
    /^jwt-role-claim-key = "\.\\"roles\\"\[\?\(@ == \\"role1\\"\)\]"$/m,
  );
});
