import assert from "node:assert/strict";
import {
  DEFAULT_DATA_DIR,
  EmbeddedError,
  embeddedTarget,
  embeddedUri,
  isEmbeddedUri,
  parseEmbeddedUri,
  splitInitArgs,
} from "../../../lib/embedded/target.ts";

Deno.test("isEmbeddedUri() selects pglite: URIs only", () => {
  assert.equal(isEmbeddedUri("pglite://./data"), true);
  assert.equal(isEmbeddedUri("PGLITE:data"), true);
  assert.equal(isEmbeddedUri("postgres://localhost/app"), false);
  assert.equal(isEmbeddedUri("postgresql://pglite/app"), false);
});

Deno.test("parseEmbeddedUri() reads relative, absolute and bare paths", () => {
  assert.deepEqual(parseEmbeddedUri("pglite://./data"), { dataDir: "./data", user: null, demo: true });
  assert.deepEqual(parseEmbeddedUri("pglite:///var/lib/pgrst"), {
    dataDir: "/var/lib/pgrst",
    user: null,
    demo: true,
  });
  assert.deepEqual(parseEmbeddedUri("pglite://data/sub"), { dataDir: "data/sub", user: null, demo: true });
  assert.deepEqual(parseEmbeddedUri("pglite:data"), { dataDir: "data", user: null, demo: true });
  assert.deepEqual(parseEmbeddedUri("pglite://my%20db"), { dataDir: "my db", user: null, demo: true });
});

Deno.test("parseEmbeddedUri() keeps the database in memory for :memory: or no path", () => {
  assert.equal(parseEmbeddedUri("pglite://:memory:").dataDir, null);
  assert.equal(parseEmbeddedUri("pglite://").dataDir, null);
  assert.equal(parseEmbeddedUri("pglite:").dataDir, null);
});

Deno.test("parseEmbeddedUri() reads the login role from ?user=", () => {
  assert.deepEqual(parseEmbeddedUri("pglite://./d?user=web%20auth"), {
    dataDir: "./d",
    user: "web auth",
    demo: true,
  });
});

Deno.test("parseEmbeddedUri() rejects unknown options and bad escapes", () => {
  assert.throws(
    () => parseEmbeddedUri("pglite://./d?password=x"),
    (e: unknown) => e instanceof EmbeddedError && e.message.includes('unknown option "password"'),
  );
  assert.throws(() => parseEmbeddedUri("pglite://%zz"), EmbeddedError);
});

Deno.test("embeddedUri() writes a URI that parses back to the same target", () => {
  for (
    const uri of ["pglite://./data", "pglite:///abs/dir?user=auth", "pglite://:memory:", "pglite://a%20b%3Fc"]
  ) {
    const t = parseEmbeddedUri(uri);
    assert.deepEqual(parseEmbeddedUri(embeddedUri(t)), t, uri);
  }
});

Deno.test("embeddedTarget() without db-uri is the demo in ./pgrst-data, or memory with --init files", () => {
  assert.deepEqual(embeddedTarget(undefined, []), { dataDir: DEFAULT_DATA_DIR, user: null, demo: true });
  assert.deepEqual(embeddedTarget(undefined, ["schema.sql"]), { dataDir: null, user: null, demo: false });
});

Deno.test("embeddedTarget() with a pglite: db-uri seeds the demo only without --init files", () => {
  assert.deepEqual(embeddedTarget("pglite://./d", []), { dataDir: "./d", user: null, demo: true });
  assert.deepEqual(embeddedTarget("pglite://./d", ["a.sql"]), { dataDir: "./d", user: null, demo: false });
});

Deno.test("embeddedTarget() is null for a PostgreSQL db-uri", () => {
  assert.equal(embeddedTarget("postgres://localhost/app", []), null);
});

Deno.test("splitInitArgs() takes --init FILE and --init=FILE out, in order", () => {
  assert.deepEqual(splitInitArgs(["--init", "a.sql", "postgrest.conf", "--init=b.sql"]), {
    initFiles: ["a.sql", "b.sql"],
    rest: ["postgrest.conf"],
  });
  assert.deepEqual(splitInitArgs(["--version"]), { initFiles: [], rest: ["--version"] });
});

Deno.test("splitInitArgs() leaves everything after -- alone", () => {
  assert.deepEqual(splitInitArgs(["--", "--init", "x"]), { initFiles: [], rest: ["--", "--init", "x"] });
});

Deno.test("splitInitArgs() needs a file after --init", () => {
  assert.throws(() => splitInitArgs(["--init"]), /--init needs a file/);
  assert.throws(() => splitInitArgs(["--init="]), /--init needs a file/);
});
