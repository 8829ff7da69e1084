/**
 * Vertical filtering (FEATURES §2.2): columns, aliases, casts, JSON paths, composite and array
 * element access, computed fields, quoted and unicode names, and their errors. Ported from
 * PostgREST's QuerySpec ("Shaping response with select parameter"), JsonOperatorSpec and
 * UnicodeSpec (read part).
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

/**
 * Data representations (VF-12, HF-23): a domain formatted to JSON and parsed from filter text.
 * Casts are seen by every catalog, so they live in this test's database only.
 */
const DATAREP = `
create domain reading.color as integer check (value >= 0 and value <= 16777215);
create function reading.color_from_text(text) returns reading.color immutable language sql as $$
  select (('x' || lpad((case when substring($1, 1, 1) = '#' then substring($1, 2) else $1 end), 8, '0'))::bit(32)::int)::reading.color
$$;
create function reading.color_to_json(reading.color) returns json immutable language sql as $$
  select case when $1 is null then to_json(''::text) else to_json('#' || lpad(upper(to_hex($1)), 6, '0')) end
$$;
create cast (text as reading.color) with function reading.color_from_text(text) as implicit;
create cast (reading.color as json) with function reading.color_to_json(reading.color) as implicit;
create table reading.datarep_todos (id integer primary key, name text, label_color reading.color, due_at timestamptz);
insert into reading.datarep_todos values
  (1, 'Report', 0, '2018-01-02'), (2, 'Essay', 256, '2018-01-03'),
  (3, 'Algebra', 123456, '2018-01-01 14:12:34.123456'), (4, 'Opus Magnum', null, null);
grant select on reading.datarep_todos to anon;
grant execute on function reading.color_from_text(text), reading.color_to_json(reading.color) to anon;
`;

const app = await readingApp({}, DATAREP);
Deno.test.afterAll(() => app.close());

Deno.test("no select gives every column; an empty select too", async () => {
  assert.deepEqual(await rows(app, "/complex_items?id=eq.3"), [
    {
      id: 3,
      name: "Three",
      settings: { foo: { int: 1, bar: "baz" } },
      arr_data: [1, 2, 3],
      "field-with_sep": 3,
    },
  ]);
  assert.deepEqual(await rows(app, "/projects?select=&id=lt.3"), [
    { id: 1, name: "Windows 7", client_id: 1 },
    { id: 2, name: "Windows 10", client_id: 1 },
  ]);
});

Deno.test("columns, dashes in names, aliases and casts", async () => {
  assert.deepEqual(await rows(app, "/complex_items?id=eq.3&select=id,field-with_sep"), [{
    id: 3,
    "field-with_sep": 3,
  }]);
  assert.deepEqual(await rows(app, "/complex_items?select=id"), ids(1, 2, 3));
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=myId:id"), [{ myId: 1 }]);
  assert.deepEqual(await rows(app, "/complex_items?select=id::text"), [{ id: "1" }, { id: "2" }, {
    id: "3",
  }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=myId:id::text"), [{ myId: "1" }]);
  assert.deepEqual(await rows(app, "/complex_items?id=eq.1&select=settings"), [{
    settings: { foo: { int: 1, bar: "baz" } },
  }]);
  assert.deepEqual(await rows(app, "/items?id=eq.1&select=id::character varying"), [{ id: "1" }]);
});

Deno.test("casts to types with underscores and digits", async () => {
  assert.deepEqual(await rows(app, "/oid_test?select=id,oid_col::int,oid_array_col::_int4"), [
    { id: 1, oid_col: 12345, oid_array_col: [1, 2, 3, 4, 5] },
  ]);
});

Deno.test("a cast to an unknown type is PostgreSQL's 42704", async () => {
  assert.deepEqual(await fetchReply(app, "/complex_items?select=id::fakecolumntype"), {
    status: 400,
    body: pgError("42704", 'type "fakecolumntype" does not exist'),
  });
});

Deno.test("a cast the grammar rejects never reaches SQL: 400 PGRST100", async () => {
  assert.deepEqual(await fetchReply(app, "/items?select=id::text%3B%20drop%20table%20x"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse select parameter (id::text; drop table x)" (line 1, column 9)',
      'unexpected \';\' expecting letter, digit, ".", "::", ")", "," or end of input',
    ),
  });
});

Deno.test("an unknown column is PostgreSQL's 42703", async () => {
  assert.deepEqual(await fetchReply(app, "/projects?select=id,banana"), {
    status: 400,
    body: pgError("42703", "column projects.banana does not exist"),
  });
});

Deno.test("computed fields are selectable, also overloaded ones", async () => {
  assert.deepEqual(await rows(app, "/items?id=eq.1&select=id,always_true"), [{ id: 1, always_true: true }]);
  assert.deepEqual(await rows(app, "/items?id=eq.1&select=id,computed_overload"), [{
    id: 1,
    computed_overload: true,
  }]);
  assert.deepEqual(await rows(app, "/items2?id=eq.1&select=id,computed_overload"), [{
    id: 1,
    computed_overload: true,
  }]);
  assert.deepEqual(await rows(app, "/items?id=eq.2&select=id,neg:anti_id"), [{ id: 2, neg: -2 }]);
});

Deno.test("unicode table and column names", async () => {
  assert.deepEqual(await rows(app, "/%D9%85%D9%88%D8%A7%D8%B1%D8%AF"), [{ "هویت": 1 }]);
  assert.deepEqual(
    await rows(
      app,
      "/%D9%85%D9%88%D8%A7%D8%B1%D8%AF?%D9%87%D9%88%DB%8C%D8%AA=eq.1&select=%D9%87%D9%88%DB%8C%D8%AA::text",
    ),
    [{ "هویت": "1" }],
  );
});

Deno.test("a quoted name may contain a double quote", async () => {
  assert.deepEqual(await fetchReply(app, "/items?select=%22i%5C%22d%22"), {
    status: 400,
    body: pgError(
      "42703",
      'column items.i"d does not exist',
      null,
      'Perhaps you meant to reference the column "items.id".',
    ),
  });
});

Deno.test("syntax errors in select are 400 PGRST100 with the position", async () => {
  assert.deepEqual(await fetchReply(app, "/items?select=id,"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse select parameter (id,)" (line 1, column 4)',
      'unexpected end of input expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"',
    ),
  });
  assert.deepEqual(await fetchReply(app, "/items?select=data->"), {
    status: 400,
    body: pgError(
      "PGRST100",
      '"failed to parse select parameter (data->)" (line 1, column 7)',
      'unexpected end of input expecting "-", digit or any non reserved character different from: .,>()',
    ),
  });
});

Deno.test("aggregates are 400 PGRST123 unless db-aggregates-enabled", async () => {
  const notAllowed = pgError("PGRST123", "Use of aggregate functions is not allowed");
  assert.deepEqual(await fetchReply(app, "/project_invoices?select=invoice_total.sum()"), {
    status: 400,
    body: notAllowed,
  });
  assert.deepEqual(await fetchReply(app, "/entities?select=count()"), { status: 400, body: notAllowed });
  assert.deepEqual(await fetchReply(app, "/projects?select=name,project_invoices(invoice_total.sum())"), {
    status: 400,
    body: notAllowed,
  });
  assert.deepEqual(await fetchReply(app, "/project_invoices?select=...projects(id.count())"), {
    status: 400,
    body: notAllowed,
  });
});

Deno.test("select=count (no parentheses) still counts through attribute notation", async () => {
  assert.deepEqual(await rows(app, "/entities?select=count"), [{ count: 4 }]);
});

const todos = [
  { id: 1, label_color: "#000000" },
  { id: 2, label_color: "#000100" },
  { id: 3, label_color: "#01E240" },
];

Deno.test("data representations format selected columns, also renamed and in *", async () => {
  assert.deepEqual(await rows(app, "/datarep_todos?select=id,label_color&id=lt.4"), todos);
  assert.deepEqual(
    await rows(app, "/datarep_todos?select=id,clr:label_color&id=lt.4"),
    todos.map(({ id, label_color }) => ({ id, clr: label_color })),
  );
  assert.deepEqual(await rows(app, "/datarep_todos?id=eq.4"), [
    { id: 4, name: "Opus Magnum", label_color: "", due_at: null },
  ]);
  assert.deepEqual(await rows(app, "/datarep_todos?select=*&id=eq.2"), [
    { id: 2, name: "Essay", label_color: "#000100", due_at: "2018-01-03T00:00:00+00:00" },
  ]);
});

Deno.test("a cast on a represented column applies on top of the representation", async () => {
  assert.deepEqual(await rows(app, "/datarep_todos?select=id,clr:label_color::text&id=lt.4"), [
    { id: 1, clr: '"#000000"' },
    { id: 2, clr: '"#000100"' },
    { id: 3, clr: '"#01E240"' },
  ]);
});

Deno.test("filter values go through the text parser of a representation, in lists too", async () => {
  assert.deepEqual(await rows(app, "/datarep_todos?select=id&label_color=eq.000100"), ids(2));
  assert.deepEqual(await rows(app, "/datarep_todos?select=id&label_color=in.(000100,01E240)"), ids(2, 3));
  assert.deepEqual(await rows(app, "/datarep_todos?select=id&label_color=not.in.(000000,01E240)"), ids(2));
  assert.deepEqual(await rows(app, "/datarep_todos?select=id&label_color=neq.000100&id=lt.4"), ids(1, 3));
});

Deno.test("like on a represented column fails safely with PostgreSQL's 42883", async () => {
  assert.deepEqual(await fetchReply(app, "/datarep_todos?select=id,name&label_color=ilike.%23*100"), {
    status: 404,
    body: pgError(
      "42883",
      "operator does not exist: color ~~* unknown",
      null,
      "No operator matches the given name and argument types. You might need to add explicit type casts.",
    ),
  });
});

Deno.test("columns without a text parser take filter values as they are", async () => {
  assert.deepEqual(await fetchReply(app, "/datarep_todos?select=id,due_at&due_at=eq.Z"), {
    status: 400,
    body: pgError("22007", 'invalid input syntax for type timestamp with time zone: "Z"'),
  });
  assert.deepEqual(await fetchReply(app, "/datarep_todos?select=id,label_color,banana"), {
    status: 400,
    body: pgError("42703", "column datarep_todos.banana does not exist"),
  });
});

Deno.test("a column called count, a column called t and a table name with a semicolon", async () => {
  assert.deepEqual(await rows(app, "/has_count_column"), [{ id: 1, count: 10 }, { id: 2, count: 20 }]);
  assert.deepEqual(await rows(app, "/has_count_column?select=count&order=count.desc"), [{ count: 20 }, {
    count: 10,
  }]);
  assert.deepEqual(await rows(app, "/clashing_column?select=t"), [{ t: "x" }]);
  assert.deepEqual(await rows(app, "/Escap3e;?select=so6meIdColumn&so6meIdColumn=lt.3"), [
    { so6meIdColumn: 1 },
    { so6meIdColumn: 2 },
  ]);
});

Deno.test("an unknown table is 404 PGRST205 with a fuzzy hint", async () => {
  assert.deepEqual(await fetchReply(app, "/itemz"), {
    status: 404,
    body: pgError(
      "PGRST205",
      "Could not find the table 'reading.itemz' in the schema cache",
      null,
      "Perhaps you meant the table 'reading.items'",
    ),
  });
});
