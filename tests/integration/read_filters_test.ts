/**
 * Horizontal filtering (FEATURES §2.3), ported from PostgREST's QuerySpec "Filtering response",
 * AndOrParamsSpec operator cases and JsonOperatorSpec filters, on `tests/fixtures/30_reading.sql`.
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

const range = (path: string, headers: Record<string, string> = {}) =>
  fetchReply(app, path, headers, ["content-range", "content-type"]);

Deno.test("GET /items?id=eq.5 matches with equality", async () => {
  assert.deepEqual(await range("/items?id=eq.5"), {
    status: 200,
    "content-range": "0-0/*",
    "content-type": "application/json; charset=utf-8",
    body: ids(5),
  });
});

Deno.test("not. negates eq, lt and gt", async () => {
  assert.deepEqual((await range("/items?id=not.eq.5&order=id"))["content-range"], "0-13/*");
  assert.deepEqual(
    await rows(app, "/items?id=not.eq.5&order=id"),
    ids(1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
  );
  assert.deepEqual(await rows(app, "/items?id=not.lt.14&order=id.asc"), ids(14, 15));
  assert.deepEqual(await rows(app, "/items?id=not.gt.2&order=id.asc"), ids(1, 2));
  assert.deepEqual(await rows(app, "/simple_pk?k=like.*yx&extra=not.eq.u"), []);
});

Deno.test("in.() and not.in.() match lists", async () => {
  assert.deepEqual(await range("/items?id=in.(1,3,5)"), {
    status: 200,
    "content-range": "0-2/*",
    "content-type": "application/json; charset=utf-8",
    body: ids(1, 3, 5),
  });
  assert.deepEqual(await rows(app, "/items?id=not.in.(2,4,6,7,8,9,10,11,12,13,14,15)"), ids(1, 3, 5));
});

Deno.test("is.null, is.not_null, not.is.null and not.is.not_null", async () => {
  const notNull = [{ a: "1", b: "0" }, { a: "2", b: "0" }];
  assert.deepEqual(await rows(app, "/no_pk?a=not.is.null"), notNull);
  assert.deepEqual(await rows(app, "/no_pk?a=is.not_null"), notNull);
  assert.deepEqual(await rows(app, "/no_pk?a=is.null"), [{ a: null, b: null }]);
  assert.deepEqual(await rows(app, "/no_pk?a=not.is.not_null"), [{ a: null, b: null }]);
  assert.deepEqual(await rows(app, "/nullable_integer?a=is.null"), [{ a: null }]);
});

Deno.test("is.true, is.false and is.unknown, in any case", async () => {
  const garbage = { id: 1, name: "take out the garbage", done: true };
  const laundry = { id: 2, name: "do the laundry", done: false };
  const dishes = { id: 3, name: "wash the dishes", done: null };
  assert.deepEqual(await rows(app, "/chores?done=is.true"), [garbage]);
  assert.deepEqual(await rows(app, "/chores?done=is.false"), [laundry]);
  assert.deepEqual(await rows(app, "/chores?done=is.unknown"), [dishes]);
  assert.deepEqual(await rows(app, "/chores?done=is.NULL"), [dishes]);
  assert.deepEqual(await rows(app, "/chores?done=is.NoT_NuLl"), [garbage, laundry]);
  assert.deepEqual(await rows(app, "/chores?done=is.TRUE"), [garbage]);
  assert.deepEqual(await rows(app, "/chores?done=is.FAlSe"), [laundry]);
  assert.deepEqual(await rows(app, "/chores?done=is.UnKnOwN"), [dishes]);
});

Deno.test("is. with anything else is 400 PGRST100", async () => {
  assert.deepEqual(
    await fetchReply(app, "/chores?done=is.nil"),
    {
      status: 400,
      body: pgError(
        "PGRST100",
        '"failed to parse filter (is.nil)" (line 1, column 5)',
        'unexpected "i" expecting isVal: (null, not_null, true, false, unknown)',
      ),
    },
  );
  assert.equal((await fetchReply(app, "/chores?done=is.ok")).status, 400);
});

Deno.test("like, ilike, match and imatch, with not.", async () => {
  const u = { k: "xyyx", extra: "u" };
  const v = { k: "xYYx", extra: "v" };
  assert.deepEqual(await rows(app, "/simple_pk?k=like.*yx"), [u]);
  assert.deepEqual(await rows(app, "/simple_pk?k=like.xy*"), [u]);
  assert.deepEqual(await rows(app, "/simple_pk?k=like.*YY*"), [v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=not.like.*yx"), [v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=ilike.xy*&order=extra.asc"), [u, v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=ilike.*YY*&order=extra.asc"), [u, v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=not.ilike.xy*&order=extra.asc"), []);
  assert.deepEqual(await rows(app, "/simple_pk?k=match.yx$"), [u]);
  assert.deepEqual(await rows(app, "/simple_pk?k=match.^xy"), [u]);
  assert.deepEqual(await rows(app, "/simple_pk?k=match.YY"), [v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=not.match.yx$"), [v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=imatch.^xy&order=extra.asc"), [u, v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=imatch..*YY.*&order=extra.asc"), [u, v]);
  assert.deepEqual(await rows(app, "/simple_pk?k=not.imatch.^xy&order=extra.asc"), []);
});

Deno.test("filters and orders on computed fields", async () => {
  assert.deepEqual(
    await rows(app, "/items?always_true=eq.true&order=id.asc"),
    ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
  );
  assert.deepEqual(
    await rows(app, "/items?order=anti_id.desc"),
    ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
  );
});

Deno.test("a computed field outside the exposed schemas is PostgreSQL's 42703", async () => {
  assert.deepEqual(await fetchReply(app, "/items?always_false=is.false"), {
    status: 400,
    body: pgError("42703", "column items.always_false does not exist"),
  });
});

Deno.test("cs, cd and isdistinct, with not.", async () => {
  assert.deepEqual(await rows(app, "/complex_items?select=id&arr_data=cs.{2}"), ids(2, 3));
  assert.deepEqual(await rows(app, "/complex_items?select=id&arr_data=cd.{1,2,4}"), ids(1, 2));
  assert.deepEqual(await rows(app, "/no_pk?select=a&a=isdistinct.2"), [{ a: null }, { a: "1" }]);
  assert.deepEqual(await rows(app, "/no_pk?select=a&a=not.isdistinct.2"), [{ a: "2" }]);
});

Deno.test("range operators on a range column", async () => {
  const cases: [string, number[]][] = [
    ["eq.[1,3]", [1]],
    ["neq.[1,3]", [2, 3, 4]],
    ["lt.[1,10]", [1]],
    ["gt.[8,11]", [4]],
    ["lte.[1,3]", [1]],
    ["gte.[2,3]", [2, 3, 4]],
    ["cs.[1,2]", [1]],
    ["cd.[1,6]", [1, 2]],
    ["ov.[0,4]", [1, 2]],
    ["sl.[9,10]", [1, 2]],
    ["sr.[3,4]", [3, 4]],
    ["nxr.[4,7]", [1, 2]],
    ["nxl.[4,7]", [3, 4]],
    ["adj.(3,10]", [1]],
    ["isdistinct.[1,3]", [2, 3, 4, 5]],
  ];
  for (const [filter, expected] of cases) {
    assert.deepEqual(await rows(app, `/ranges?range=${filter}&select=id`), ids(...expected), filter);
  }
});

Deno.test("array operators on an array column", async () => {
  const cases: [string, number[]][] = [
    ["eq.{1,2,3}", [3]],
    ["neq.{1,2}", [1, 3]],
    ["lt.{2,3}", [1, 2, 3]],
    ["lt.{2,0}", [1, 2, 3]],
    ["gt.{1,1}", [2, 3]],
    ["gt.{3}", []],
    ["lte.{2,1}", [1, 2, 3]],
    ["lte.{1,2,3}", [1, 2, 3]],
    ["lte.{1,2}", [1, 2]],
    ["cs.{1,2}", [2, 3]],
    ["cd.{1,2,6}", [1, 2]],
    ["ov.{3}", [3]],
    ["ov.{2,3}", [2, 3]],
    ["isdistinct.{1,2}", [1, 3, 4]],
  ];
  for (const [filter, expected] of cases) {
    assert.deepEqual(await rows(app, `/entities?arr=${filter}&select=id`), ids(...expected), filter);
  }
});

Deno.test("any and all quantifiers", async () => {
  assert.deepEqual(await rows(app, "/projects?select=id&id=eq(any).{3,4,5}"), ids(3, 4, 5));
  assert.deepEqual(await rows(app, "/projects?select=id&id=gt(all).{4,3}"), ids(5));
  assert.deepEqual(await rows(app, "/projects?select=id&id=gte(all).{4,3}"), ids(4, 5));
  assert.deepEqual(await rows(app, "/projects?select=id&id=lt(all).{4,3}"), ids(1, 2));
  assert.deepEqual(await rows(app, "/projects?select=id&id=lte(all).{4,3}"), ids(1, 2, 3));
  assert.deepEqual(await rows(app, "/projects?select=id&name=like(any).{*7,O*}"), ids(1, 4, 5));
  assert.deepEqual(await rows(app, "/projects?select=id&name=ilike(all).{w*,*10}"), ids(2));
  assert.deepEqual(await rows(app, "/projects?select=id&name=match(any).{^I,^O}"), ids(3, 4, 5));
  assert.deepEqual(await rows(app, "/projects?select=id&name=imatch(any).{^i,x$}"), ids(3, 4));
  assert.deepEqual(await rows(app, "/projects?select=id&name=not.like(any).{*7,O*}"), ids(2, 3));
});

Deno.test("a quantifier with a value that is not an array is PostgreSQL's 22P02", async () => {
  assert.deepEqual(await fetchReply(app, "/items?id=eq(any).1"), {
    status: 400,
    body: pgError(
      "22P02",
      'malformed array literal: "1"',
      'Array value must start with "{" or dimension information.',
    ),
  });
});

Deno.test("quoted values, escapes and parentheses in in.()", async () => {
  const names = (...n: string[]) => n.map((name) => ({ name }));
  assert.deepEqual(await rows(app, '/w_or_wo_comma_names?name=in.("Hebdon, John")'), names("Hebdon, John"));
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.("Hebdon, John","Williams, Mary","Smith, Joseph")'),
    names("Hebdon, John", "Williams, Mary", "Smith, Joseph"),
  );
  assert.deepEqual(
    await rows(
      app,
      '/w_or_wo_comma_names?name=not.in.("Hebdon, John","Williams, Mary","Smith, Joseph")&limit=3',
    ),
    names("David White", "Larry Thompson", "Double O Seven(007)"),
  );
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.(David White,"Hebdon, John")'),
    names("Hebdon, John", "David White"),
  );
  assert.deepEqual(
    await rows(
      app,
      '/w_or_wo_comma_names?name=not.in.("Hebdon, John",Larry Thompson,"Smith, Joseph")&limit=3',
    ),
    names("Williams, Mary", "David White", "Double O Seven(007)"),
  );
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.("Double O Seven(007)")'),
    names("Double O Seven(007)"),
  );
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.("Double\\"Quote\\"McGraw\\"")'),
    names('Double"Quote"McGraw"'),
  );
  assert.deepEqual(await rows(app, '/w_or_wo_comma_names?name=in.("\\\\")'), names("\\"));
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.("/\\\\Slash/\\\\Beast/\\\\")'),
    names("/\\Slash/\\Beast/\\"),
  );
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.("D\\a\\vid W\\h\\ite")'),
    names("David White"),
  );
});

Deno.test("unquoted double quotes and backslashes in in.() are values", async () => {
  const names = (...n: string[]) => n.map((name) => ({ name }));
  assert.deepEqual(await rows(app, '/w_or_wo_comma_names?name=in.(")'), names('"'));
  assert.deepEqual(
    await rows(app, '/w_or_wo_comma_names?name=in.(Double"Quote"McGraw")'),
    names('Double"Quote"McGraw"'),
  );
  assert.deepEqual(await rows(app, "/w_or_wo_comma_names?name=in.(\\)"), names("\\"));
  assert.deepEqual(
    await rows(app, "/w_or_wo_comma_names?name=in.(/\\Slash/\\Beast/\\)"),
    names("/\\Slash/\\Beast/\\"),
  );
});

Deno.test("in.() with no value matches nothing for every type; not.in.() matches everything", async () => {
  for (const col of ["int", "text", "bool", "bin", "char", "date", "real", "time"]) {
    assert.deepEqual(await rows(app, `/items_with_different_col_types?${col}_data=in.()`), [], col);
  }
  assert.deepEqual(await rows(app, "/items_with_different_col_types?int_data=in.(    )"), []);
  assert.deepEqual(
    await rows(app, "/items_with_different_col_types?int_data=not.in.()&select=int_data"),
    [{ int_data: 1 }],
  );
});

Deno.test("in.() with an empty element among others is PostgreSQL's 22P02", async () => {
  assert.deepEqual(await fetchReply(app, "/items_with_different_col_types?int_data=in.( ,3,4)"), {
    status: 400,
    body: pgError("22P02", 'invalid input syntax for type integer: ""'),
  });
});

Deno.test("eq. with an empty value matches the empty string", async () => {
  assert.deepEqual(await rows(app, "/empty_string?string=eq.&select=id,string"), [{ id: 1, string: "" }]);
});

Deno.test("columns with spaces, dollars and reserved characters (quoted) filter and select", async () => {
  assert.deepEqual(
    await rows(app, "/Server%20Today?select=Just%20A%20Server%20Model&Just%20A%20Server%20Model=like.*91*"),
    [
      { "Just A Server Model": " IBM,9113-550 (P5-550)" },
      { "Just A Server Model": " IBM,9113-550 (P5-550)" },
      { "Just A Server Model": " IBM,9131-52A (P5-52A)" },
      { "Just A Server Model": " IBM,9133-55A (P5-55A)" },
    ],
  );
  assert.deepEqual(
    await rows(
      app,
      "/pgrst_reserved_chars?select=%22:arr-%3Eow::cast%22,%22(inside,parens)%22,%22a.dotted.column%22,%22%20%20col%20%20w%20%20space%20%20%22&%22*id*%22=eq.1",
    ),
    [{
      ":arr->ow::cast": " arrow-1 ",
      "(inside,parens)": " parens-1 ",
      "a.dotted.column": " dotted-1 ",
      "  col  w  space  ": " space-1",
    }],
  );
  assert.deepEqual(await rows(app, "/do$llar$s?select=a$num$&a$num$=eq.100"), [{ a$num$: 100 }]);
});

Deno.test("the same column filtered twice applies both filters", async () => {
  assert.deepEqual(await rows(app, "/items?select=id&id=gt.1&id=lt.4"), ids(2, 3));
});

Deno.test("a filter on an unknown column is PostgreSQL's 42703", async () => {
  assert.deepEqual(await fetchReply(app, "/items?nope=eq.1"), {
    status: 400,
    body: pgError("42703", "column items.nope does not exist"),
  });
});

Deno.test("a value without an operator is 400 PGRST100 with the parse position", async () => {
  assert.deepEqual(await fetchReply(app, "/items?id=0"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse filter (0)" (line 1, column 1)',
      'unexpected "0" expecting "not" or operator (eq, gt, ...)',
    ),
  });
  assert.deepEqual(await fetchReply(app, "/items?id=not.not.eq.1"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse filter (not.not.eq.1)" (line 1, column 5)',
      'unexpected "n" expecting operator (eq, gt, ...)',
    ),
  });
});

Deno.test("an operator the column type lacks is PostgreSQL's 42883 (404)", async () => {
  assert.deepEqual(await fetchReply(app, "/items?id=cs.1"), {
    status: 404,
    body: pgError(
      "42883",
      "operator does not exist: bigint @> unknown",
      null,
      "No operator matches the given name and argument types. You might need to add explicit type casts.",
    ),
  });
});

Deno.test("filters on an embedded resource that is not embedded are 400 PGRST108", async () => {
  assert.deepEqual(await fetchReply(app, "/clients?select=*&non_existent_projects.name=like.*NonExistent*"), {
    status: 400,
    body: pgError(
      "PGRST108",
      "'non_existent_projects' is not an embedded resource in this request",
      null,
      "Verify that 'non_existent_projects' is included in the 'select' query parameter.",
    ),
  });
  assert.deepEqual(
    await fetchReply(app, "/clients?select=id,projects(id,tasks(id,name))&projects.tasks2.name=like.Design*"),
    {
      status: 400,
      body: pgError(
        "PGRST108",
        "'tasks2' is not an embedded resource in this request",
        null,
        "Verify that 'tasks2' is included in the 'select' query parameter.",
      ),
    },
  );
});

Deno.test("filters on nested embedded resources filter only the embedded rows", async () => {
  assert.deepEqual(
    await rows(app, "/clients?select=id,projects(id,tasks(id,name))&projects.tasks.name=like.Design*"),
    [
      {
        id: 1,
        projects: [{ id: 1, tasks: [{ id: 1, name: "Design w7" }] }, {
          id: 2,
          tasks: [{ id: 3, name: "Design w10" }],
        }],
      },
      {
        id: 2,
        projects: [{ id: 3, tasks: [{ id: 5, name: "Design IOS" }] }, {
          id: 4,
          tasks: [{ id: 7, name: "Design OSX" }],
        }],
      },
    ],
  );
});
