import assert from "node:assert/strict";
import type { DeletePlan, InsertPlan, UpdatePlan } from "../../../lib/plan/mutate_plan.ts";
import { emptyReadPlan } from "../../../lib/plan/read_plan.ts";
import { type CoercibleField, type CoercibleLogicTree, unknownField } from "../../../lib/plan/types.ts";
import { isJsonObject, mainWrite, mutatePlanToQuery } from "../../../lib/query/mutate.ts";
import { render } from "../../../lib/query/sql.ts";
import type { Preferences } from "../../../lib/request/types.ts";

const items = { schema: "test", name: "items" };

function col(name: string, irType: string, extra: Partial<CoercibleField> = {}): CoercibleField {
  return { ...unknownField(name), irType, baseType: irType, ...extra };
}

function eq(name: string, value: string): CoercibleLogicTree {
  return {
    kind: "stmt",
    filter: {
      kind: "filter",
      field: unknownField(name),
      opExpr: { kind: "op", negated: false, operation: { kind: "quant", op: "eq", quantifier: null, value } },
    },
  };
}

const insert: InsertPlan = {
  kind: "insert",
  into: items,
  columns: [col("id", "integer"), col("name", "text")],
  body: '[{"id":1,"name":"a"}]',
  onConflict: null,
  where: [],
  returning: [],
  pkColumns: ["id"],
  applyDefaults: false,
};

const BODY_ROWS = (fn: string, cols: string, limit = "") =>
  `FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "id", "name" FROM ${fn}(pgrst_payload.json_data) AS _(${cols}) ${limit}) pgrst_body `;

const INSERTED_PLUS =
  `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'`;
const INSERTED_MINUS =
  `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'`;

Deno.test("mutatePlanToQuery() inserts an array body with json_to_recordset from one parameter", () => {
  assert.deepEqual(render(mutatePlanToQuery(insert)), {
    text: `INSERT INTO "test"."items"("id", "name") SELECT "pgrst_body"."id", "pgrst_body"."name" ${
      BODY_ROWS("json_to_recordset", `"id" integer, "name" text`)
    } RETURNING 1`,
    params: ['[{"id":1,"name":"a"}]'],
  });
});

Deno.test("mutatePlanToQuery() reads an object body with json_to_record, whitespace allowed", () => {
  const q = render(mutatePlanToQuery({ ...insert, body: ' \n\t{"id":1}', returning: ["id", "name"] }));
  assert.equal(
    q.text,
    `INSERT INTO "test"."items"("id", "name") SELECT "pgrst_body"."id", "pgrst_body"."name" ${
      BODY_ROWS("json_to_record", `"id" integer, "name" text`)
    } RETURNING "test"."items"."id", "test"."items"."name"`,
  );
  assert.deepEqual(q.params, [' \n\t{"id":1}']);
});

Deno.test("mutatePlanToQuery() upserts with ON CONFLICT DO UPDATE and counts inserted rows", () => {
  const q = render(mutatePlanToQuery({
    ...insert,
    onConflict: { resolution: "merge-duplicates", columns: ["id"] },
    returning: ["*"],
  }));
  assert.equal(
    q.text,
    `INSERT INTO "test"."items"("id", "name") SELECT "pgrst_body"."id", "pgrst_body"."name" ${
      BODY_ROWS("json_to_recordset", `"id" integer, "name" text`)
    }WHERE ${INSERTED_PLUS} ON CONFLICT("id") DO UPDATE SET "id" = EXCLUDED."id", "name" = EXCLUDED."name" WHERE ${INSERTED_MINUS} RETURNING "test"."items".*`,
  );
});

Deno.test("mutatePlanToQuery() ignores duplicates with DO NOTHING and does not count", () => {
  const q = render(mutatePlanToQuery({
    ...insert,
    onConflict: { resolution: "ignore-duplicates", columns: ["key1", "key2"] },
  }));
  assert.match(q.text, /pgrst_body {2}ON CONFLICT\("key1", "key2"\) DO NOTHING RETURNING 1$/);
  assert.doesNotMatch(q.text, /pgrst\.inserted/);
});

Deno.test("mutatePlanToQuery() has no ON CONFLICT without a conflict target", () => {
  const q = render(
    mutatePlanToQuery({ ...insert, onConflict: { resolution: "merge-duplicates", columns: [] } }),
  );
  assert.doesNotMatch(q.text, /ON CONFLICT/);
  assert.match(q.text, /pgrst_body WHERE set_config\('pgrst.inserted'/);
});

Deno.test("mutatePlanToQuery() does nothing on conflict when the body has no columns", () => {
  const q = render(mutatePlanToQuery({
    ...insert,
    columns: [],
    body: "[{}]",
    onConflict: { resolution: "merge-duplicates", columns: ["id"] },
  }));
  assert.equal(
    q.text,
    `INSERT INTO "test"."items" SELECT  FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT  FROM json_array_elements(pgrst_payload.json_data) _ ) pgrst_body WHERE ${INSERTED_PLUS} ON CONFLICT("id") DO NOTHING RETURNING 1`,
  );
});

Deno.test("mutatePlanToQuery() inserts one default row for an empty object", () => {
  const q = render(mutatePlanToQuery({ ...insert, columns: [], body: "{}" }));
  assert.equal(
    q.text,
    `INSERT INTO "test"."items" SELECT  FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT  FROM (values(1)) _ ) pgrst_body  RETURNING 1`,
  );
});

Deno.test("mutatePlanToQuery() checks PUT's primary key filters against the body row", () => {
  const q = render(mutatePlanToQuery({
    ...insert,
    body: '{"id":4,"name":"x"}',
    onConflict: { resolution: "merge-duplicates", columns: ["id"] },
    where: [eq("id", "4")],
    pkColumns: [],
  }));
  assert.equal(
    q.text,
    `INSERT INTO "test"."items"("id", "name") SELECT "pgrst_body"."id", "pgrst_body"."name" ${
      BODY_ROWS("json_to_record", `"id" integer, "name" text`)
    }WHERE ${INSERTED_PLUS} AND  "pgrst_body"."id" = $2 ON CONFLICT("id") DO UPDATE SET "id" = EXCLUDED."id", "name" = EXCLUDED."name" WHERE ${INSERTED_MINUS} RETURNING 1`,
  );
  assert.deepEqual(q.params, ['{"id":4,"name":"x"}', "4"]);
});

Deno.test("mutatePlanToQuery() fills absent keys with the columns' defaults (missing=default)", () => {
  const plan: InsertPlan = {
    ...insert,
    columns: [
      col("id", "integer", { default: "nextval('test.items_id_seq'::regclass)" }),
      col("name", "text", { default: "'Default'::text" }),
    ],
    applyDefaults: true,
  };
  const array = render(mutatePlanToQuery(plan));
  assert.equal(
    array.text,
    `INSERT INTO "test"."items"("id", "name") SELECT "pgrst_body"."id", "pgrst_body"."name" FROM (SELECT $1::jsonb AS json_data) pgrst_payload, LATERAL (SELECT jsonb_agg(jsonb_build_object($2::text, (nextval('test.items_id_seq'::regclass)), $3::text, ('Default'::text)) || elem) AS val from jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs, LATERAL (SELECT "id", "name" FROM jsonb_to_recordset(pgrst_json_defs.val) AS _("id" integer, "name" text) ) pgrst_body  RETURNING 1`,
  );
  assert.deepEqual(array.params, ['[{"id":1,"name":"a"}]', "id", "name"]);
  const object = render(mutatePlanToQuery({ ...plan, body: '{"name":"x"}' }));
  assert.match(
    object.text,
    /LATERAL \(SELECT jsonb_build_object\(\$2::text, .*\) \|\| pgrst_payload.json_data AS val\) pgrst_json_defs, LATERAL \(SELECT "id", "name" FROM jsonb_to_record\(pgrst_json_defs.val\)/,
  );
});

Deno.test("mutatePlanToQuery() parses represented columns with their json → domain function", () => {
  const q = render(mutatePlanToQuery({
    ...insert,
    columns: [col("color", "json", { transform: { schema: "test", name: "json_to_color" } })],
  }));
  assert.match(
    q.text,
    /LATERAL \(SELECT "test"."json_to_color"\("color"\) AS "color" FROM json_to_recordset\(pgrst_payload.json_data\) AS _\("color" json\) \) pgrst_body/,
  );
});

const update: UpdatePlan = {
  kind: "update",
  table: items,
  columns: [col("id", "integer"), col("name", "text")],
  body: '{"name":"a"}',
  where: [eq("id", "1")],
  returning: [],
  applyDefaults: false,
};

Deno.test("mutatePlanToQuery() updates from the first body row, with the filters as WHERE", () => {
  assert.deepEqual(render(mutatePlanToQuery(update)), {
    text: `UPDATE "test"."items" SET "id" = "pgrst_body"."id", "name" = "pgrst_body"."name" ${
      BODY_ROWS("json_to_record", `"id" integer, "name" text`, "LIMIT 1")
    } WHERE  "test"."items"."id" = $2 RETURNING 1`,
    params: ['{"name":"a"}', "1"],
  });
});

Deno.test("mutatePlanToQuery() updates every row without filters", () => {
  const q = render(mutatePlanToQuery({ ...update, where: [] }));
  assert.match(q.text, /pgrst_body {2}RETURNING 1$/);
});

Deno.test("mutatePlanToQuery() selects nothing for an update without columns", () => {
  assert.equal(
    render(mutatePlanToQuery({ ...update, columns: [], returning: ["id", "name"] })).text,
    `SELECT "items"."id", "items"."name" FROM "test"."items" WHERE false`,
  );
  assert.equal(
    render(mutatePlanToQuery({ ...update, columns: [] })).text,
    `SELECT NULL FROM "test"."items" WHERE false`,
  );
});

const del: DeletePlan = { kind: "delete", table: items, where: [eq("id", "1")], returning: ["*"] };

Deno.test("mutatePlanToQuery() deletes with the filters and returns the rows", () => {
  assert.deepEqual(render(mutatePlanToQuery(del)), {
    text: `DELETE FROM "test"."items"  WHERE  "test"."items"."id" = $1 RETURNING "test"."items".*`,
    params: ["1"],
  });
});

Deno.test("mutatePlanToQuery() binds every filter value, also in logic trees", () => {
  const tree: CoercibleLogicTree = {
    kind: "expr",
    negated: true,
    operator: "or",
    children: [eq("a", "x'); drop"), eq("b", "2")],
  };
  const q = render(mutatePlanToQuery({ ...del, where: [tree], returning: [] }));
  assert.equal(
    q.text,
    `DELETE FROM "test"."items"  WHERE NOT ( "test"."items"."a" = $1 OR  "test"."items"."b" = $2) RETURNING 1`,
  );
  assert.deepEqual(q.params, ["x'); drop", "2"]);
});

const prefs: Preferences = {
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

const rootPlan = { ...emptyReadPlan({ schema: "", name: "pgrst_source" }, "items", 0), fromAlias: "items" };

Deno.test("mainWrite() wraps the write in pgrst_source and reads the representation back", () => {
  const q = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: del,
    media: { kind: "json" },
    handler: { kind: "json" },
    preferences: { ...prefs, representation: "representation" },
  }));
  assert.equal(
    q.text,
    `WITH pgrst_source AS (DELETE FROM "test"."items"  WHERE  "test"."items"."id" = $1 RETURNING "test"."items".*) SELECT '' AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, array_to_json(array[]::text[])::text AS header, coalesce(json_agg(_postgrest_t), '[]') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM (SELECT "items".* FROM "pgrst_source" AS "items"   ) _postgrest_t`,
  );
});

Deno.test("mainWrite() reads no column without a body to build", () => {
  const q = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: del,
    media: { kind: "json" },
    handler: { kind: "noAgg" },
    preferences: prefs,
  }));
  assert.match(q.text, /''::text AS body, .* FROM \(SELECT \* FROM pgrst_source\) _postgrest_t$/);
});

Deno.test("mainWrite() builds the Location of one inserted row from its primary key", () => {
  const q = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: { ...insert, pkColumns: ["k1", "k2"] },
    media: { kind: "json" },
    handler: { kind: "noAgg" },
    preferences: { ...prefs, representation: "headers-only" },
  }));
  assert.match(
    q.text,
    /array_to_json\(CASE WHEN pg_catalog.count\(_postgrest_t\) = 1 THEN coalesce\(\(WITH data AS \(SELECT row_to_json\(_\) AS row FROM pgrst_source AS _ LIMIT 1\) SELECT array_agg\(json_data.key \|\| '=' \|\| coalesce\('eq.' \|\| json_data.value, 'is.null'\)\) FROM data CROSS JOIN json_each_text\(data.row\) AS json_data WHERE json_data.key = ANY\(\$2::text\[\]\)\), array\[\]::text\[\]\) ELSE array\[\]::text\[\] END\)::text AS header/,
  );
  assert.deepEqual(q.params, ['[{"id":1,"name":"a"}]', '{"k1","k2"}']);
});

Deno.test("mainWrite() reports inserted rows only for upserts", () => {
  const upsert = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: { ...insert, onConflict: { resolution: "merge-duplicates", columns: ["id"] } },
    media: { kind: "json" },
    handler: { kind: "noAgg" },
    preferences: { ...prefs, resolution: "merge-duplicates" },
  }));
  assert.match(
    upsert.text,
    /coalesce\(nullif\(current_setting\('pgrst.inserted', true\), ''\)::int, 0\) AS response_inserted/,
  );
  const ignore = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: { ...insert, onConflict: { resolution: "ignore-duplicates", columns: ["id"] } },
    media: { kind: "json" },
    handler: { kind: "noAgg" },
    preferences: { ...prefs, resolution: "ignore-duplicates" },
  }));
  assert.match(ignore.text, /'' AS response_inserted/);
});

Deno.test("mainWrite() explains the write for vnd.pgrst.plan", () => {
  const q = render(mainWrite({
    readPlan: rootPlan,
    mutatePlan: del,
    media: { kind: "plan", for: { kind: "json" }, format: "json", options: [] },
    handler: { kind: "noAgg" },
    preferences: prefs,
  }));
  assert.match(q.text, /^EXPLAIN \(FORMAT JSON\) WITH pgrst_source AS \(DELETE/);
});

Deno.test("isJsonObject() looks at the first non-blank character only", () => {
  assert.equal(isJsonObject(' \r\n\t{"a":1}'), true);
  assert.equal(isJsonObject("[{}]"), false);
  assert.equal(isJsonObject(""), false);
  assert.equal(isJsonObject(null), false);
});
