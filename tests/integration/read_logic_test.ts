/**
 * `or=`, `and=`, `not.` and their nesting, at the top and on embedded levels (FEATURES HF-15/16/20),
 * ported from PostgREST's AndOrParamsSpec (GET parts) and JsonOperatorSpec.
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

Deno.test("or= does simple logic, not.or= negates it, plain filters AND with it", async () => {
  assert.deepEqual(await rows(app, "/entities?or=(id.eq.1,id.eq.2)&select=id"), ids(1, 2));
  assert.deepEqual(await rows(app, "/entities?not.or=(id.eq.1,id.eq.2)&select=id"), ids(3, 4));
  assert.deepEqual(await rows(app, "/entities?or=(id.eq.1,id.eq.2)&name=eq.entity 1&select=id"), ids(1));
});

Deno.test("child.or= and child.grandchild.or= filter embedded levels", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/entities?child_entities.or=(id.eq.1,name.eq.child entity 2)&select=id,child_entities(id)",
    ),
    [
      { id: 1, child_entities: ids(1, 2) },
      { id: 2, child_entities: [] },
      { id: 3, child_entities: [] },
      { id: 4, child_entities: [] },
    ],
  );
  assert.deepEqual(
    await rows(
      app,
      "/entities?child_entities.grandchild_entities.or=(id.eq.1,id.eq.2)&select=id,child_entities(id,grandchild_entities(id))",
    ),
    [
      {
        id: 1,
        child_entities: [
          { id: 1, grandchild_entities: ids(1, 2) },
          { id: 2, grandchild_entities: [] },
          { id: 4, grandchild_entities: [] },
          { id: 5, grandchild_entities: [] },
        ],
      },
      { id: 2, child_entities: [{ id: 3, grandchild_entities: [] }, { id: 6, grandchild_entities: [] }] },
      { id: 3, child_entities: [] },
      { id: 4, child_entities: [] },
    ],
  );
});

Deno.test("aliased embeds take and/or by their alias", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/entities?select=id,children:child_entities(id,gChildren:grandchild_entities(id))&children.and=(id.in.(1,2,3))&children.gChildren.or=(id.eq.1,id.eq.2)",
    ),
    [
      { id: 1, children: [{ id: 1, gChildren: ids(1, 2) }, { id: 2, gChildren: [] }] },
      { id: 2, children: [{ id: 3, gChildren: [] }] },
      { id: 3, children: [] },
      { id: 4, children: [] },
    ],
  );
});

Deno.test("an or= on a resource that is not embedded is 400 PGRST108", async () => {
  assert.deepEqual(await fetchReply(app, "/entities?child_entities.or=(id.eq.1)&select=id"), {
    status: 400,
    body: pgError(
      "PGRST108",
      "'child_entities' is not an embedded resource in this request",
      null,
      "Verify that 'child_entities' is included in the 'select' query parameter.",
    ),
  });
});

Deno.test("and/or nest, negate while nested, and combine unnested", async () => {
  assert.deepEqual(
    await rows(app, "/entities?or=(and(name.eq.entity 2,id.eq.2),and(name.eq.entity 1,id.eq.1))&select=id"),
    ids(1, 2),
  );
  assert.deepEqual(
    await rows(
      app,
      "/entities?or=(not.and(name.eq.entity 2,id.eq.2),not.and(name.eq.entity 1,id.eq.1))&select=id",
    ),
    ids(1, 2, 3, 4),
  );
  assert.deepEqual(
    await rows(app, "/entities?and=(id.eq.1,name.eq.entity 1)&or=(id.eq.1,id.eq.2)&select=id"),
    ids(1),
  );
});

Deno.test("every operator works inside and/or", async () => {
  const cases: [string, number[]][] = [
    ["and=(id.eq.1,id.neq.2))", [1]],
    ["or=(id.lt.2,id.gt.3)", [1, 4]],
    ["or=(id.lte.2,id.gte.3)", [1, 2, 3, 4]],
    ["or=(name.like.*1,name.ilike.*ENTITY 2)", [1, 2]],
    ["or=(id.in.(1,2),id.in.(3,4))", [1, 2, 3, 4]],
    ["and=(name.is.null,arr.is.null)", [4]],
    ["or=(text_search_vector.fts.bar,text_search_vector.fts.baz)", [1, 2]],
    ["and=(id.gte.2,arr.isdistinct.{1,2})", [3, 4]],
    ["or=(arr.cs.{1,2,3},arr.cd.{1})", [1, 3]],
    ["or=(arr.ov.{3},id.eq(any).{1,2})", [1, 2, 3]],
  ];
  for (const [logic, expected] of cases) {
    assert.deepEqual(await rows(app, `/entities?${logic}&select=id`), ids(...expected), logic);
  }
});

Deno.test("fts with configurations inside or=", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/tsearch?or=(text_search_vector.plfts(german).Art%20Spass, text_search_vector.plfts(french).amusant%20impossible, text_search_vector.fts(english).impossible)",
    ),
    [
      { text_search_vector: "'fun':5 'imposs':9 'kind':3" },
      { text_search_vector: "'amus':5 'fair':7 'impossibl':9 'peu':4" },
      { text_search_vector: "'art':4 'spass':5 'unmog':7" },
    ],
  );
  assert.deepEqual(
    await rows(
      app,
      "/tsearch?or=(text_search_vector.plfts(german).Art,text_search_vector.plfts(french).amusant,text_search_vector.not.wfts(english).impossible)",
    ),
    [
      { text_search_vector: "'also':2 'fun':3 'possibl':8" },
      { text_search_vector: "'ate':3 'cat':2 'fat':1 'rat':4" },
      { text_search_vector: "'amus':5 'fair':7 'impossibl':9 'peu':4" },
      { text_search_vector: "'art':4 'spass':5 'unmog':7" },
    ],
  );
  assert.deepEqual(
    await rows(app, "/grandchild_entities?or=(jsonb_col.fts.bar,jsonb_col.fts.foo)&select=jsonb_col"),
    [{ jsonb_col: { a: { b: "foo" } } }, { jsonb_col: { b: "bar" } }],
  );
  assert.deepEqual(
    await rows(
      app,
      "/tsearch_to_tsvector?and=(text_search.not.plfts(german).Art%20Spass, text_search.not.plfts(french).amusant%20impossible, text_search.not.fts(english).impossible)&select=text_search",
    ),
    [{ text_search: "But also fun to do what is possible" }, { text_search: "Fat cats ate rats" }],
  );
});

Deno.test("operators inside and/or can be negated", async () => {
  const cases: [string, number[]][] = [
    ["and=(arr.not.cs.{1,2,3},and(id.not.eq.2,name.not.like.*3))", [1]],
    ["and=(id.not.in.(1,3),and(name.not.is.null,text_search_vector.not.fts.foo))", [2]],
    ["and=(arr.not.cd.{1},or(id.not.lt.1,id.not.gte.3))", [2, 3]],
    ["and=(name.not.ilike.*ITY2,or(id.not.gt.4,id.not.lte.1))", [1, 2, 3]],
    ["and=(id.not.eq.2,arr.not.isdistinct.{1,2,3})", [3]],
  ];
  for (const [logic, expected] of cases) {
    assert.deepEqual(await rows(app, `/entities?${logic}&select=id`), ids(...expected), logic);
  }
});

Deno.test("values in and/or can be double-quoted to hold reserved characters", async () => {
  assert.deepEqual(
    await rows(
      app,
      '/grandchild_entities?or=(name.eq."(grandchild,entity,4)",name.eq."(grandchild,entity,5)")&select=id',
    ),
    ids(4, 5),
  );
  assert.deepEqual(
    await rows(app, '/grandchild_entities?or=(name.like."*ity,4*",name.ilike."*ITY,5)")&select=id'),
    ids(4, 5),
  );
  assert.deepEqual(
    await rows(app, '/grandchild_entities?or=(id.in.("1","2"),id.in.("3","4"))&select=id'),
    ids(1, 2, 3, 4),
  );
  assert.deepEqual(
    await rows(app, '/ranges?or=(range.adj."(3,10]",range.cs."[10,11]")&select=id'),
    ids(1, 4),
  );
});

Deno.test("and/or allow whitespace, one condition or many", async () => {
  assert.deepEqual(
    await rows(
      app,
      "/entities?and=( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )&select=id",
    ),
    ids(3),
  );
  assert.deepEqual(await rows(app, "/entities?or=(id.eq.1)&select=id"), ids(1));
  assert.deepEqual(await rows(app, "/entities?and=(id.eq.1)&select=id"), ids(1));
  assert.deepEqual(
    await rows(app, "/grandchild_entities?or=(id.eq.1, id.eq.2, id.eq.3)&select=id"),
    ids(1, 2, 3),
  );
  assert.deepEqual(
    await rows(app, "/grandchild_entities?and=(id.in.(1,2), id.in.(3,1), id.in.(1,4))&select=id"),
    ids(1),
  );
  assert.deepEqual(
    await rows(
      app,
      "/grandchild_entities?or=( id.eq.1, id.eq.2, and(id.in.(1,3), id.in.(2,3)), id.eq.4 )&select=id",
    ),
    ids(1, 2, 3, 4),
  );
  assert.deepEqual(
    await rows(
      app,
      "/grandchild_entities?and=( id.eq.1, not.or(id.eq.2, id.eq.3), id.in.(1,4), or(id.eq.1, id.eq.4) )&select=id",
    ),
    ids(1),
  );
});

Deno.test("JSON paths inside and/or", async () => {
  assert.deepEqual(
    await rows(app, "/grandchild_entities?or=(jsonb_col->a->>b.eq.foo, jsonb_col->>b.eq.bar)&select=id"),
    ids(4, 5),
  );
});

Deno.test("columns starting with and/or are not logic operators", async () => {
  assert.deepEqual(
    await fetchReply(app, "/grandchild_entities?or=(and_starting_col.eq.smth, or_starting_col.eq.smth)"),
    { status: 200, body: [] },
  );
});

Deno.test("or=() with no condition is 400 PGRST100", async () => {
  assert.deepEqual(await fetchReply(app, "/entities?or=()"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse logic tree (())" (line 1, column 4)',
      'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
    ),
  });
});

Deno.test("an unclosed logic tree is 400 PGRST100", async () => {
  assert.deepEqual(await fetchReply(app, "/entities?and=(id.eq.1"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse logic tree ((id.eq.1)" (line 1, column 12)',
      'unexpected end of input expecting "," or ")"',
    ),
  });
});
