import assert from "node:assert/strict";
import { createPgDatabase } from "../../lib/db/pg.ts";
import { DbServerError } from "../../lib/db/db.ts";
import { catalogSummary, loadCatalog, loadCatalogWithStats } from "../../lib/catalog/load.ts";
import { catalogToJson } from "../../lib/catalog/json.ts";
import { findRelationships, findRoutines, findTable, tableNotFoundHint } from "../../lib/catalog/fuzzy.ts";
import type { Catalog, Relationship } from "../../lib/catalog/types.ts";
import { testDatabase } from "../helpers/db.ts";

const tdb = await testDatabase();
const db = createPgDatabase({
  uri: tdb.uri(),
  poolSize: 2,
  acquisitionTimeout: 5,
  maxIdletime: 30,
  maxLifetime: 1800,
  applicationName: "pgrst catalog test",
});

Deno.test.afterAll(async () => {
  await db.close();
  await tdb.drop();
});

const OPTIONS = { schemas: ["catalog"], extraSearchPath: ["catalog_extra"] };
const { catalog, stats } = await loadCatalogWithStats(db, OPTIONS);

const table = (name: string) => {
  const t = findTable(catalog, "catalog", name);
  assert.ok(t, `table catalog.${name}`);
  return t;
};

/** `kind constraint [pairs]` (or `m2m junction c1/c2 [source] [target]`, `computed f`) per relationship. */
function describe(rel: Relationship): string {
  if (rel.kind === "computed") return `computed ${rel.function.name}${rel.singleRow ? " single" : ""}`;
  const c = rel.cardinality;
  if (c.kind === "m2m") {
    const j = c.junction;
    return `m2m ${j.table.name} ${j.constraint1}/${j.constraint2} ${JSON.stringify(j.sourceColumns)} ${
      JSON.stringify(j.targetColumns)
    }`;
  }
  const parent = c.kind === "o2o" ? (c.isParent ? " parent" : " child") : "";
  return `${c.kind} ${c.constraint} ${JSON.stringify(c.columns)}${parent}`;
}

/** Relationships from `from` to `to`, described. */
function rels(from: string, to: string, cat: Catalog = catalog): string[] {
  return findRelationships(cat, "catalog", from).filter((r) => r.foreignTable.name === to).map(describe);
}

Deno.test("loadCatalog() loads the relations of the exposed schemas, not partitions or private ones", () => {
  const names = [...catalog.tables.values()].map((t) => `${t.schema}.${t.name}`);
  assert.ok(names.every((n) => n.startsWith("catalog.")));
  assert.ok(!names.includes("catalog.box_office_2024"));
  assert.deepEqual(
    ["films", "films_view", "films_mat", "box_office"].map((n) => table(n).kind),
    ["table", "view", "materialized view", "partitioned table"],
  );
  assert.equal(table("films").description, null);
  assert.equal(table("column_kinds").description, "Every kind of column");
});

Deno.test("loadCatalog() reads column types, defaults, lengths, enums and generated columns", () => {
  const cols = table("column_kinds").columns.map((c) => [
    c.name,
    c.type,
    c.nominalType,
    c.nullable,
    c.maxLength,
    c.default,
    c.generated,
  ]);
  assert.deepEqual(cols, [
    ["id", "integer", "integer", false, null, "nextval('catalog.column_kinds_id_seq')", false],
    ["always_id", "integer", "integer", false, null, null, false],
    ["code", "character varying", "character varying(12)", false, 12, null, false],
    ["fixed", "character", "character(3)", true, 3, null, false],
    ["mood", "catalog.mood", "catalog.mood", true, null, "'ok'::catalog.mood", false],
    ["pos", "integer", "catalog.positive", false, null, "42", false],
    ["short", "character varying", "catalog.short_text", true, 5, null, false],
    ["doubled", "integer", "integer", true, null, null, true],
    ["amount", "numeric", "numeric(10,2)", true, null, "1.5", false],
    ["tags", "text[]", "text[]", true, null, null, false],
  ]);
  const kinds = table("column_kinds");
  assert.deepEqual(kinds.columnsByName.get("mood")?.enumValues, ["sad", "ok", "happy"]);
  assert.equal(kinds.columnsByName.get("code")?.description, "The code");
});

Deno.test("loadCatalog() orders table keys by name and infers view keys through views", () => {
  assert.deepEqual(table("compound").pk, ["a", "z"]);
  assert.deepEqual(table("roles").pk, ["actor_first", "actor_last", "film_id"]);
  const viewPks = ["films_view", "films_of_view", "films_top", "films_dup", "films_mat", "secrets_view"]
    .map((v) => table(v).pk);
  assert.deepEqual(viewPks, [["film_id"], ["fid"], ["top_id"], ["id"], ["id"], ["id"]]);
  assert.deepEqual(table("films_broken").pk, []);
  assert.deepEqual(table("director_counts").pk, []);
});

Deno.test("loadCatalog() tells which relations are insertable, updatable and deletable", () => {
  const flags = (n: string) => [table(n).insertable, table(n).updatable, table(n).deletable];
  assert.deepEqual(flags("films"), [true, true, true]);
  assert.deepEqual(flags("films_view"), [true, true, true]);
  assert.deepEqual(flags("director_counts"), [false, false, false]);
  assert.deepEqual(flags("director_names"), [true, false, false]);
  assert.deepEqual(flags("films_mat"), [false, false, false]);
});

Deno.test("loadCatalog() derives many-to-one, one-to-many and one-to-one relationships", () => {
  assert.deepEqual(rels("films", "directors"), [`m2o films_director_id_fkey [["director_id","id"]]`]);
  assert.deepEqual(rels("directors", "films"), [
    `o2m films_director_id_fkey [["id","director_id"]]`,
    "computed all_films",
    "computed top_film single",
  ]);
  assert.deepEqual(rels("technical_specs", "films"), [
    `o2o technical_specs_film_id_fkey [["film_id","id"]] child`,
  ]);
  assert.deepEqual(rels("films", "technical_specs"), [
    `o2o technical_specs_film_id_fkey [["id","film_id"]] parent`,
  ]);
  assert.deepEqual(rels("posters", "films"), [`o2o posters_film_id_fkey [["film_id","id"]] child`]);
});

Deno.test("loadCatalog() derives many-to-many through junctions with composite keys", () => {
  assert.deepEqual(rels("actors", "films"), [
    `m2m roles roles_actor_fkey/roles_film_id_fkey [["first_name","actor_first"],["last_name","actor_last"]] [["id","film_id"]]`,
  ]);
  assert.deepEqual(rels("films", "actors"), [
    `m2m roles roles_film_id_fkey/roles_actor_fkey [["id","film_id"]] [["first_name","actor_first"],["last_name","actor_last"]]`,
  ]);
  // reviews holds FKs to both, outside its primary key; film_credits is a junction, but private
  assert.ok(rels("directors", "films").every((r) => !r.startsWith("m2m")));
  assert.ok(rels("films", "directors").every((r) => !r.startsWith("m2m")));
});

Deno.test("loadCatalog() derives self and partitioned-table relationships", () => {
  const family = findRelationships(catalog, "catalog", "family");
  assert.deepEqual(family.map(describe), [
    `o2m family_parent_id_fkey [["id","parent_id"]]`,
    `m2o family_parent_id_fkey [["parent_id","id"]]`,
    "computed first_family single",
  ]);
  assert.ok(family.every((r) => r.isSelf));
  assert.deepEqual(rels("box_office", "films"), [`m2o box_office_film_id_fkey [["film_id","id"]]`]);
  assert.deepEqual(rels("films", "box_office"), [`o2m box_office_film_id_fkey [["id","film_id"]]`]);
  assert.equal(catalog.relationships.has("catalog\0box_office_2024"), false);
});

Deno.test("loadCatalog() derives relationships of views through renamed columns and views of views", () => {
  assert.deepEqual(rels("films_view", "directors"), [`m2o films_director_id_fkey [["dir","id"]]`]);
  assert.deepEqual(rels("directors", "films_view"), [`o2m films_director_id_fkey [["id","dir"]]`]);
  assert.deepEqual(rels("films_of_view", "directors_view"), [
    `m2o films_director_id_fkey [["director2","director_key"]]`,
  ]);
  assert.deepEqual(rels("technical_specs", "films_of_view"), [
    `o2o technical_specs_film_id_fkey [["film_id","fid"]] child`,
  ]);
  assert.deepEqual(rels("films_mat", "directors"), [`m2o films_director_id_fkey [["director_id","id"]]`]);
  assert.deepEqual(rels("films_dup", "technical_specs"), [
    `o2o technical_specs_film_id_fkey [["id","film_id"]] parent`,
    `o2o technical_specs_film_id_fkey [["id_again","film_id"]] parent`,
  ]);
  const viewToView = findRelationships(catalog, "catalog", "films_of_view").find((r) =>
    r.foreignTable.name === "directors_view"
  );
  assert.equal(viewToView?.kind === "fk" && viewToView.tableIsView && viewToView.foreignTableIsView, true);
});

Deno.test("loadCatalog() follows view chains only through exposed and extra-search-path schemas", async () => {
  assert.deepEqual(rels("films_top", "directors"), [`m2o films_director_id_fkey [["top_director","id"]]`]);
  assert.deepEqual(findRelationships(catalog, "catalog", "films_broken"), []);
  const withoutExtra = await loadCatalog(db, { schemas: ["catalog"], extraSearchPath: [] });
  assert.deepEqual(findRelationships(withoutExtra, "catalog", "films_top"), []);
  assert.deepEqual(findTable(withoutExtra, "catalog", "films_top")?.pk, []);
});

Deno.test("loadCatalog() keeps relationships of views over private tables but none to private tables", () => {
  assert.deepEqual(rels("secrets_view", "films"), [`m2o secrets_film_id_fkey [["secret_film","id"]]`]);
  assert.deepEqual(rels("films", "secrets_view"), [`o2m secrets_film_id_fkey [["id","secret_film"]]`]);
  const targets = [...catalog.relationships.values()].flat().map((r) => r.foreignTable.schema);
  assert.ok(targets.every((s) => s === "catalog"));
});

Deno.test("loadCatalog() lets computed relationships override the detected ones of the same name", () => {
  assert.deepEqual(rels("films", "posters"), ["computed posters"]);
  const hidden = [...catalog.relationships.values()].flat().filter((r) =>
    r.kind === "computed" && r.function.schema !== "catalog"
  );
  assert.deepEqual(hidden, []);
  const top = findRelationships(catalog, "catalog", "directors").find((r) => r.kind === "computed");
  assert.deepEqual(top, {
    kind: "computed",
    function: { schema: "catalog", name: "all_films" },
    table: { schema: "catalog", name: "directors" },
    foreignTable: { schema: "catalog", name: "films" },
    tableAlias: { schema: "catalog", name: "directors" },
    isSelf: false,
    singleRow: false,
  });
});

const routine = (name: string, i = 0) => {
  const r = findRoutines(catalog, "catalog", name)[i];
  assert.ok(r, `routine catalog.${name}`);
  return r;
};
const paramsOf = (name: string, i = 0) =>
  routine(name, i).params.map((p) => `${p.name}:${p.type}${p.required ? "" : "?"}${p.variadic ? "..." : ""}`);

Deno.test("loadCatalog() loads callable functions with their parameters, overloads first by arity", () => {
  assert.deepEqual(findRoutines(catalog, "catalog", "add").map((r) => r.params.length), [2, 3]);
  assert.deepEqual(paramsOf("add"), ["a:integer", "b:integer?"]);
  assert.equal(routine("add").description, "Adds two numbers");
  assert.deepEqual(paramsOf("sum_all"), ["nums:integer[]..."]);
  assert.equal(routine("sum_all").hasVariadic, true);
  assert.deepEqual(paramsOf("out_params"), ["x:integer"]);
  assert.deepEqual(paramsOf("out_first"), ["i:integer"]);
  assert.deepEqual(paramsOf("unnamed_text"), [":text"]);
  assert.deepEqual(routine("char_param").params.map((p) => p.typeMaxLength), [
    "character varying",
    "bit varying",
    "character varying",
  ]);
  for (const excluded of ["unnamed_int", "trig", "a_procedure", "films_csv", "posters"]) {
    assert.deepEqual(findRoutines(catalog, "catalog", excluded), [], excluded);
  }
});

Deno.test("loadCatalog() classifies return types", () => {
  const ret = (name: string) => {
    const { setOf, type } = routine(name).returnType;
    const alias = type.kind === "composite" && type.isAlias ? " alias" : "";
    return `${setOf ? "setof " : ""}${type.kind} ${type.type.schema}.${type.type.name}${alias}`;
  };
  assert.deepEqual(
    ["add", "noop", "all_films", "films_table", "out_params", "single_out", "aliased_film", "welcome"].map(
      ret,
    ),
    [
      "scalar pg_catalog.int4",
      "scalar pg_catalog.void",
      "setof composite catalog.films",
      "setof composite pg_catalog.record",
      "composite pg_catalog.record",
      "composite pg_catalog.int4",
      "composite catalog.films alias",
      "scalar pg_catalog.text",
    ],
  );
  assert.deepEqual(["add", "all_films", "noop"].map((n) => routine(n).volatility), [
    "immutable",
    "stable",
    "volatile",
  ]);
});

Deno.test("loadCatalog() keeps hoisted settings and the isolation level of functions", async () => {
  assert.deepEqual(routine("slow").settings, [["statement_timeout", "4s"], [
    "default_transaction_isolation",
    "serializable",
  ]]);
  assert.equal(routine("slow").isolationLevel, "serializable");
  assert.equal(routine("add").isolationLevel, null);
  const narrow = await loadCatalog(db, { ...OPTIONS, hoistedTxSettings: ["search_path"] });
  const slow = findRoutines(narrow, "catalog", "slow")[0];
  assert.deepEqual(slow.settings, [["search_path", "catalog"]]);
  assert.equal(slow.isolationLevel, "serializable");
});

Deno.test("loadCatalog() finds media type handlers and data representations", () => {
  const handlers = catalog.mediaHandlers.map((h) =>
    `${h.mediaType} ${h.function.name} ${h.isAggregate ? "agg" : "fn"} ${h.relation?.name ?? "-"}`
  );
  for (
    const expected of [
      "text/plain welcome fn -",
      "*/* raw_bytes fn -",
      "application/vnd.films+csv films_csv agg films",
      "text/tab-separated-values any_tsv agg -",
    ]
  ) assert.ok(handlers.includes(expected), expected);
  // Casts are database-wide: other fixtures add theirs; these are the catalog schema's.
  assert.deepEqual(
    catalog.representations.filter((r) => r.function.schema === "catalog")
      .map((r) => `${r.sourceType} -> ${r.targetType} ${r.function.name}`),
    ["catalog.color -> json color_to_json", "json -> catalog.color json_to_color"],
  );
});

Deno.test("loadCatalog() reads schema comments and the server version", () => {
  assert.deepEqual([...catalog.schemaDescriptions], [["catalog", "Catalog fixtures"]]);
  assert.ok(catalog.pgVersion.num >= 150000);
  assert.match(catalog.pgVersion.full, /^PostgreSQL \d+/);
});

Deno.test("loadCatalogWithStats() counts what PostgREST's summary line counts", () => {
  assert.equal(stats.relations, catalog.tables.size);
  assert.equal(stats.routines, catalog.routines.size);
  assert.equal(stats.representations, catalog.representations.length);
  assert.equal(stats.mediaHandlers, 4 + catalog.mediaHandlers.length);
  assert.ok(stats.relationships >= catalog.relationships.size);
  assert.equal(
    catalogSummary(stats),
    `${stats.relations} Relations, ${stats.relationships} Relationships, ${stats.routines} RPCs, ` +
      `${stats.representations} Domain Representations, ${stats.mediaHandlers} Media Type Handlers`,
  );
  assert.equal(stats.queryTimings, null);
});

Deno.test("loadCatalogWithStats() times each query and honours the test sleeps", async () => {
  const { stats } = await loadCatalogWithStats(db, {
    ...OPTIONS,
    queryTimings: true,
    sleepAfterQueries: 200,
  });
  assert.deepEqual(stats.queryTimings?.map(([label]) => label), [
    "tables",
    "keydeps",
    "rels",
    "funcs",
    "comprels",
    "dreps",
    "mhandlers",
  ]);
  assert.ok(stats.queryTimings?.every(([, ms]) => Number.isFinite(Number(ms)) && ms !== ""));
  assert.ok(stats.queriedMs >= 190);
});

Deno.test("loadCatalog() fails like PostgREST when an exposed schema does not exist", async () => {
  await assert.rejects(
    loadCatalog(db, { schemas: ["catalog", "nope"], extraSearchPath: [] }),
    (e: unknown) => e instanceof DbServerError && e.code === "3F000",
  );
});

Deno.test("loadCatalog() loads several schemas of the shared fixtures", async () => {
  const shared = await loadCatalog(db, { schemas: ["test", "v2"], extraSearchPath: ["public"] });
  assert.deepEqual(
    findRelationships(shared, "test", "projects").filter((r) => r.foreignTable.name === "clients").map(
      describe,
    ),
    [`m2o projects_client_id_fkey [["client_id","id"]]`],
  );
  assert.deepEqual(findTable(shared, "test", "projects_view")?.pk, ["id"]);
  assert.deepEqual(findRelationships(shared, "v2", "parents").map((r) => r.foreignTable.name), ["children"]);
  assert.equal(findTable(shared, "private", "secrets"), undefined);
});

Deno.test("tableNotFoundHint() suggests a loaded table", () => {
  assert.equal(tableNotFoundHint(catalog, "catalog", "film"), "Perhaps you meant the table 'catalog.films'");
});

Deno.test("catalogToJson() dumps the catalog with PostgREST's top-level keys", () => {
  const json = JSON.parse(JSON.stringify(catalogToJson(catalog)));
  assert.deepEqual(Object.keys(json), [
    "dbMediaHandlers",
    "dbRelationships",
    "dbRepresentations",
    "dbRoutines",
    "dbTables",
  ]);
  const films = json.dbTables.find(([qi]: [{ qiName: string }]) => qi.qiName === "films");
  assert.deepEqual(films[0], { qiName: "films", qiSchema: "catalog" });
  assert.deepEqual(films[1].tablePKCols, ["id"]);
  assert.equal(films[1].tableColumns.title.colType, "character varying");
  const familyRels = json.dbRelationships.find(([[qi, schema]]: [[{ qiName: string }, string]]) =>
    qi.qiName === "family" && schema === "catalog"
  );
  assert.deepEqual(familyRels[1].map((r: { tag: string }) => r.tag), [
    "Relationship",
    "Relationship",
    "ComputedRelationship",
  ]);
  assert.deepEqual(familyRels[1][1].relCardinality, {
    relColumns: [["parent_id", "id"]],
    relCons: "family_parent_id_fkey",
    tag: "M2O",
  });
  const add = json.dbRoutines.find(([qi]: [{ qiName: string }]) => qi.qiName === "add");
  assert.deepEqual(add[1][0].pdReturnType, {
    contents: { contents: { qiName: "int4", qiSchema: "pg_catalog" }, tag: "Scalar" },
    tag: "Single",
  });
  assert.equal(json.dbMediaHandlers.length, stats.mediaHandlers);
});
