import assert from "node:assert/strict";
import {
  findRelationships,
  findRoutines,
  findTable,
  FuzzySet,
  gramVector,
  levenshteinSimilarity,
  noRelBetweenHint,
  noRpcHint,
  tableNotFoundHint,
} from "../../../lib/catalog/fuzzy.ts";
import { qiKey } from "../../../lib/catalog/types.ts";
import type {
  Catalog,
  ComputedRelationship,
  Relationship,
  Routine,
  Table,
} from "../../../lib/catalog/types.ts";

// deno-fmt-ignore
const STATES = [
  "Alabama", "Alaska", "American Samoa", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
  "Delaware", "District of Columbia", "Florida", "Georgia", "Guam", "Hawaii", "Idaho", "Illinois",
  "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
  "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
  "New Mexico", "New York", "North Carolina", "North Dakota", "Northern Marianas Islands", "Ohio",
  "Oklahoma", "Oregon", "Pennsylvania", "Puerto Rico", "Rhode Island", "South Carolina", "South Dakota",
  "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Virgin Islands", "Washington", "West Virginia",
  "Wisconsin", "Wyoming",
];

Deno.test("gramVector() counts the grams of the hyphen-enclosed normalized text", () => {
  assert.deepEqual(Object.fromEntries(gramVector("xxxx", 2)), { "-x": 1, "xx": 3, "x-": 1 });
  const long = gramVector("intrent'srestaurantsomeoftrent'saunt'santswantsamtorentsomepants", 3);
  assert.equal(long.get("nts"), 8);
  assert.deepEqual([...gramVector("Destroido Corp.", 3).keys()].slice(0, 3), ["-de", "des", "est"]);
});

Deno.test("levenshteinSimilarity() is one minus the distance over the longer length", () => {
  assert.equal(levenshteinSimilarity("test", "testt"), 0.8);
  assert.equal(levenshteinSimilarity("", ""), 1);
  assert.equal(levenshteinSimilarity("abc", "xyz"), 0);
});

Deno.test("FuzzySet.getOne() finds the closest entry", () => {
  const set = new FuzzySet(["Jurassic Park", "Terminator", "The Matrix"]);
  assert.equal(set.getOne("percolator"), "Terminator");
  assert.equal(set.getOne("zzzzzzzzz"), null);
});

Deno.test("FuzzySet.get() scores by Levenshtein similarity after the cosine pre-selection", () => {
  const set = new FuzzySet(["Shaggy Rogers", "Fred Jones", "Daphne Blake", "Velma Dinkley"]);
  assert.deepEqual(set.get("Shaggy Jones"), [[0.7692307692307693, "Shaggy Rogers"], [0.5, "Fred Jones"]]);
});

Deno.test("FuzzySet.get() reproduces the fuzzyset package's documented state lookups", () => {
  const states = new FuzzySet(STATES);
  assert.deepEqual(states.get("Burger Islands"), [
    [0.7142857142857143, "Virgin Islands"],
    [0.5714285714285714, "Rhode Island"],
    [0.44, "Northern Marianas Islands"],
    [0.35714285714285715, "Maryland"],
  ]);
  assert.deepEqual(states.get("Why-oh-me-ing"), [[0.5384615384615384, "Wyoming"]]);
  assert.deepEqual(states.get("Connect a cat"), [[0.6923076923076923, "Connecticut"]]);
  assert.deepEqual(states.get("CanOfSauce"), [[0.4, "Kansas"]]);
  assert.deepEqual(states.get("Alaska"), [[1, "Alaska"]]);
  const transylvania = states.get("Transylvania");
  assert.deepEqual(transylvania[0], [0.75, "Pennsylvania"]);
  assert.deepEqual(
    new Set(transylvania.slice(1).map(([s, v]) => `${s.toFixed(4)} ${v}`)),
    new Set(["0.3333 California", "0.3333 Arkansas", "0.3333 Kansas"]),
  );
  const alaskan = states.get("Alaskanbraskansas");
  assert.deepEqual(alaskan[0], [0.47058823529411764, "Arkansas"]);
  assert.deepEqual(
    new Set(alaskan.slice(1).map(([, v]) => v)),
    new Set(["Kansas", "Alaska", "Alabama", "Nebraska"]),
  );
});

Deno.test("FuzzySet matches exactly ignoring case and keeps the first spelling", () => {
  const set = new FuzzySet(["Films"]);
  assert.equal(set.add("FILMS"), false);
  assert.equal(set.size, 1);
  assert.deepEqual(set.get("films"), [[1, "Films"]]);
  assert.equal(set.getOneWithMinScore(0.9, "filmz"), null);
});

// --- hints: the doctests of PostgREST's Error.hs ----------------------------------------------

const qi = (name: string) => ({ schema: "api", name });
const fkTo = (table: string, foreignTable: string): Relationship => ({
  kind: "fk",
  table: qi(table),
  foreignTable: qi(foreignTable),
  isSelf: false,
  cardinality: { kind: "m2o", constraint: `${table}_${foreignTable}_fkey`, columns: [["a", "b"]] },
  tableIsView: false,
  foreignTableIsView: false,
});
const relCatalog: Pick<Catalog, "relationships"> = {
  relationships: new Map([[qiKey("api", "films"), [
    fkTo("films", "directors"),
    fkTo("films", "roles"),
    fkTo("films", "actors"),
  ]]]),
};

Deno.test("noRelBetweenHint() suggests a parent when the parent has no relationships", () => {
  assert.equal(
    noRelBetweenHint(relCatalog, "film", "directors", "api"),
    "Perhaps you meant 'films' instead of 'film'.",
  );
  assert.equal(noRelBetweenHint(relCatalog, "noclosealternative", "roles", "api"), null);
});

Deno.test("noRelBetweenHint() suggests a child of a known parent, never an exact one", () => {
  assert.equal(
    noRelBetweenHint(relCatalog, "films", "role", "api"),
    "Perhaps you meant 'roles' instead of 'role'.",
  );
  assert.equal(noRelBetweenHint(relCatalog, "films", "actors", "api"), null);
  assert.equal(noRelBetweenHint(relCatalog, "films", "noclosealternative", "api"), null);
  assert.equal(noRelBetweenHint(relCatalog, "films", "noclosealternative", "noclosealternative"), null);
});

const routinesCatalog: Pick<Catalog, "routines"> = {
  routines: new Map([[qiKey("api", "test"), []], [qiKey("api", "another"), []], [
    qiKey("private", "other"),
    [],
  ]]),
};
const params = (...names: string[]) => ({ params: names.map((name) => ({ name })) });
const overloads = [params("val", "param", "name"), params("id", "attr")];

Deno.test("noRpcHint() suggests a close function name of the same schema", () => {
  assert.equal(
    noRpcHint(routinesCatalog, "api", "testt", ["val", "param", "name"], []),
    "Perhaps you meant to call the function api.test",
  );
  assert.equal(noRpcHint(routinesCatalog, "api", "other", [], []), null);
  assert.equal(noRpcHint(routinesCatalog, "api", "noclosealternative", [], []), null);
});

Deno.test("noRpcHint() suggests the closest parameter set of the overloads", () => {
  const hint = (args: string[]) => noRpcHint(routinesCatalog, "api", "test", args, overloads);
  assert.equal(
    hint(["vall", "pqaram", "nam"]),
    "Perhaps you meant to call the function api.test(name, param, val)",
  );
  assert.equal(hint(["val", "param"]), "Perhaps you meant to call the function api.test(name, param, val)");
  assert.equal(hint(["id", "attrs"]), "Perhaps you meant to call the function api.test(attr, id)");
  assert.equal(hint(["id"]), "Perhaps you meant to call the function api.test(attr, id)");
  assert.equal(hint(["noclosealternative"]), null);
});

const table = (schema: string, name: string): Table => ({
  schema,
  name,
  description: null,
  kind: "table",
  isView: false,
  insertable: true,
  updatable: true,
  deletable: true,
  pk: [],
  columns: [],
  columnsByName: new Map(),
});
const tablesCatalog: Pick<Catalog, "tables"> = {
  tables: new Map(
    [table("api", "films"), table("api", "directors"), table("api", "roles"), table("private", "filmz")]
      .map((t) => [qiKey(t.schema, t.name), t]),
  ),
};

Deno.test("tableNotFoundHint() suggests only tables of the schema scoring at least 0.75", () => {
  assert.equal(tableNotFoundHint(tablesCatalog, "api", "film"), "Perhaps you meant the table 'api.films'");
  assert.equal(tableNotFoundHint(tablesCatalog, "api", "FILMS"), "Perhaps you meant the table 'api.films'");
  assert.equal(tableNotFoundHint(tablesCatalog, "api", "flims"), null);
  assert.equal(tableNotFoundHint(tablesCatalog, "other", "films"), null);
});

Deno.test("tableNotFoundHint() gives no hint in schemas of 500 tables or more", () => {
  const many = new Map(
    Array.from({ length: 500 }, (_, i) => table("big", `t${i}`)).map((t) => [qiKey(t.schema, t.name), t]),
  );
  assert.equal(tableNotFoundHint({ tables: many }, "big", "t1x"), null);
  many.delete(qiKey("big", "t499"));
  assert.equal(
    tableNotFoundHint({ tables: new Map(many) }, "big", "t12x"),
    "Perhaps you meant the table 'big.t12'",
  );
});

Deno.test("findTable(), findRoutines() and findRelationships() look up by schema and name", () => {
  assert.equal(findTable(tablesCatalog, "api", "films")?.name, "films");
  assert.equal(findTable(tablesCatalog, "api", "filmz"), undefined);
  const routine = { schema: "api", name: "f" } as Routine;
  assert.deepEqual(findRoutines({ routines: new Map([[qiKey("api", "f"), [routine]]]) }, "api", "f"), [
    routine,
  ]);
  assert.deepEqual(findRoutines(routinesCatalog, "api", "nope"), []);
  const computed: ComputedRelationship = {
    kind: "computed",
    function: { schema: "other", name: "f" },
    table: qi("films"),
    foreignTable: qi("directors"),
    tableAlias: qi("films"),
    isSelf: false,
    singleRow: true,
  };
  const crossSchema = { ...fkTo("films", "x"), foreignTable: { schema: "other", name: "x" } };
  const rels = {
    relationships: new Map([[qiKey("api", "films"), [fkTo("films", "roles"), crossSchema, computed]]]),
  };
  assert.deepEqual(findRelationships(rels, "api", "films").map((r) => r.foreignTable.name), ["roles"]);
  assert.deepEqual(findRelationships(rels, "other", "films"), []);
});
