import assert from "node:assert/strict";
import {
  acceptedTypes,
  contentTypeHeader,
  mediaTypeToString,
  parseAccept,
  parseContentType,
  parseMediaType,
} from "../../../lib/request/media_type.ts";
import type { MediaType } from "../../../lib/request/types.ts";

const plan = (of: MediaType, format: "text" | "json", options: string[] = []): MediaType =>
  ({ kind: "plan", for: of, format, options }) as MediaType;

Deno.test("parseMediaType() decodes PostgREST's doctest media types", () => {
  const cases: [string, MediaType][] = [
    ["application/json", { kind: "json" }],
    ["application/vnd.pgrst.plan;", plan({ kind: "json" }, "text")],
    ['application/vnd.pgrst.plan;for="application/json"', plan({ kind: "json" }, "text")],
    [
      'application/vnd.pgrst.plan ; for="text/xml" ; options=analyze',
      plan({ kind: "xml" }, "text", ["analyze"]),
    ],
    ['application/vnd.pgrst.plan+json;for="text/csv"', plan({ kind: "csv" }, "json")],
    ["application/vnd.pgrst.array+json;nulls=stripped", { kind: "arrayJson", stripNulls: true }],
    ["application/vnd.pgrst.array+json", { kind: "json" }],
    ["application/vnd.pgrst.object+json;nulls=stripped", { kind: "singularJson", stripNulls: true }],
    ["application/vnd.pgrst.object+json", { kind: "singularJson", stripNulls: false }],
    ["ApplicatIon/vnd.PgRsT.object+json", { kind: "singularJson", stripNulls: false }],
    ["application/vnd.twkb", { kind: "other", type: "application/vnd.twkb" }],
  ];
  for (const [text, mt] of cases) assert.deepEqual(parseMediaType(text), mt, text);
});

Deno.test("parseMediaType() reads plan parameters in any order and case, options in a fixed order", () => {
  assert.deepEqual(
    parseMediaType(
      'application/vnd.pgrst.plan+text; for="text/xml"; options=analyze|verbose|settings|buffers|wal',
    ),
    plan({ kind: "xml" }, "text", ["analyze", "verbose", "settings", "buffers", "wal"]),
  );
  assert.deepEqual(
    parseMediaType("application/vnd.pgrst.plan; OPTIONS=wal|analyze|nope"),
    plan({ kind: "json" }, "text", ["analyze", "wal"]),
  );
  assert.deepEqual(
    parseMediaType('application/vnd.pgrst.plan;wat="application/json;text/csv"'),
    plan({ kind: "json" }, "text"),
  );
  assert.deepEqual(parseMediaType("application/vnd.pgrst.object;nulls=STRIPPED"), {
    kind: "singularJson",
    stripNulls: false,
  });
});

Deno.test("parseMediaType() reads every known type and keeps others as written", () => {
  const known: [string, MediaType["kind"]][] = [
    ["application/geo+json", "geojson"],
    ["text/csv", "csv"],
    ["text/plain", "text"],
    ["text/xml", "xml"],
    ["application/openapi+json", "openapi"],
    ["application/x-www-form-urlencoded", "urlencoded"],
    ["application/octet-stream", "octet"],
    ["*/*", "any"],
    ["application/json; charset=utf-8", "json"],
    ["text/csv; version=1", "csv"],
  ];
  for (const [text, kind] of known) assert.equal(parseMediaType(text).kind, kind, text);
  for (const text of ["text/unknowntype", "text/*", "garbage", "", "text/"]) {
    assert.deepEqual(parseMediaType(text), { kind: "other", type: text });
  }
});

Deno.test("acceptedTypes() sorts by quality, then specificity, stably", () => {
  assert.deepEqual(acceptedTypes("text/html,*/*;q=0.8"), ["text/html", "*/*"]);
  assert.deepEqual(acceptedTypes("a/b;q=0.5, c/d"), ["c/d", "a/b"]);
  assert.deepEqual(acceptedTypes("*/*, text/*, text/csv"), ["text/csv", "text/*", "*/*"]);
  assert.deepEqual(acceptedTypes("text/html, text/html;level=1"), ["text/html;level=1", "text/html"]);
  assert.deepEqual(acceptedTypes("text/csv, application/json"), ["text/csv", "application/json"]);
  assert.deepEqual(acceptedTypes("x/y;q=0.5;a=b, z/w;q=0.7"), ["z/w", "x/y"]);
  assert.deepEqual(acceptedTypes('application/vnd.pgrst.plan; for="text/csv"'), [
    'application/vnd.pgrst.plan;for="text/csv"',
  ]);
  assert.deepEqual(acceptedTypes(""), []);
  assert.deepEqual(acceptedTypes("a/b,,c/d"), ["a/b", "", "c/d"]);
  // Haskell's `reads`: bad q-values count as 1; NaN compares as "greater" both ways.
  assert.deepEqual(acceptedTypes("a/b;q=x, c/d;q=0.9"), ["a/b", "c/d"]);
  assert.deepEqual(acceptedTypes("a/b;q=NaN,c/d"), ["c/d", "a/b"]);
  assert.deepEqual(acceptedTypes("c/d,a/b;q=NaN"), ["a/b", "c/d"]);
});

Deno.test("parseAccept() treats a missing header as */* and an empty one as nothing", () => {
  assert.deepEqual(parseAccept(null), [{ kind: "any" }]);
  assert.deepEqual(parseAccept(""), []);
  assert.deepEqual(parseAccept("text/csv, */*"), [{ kind: "csv" }, { kind: "any" }]);
  assert.deepEqual(parseAccept("application/vnd.pgrst.array+json; nulls=stripped"), [{
    kind: "arrayJson",
    stripNulls: true,
  }]);
  assert.deepEqual(parseAccept("text/unknowntype"), [{ kind: "other", type: "text/unknowntype" }]);
});

Deno.test("parseContentType() defaults to JSON", () => {
  assert.deepEqual(parseContentType(null), { kind: "json" });
  assert.deepEqual(parseContentType("application/x-www-form-urlencoded"), { kind: "urlencoded" });
  assert.deepEqual(parseContentType("Text/Plain"), { kind: "text" });
});

Deno.test("mediaTypeToString() and contentTypeHeader() write PostgREST's values", () => {
  assert.equal(contentTypeHeader({ kind: "json" }), "application/json; charset=utf-8");
  assert.equal(contentTypeHeader({ kind: "csv" }), "text/csv; charset=utf-8");
  assert.equal(contentTypeHeader({ kind: "octet" }), "application/octet-stream");
  assert.equal(contentTypeHeader({ kind: "other", type: "application/vnd.twkb" }), "application/vnd.twkb");
  assert.equal(
    contentTypeHeader({ kind: "singularJson", stripNulls: true }),
    "application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8",
  );
  assert.equal(
    contentTypeHeader({ kind: "arrayJson", stripNulls: true }),
    "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8",
  );
  assert.equal(
    mediaTypeToString(plan({ kind: "csv" }, "json", ["analyze", "verbose"])),
    'application/vnd.pgrst.plan+json; for="text/csv"; options=analyze|verbose',
  );
  assert.equal(
    mediaTypeToString(plan({ kind: "json" }, "text")),
    'application/vnd.pgrst.plan+text; for="application/json"',
  );
  assert.equal(mediaTypeToString({ kind: "any" }), "*/*");
  assert.equal(mediaTypeToString({ kind: "geojson" }), "application/geo+json");
  assert.equal(mediaTypeToString({ kind: "openapi" }), "application/openapi+json");
  // Round trip of every known type.
  for (
    const text of [
      "application/json",
      "text/csv",
      "text/plain",
      "text/xml",
      "application/x-www-form-urlencoded",
      "*/*",
    ]
  ) {
    assert.equal(mediaTypeToString(parseMediaType(text)), text);
  }
});
