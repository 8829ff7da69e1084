/**
 * Golden SQL for reads: a query string is parsed, planned against the hand-built catalog of
 * `tests/unit/plan/read_fixture.ts` and rendered; text and parameters are compared exactly.
 * Every value of the request — filter values, `in` lists, JSON keys and indexes, FTS
 * configurations, limits and offsets — must be a parameter.
 */
import assert from "node:assert/strict";
import type { ParamValue } from "../../../lib/db/db.ts";
import { CONFIG, countSql, mainSql, selectSql } from "../plan/read_fixture.ts";

const ITEMS = '"api"."items"';

/** Whitespace is not significant: runs of blanks compare as one space. */
const squash = (text: string) => text.replace(/\s+/g, " ").trim();

function same(actual: { text: string; params: ParamValue[] }, text: string, params: (string | null)[]) {
  assert.deepEqual({ text: squash(actual.text), params: actual.params }, { text: squash(text), params });
}

function sameObj(
  actual: { text: string; params: ParamValue[] },
  expected: { text: string; params: (string | null)[] },
) {
  same(actual, expected.text, expected.params);
}

function golden(path: string, text: string, params: (string | null)[]) {
  same(selectSql(path), text, params);
}

Deno.test("selectSql() binds a comparison value", () => {
  golden(
    "/items?select=id&id=eq.1",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."id" = $1 `,
    ["1"],
  );
});

Deno.test("selectSql() renders every simple operator with the value as a parameter", () => {
  const cases: [string, string][] = [
    ["neq", "<>"],
    ["cs", "@>"],
    ["cd", "<@"],
    ["ov", "&&"],
    ["sl", "<<"],
    ["sr", ">>"],
    ["nxr", "&<"],
    ["nxl", "&>"],
    ["adj", "-|-"],
  ];
  for (const [op, sql] of cases) {
    golden(
      `/items?select=id&period=${op}.[1,2]`,
      `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."period" ${sql} $1 `,
      ["[1,2]"],
    );
  }
});

Deno.test("selectSql() renders quantifiable operators, any/all and not.", () => {
  const cases: [string, string][] = [
    ["eq", "="],
    ["gt", ">"],
    ["gte", ">="],
    ["lt", "<"],
    ["lte", "<="],
    ["match", "~"],
    ["imatch", "~*"],
  ];
  for (const [op, sql] of cases) {
    golden(
      `/items?select=id&name=${op}.x`,
      `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" ${sql} $1 `,
      ["x"],
    );
    golden(
      `/items?select=id&name=not.${op}(any).{x,y}`,
      `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE NOT ${ITEMS}."name" ${sql} ANY($1) `,
      ["{x,y}"],
    );
    golden(
      `/items?select=id&name=${op}(all).{x}`,
      `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" ${sql} ALL($1) `,
      ["{x}"],
    );
  }
});

Deno.test("selectSql() turns * into % in like and ilike values, also quantified", () => {
  golden(
    "/items?select=id&name=like.*a*b",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" like $1 `,
    ["%a%b"],
  );
  golden(
    "/items?select=id&name=ilike(any).{a*,*b}",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" ilike ANY($1) `,
    ["{a%,%b}"],
  );
});

Deno.test("selectSql() renders is with keywords (no parameter) and isdistinct with one", () => {
  const cases: [string, string][] = [
    ["null", "NULL"],
    ["not_null", "NOT NULL"],
    ["TRUE", "TRUE"],
    ["false", "FALSE"],
    ["Unknown", "UNKNOWN"],
  ];
  for (const [v, sql] of cases) {
    golden(
      `/items?select=id&name=is.${v}`,
      `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" IS ${sql}`,
      [],
    );
  }
  golden(
    "/items?select=id&name=not.isdistinct.x",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE NOT ${ITEMS}."name" IS DISTINCT FROM $1 `,
    ["x"],
  );
});

Deno.test("selectSql() sends an in list as one array parameter, escaping quotes and backslashes", () => {
  golden(
    '/items?select=id&name=in.(a,"b,c","d\\"e",f\\g)',
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."name" = ANY ($1) `,
    ['{"a","b,c","d\\"e","f\\\\g"}'],
  );
  golden(
    "/items?select=id&name=not.in.()",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE NOT ${ITEMS}."name" = ANY('{}') `,
    [],
  );
});

Deno.test("selectSql() binds FTS configurations, wrapping non-tsvector columns in to_tsvector()", () => {
  golden(
    "/items?select=id&tsv=fts(english).cat%26dog",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."tsv" @@ to_tsquery($1, $2) `,
    ["english", "cat&dog"],
  );
  golden(
    "/items?select=id&body=not.plfts(german).katze",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE NOT to_tsvector($1, ${ITEMS}."body") @@ plainto_tsquery($2, $3) `,
    ["german", "german", "katze"],
  );
  golden(
    "/items?select=id&body=phfts.a%20b",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  to_tsvector(${ITEMS}."body") @@ phraseto_tsquery($1) `,
    ["a b"],
  );
  golden(
    "/items?select=id&data=wfts.x",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  to_tsvector(${ITEMS}."data") @@ websearch_to_tsquery($1) `,
    ["x"],
  );
});

Deno.test("selectSql() leaves unknown fields (computed fields) out of to_tsvector()", () => {
  golden(
    "/items?select=id&search_vector=fts(simple).x",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."search_vector" @@ to_tsquery($1, $2) `,
    ["simple", "x"],
  );
});

Deno.test("selectSql() binds JSON keys and indexes, natively on json/jsonb, through to_jsonb() otherwise", () => {
  golden(
    "/items?select=k:data->a->0,doc->>b&data->a->>b=eq.x",
    `SELECT ${ITEMS}."data"->$1->$2::int AS "k", ${ITEMS}."doc"->>$3 AS "b" FROM ${ITEMS} WHERE  ${ITEMS}."data"->$4->>$5 = $6 `,
    ["a", "+0", "b", "a", "b", "x"],
  );
  golden(
    "/items?select=num->r,tags->-1&num->>i=gt.1&order=num->i.desc",
    `SELECT to_jsonb(${ITEMS}."num")->$1 AS "r", to_jsonb(${ITEMS}."tags")->$2::int AS "tags" FROM ${ITEMS} WHERE  to_jsonb(${ITEMS}."num")->>$3 > $4 ORDER BY to_jsonb(${ITEMS}."num")->$5 DESC `,
    ["r", "-1", "i", "1", "i"],
  );
});

Deno.test("selectSql() writes casts from the URL as SQL, after the safe-name check", () => {
  golden(
    "/items?select=id::text,n:name::character varying,data->>x::int",
    `SELECT CAST( ${ITEMS}."id" AS text ), CAST( ${ITEMS}."name" AS character varying ) AS "n", CAST( ${ITEMS}."data"->>$1 AS int ) AS "x" FROM ${ITEMS} `,
    ["x"],
  );
});

Deno.test("selectSql() applies data representations to output and filter values (also in lists)", () => {
  golden(
    "/items?select=color&color=eq.red",
    `SELECT "api"."color_to_json"(${ITEMS}."color") AS "color" FROM ${ITEMS} WHERE  ${ITEMS}."color" = "api"."color_from_text"($1) `,
    ["red"],
  );
  golden(
    "/items?select=id&color=in.(red,blue)",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."color" = ANY ((SELECT "api"."color_from_text"(unnest($1::text[])))) `,
    ['{"red","blue"}'],
  );
  golden(
    "/items?select=id&color=like.r*",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE  ${ITEMS}."color" like $1 `,
    ["r%"],
  );
});

Deno.test("selectSql() nests and/or/not trees, before plain filters (as PostgREST prepends them)", () => {
  golden(
    "/items?select=id&or=(id.eq.1,and(name.eq.a,not.or(id.gt.5,id.lt.2)))&name=neq.z",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE ( ${ITEMS}."id" = $1 OR ( ${ITEMS}."name" = $2 AND NOT ( ${ITEMS}."id" > $3 OR ${ITEMS}."id" < $4))) AND ${ITEMS}."name" <> $5`,
    ["1", "a", "5", "2", "z"],
  );
  golden(
    "/items?select=id&not.and=(id.eq.1,name.is.null)",
    `SELECT ${ITEMS}."id" FROM ${ITEMS} WHERE NOT ( ${ITEMS}."id" = $1 AND  ${ITEMS}."name" IS NULL)`,
    ["1"],
  );
});

Deno.test("selectSql() orders with directions and nulls, and binds limit and offset", () => {
  golden(
    "/items?select=id&order=name.desc.nullslast,id,data->>k.nullsfirst&limit=5&offset=2",
    `SELECT ${ITEMS}."id" FROM ${ITEMS}   ORDER BY ${ITEMS}."name" DESC NULLS LAST, ${ITEMS}."id" , ${ITEMS}."data"->>$1 NULLS FIRST LIMIT $2 OFFSET $3`,
    ["k", "5", "2"],
  );
  golden("/items?select=id&offset=3", `SELECT ${ITEMS}."id" FROM ${ITEMS}    LIMIT ALL OFFSET $1`, ["3"]);
  golden("/items?select=id&limit=0", `SELECT ${ITEMS}."id" FROM ${ITEMS}    LIMIT $1 OFFSET $2`, ["0", "0"]);
});

Deno.test("selectSql() filters, orders and limits an embed with child.or, child.order, child.limit", () => {
  golden(
    "/clients?select=id,projects(id,name)&projects.or=(id.eq.1,name.eq.x)&projects.order=id&projects.limit=2",
    'SELECT "api"."clients"."id", COALESCE( "clients_projects_1"."clients_projects_1", \'[]\') AS "projects" ' +
      'FROM "api"."clients" LEFT JOIN LATERAL ( SELECT json_agg("clients_projects_1")::jsonb AS "clients_projects_1" ' +
      'FROM (SELECT "projects_1"."id", "projects_1"."name" FROM "api"."projects" AS "projects_1" ' +
      'WHERE  ( "projects_1"."id" = $1 OR  "projects_1"."name" = $2) AND "projects_1"."client_id" = "api"."clients"."id"  ' +
      'ORDER BY "projects_1"."id"  LIMIT $3 OFFSET $4 ) AS "clients_projects_1" ) AS "clients_projects_1" ON TRUE   ',
    ["1", "x", "2", "0"],
  );
});

Deno.test("countSql() keeps only the root's filters and turns !inner embeds into EXISTS", () => {
  sameObj(countSql("/clients?select=id,projects!inner(id)&projects.name=eq.x&name=like.a*&limit=1"), {
    text: 'SELECT 1  FROM "api"."clients" WHERE  "api"."clients"."name" like $1 AND EXISTS (SELECT 1  ' +
      'FROM "api"."projects" AS "projects_1" WHERE  "projects_1"."name" = $2 AND "projects_1"."client_id" = "api"."clients"."id" )',
    params: ["a%", "x"],
  });
  sameObj(countSql("/clients?select=id,projects(id)&or=(projects.is.null,id.eq.1)"), {
    text:
      'SELECT 1  FROM "api"."clients" WHERE  (NOT EXISTS (SELECT 1  FROM "api"."projects" AS "projects_1" ' +
      'WHERE "projects_1"."client_id" = "api"."clients"."id") OR  "api"."clients"."id" = $1)',
    params: ["1"],
  });
});

const TAIL = "nullif(current_setting('response.headers', true), '') AS response_headers, " +
  "nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted " +
  "FROM ( SELECT * FROM pgrst_source ) _postgrest_t";
const SOURCE = 'WITH pgrst_source AS ( SELECT "api"."clients"."id" FROM "api"."clients"';

Deno.test("mainSql() without a count totals null and aggregates json", () => {
  sameObj(mainSql("/clients?select=id"), {
    text:
      `${SOURCE}    )  SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ` +
      `coalesce(json_agg(_postgrest_t), '[]') AS body, ${TAIL}`,
    params: [],
  });
});

Deno.test("mainSql() counts with the page count when there is no range and no max-rows", () => {
  sameObj(mainSql("/clients?select=id", { headers: { Prefer: "count=exact" } }), {
    text: `${SOURCE}    )  SELECT pg_catalog.count(_postgrest_t) AS total_result_set, ` +
      `pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, ${TAIL}`,
    params: [],
  });
});

Deno.test("mainSql() counts in a separate CTE when a range is requested", () => {
  sameObj(mainSql("/clients?select=id&limit=2", { headers: { Prefer: "count=exact" } }), {
    text: `${SOURCE}   LIMIT $1 OFFSET $2 ) , pgrst_source_count AS (SELECT 1  FROM "api"."clients") ` +
      `SELECT (SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_result_set, ` +
      `pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, ${TAIL}`,
    params: ["2", "0"],
  });
});

Deno.test("mainSql() limits the estimated count to db-max-rows + 1 and caps every level", () => {
  const config = { ...CONFIG, dbMaxRows: 10 };
  sameObj(mainSql("/clients?select=id", { headers: { Prefer: "count=estimated" }, config }), {
    text:
      `${SOURCE}   LIMIT $1 OFFSET $2 ) , pgrst_source_count AS (SELECT 1  FROM "api"."clients" LIMIT $3) ` +
      `SELECT (SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_result_set, ` +
      `pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t), '[]') AS body, ${TAIL}`,
    params: ["10", "0", "11"],
  });
  const embedded = mainSql("/clients?select=id,projects(id)", { config });
  assert.deepEqual(embedded.params, ["10", "0", "10", "0"]);
});

Deno.test("mainSql() builds the body for singular, stripped and HEAD requests", () => {
  const body = (path: string, headers: Record<string, string>, method = "GET") => {
    const text = mainSql(path, { headers, method }).text;
    return text.slice(text.indexOf("AS page_total, ") + 15, text.indexOf(" AS body"));
  };
  assert.equal(
    body("/clients?select=id", { Accept: "application/vnd.pgrst.object+json" }),
    "coalesce(json_agg(_postgrest_t)->0, 'null')",
  );
  assert.equal(
    body("/clients?select=id", { Accept: "application/vnd.pgrst.object+json;nulls=stripped" }),
    "coalesce(json_strip_nulls(json_agg(_postgrest_t)->0), 'null')",
  );
  assert.equal(
    body("/clients?select=id", { Accept: "application/vnd.pgrst.array+json;nulls=stripped" }),
    "coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')",
  );
  assert.equal(body("/clients?select=id", {}, "HEAD"), "''::text");
});
