import assert from "node:assert/strict";
import {
  ConfigFileError,
  type FileValue,
  loadConfigFile,
  parseConfigFile,
  parseDirectives,
  resolveImport,
} from "../../../lib/config/file.ts";

const parse = (text: string, env: Record<string, string> = {}): Map<string, FileValue> =>
  parseConfigFile(text, { env, path: "postgrest.conf" });

const parseError = (text: string, env: Record<string, string> = {}): string => {
  try {
    parse(text, env);
  } catch (e) {
    if (e instanceof ConfigFileError) return e.message;
    throw e;
  }
  throw new Error("expected a parse error");
};

Deno.test("parseConfigFile() reads strings, numbers, booleans and lists", () => {
  const c = parse(`
db-uri = "postgres://app@localhost/app"
db-pool = 10
server-timing-enabled = true
db-prepared-statements = off
log-query = on
db-plan-enabled = false
ratio = 1.5
big = 1e3
xs = [1, "two", [true]]
`);
  assert.deepEqual([...c], [
    ["db-uri", "postgres://app@localhost/app"],
    ["db-pool", 10],
    ["server-timing-enabled", true],
    ["db-prepared-statements", false],
    ["log-query", true],
    ["db-plan-enabled", false],
    ["ratio", 1.5],
    ["big", 1000],
    ["xs", [1, "two", [true]]],
  ]);
});

Deno.test("parseConfigFile() skips comments, blank lines and values split over lines", () => {
  const c = parse('# a comment\n\n  aa # here\n= # and here\n 1 # end\n\nab =\n"foo"\n#\nnotacomment = 42\n');
  assert.deepEqual([...c], [["aa", 1], ["ab", "foo"], ["notacomment", 42]]);
});

Deno.test("parseConfigFile() drops a directive commented out with #;", () => {
  const c = parse('#; comment {\n  x = 1\n  msg = "foo"\n}\nkept = 1\n#; db-pool = 3\n');
  assert.deepEqual([...c], [["kept", 1]]);
});

Deno.test("parseConfigFile() decodes string escapes, unicode escapes and surrogate pairs", () => {
  const c = parse(String.raw`s = "a\"b\\c\nd\te\rf \u00e9 \ud83d\ude00"`);
  assert.equal(c.get("s"), 'a"b\\c\nd\te\rf é 😀');
});

Deno.test("parseConfigFile() keeps raw line breaks and UTF-8 text inside strings", () => {
  const c = parse('s = "line1\nline2"\nt = "日本語 ünïcödé"\n');
  assert.equal(c.get("s"), "line1\nline2");
  assert.equal(c.get("t"), "日本語 ünïcödé");
});

Deno.test("parseConfigFile() flattens nested groups into dotted keys", () => {
  const c = parse(
    'app.settings {\n  jwt_exp = 3600\n  nested { deep = "x" }\n}\napp { settings { other = "y" } }\n',
  );
  assert.deepEqual([...c], [
    ["app.settings.jwt_exp", 3600],
    ["app.settings.nested.deep", "x"],
    ["app.settings.other", "y"],
  ]);
});

Deno.test("parseConfigFile() lets a later binding win", () => {
  assert.equal(parse('db-schemas = "a"\ndb-schemas = "b"\n').get("db-schemas"), "b");
});

Deno.test("parseConfigFile() interpolates $(VAR) from the environment and $$ as a literal $", () => {
  const c = parse('db-uri = "$(DATABASE_URL)/x"\nkey = "$$.role"\nmix = "a$$$(B)c"\n', {
    DATABASE_URL: "postgres://h",
    B: "b",
  });
  assert.equal(c.get("db-uri"), "postgres://h/x");
  assert.equal(c.get("key"), "$.role");
  assert.equal(c.get("mix"), "a$bc");
});

Deno.test("parseConfigFile() interpolates earlier keys, innermost group first", () => {
  const c = parse(`services = "/srv"
root = "outer"
myprogram {
  name = "prog"
  root = "$(services)/$(name)"
  exec = "$(root)/$(name)"
}
n = 42
f = 0.5
s = "$(n) $(f)"
`);
  assert.equal(c.get("myprogram.exec"), "/srv/prog/prog");
  assert.equal(c.get("s"), "42 0.5");
});

Deno.test("parseConfigFile() reports an unknown variable like configurator-pg", () => {
  assert.equal(parseError('first = 1\nthird = "$(three)"\n'), "<third>:\nno such variable: 'three'\n");
});

Deno.test("parseConfigFile() reports interpolating a boolean", () => {
  assert.equal(
    parseError('first = true\nthird = "$(first)"\n'),
    "<third>:\nvariable 'first' is not a string or number\n",
  );
});

Deno.test("parseConfigFile() reports a $ not followed by $ or (", () => {
  assert.equal(parseError('a = "$x"\n'), "<a>:1:2:\n  |\n1 | $x\n  |  ^\nunexpected 'x'\n");
  assert.equal(parseError('b = "$$$"\n'), "<b>:1:4:\n  |\n1 | $$$\n  |    ^\nunexpected end of input\n");
});

Deno.test("parseConfigFile() reports an unclosed $(", () => {
  assert.equal(
    parseError('c = "$( let\'s never close this"\n'),
    "<c>:1:26:\n  |\n1 | $( let's never close this\n  |                          ^\nunexpected end of input\nexpecting ')'\n",
  );
});

Deno.test("parseConfigFile() takes everything up to ) as the variable name", () => {
  assert.equal(
    parseError('d = "$(a second $( is probably fine)"\n'),
    "<d>:\nno such variable: 'a second $( is probably fine'\n",
  );
});

Deno.test("parseConfigFile() reports a single-quoted value like megaparsec", () => {
  assert.equal(
    parseError("app.settings.external_api_secret = 'some_value'\n"),
    "postgrest.conf:1:36:\n  |\n1 | app.settings.external_api_secret = 'some_value'\n" +
      '  |                                    ^^^^^\nunexpected "\'some"\n' +
      'expecting "false", "off", "on", "true", \'"\', \'[\', or digit\n',
  );
});

Deno.test("parseConfigFile() reports the line and column of an error after other lines", () => {
  const msg = parseError('a = 1\nb = "ok"\nc = -5\n');
  assert.ok(
    msg.startsWith('postgrest.conf:3:5:\n  |\n3 | c = -5\n  |     ^^\nunexpected "-5<newline>"\n'),
    msg,
  );
});

Deno.test("parseConfigFile() rejects junk after a value and a missing =", () => {
  assert.match(
    parseError('a = "x" b\n'),
    /^postgrest\.conf:1:9:[^]*unexpected 'b'\nexpecting end of input\n$/,
  );
  assert.match(parseError("a 1\n"), /^postgrest\.conf:1:3:[^]*unexpected '1'\nexpecting '=' or '\{'\n$/);
});

Deno.test("parseConfigFile() rejects an unterminated string and a bad escape", () => {
  assert.match(parseError('a = "abc'), /unexpected end of input\nexpecting '"' or '\\'\n$/);
  assert.match(parseError('a = "\\x"'), /^postgrest\.conf:1:7:[^]*unexpected 'x'\n$/);
  assert.match(parseError('a = "\\ud800\\u0041"'), /invalid UTF-16 surrogates\n$/);
  assert.match(parseError('a = "\\u00g0"'), /unexpected 'g'\nexpecting hexadecimal digit\n$/);
});

Deno.test("parseConfigFile() rejects an unclosed group and list", () => {
  assert.match(parseError("g {\n a = 1\n"), /unexpected end of input\nexpecting '\}'\n$/);
  assert.match(parseError("xs = [1, 2"), /unexpected end of input\nexpecting ',' or '\]'\n$/);
});

Deno.test("parseConfigFile() rejects two directives on one line", () => {
  assert.match(parseError("a = 1 b = 2\n"), /^postgrest\.conf:1:7:/);
});

Deno.test("parseDirectives() keeps import directives for the loader", () => {
  assert.deepEqual(parseDirectives('import "other.conf"\n', "a.conf"), [{
    kind: "import",
    path: "other.conf",
  }]);
});

Deno.test("resolveImport() resolves relative to the importing file", () => {
  assert.equal(resolveImport("/etc/pgrst/a.conf", "b.conf"), "/etc/pgrst/b.conf");
  assert.equal(resolveImport("a.conf", "b.conf"), "b.conf");
  assert.equal(resolveImport("/etc/a.conf", "/opt/b.conf"), "/opt/b.conf");
});

Deno.test("loadConfigFile() reads imported files, also inside groups", async () => {
  const files: Record<string, string> = {
    "/etc/main.conf": 'db-pool = 1\nimport "common.conf"\napp.settings { import "app.conf" }\n',
    "/etc/common.conf": 'db-schemas = "api"\n',
    "/etc/app.conf": 'x = "$(db-schemas)"\n',
  };
  const c = await loadConfigFile("/etc/main.conf", {
    env: {},
    readTextFile: (p) =>
      files[p] !== undefined ? Promise.resolve(files[p]) : Promise.reject(new Error("nope")),
  });
  assert.deepEqual([...c], [["db-pool", 1], ["db-schemas", "api"], ["app.settings.x", "api"]]);
});

Deno.test("loadConfigFile() reports a file that cannot be read with its path", async () => {
  await assert.rejects(
    loadConfigFile("does_not_exist.conf", {
      env: {},
      readTextFile: () => Promise.reject(new Error("openFile: does not exist (No such file or directory)")),
    }),
    (e: unknown) =>
      e instanceof ConfigFileError &&
      e.message === "does_not_exist.conf: openFile: does not exist (No such file or directory)",
  );
});
