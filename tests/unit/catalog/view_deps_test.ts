import assert from "node:assert/strict";
import {
  type KeyConstraint,
  readTargetList,
  type ViewDefinition,
  viewKeyDependencies,
} from "../../../lib/catalog/view_deps.ts";

// A trimmed `pg_rewrite.ev_action`: a subquery in the range table and a scalar subquery in the
// select list have target lists of their own, which must not be read; names are escaped.
const TREE = "({QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :cteList <> " +
  ':rtable ({RANGETBLENTRY :alias <> :eref {ALIAS :aliasname f :colnames ("id" "title")} :rtekind 1 ' +
  ":subquery {QUERY :targetList ({TARGETENTRY :resno 9 :resorigtbl 1 :resorigcol 9 :resjunk false})}}) " +
  ":jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} " +
  ":targetList (" +
  "{TARGETENTRY :expr {VAR :varno 1 :varattno 1 :vartype 23 :location 7} :resno 1 :resname film\\ \\(id\\) " +
  ":ressortgroupref 0 :resorigtbl 16385 :resorigcol 1 :resjunk false} " +
  "{TARGETENTRY :expr {SUBLINK :subLinkType 4 :subselect {QUERY :targetList ({TARGETENTRY :resno 1 " +
  ":resorigtbl 999 :resorigcol 5 :resjunk false})}} :resno 2 :resname x :ressortgroupref 0 :resorigtbl 0 " +
  ":resorigcol 0 :resjunk false} " +
  "{TARGETENTRY :expr {CONST :consttype 23 :constlen 4 :constvalue 4 [ 1 0 0 0 ]} :resno 3 :resname c " +
  ":resorigtbl 16390 :resorigcol 2 :resjunk false}) " +
  ":override 0 :onConflict <> :returningList <>})";

Deno.test("readTargetList() reads the top query's target entries and skips nested queries", () => {
  assert.deepEqual(readTargetList(TREE), [
    { resno: 1, origTable: "16385", origColumn: 1 },
    { resno: 2, origTable: "0", origColumn: 0 },
    { resno: 3, origTable: "16390", origColumn: 2 },
  ]);
});

Deno.test("readTargetList() returns nothing for an empty target list or a malformed tree", () => {
  assert.deepEqual(readTargetList("({QUERY :commandType 1 :targetList <> :override 0})"), []);
  assert.deepEqual(readTargetList(""), []);
  assert.deepEqual(readTargetList("({QUERY :rtable ("), []);
});

const view = (
  oid: string,
  name: string,
  exposed: boolean,
  cols: [string, string, number][],
): ViewDefinition => ({
  oid,
  schema: exposed ? "api" : "extra",
  name,
  exposed,
  targets: cols.map(([, table, column], i) => ({ resno: i + 1, origTable: table, origColumn: column })),
  columns: new Map(cols.map(([colName], i) => [i + 1, colName])),
});

const pk: KeyConstraint = {
  name: "films_pkey",
  type: "p",
  relOid: "100",
  table: { schema: "private", name: "films" },
  isRoot: true,
  refOid: null,
  refTable: null,
  columns: [{ attnum: 1, name: "id", refAttnum: null, refName: null }],
};
const fk: KeyConstraint = {
  name: "films_director_fkey",
  type: "f",
  relOid: "100",
  table: { schema: "private", name: "films" },
  isRoot: true,
  refOid: "200",
  refTable: { schema: "private", name: "directors" },
  columns: [{ attnum: 2, name: "director_id", refAttnum: 1, refName: "id" }],
};

Deno.test("viewKeyDependencies() follows renamed columns through views of views", () => {
  const inner = view("300", "films_inner", false, [["fid", "100", 1], ["dir", "100", 2]]);
  const outer = view("301", "films_outer", true, [["key", "300", 1], ["director", "300", 2], [
    "again",
    "300",
    1,
  ]]);
  const deps = viewKeyDependencies([inner, outer], [pk, fk]);
  assert.deepEqual(deps, [
    {
      table: { schema: "private", name: "films" },
      view: { schema: "api", name: "films_outer" },
      constraint: "films_pkey",
      type: "pk",
      columns: [["id", ["key", "again"]]],
    },
    {
      table: { schema: "private", name: "films" },
      view: { schema: "api", name: "films_outer" },
      constraint: "films_director_fkey",
      type: "fk",
      columns: [["director_id", ["director"]]],
    },
  ]);
});

Deno.test("viewKeyDependencies() reports referenced keys and needs every key column in the view", () => {
  const directors = view("400", "directors_view", true, [["director_key", "200", 1]]);
  const partial = view("401", "films_partial", true, [["title", "100", 3]]);
  const deps = viewKeyDependencies([directors, partial], [pk, fk]);
  assert.deepEqual(deps, [{
    table: { schema: "private", name: "directors" },
    view: { schema: "api", name: "directors_view" },
    constraint: "films_director_fkey",
    type: "fkRef",
    columns: [["id", ["director_key"]]],
  }]);
});

Deno.test("viewKeyDependencies() ignores chains through views it was not given and FK clones on partitions", () => {
  // 500 is a view in a schema neither exposed nor in the extra search path: not loaded.
  const broken = view("501", "films_broken", true, [["id", "500", 1]]);
  const clone = { ...fk, relOid: "101", isRoot: false };
  const directors = view("400", "directors_view", true, [["director_key", "200", 1]]);
  assert.deepEqual(viewKeyDependencies([broken], [pk, fk]), []);
  assert.equal(viewKeyDependencies([directors], [fk, clone]).length, 1);
});
