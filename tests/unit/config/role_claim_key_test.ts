import assert from "node:assert/strict";
import {
  defaultRoleClaimKeyValidator,
  deprecatedRoleClaimKeyWarning,
  dumpDeprecatedRoleClaimKey,
} from "../../../lib/config/role_claim_key.ts";

Deno.test("defaultRoleClaimKeyValidator() accepts the deprecated JSPath forms PostgREST accepted", () => {
  for (
    const key of [
      ".postgrest.a_role",
      ".customObject.manyRoles[1]",
      '."https://www.example.com/roles"[0].value',
      '.realm_access.roles[?(@ == "postgrest_test_author")]',
      '.realm_access.roles[?(@ != "other")]',
      '.realm_access.roles[?(@ ^== "postgrest_te")]',
      '.realm_access.roles[?(@ ==^ "st_test_author")]',
      '.realm_access.roles[?(@ *== "_test_")]',
    ]
  ) {
    assert.equal(defaultRoleClaimKeyValidator(key), null, key);
  }
});

Deno.test("defaultRoleClaimKeyValidator() rejects a filter that is not last and unbalanced JSONPath", () => {
  assert.match(defaultRoleClaimKeyValidator('.a[?(@ == "x")].b') ?? "", /column 16/);
  assert.notEqual(defaultRoleClaimKeyValidator("$.roles[0"), null);
  assert.notEqual(defaultRoleClaimKeyValidator("$.roles[?(@ == 'x']"), null);
  assert.notEqual(defaultRoleClaimKeyValidator(""), null);
});

Deno.test("dumpDeprecatedRoleClaimKey() quotes names as Haskell shows text", () => {
  assert.equal(dumpDeprecatedRoleClaimKey(".role"), '."role"');
  assert.equal(dumpDeprecatedRoleClaimKey('.user[0]."real-role"'), '."user"[0]."real-role"');
  assert.equal(dumpDeprecatedRoleClaimKey('.roles[?(@ *== "é")]'), '."roles"[?(@ *== "\\233")]');
});

Deno.test("deprecatedRoleClaimKeyWarning() warns about the deprecated syntax only", () => {
  assert.deepEqual(deprecatedRoleClaimKeyWarning(".roles.user_role"), [
    'WARNING: The config `jwt-role-claim-key=."roles"."user_role"` is using the deprecated JSPath syntax.',
    'Update `jwt-role-claim-key=."roles"."user_role"` to the new JSONPath syntax as support for JSPath will be ' +
    "removed in a future release. See the migration guide on how to update: " +
    "https://github.com/PostgREST/postgrest/blob/main/CHANGELOG.md#migration-to-v16",
  ]);
  assert.equal(deprecatedRoleClaimKeyWarning("$.roles.user_role"), null);
});
