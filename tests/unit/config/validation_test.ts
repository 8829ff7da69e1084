import assert from "node:assert/strict";
import { buildConfig, ConfigError, rawFromEnv } from "../../../lib/config/config.ts";
import { parseConfigFile } from "../../../lib/config/file.ts";
import { defaultRoleClaimKeyValidator } from "../../../lib/config/role_claim_key.ts";

const fromEnv = (env: Record<string, string>, validateRoleClaimKey?: (k: string) => string | null) => {
  const { raw, appSettings } = rawFromEnv(env);
  return buildConfig({ env: raw, appSettings, validateRoleClaimKey });
};

const errorOf = (env: Record<string, string>): string => {
  try {
    fromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
};

Deno.test("buildConfig() rejects admin-server-port equal to server-port", () => {
  assert.equal(
    errorOf({ PGRST_SERVER_PORT: "3000", PGRST_ADMIN_SERVER_PORT: "3000" }),
    "Error in config admin-server-port cannot be the same as server-port",
  );
  assert.equal(
    errorOf({ PGRST_ADMIN_SERVER_PORT: "3000" }),
    "Error in config admin-server-port cannot be the same as server-port",
  );
  assert.equal(fromEnv({ PGRST_ADMIN_SERVER_PORT: "3001" }).adminServerPort, 3001);
});

Deno.test("buildConfig() rejects socket modes that are not octal or outside 600..777", () => {
  assert.equal(
    errorOf({ PGRST_SERVER_UNIX_SOCKET_MODE: "800" }),
    "Error in config Invalid server-unix-socket-mode: not an octal",
  );
  assert.equal(
    errorOf({ PGRST_SERVER_UNIX_SOCKET_MODE: "599" }),
    "Error in config Invalid server-unix-socket-mode: needs to be between 600 and 777",
  );
  assert.equal(
    errorOf({ PGRST_ADMIN_SERVER_UNIX_SOCKET_MODE: "1000" }),
    "Error in config Invalid admin-server-unix-socket-mode: needs to be between 600 and 777",
  );
  // readOct reads the leading octal digits and ignores the rest.
  assert.equal(fromEnv({ PGRST_SERVER_UNIX_SOCKET_MODE: "0600" }).serverUnixSocketMode, 0o600);
  assert.equal(fromEnv({ PGRST_SERVER_UNIX_SOCKET_MODE: "7778" }).serverUnixSocketMode, 0o777);
});

Deno.test("buildConfig() rejects a socket mode written as a number in the file", () => {
  assert.throws(
    () => buildConfig({ file: parseConfigFile("server-unix-socket-mode = 660\n", { env: {}, path: "t" }) }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === "Error in config Invalid server-unix-socket-mode: not an octal",
  );
});

Deno.test("buildConfig() rejects values outside the enumerations", () => {
  assert.equal(
    errorOf({ PGRST_LOG_LEVEL: "never" }),
    "Error in config Invalid logging level. Check your configuration.",
  );
  assert.equal(
    errorOf({ PGRST_DB_TX_END: "random" }),
    "Error in config Invalid transaction termination. Check your configuration.",
  );
  assert.equal(
    errorOf({ PGRST_OPENAPI_MODE: "follow-" }),
    "Error in config Invalid openapi-mode. Check your configuration.",
  );
  assert.equal(
    errorOf({ PGRST_CLIENT_ERROR_VERBOSITY: "Minimal" }),
    "Error in config Invalid client-error-verbosity. Check your configuration.",
  );
  for (const level of ["crit", "error", "warn", "info", "debug"]) {
    assert.equal(fromEnv({ PGRST_LOG_LEVEL: level }).logLevel, level);
  }
});

Deno.test("buildConfig() rejects a malformed openapi-server-proxy-uri", () => {
  const message = "Error in config Malformed proxy uri, a correct example: https://example.com:8443/basePath";
  for (
    const uri of [
      "htp:/@@localhorst.invalid",
      "ftp://example.com",
      "https://u@example.com",
      "https://example.com?a=1",
    ]
  ) {
    assert.equal(errorOf({ PGRST_OPENAPI_SERVER_PROXY_URI: uri }), message, uri);
  }
  assert.equal(
    fromEnv({ PGRST_OPENAPI_SERVER_PROXY_URI: "https://postgrest.org" }).openapiServerProxyUri,
    "https://postgrest.org",
  );
});

Deno.test("buildConfig() rejects a jwt-aud with a colon that is not a URI", () => {
  assert.equal(
    errorOf({ PGRST_JWT_AUD: "http://%%localhorst.invalid" }),
    "Error in config jwt-aud should be a string or a valid URI",
  );
  assert.equal(fromEnv({ PGRST_JWT_AUD: "https://postgrest.org" }).jwtAud, "https://postgrest.org");
  assert.equal(fromEnv({ PGRST_JWT_AUD: "just a string" }).jwtAud, "just a string");
});

Deno.test("buildConfig() rejects pg_catalog and information_schema in db-schemas", () => {
  assert.equal(
    errorOf({ PGRST_DB_SCHEMAS: "api,pg_catalog" }),
    "Error in config db-schemas does not allow schema: 'pg_catalog'",
  );
  assert.equal(
    errorOf({ PGRST_DB_SCHEMAS: "information_schema, pg_catalog" }),
    "Error in config db-schemas does not allow schema: 'pg_catalog'",
  );
  assert.equal(
    errorOf({ PGRST_DB_SCHEMA: "information_schema" }),
    "Error in config db-schemas does not allow schema: 'information_schema'",
  );
});

Deno.test("buildConfig() rejects invalid role claim keys with the parser's message", () => {
  for (const key of ["role.other", ".role##", ".my_role;;domain", ".#$$%&$%/", "1234", ".role[?(@ =)]"]) {
    assert.match(
      errorOf({ PGRST_JWT_ROLE_CLAIM_KEY: key }),
      /^Error in config "failed to parse role-claim-key value/,
      key,
    );
  }
  assert.equal(
    errorOf({ PGRST_JWT_ROLE_CLAIM_KEY: "1234" }),
    'Error in config "failed to parse role-claim-key value (1234)" (line 1, column 1):\n' +
      'unexpected "1"\nexpecting "." or "["',
  );
});

Deno.test("buildConfig() accepts JSONPath and deprecated JSPath role claim keys", () => {
  for (
    const key of [
      "$.role",
      "$.postgrest.roles[1]",
      "$['https://www.example.com/role'].key",
      "$.roles[?(@ == 'a')]",
    ]
  ) {
    assert.equal(fromEnv({ PGRST_JWT_ROLE_CLAIM_KEY: key }).jwtRoleClaimKey, key);
  }
  for (
    const key of [".role", '."https://www.example.com/roles"[0].value', '.realm_access.roles[?(@ ^== "pg")]']
  ) {
    assert.equal(defaultRoleClaimKeyValidator(key), null, key);
  }
});

Deno.test("buildConfig() uses the injected role claim key validator", () => {
  const seen: string[] = [];
  const validator = (k: string) => (seen.push(k), k === "$.bad" ? "bad key" : null);
  assert.throws(
    () => fromEnv({ PGRST_JWT_ROLE_CLAIM_KEY: "$.bad" }, validator),
    (e: unknown) => e instanceof ConfigError && e.message === "Error in config bad key",
  );
  assert.equal(fromEnv({ PGRST_JWT_ROLE_CLAIM_KEY: "$.good" }, validator).jwtRoleClaimKey, "$.good");
  assert.deepEqual(seen, ["$.bad", "$.good"]);
});

Deno.test("buildConfig() reports the first invalid option in PostgREST's parse order", () => {
  assert.equal(
    errorOf({ PGRST_LOG_LEVEL: "never", PGRST_DB_TX_END: "random", PGRST_SERVER_UNIX_SOCKET_MODE: "1" }),
    "Error in config Invalid transaction termination. Check your configuration.",
  );
});
