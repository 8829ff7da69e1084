import assert from "node:assert/strict";
import {
  compareRelationships,
  deriveRelationships,
  foreignKeyRelationships,
  viewPrimaryKeys,
} from "../../../lib/catalog/relationships.ts";
import { qiKey } from "../../../lib/catalog/types.ts";
import type { ComputedRelationship, Relationship } from "../../../lib/catalog/types.ts";
import type { KeyConstraint, ViewKeyDependency } from "../../../lib/catalog/view_deps.ts";

const OIDS: Record<string, string> = {};
const oid = (t: string) => OIDS[t] ??= String(1000 + Object.keys(OIDS).length);
const qi = (t: string) => {
  const [schema, name] = t.includes(".") ? t.split(".") : ["api", t];
  return { schema, name };
};

function key(type: "p" | "u", table: string, cols: [number, string][]): KeyConstraint {
  return {
    name: `${qi(table).name}_${type}key`,
    type,
    relOid: oid(table),
    table: qi(table),
    isRoot: true,
    refOid: null,
    refTable: null,
    columns: cols.map(([attnum, name]) => ({ attnum, name, refAttnum: null, refName: null })),
  };
}

function fk(
  name: string,
  table: string,
  ref: string,
  cols: [number, string, number, string][],
): KeyConstraint {
  return {
    name,
    type: "f",
    relOid: oid(table),
    table: qi(table),
    isRoot: true,
    refOid: oid(ref),
    refTable: qi(ref),
    columns: cols.map(([attnum, name, refAttnum, refName]) => ({ attnum, name, refAttnum, refName })),
  };
}

const CONSTRAINTS: KeyConstraint[] = [
  key("p", "directors", [[1, "id"]]),
  key("p", "films", [[1, "id"]]),
  fk("films_director_fkey", "films", "directors", [[2, "director_id", 1, "id"]]),
  key("p", "specs", [[1, "film_id"]]),
  fk("specs_film_fkey", "specs", "films", [[1, "film_id", 1, "id"]]),
  key("p", "actors", [[1, "first"], [2, "last"]]),
  key("p", "roles", [[1, "a_first"], [2, "a_last"], [3, "film_id"]]),
  fk("roles_actor_fkey", "roles", "actors", [[1, "a_first", 1, "first"], [2, "a_last", 2, "last"]]),
  fk("roles_film_fkey", "roles", "films", [[3, "film_id", 1, "id"]]),
  key("p", "family", [[1, "id"]]),
  fk("family_parent_fkey", "family", "family", [[2, "parent_id", 1, "id"]]),
  key("p", "private.credits", [[1, "film_id"], [2, "director_id"]]),
  fk("credits_film_fkey", "private.credits", "films", [[1, "film_id", 1, "id"]]),
  fk("credits_director_fkey", "private.credits", "directors", [[2, "director_id", 1, "id"]]),
  fk("notes_film_fkey", "private.notes", "films", [[2, "film_id", 1, "id"]]),
];

const PKS = new Map(
  CONSTRAINTS.filter((c) => c.type === "p").map((
    c,
  ) => [qiKey(c.table.schema, c.table.name), c.columns.map((k) => k.name)]),
);

const derive = (extra: { keyDeps?: ViewKeyDependency[]; computed?: ComputedRelationship[] } = {}) =>
  deriveRelationships({
    schemas: ["api"],
    constraints: CONSTRAINTS,
    keyDeps: extra.keyDeps ?? [],
    primaryKeys: PKS,
    computed: extra.computed ?? [],
  });

/** `table -> foreign kind constraint [cols]` lines for a compact comparison. */
function describe(rels: readonly Relationship[] | undefined): string[] {
  return (rels ?? []).map((r) => {
    if (r.kind === "computed") return `${r.table.name} -> ${r.foreignTable.name} computed ${r.function.name}`;
    const c = r.cardinality;
    const detail = c.kind === "m2m"
      ? `${c.junction.table.name} ${c.junction.constraint1}/${c.junction.constraint2} ${
        JSON.stringify([c.junction.sourceColumns, c.junction.targetColumns])
      }`
      : `${c.constraint} ${JSON.stringify(c.columns)}${
        c.kind === "o2o" ? (c.isParent ? " parent" : " child") : ""
      }`;
    return `${r.table.name} -> ${r.foreignTable.name} ${c.kind} ${detail}${r.isSelf ? " self" : ""}`;
  });
}

Deno.test("foreignKeyRelationships() makes a one-to-one when the FK columns are a key of the table", () => {
  const rels = foreignKeyRelationships(CONSTRAINTS);
  assert.deepEqual(describe(rels.filter((r) => r.table.name === "specs" || r.table.name === "films")), [
    `films -> directors m2o films_director_fkey [["director_id","id"]]`,
    `specs -> films o2o specs_film_fkey [["film_id","id"]] child`,
  ]);
  const clone = { ...CONSTRAINTS[2], relOid: "9", isRoot: false };
  assert.equal(foreignKeyRelationships([clone]).length, 0);
});

Deno.test("deriveRelationships() adds inverses, many-to-many and self relationships in PostgREST's order", () => {
  const { byTable } = derive();
  assert.deepEqual(describe(byTable.get(qiKey("api", "films"))), [
    `films -> actors m2m roles roles_film_fkey/roles_actor_fkey [[["id","film_id"]],[["first","a_first"],["last","a_last"]]]`,
    `films -> directors m2o films_director_fkey [["director_id","id"]]`,
    `films -> roles o2m roles_film_fkey [["id","film_id"]]`,
    `films -> specs o2o specs_film_fkey [["id","film_id"]] parent`,
  ]);
  assert.deepEqual(describe(byTable.get(qiKey("api", "actors"))), [
    `actors -> films m2m roles roles_actor_fkey/roles_film_fkey [[["first","a_first"],["last","a_last"]],[["id","film_id"]]]`,
    `actors -> roles o2m roles_actor_fkey [["first","a_first"],["last","a_last"]]`,
  ]);
  assert.deepEqual(describe(byTable.get(qiKey("api", "family"))), [
    `family -> family o2m family_parent_fkey [["id","parent_id"]] self`,
    `family -> family m2o family_parent_fkey [["parent_id","id"]] self`,
  ]);
});

Deno.test("deriveRelationships() drops relationships to and through non-exposed tables but counts their map keys", () => {
  const { byTable, count } = derive();
  assert.deepEqual(describe(byTable.get(qiKey("api", "directors"))), [
    `directors -> films o2m films_director_fkey [["id","director_id"]]`,
  ]);
  assert.equal(byTable.has(qiKey("private", "credits")), false);
  // (films, api) (films, private) (directors, api) (directors, private) (specs, api) (actors, api)
  // (roles, api) (family, api): PostgREST keeps keys whose lists were emptied.
  assert.equal(count, 8);
});

Deno.test("deriveRelationships() lets a computed relationship replace the detected ones it is named like", () => {
  const computed = (name: string, table: string, foreign: string, schema = "api"): ComputedRelationship => ({
    kind: "computed",
    function: { schema, name },
    table: qi(table),
    foreignTable: qi(foreign),
    tableAlias: qi(table),
    isSelf: table === foreign,
    singleRow: false,
  });
  const { byTable, count } = derive({
    computed: [computed("films", "directors", "films"), computed("hidden", "directors", "films", "private")],
  });
  assert.deepEqual(describe(byTable.get(qiKey("api", "directors"))), [`directors -> films computed films`]);
  assert.equal(count, 8);
});

Deno.test("deriveRelationships() derives view→table, table→view and view→view relationships", () => {
  const dep = (
    view: string,
    table: string,
    constraint: string,
    type: ViewKeyDependency["type"],
    cols: [string, string[]][],
  ) => ({
    table: qi(table),
    view: qi(view),
    constraint,
    type,
    columns: cols,
  });
  const keyDeps = [
    dep("films_v", "films", "films_director_fkey", "fk", [["director_id", ["dir"]]]),
    dep("directors_v", "directors", "films_director_fkey", "fkRef", [["id", ["did", "did2"]]]),
  ];
  const { byTable } = derive({ keyDeps });
  assert.deepEqual(describe(byTable.get(qiKey("api", "films_v"))), [
    `films_v -> directors m2o films_director_fkey [["dir","id"]]`,
    `films_v -> directors_v m2o films_director_fkey [["dir","did"]]`,
    `films_v -> directors_v m2o films_director_fkey [["dir","did2"]]`,
  ]);
  assert.deepEqual(describe(byTable.get(qiKey("api", "directors_v"))), [
    `directors_v -> films o2m films_director_fkey [["did","director_id"]]`,
    `directors_v -> films o2m films_director_fkey [["did2","director_id"]]`,
    `directors_v -> films_v o2m films_director_fkey [["did","dir"]]`,
    `directors_v -> films_v o2m films_director_fkey [["did2","dir"]]`,
  ]);
  const viewRel = byTable.get(qiKey("api", "films_v"))![1];
  assert.equal(viewRel.kind === "fk" && viewRel.tableIsView && viewRel.foreignTableIsView, true);
});

Deno.test("viewPrimaryKeys() takes the first view column of each key column", () => {
  const pks = viewPrimaryKeys([
    {
      table: qi("films"),
      view: qi("v"),
      constraint: "films_pkey",
      type: "pk",
      columns: [["id", ["a", "b"]]],
    },
    { table: qi("films"), view: qi("w"), constraint: "films_fkey", type: "fk", columns: [["x", ["y"]]] },
  ]);
  assert.deepEqual([...pks], [[qiKey("api", "v"), ["a"]]]);
});

Deno.test("compareRelationships() orders by table, target, cardinality, and computed ones last", () => {
  const [a, b] = derive().byTable.get(qiKey("api", "family"))!;
  assert.ok(compareRelationships(a, b) < 0);
  const computed: Relationship = {
    kind: "computed",
    function: qi("f"),
    table: qi("aaa"),
    foreignTable: qi("aaa"),
    tableAlias: qi("aaa"),
    isSelf: true,
    singleRow: true,
  };
  assert.ok(compareRelationships(a, computed) < 0);
  assert.ok(compareRelationships(computed, a) > 0);
});
