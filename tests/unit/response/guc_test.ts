import assert from "node:assert/strict";
import { PgrstError } from "../../../lib/errors.ts";
import { parseGucHeaders, parseGucStatus } from "../../../lib/response/guc.ts";

const HEADERS_ERROR = {
  status: 500,
  code: "PGRST111",
  message:
    "response.headers guc must be a JSON array composed of objects with a single key and a string value",
};
const STATUS_ERROR = {
  status: 500,
  code: "PGRST112",
  message: "response.status guc must be a valid status code",
};

function throwsPgrst(f: () => unknown, x: { status: number; code: string; message: string }) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof PgrstError);
    assert.deepEqual([e.status, e.code, e.message, e.details, e.hint], [
      x.status,
      x.code,
      x.message,
      null,
      null,
    ]);
    return true;
  });
}

Deno.test("parseGucHeaders() reads an array of one-member objects, names repeatable", () => {
  assert.deepEqual(parseGucHeaders(null), []);
  assert.deepEqual(parseGucHeaders("[]"), []);
  assert.deepEqual(
    parseGucHeaders(' [{"Set-Cookie": "a=1"}, {"Set-Cookie": "b=2"}, {"Cache-Control": "public"}] '),
    [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["Cache-Control", "public"]],
  );
});

Deno.test("parseGucHeaders() rejects anything else with PGRST111", () => {
  for (
    const bad of [
      "",
      "{",
      '{"a": "b"}',
      '"x"',
      "[1]",
      "[null]",
      '[["a", "b"]]',
      "[{}]",
      '[{"a": "1", "b": "2"}]',
      '[{"a": 1}]',
      '[{"a": null}]',
    ]
  ) throwsPgrst(() => parseGucHeaders(bad), HEADERS_ERROR);
});

Deno.test("parseGucStatus() reads leading digits like Haskell's decimal", () => {
  assert.equal(parseGucStatus(null), null);
  assert.equal(parseGucStatus("418"), 418);
  assert.equal(parseGucStatus("201 Created"), 201);
  assert.equal(parseGucStatus("0404"), 404);
  for (const bad of ["", "abc", "-1", " 200", "+200", "e2"]) {
    throwsPgrst(() => parseGucStatus(bad), STATUS_ERROR);
  }
});
