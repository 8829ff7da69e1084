/**
 * Full-text search (FEATURES HF-09): fts, plfts, phfts and wfts on tsvector, text and jsonb
 * columns and on tsvector computed fields, with configurations and not. Ported from PostgREST's
 * QuerySpec ("Full text search operator").
 */
import assert from "node:assert/strict";
import { fetchReply, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

const tsv = {
  impossible: { text_search_vector: "'fun':5 'imposs':9 'kind':3" },
  possible: { text_search_vector: "'also':2 'fun':3 'possibl':8" },
  rats: { text_search_vector: "'ate':3 'cat':2 'fat':1 'rat':4" },
  french: { text_search_vector: "'amus':5 'fair':7 'impossibl':9 'peu':4" },
  german: { text_search_vector: "'art':4 'spass':5 'unmog':7" },
};

Deno.test("fts, plfts, phfts and wfts on tsvector columns", async () => {
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=fts.impossible"), [tsv.impossible]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=fts.fun%26possible"), [tsv.possible]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=fts.impossible%7Cpossible"), [
    tsv.impossible,
    tsv.possible,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=fts.fun%26!possible"), [tsv.impossible]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=plfts.The%20Fat%20Rats"), [tsv.rats]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=wfts.The%20Fat%20Rats"), [tsv.rats]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=wfts.fun%20and%20possible"), [tsv.possible]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=wfts.impossible%20or%20possible"), [
    tsv.impossible,
    tsv.possible,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=wfts.fun%20and%20-possible"), [
    tsv.impossible,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=phfts.The%20Fat%20Cats"), [tsv.rats]);
});

Deno.test("fts operators take a text search configuration and negate with not.", async () => {
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=fts(french).amusant"), [tsv.french]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=plfts(french).amusant%20impossible"), [
    tsv.french,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=wfts(french).amusant%20impossible"), [
    tsv.french,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=phfts(german).Art%20Spass"), [tsv.german]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=not.fts.impossible%7Cfat%7Cfun"), [
    tsv.french,
    tsv.german,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=not.fts(english).impossible%7Cfat%7Cfun"), [
    tsv.french,
    tsv.german,
  ]);
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=not.plfts.The%20Fat%20Rats"), [
    tsv.impossible,
    tsv.possible,
    tsv.french,
    tsv.german,
  ]);
  assert.deepEqual(
    await rows(app, "/tsearch?text_search_vector=not.wfts(english).impossible%20or%20fat%20or%20fun"),
    [tsv.french, tsv.german],
  );
  assert.deepEqual(await rows(app, "/tsearch?text_search_vector=not.phfts(english).The%20Fat%20Cats"), [
    tsv.impossible,
    tsv.possible,
    tsv.french,
    tsv.german,
  ]);
});

Deno.test("an unknown text search configuration is PostgreSQL's 42704", async () => {
  assert.deepEqual(await fetchReply(app, "/tsearch?text_search_vector=fts(klingon).qapla"), {
    status: 400,
    body: pgError("42704", 'text search configuration "klingon" does not exist'),
  });
});

const texts = {
  impossible: "It's kind of fun to do the impossible",
  possible: "But also fun to do what is possible",
  rats: "Fat cats ate rats",
  french: "C'est un peu amusant de faire l'impossible",
  german: "Es ist eine Art Spaß, das Unmögliche zu machen",
};
const asText = (...t: string[]) => t.map((text_search) => ({ text_search }));
const asJsonb = (...t: string[]) => t.map((text_search) => ({ jsonb_search: { text_search } }));

Deno.test("fts on text and jsonb columns wraps them in to_tsvector() with the configuration", async () => {
  const cases: [string, string[]][] = [
    ["fts.impossible", [texts.impossible, texts.french]],
    ["fts.fun%26possible", [texts.possible]],
    ["fts.impossible%7Cpossible", [texts.impossible, texts.possible, texts.french]],
    ["fts.fun%26!possible", [texts.impossible]],
    ["plfts.The%20Fat%20Rats", [texts.rats]],
    ["wfts.The%20Fat%20Rats", [texts.rats]],
    ["wfts.fun%20and%20-possible", [texts.impossible]],
    ["fts(french).amusant", [texts.french]],
    ["plfts(french).amusant%20impossible", [texts.french]],
    ["wfts(french).amusant%20impossible", [texts.french]],
    ["not.fts.impossible%7Cfat%7Cfun", [texts.german]],
    ["not.wfts(english).impossible%20or%20fat%20or%20fun", [texts.german]],
    ["phfts.The%20Fat%20Cats", [texts.rats]],
    ["phfts(german).Art%20Spass", [texts.german]],
    ["not.phfts(english).The%20Fat%20Cats", [texts.impossible, texts.possible, texts.french, texts.german]],
  ];
  for (const [filter, expected] of cases) {
    assert.deepEqual(
      await rows(app, `/tsearch_to_tsvector?select=text_search&text_search=${filter}`),
      asText(...expected),
      filter,
    );
    assert.deepEqual(
      await rows(app, `/tsearch_to_tsvector?select=jsonb_search&jsonb_search=${filter}`),
      asJsonb(...expected),
      filter,
    );
  }
});

Deno.test("fts on a computed field returning tsvector is not wrapped in to_tsvector()", async () => {
  assert.deepEqual(
    await rows(app, "/tsearch_to_tsvector?select=text_search_vector&text_search_vector=fts(simple).of"),
    [{ text_search_vector: "'do':7 'fun':5 'impossible':9 'it':1 'kind':3 'of':4 's':2 'the':8 'to':6" }],
  );
});
