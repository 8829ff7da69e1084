import assert from "node:assert/strict";
import { castTo, ident, join, param, render, sql } from "../../../lib/query/sql.ts";

Deno.test("render() numbers parameters in order of appearance", () => {
  const q = sql`select ${ident("name")} from ${ident("api", "items")} where ${ident("id")} = ${
    param("1")
  } and x = ${param(null)}`;
  assert.deepEqual(render(q), {
    text: 'select "name" from "api"."items" where "id" = $1 and x = $2',
    params: ["1", null],
  });
});

Deno.test("ident() quotes each part, doubling quotes and keeping dots and unicode", () => {
  const q = sql`${ident("my schema", 'a"b.c', "ünï")}`;
  assert.equal(render(q).text, '"my schema"."a""b.c"."ünï"');
});

Deno.test("sql refuses a plain string interpolation at runtime", () => {
  const evil = "1; drop table x" as unknown as ReturnType<typeof param>;
  assert.throws(() => sql`select ${evil}`, TypeError);
});

Deno.test("nested fragments keep their parameters and numbering", () => {
  const a = sql`a = ${param("x")}`;
  const b = sql`b = ${param("y")}`;
  assert.deepEqual(render(sql`where ${join([a, b], sql` and `)} limit ${param(3)}`), {
    text: "where a = $1 and b = $2 limit $3",
    params: ["x", "y", "3"],
  });
});

Deno.test("castTo() admits type names and rejects anything that could end the statement", () => {
  assert.equal(render(castTo("character varying(10)[]")).text, "::character varying(10)[]");
  assert.equal(render(castTo("int4")).text, "::int4");
  for (const bad of ["int; drop table x", "text)--", "text'", 'text"', "a/*b*/"]) {
    assert.throws(() => castTo(bad), TypeError, bad);
  }
});
