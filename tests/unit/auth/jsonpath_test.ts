import assert from "node:assert/strict";
import { encodeJson, fromPlain, type JsonObject, type JsonValue } from "../../../lib/auth/json.ts";
import {
  evaluateJsonPath,
  evaluateRoleClaim,
  parseJsonPath,
  parseRoleClaimKey,
  RoleClaimKeyError,
} from "../../../lib/auth/jsonpath.ts";

const doc = (v: unknown) => fromPlain(v) as JsonObject;
const show = (v: JsonValue | undefined) => v === undefined ? undefined : encodeJson(v);

/** The first match of `path` in `claims`, as JSON text. */
function first(path: string, claims: unknown): string | undefined {
  return show(evaluateRoleClaim(parseRoleClaimKey(path).path, doc(claims)));
}

Deno.test("parseJsonPath() reads the default $.role", () => {
  assert.deepEqual(parseJsonPath("$.role"), {
    root: "$",
    segments: [{ descendant: false, selectors: [{ kind: "name", name: "role" }] }],
  });
});

Deno.test("evaluateRoleClaim() walks names, quoted names and indexes", () => {
  const claims = { realm: { roles: ["writer", "admin"] }, "a-b": { "x y": "q" }, "it's": 1 };
  assert.equal(first("$.realm.roles[1]", claims), '"admin"');
  assert.equal(first("$.realm.roles[-1]", claims), '"admin"');
  assert.equal(first("$.realm.roles[0]", claims), '"writer"');
  assert.equal(first("$.realm.roles[9]", claims), undefined);
  assert.equal(first("$.missing", claims), undefined);
  assert.equal(first(`$["a-b"]['x y']`, claims), '"q"');
  assert.equal(first(`$['it\\'s']`, claims), "1");
  assert.equal(first(`$["\\u0061-b"]["x\\u0020y"]`, claims), '"q"');
  assert.equal(first("$.realm", claims), '{"roles":["writer","admin"]}');
});

Deno.test("evaluateRoleClaim() picks the first element a filter keeps", () => {
  const claims = { roles: ["one", "two", "twenty", 2] };
  const cases: [string, string | undefined][] = [
    ["$.roles[?(@ == 'two')]", '"two"'],
    ['$.roles[?@ == "two"]', '"two"'],
    ["$.roles[?(@ != 'one')]", '"two"'],
    ["$.roles[?search(@, '^tw')]", '"two"'],
    ["$.roles[?search(@, 'enty$')]", '"twenty"'],
    ["$.roles[?search(@, 'went')]", '"twenty"'],
    ["$.roles[?!search(@, 'o')]", '"twenty"'],
    ["$.roles[?@ == 2]", "2"],
    ["$.roles[?@ > 'three']", '"two"'],
    ["$.roles[?@ >= 2 && @ <= 2.0]", "2"],
    ["$.roles[?@ == 'x' || @ == 'twenty']", '"twenty"'],
    ["$.roles[?!(@ == 'one' || @ == 'two')]", '"twenty"'],
    ["$.roles[?(@ == 'absent')]", undefined],
  ];
  for (const [path, expected] of cases) assert.equal(first(path, claims), expected, path);
  assert.equal(first("$.roles[?(@ == 'x')]", { roles: "not-a-list" }), undefined);
});

Deno.test("evaluateRoleClaim() filters objects by member, visiting members in key order", () => {
  const claims = { roles: { b: "beta", a: "alpha", c: "gamma" } };
  assert.equal(first("$.roles[?search(@, 'a')]", claims), '"alpha"');
  assert.equal(first("$.roles.*", claims), '"alpha"');
  const users = { users: [{ name: "x", role: "r1" }, { name: "y", role: "r2" }] };
  assert.equal(first("$.users[?@.name == 'y'].role", users), '"r2"');
  assert.equal(first("$.users[?@.missing].role", users), undefined);
  assert.equal(first("$.users[?@.name].role", users), '"r1"');
  assert.equal(first("$.users[?@.name == $.users[1].name].role", users), '"r2"');
});

Deno.test("evaluateJsonPath() supports wildcards, slices, descendants and several selectors", () => {
  const d = doc({ a: [0, 1, 2, 3, 4], b: { c: { role: "deep" } } });
  const all = (p: string) => {
    const q = parseJsonPath(p);
    return evaluateJsonPath(q, d);
  };
  assert.equal(show(all("$.a[1:3]")), "1");
  assert.equal(show(all("$.a[::-1]")), "4");
  assert.equal(show(all("$.a[-2:]")), "3");
  assert.equal(show(all("$.a[1, 0]")), "1");
  assert.equal(show(all("$..role")), '"deep"');
  assert.equal(show(all("$..c.role")), '"deep"');
  assert.equal(show(all("$.b[*]")), '{"role":"deep"}');
  assert.equal(show(all("$ .a [ 4 ]")), "4");
});

Deno.test("parseRoleClaimKey() rejects malformed paths with PostgREST's message", () => {
  const bad = [
    "",
    "$.",
    "$.a[",
    "$.a[b]",
    "$.a]",
    "$.a b",
    '$.""',
    '$["unterminated',
    "@@.role.other",
    "role.other",
    "$.a[01]",
    "$.a[?@.* == 1]",
    "$.a[?length(@) == 1]",
    "$.a[?'x']",
    "$.-a",
  ];
  for (const text of bad) {
    assert.throws(() => parseRoleClaimKey(text), (e) => {
      assert.ok(e instanceof RoleClaimKeyError, text);
      assert.ok(
        e.message.startsWith(`"failed to parse role-claim-key value (${text})" (line 1, column `),
        e.message,
      );
      return true;
    });
  }
});

Deno.test("parseRoleClaimKey() accepts the deprecated DSL with a warning", () => {
  const { path, warning } = parseRoleClaimKey('.realm_access."https://x.io/roles"[1]');
  assert.equal(path.kind, "deprecated");
  assert.ok(warning !== null && warning.includes("deprecated JSPath syntax"));
  assert.ok(warning.includes('$.realm_access["https://x.io/roles"][1]'), warning);
  assert.equal(parseRoleClaimKey("$.role").warning, null);
});

Deno.test("evaluateRoleClaim() evaluates the deprecated DSL like PostgREST's old evaluator", () => {
  const claims = {
    realm_access: { roles: ["other", "postgrest_test_author"] },
    "https://x.io/r": "y",
    a$b: "z",
  };
  const cases: [string, string | undefined][] = [
    ['.realm_access.roles[?(@ == "other")]', '"other"'],
    ['.realm_access.roles[?(@ != "other")]', '"postgrest_test_author"'],
    ['.realm_access.roles[?(@ ^== "postgrest_te")]', '"postgrest_test_author"'],
    ['.realm_access.roles[?(@ ==^ "author")]', '"postgrest_test_author"'],
    ['.realm_access.roles[?(@*=="test")]', '"postgrest_test_author"'],
    [".realm_access.roles[1]", '"postgrest_test_author"'],
    [".realm_access.roles[2]", undefined],
    [".realm_access.missing", undefined],
    ['."https://x.io/r"', '"y"'],
    [".a$b", '"z"'],
    [".realm_access", '{"roles":["other","postgrest_test_author"]}'],
  ];
  for (const [path, expected] of cases) assert.equal(first(path, claims), expected, path);
  assert.equal(first('.roles[?(@ == "string")]', { roles: [{ obj_key: "string" }] }), undefined);
});

Deno.test("parseRoleClaimKey() rejects what the deprecated grammar rejects", () => {
  for (
    const text of [
      ".",
      ".a-b",
      ".a[",
      ".a[-1]",
      '.a["x"]',
      '."unterminated',
      '.r[?(@ == "a")].next',
      '.r[?(@ < "a")]',
    ]
  ) {
    assert.throws(() => parseRoleClaimKey(text), RoleClaimKeyError, text);
  }
});
