import assert from "node:assert/strict";
import { defaultConfig } from "../../../lib/config/config.ts";
import { EXAMPLE_CONFIG } from "../../../lib/config/example.ts";
import { loadConfig, readConfig, reloadConfig } from "../../../lib/config/load.ts";
import { dumpConfig } from "../../../lib/config/dump.ts";

/** An in-memory file system; `reads` records every path read. */
function files(contents: Record<string, string>) {
  const reads: string[] = [];
  const readTextFile = (path: string) => {
    reads.push(path);
    return path in contents
      ? Promise.resolve(contents[path])
      : Promise.reject(new Error("openFile: does not exist (No such file or directory)"));
  };
  return { reads, readTextFile, contents };
}

Deno.test("loadConfig() prints help, version and example without reading any file", async () => {
  const fs = files({});
  for (const argv of [["--help"], ["-v"], ["--example", "missing.conf"]]) {
    const r = await loadConfig({ argv, env: {}, readTextFile: fs.readTextFile });
    assert.equal(r.kind, "exit");
    assert.equal(r.kind === "exit" && r.exitCode, 0);
  }
  assert.deepEqual(fs.reads, []);
});

Deno.test("loadConfig() reports a usage error with the help on stderr", async () => {
  const r = await loadConfig({ argv: ["--nope"], env: {}, readTextFile: files({}).readTextFile });
  assert.equal(r.kind === "exit" && r.exitCode, 1);
  assert.match(r.kind === "exit" ? r.stderr : "", /^Invalid option `--nope'\n\nUsage: pgrst /);
});

Deno.test("loadConfig() reads the file, the environment and interpolates $(VAR)", async () => {
  const fs = files({ "/etc/pgrst.conf": 'db-uri = "$(DATABASE_URL)"\ndb-schemas = "api"\ndb-pool = 4\n' });
  const r = await loadConfig({
    argv: ["--dump-config", "/etc/pgrst.conf"],
    env: { DATABASE_URL: "postgres://db/app", PGRST_DB_POOL: "7", HOME: "/root" },
    readTextFile: fs.readTextFile,
  });
  assert.equal(r.kind, "command");
  if (r.kind !== "command") return;
  assert.equal(r.command, "dump-config");
  assert.equal(r.config.dbUri, "postgres://db/app");
  assert.deepEqual(r.config.dbSchemas, ["api"]);
  assert.equal(r.config.dbPool, 7);
  assert.equal(r.config.configFilePath, "/etc/pgrst.conf");
});

Deno.test("loadConfig() runs on defaults and the environment without a file", async () => {
  const r = await loadConfig({
    argv: [],
    env: { PGRST_DB_ANON_ROLE: "anon" },
    readTextFile: files({}).readTextFile,
  });
  assert.deepEqual(r, { kind: "command", command: "run", config: defaultConfig({ dbAnonRole: "anon" }) });
});

Deno.test("loadConfig() fails with PostgREST's message for a missing or invalid file", async () => {
  const missing = await loadConfig({
    argv: ["does_not_exist.conf"],
    env: {},
    readTextFile: files({}).readTextFile,
  });
  assert.deepEqual(missing, {
    kind: "exit",
    stdout: "",
    stderr: "Error in config does_not_exist.conf: openFile: does not exist (No such file or directory)\n",
    exitCode: 1,
  });
  const invalid = await loadConfig({
    argv: ["bad.conf"],
    env: {},
    readTextFile: files({ "bad.conf": "db-pool = 'x'\n" }).readTextFile,
  });
  assert.match(invalid.kind === "exit" ? invalid.stderr : "", /^Error in config bad\.conf:1:11:\n/);
});

Deno.test("loadConfig() fails on an invalid value", async () => {
  const r = await loadConfig({
    argv: [],
    env: { PGRST_SERVER_PORT: "3000", PGRST_ADMIN_SERVER_PORT: "3000" },
    readTextFile: files({}).readTextFile,
  });
  assert.deepEqual(r, {
    kind: "exit",
    stdout: "",
    stderr: "Error in config admin-server-port cannot be the same as server-port\n",
    exitCode: 1,
  });
});

Deno.test("readConfig() reads @file values: db-uri trimmed, jwt-secret without one newline", async () => {
  const fs = files({
    "/run/uri": "  postgres://u@h/db \n\n",
    "/run/jwt": "reallyreallyreallyreallyverysafe \n\n",
  });
  const c = await readConfig({
    configFilePath: null,
    env: { PGRST_DB_URI: "@/run/uri", PGRST_JWT_SECRET: "@/run/jwt" },
    readTextFile: fs.readTextFile,
  });
  assert.equal(c.dbUri, "postgres://u@h/db");
  assert.equal(c.jwtSecret, "reallyreallyreallyreallyverysafe \n");
});

Deno.test("readConfig() checks a secret read from a file", async () => {
  await assert.rejects(
    readConfig({
      configFilePath: null,
      env: { PGRST_JWT_SECRET: "@/run/jwt" },
      readTextFile: files({ "/run/jwt": "short\n" }).readTextFile,
    }),
    { name: "ConfigError", message: "user error (The JWT secret must be at least 32 characters long.)" },
  );
  await assert.rejects(
    readConfig({
      configFilePath: null,
      env: { PGRST_JWT_SECRET: "@a_file" },
      readTextFile: files({}).readTextFile,
    }),
    { name: "ConfigError", message: "a_file: openFile: does not exist (No such file or directory)" },
  );
});

Deno.test("readConfig() decodes a base64 secret file for the length check", async () => {
  const c = await readConfig({
    configFilePath: null,
    env: { PGRST_JWT_SECRET: "@/run/b64", PGRST_JWT_SECRET_IS_BASE64: "true" },
    readTextFile: files({ "/run/b64": "cmVhbGx5cmVhbGx5cmVhbGx5cmVhbGx5dmVyeXNhZmU=\n" }).readTextFile,
  });
  assert.equal(c.jwtSecret, "cmVhbGx5cmVhbGx5cmVhbGx5cmVhbGx5dmVyeXNhZmU=");
});

Deno.test("readConfig() reads the --example config back as the defaults", async () => {
  const c = await readConfig({
    configFilePath: "example.conf",
    env: {},
    readTextFile: files({ "example.conf": EXAMPLE_CONFIG }).readTextFile,
  });
  assert.deepEqual(c, defaultConfig({ configFilePath: "example.conf" }));
});

Deno.test("reloadConfig() re-reads the file and the db settings, keeping non-reloadable options", async () => {
  const fs = files({
    "/etc/p.conf": 'db-schemas = "v1"\nserver-port = 3000\ndb-pool = 5\ndb-uri = "postgres://a"\n',
  });
  const first = await readConfig({ configFilePath: "/etc/p.conf", env: {}, readTextFile: fs.readTextFile });
  fs.contents["/etc/p.conf"] =
    'db-schemas = "v2"\nserver-port = 4000\ndb-pool = 9\ndb-uri = "postgres://b"\n' +
    'db-tx-end = "rollback"\nlog-level = "info"\n';
  const r = await reloadConfig(first, {
    env: {},
    readTextFile: fs.readTextFile,
    dbSettings: new Map([["db-anon-role", "web"]]),
    roleIsolationLevels: new Map([["web", "serializable"]]),
  });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.config.dbSchemas, ["v2"]);
  assert.equal(r.config.dbAnonRole, "web");
  assert.equal(r.config.dbTxEnd, "rollback");
  assert.equal(r.config.logLevel, "info");
  assert.deepEqual([...r.config.roleIsolationLevels], [["web", "serializable"]]);
  assert.equal(r.config.serverPort, 3000);
  assert.equal(r.config.dbPool, 5);
  assert.equal(r.config.dbUri, "postgres://a");
});

Deno.test("reloadConfig() at start-up takes every new value but the connection string", async () => {
  const fs = files({ "/etc/p.conf": 'db-uri = "@/run/uri"\n', "/run/uri": "postgres://first\n" });
  const first = await readConfig({ configFilePath: "/etc/p.conf", env: {}, readTextFile: fs.readTextFile });
  assert.equal(first.dbUri, "postgres://first");
  fs.contents["/etc/p.conf"] = 'db-uri = "@/run/uri"\nserver-port = 4000\n';
  fs.contents["/run/uri"] = "postgres://second\n";
  const r = await reloadConfig(first, { env: {}, readTextFile: fs.readTextFile, startingUp: true });
  assert.ok(r.ok && r.config.serverPort === 4000 && r.config.dbUri === "postgres://first");
});

Deno.test("reloadConfig() returns the error of an invalid new config", async () => {
  const fs = files({ "/etc/p.conf": 'log-level = "info"\n' });
  const first = await readConfig({ configFilePath: "/etc/p.conf", env: {}, readTextFile: fs.readTextFile });
  fs.contents["/etc/p.conf"] = 'log-level = "loud"\n';
  assert.deepEqual(await reloadConfig(first, { env: {}, readTextFile: fs.readTextFile }), {
    ok: false,
    error: "Error in config Invalid logging level. Check your configuration.",
  });
  const bad = await reloadConfig(first, {
    env: {},
    readTextFile: fs.readTextFile,
    dbSettings: new Map([["jwt-secret", "short"]]),
  });
  assert.equal(bad.ok, false);
});

Deno.test("reloadConfig() keeps a dump stable across reloads", async () => {
  const fs = files({ "/etc/p.conf": 'db-schemas = "api"\napp.settings.x = "1"\n' });
  const first = await readConfig({ configFilePath: "/etc/p.conf", env: {}, readTextFile: fs.readTextFile });
  const r = await reloadConfig(first, { env: {}, readTextFile: fs.readTextFile });
  assert.ok(r.ok);
  assert.equal(r.ok && dumpConfig(r.config), dumpConfig(first));
});
