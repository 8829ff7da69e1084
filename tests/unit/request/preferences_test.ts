import assert from "node:assert/strict";
import {
  checkPreferences,
  honouredPreferences,
  parsePreferences,
  preferenceApplied,
} from "../../../lib/request/preferences.ts";
import type { Preferences } from "../../../lib/request/types.ts";
import { errorBody } from "./grammar_helpers.ts";

const NONE: Preferences = {
  resolution: null,
  representation: null,
  count: null,
  transaction: null,
  missing: null,
  handling: null,
  timezone: null,
  maxAffected: null,
  invalid: [],
};

const parse = (values: string[], allowTxOverride = true) => parsePreferences(values, { allowTxOverride });

Deno.test("parsePreferences() reads a comma-separated header (PostgREST doctest)", () => {
  assert.deepEqual(
    parse(["resolution=ignore-duplicates, count=exact, timezone=America/Los_Angeles, max-affected=100"]),
    {
      ...NONE,
      resolution: "ignore-duplicates",
      count: "exact",
      timezone: "America/Los_Angeles",
      maxAffected: 100,
    },
  );
});

Deno.test("parsePreferences() merges several headers and collects invalid ones (PostgREST doctest)", () => {
  assert.deepEqual(
    parse([
      "resolution=ignore-duplicates",
      "count=exact",
      "missing=null",
      "handling=lenient",
      "invalid",
      "max-affected=5999",
    ]),
    {
      ...NONE,
      resolution: "ignore-duplicates",
      count: "exact",
      missing: "null",
      handling: "lenient",
      maxAffected: 5999,
      invalid: ["invalid"],
    },
  );
});

Deno.test("parsePreferences() keeps the first occurrence of a preference", () => {
  assert.equal(parse(["tx=commit, tx=rollback"]).transaction, "commit");
  assert.equal(
    parse(["resolution=ignore-duplicates", "resolution=merge-duplicates"]).resolution,
    "ignore-duplicates",
  );
  assert.equal(parse(["timezone=UTC, timezone=America/Lima"]).timezone, "UTC");
  // The first max-affected decides, even when it is not a number.
  assert.equal(parse(["max-affected=x, max-affected=3"]).maxAffected, null);
});

Deno.test("parsePreferences() tolerates any amount of space (PostgREST doctest)", () => {
  assert.deepEqual(
    parse([
      "count=exact,    tx=commit   ,return=representation , missing=default, handling=strict, anything",
    ]),
    {
      ...NONE,
      representation: "representation",
      count: "exact",
      transaction: "commit",
      missing: "default",
      handling: "strict",
      invalid: ["anything"],
    },
  );
  assert.equal(parse(["max-affected= 5"]).maxAffected, 5);
});

Deno.test("parsePreferences() ignores tx unless db-tx-end allows overriding", () => {
  const prefs = parse(["tx=rollback, return=minimal"], false);
  assert.equal(prefs.transaction, null);
  assert.deepEqual(prefs.invalid, []);
  assert.equal(prefs.representation, "minimal");
});

Deno.test("parsePreferences() reads empty headers and empty items as PostgREST does", () => {
  assert.deepEqual(parse([]), NONE);
  assert.deepEqual(parse([""]), NONE);
  assert.deepEqual(parse(["count=exact,"]).invalid, [""]);
  assert.deepEqual(parse(["params=single-object"]).invalid, ["params=single-object"]);
  assert.equal(parse(["timezone="]).timezone, "");
  assert.deepEqual(parse(["Count=Exact"]).invalid, ["Count=Exact"]);
});

Deno.test("checkPreferences() rejects unknown preferences with handling=strict", () => {
  const body = (details: string) => ({
    code: "PGRST122",
    details,
    hint: null,
    message: "Invalid preferences given with handling=strict",
  });
  assert.deepEqual(
    errorBody(() => checkPreferences(parse(["handling=strict, anything"]))),
    body("Invalid preferences: anything"),
  );
  assert.deepEqual(
    errorBody(() => checkPreferences(parse(["handling=strict", "something, else"]))),
    body("Invalid preferences: something, else"),
  );
  assert.deepEqual(
    errorBody(() => checkPreferences(parse(["params=single-object, handling=strict"]))),
    body("Invalid preferences: params=single-object"),
  );
  checkPreferences(parse(["handling=lenient, anything"]));
  checkPreferences(parse(["anything"]));
});

Deno.test("preferenceApplied() lists honoured preferences in PostgREST's fixed order", () => {
  const all = parse([
    "handling=strict, max-affected=10, timezone=UTC, tx=rollback, count=exact, return=minimal, missing=default, resolution=merge-duplicates",
  ]);
  assert.equal(
    preferenceApplied(all),
    "resolution=merge-duplicates, missing=default, return=minimal, count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=10",
  );
  assert.equal(
    preferenceApplied(parse(["handling=strict, timezone=America/Los_Angeles"])),
    "handling=strict, timezone=America/Los_Angeles",
  );
  assert.equal(preferenceApplied(parse(["handling=lenient, max-affected=10"])), "handling=lenient");
  assert.equal(preferenceApplied(NONE), null);
});

Deno.test("honouredPreferences() keeps what each kind of request honours", () => {
  const prefs = parse([
    "resolution=merge-duplicates, missing=default, return=representation, count=exact, handling=strict, max-affected=5",
  ]);
  const applied = (context: Parameters<typeof honouredPreferences>[1]) =>
    preferenceApplied(honouredPreferences(prefs, context));
  assert.equal(applied({ kind: "read" }), "count=exact, handling=strict");
  assert.equal(
    applied({ kind: "mutation", mutation: "create", hasPkOrOnConflict: true }),
    "resolution=merge-duplicates, missing=default, return=representation, count=exact, handling=strict",
  );
  assert.equal(
    applied({ kind: "mutation", mutation: "create", hasPkOrOnConflict: false }),
    "missing=default, return=representation, count=exact, handling=strict",
  );
  assert.equal(
    applied({ kind: "mutation", mutation: "update", hasPkOrOnConflict: true }),
    "missing=default, return=representation, count=exact, handling=strict, max-affected=5",
  );
  assert.equal(
    applied({ kind: "mutation", mutation: "delete", hasPkOrOnConflict: true }),
    "return=representation, count=exact, handling=strict, max-affected=5",
  );
  assert.equal(
    applied({ kind: "mutation", mutation: "singleUpsert", hasPkOrOnConflict: true }),
    "return=representation, count=exact, handling=strict",
  );
  assert.equal(applied({ kind: "call" }), "count=exact, handling=strict, max-affected=5");
});
