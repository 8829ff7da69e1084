import assert from "node:assert/strict";
import type { Relationship } from "../../../lib/catalog/types.ts";
import { inferColsEmbedNeeds } from "../../../lib/plan/mutate_plan.ts";
import { emptyReadPlan } from "../../../lib/plan/read_plan.ts";
import { type ReadPlan, unknownField } from "../../../lib/plan/types.ts";

function selecting(names: string[], children: ReadPlan[] = []): ReadPlan {
  const select = names.map((n) => ({
    field: unknownField(n),
    aggregate: null,
    aggregateCast: null,
    cast: null,
    alias: null,
  }));
  return { ...emptyReadPlan({ schema: "", name: "pgrst_source" }, "items", 0), select, children };
}

function embed(rel: Relationship): ReadPlan {
  return { ...emptyReadPlan(rel.foreignTable, rel.foreignTable.name, 1), relToParent: rel };
}

Deno.test("inferColsEmbedNeeds() adds the source columns of many-to-many junctions", () => {
  const m2m: Relationship = {
    kind: "fk",
    table: { schema: "test", name: "users" },
    foreignTable: { schema: "test", name: "tasks" },
    isSelf: false,
    cardinality: {
      kind: "m2m",
      junction: {
        table: { schema: "test", name: "users_tasks" },
        constraint1: "users_tasks_user_id_fkey",
        constraint2: "users_tasks_task_id_fkey",
        sourceColumns: [["uid", "user_id"]],
        targetColumns: [["id", "task_id"]],
      },
    },
    tableIsView: false,
    foreignTableIsView: false,
  };
  assert.deepEqual(inferColsEmbedNeeds(selecting(["name"], [embed(m2m)]), ["id"]), ["id", "name", "uid"]);
});

Deno.test("inferColsEmbedNeeds() returns everything when a computed relationship is embedded", () => {
  const computed: Relationship = {
    kind: "computed",
    function: { schema: "test", name: "related" },
    table: { schema: "test", name: "items" },
    foreignTable: { schema: "test", name: "clients" },
    tableAlias: { schema: "test", name: "items" },
    isSelf: false,
    singleRow: true,
  };
  assert.deepEqual(inferColsEmbedNeeds(selecting(["name"], [embed(computed)]), ["id"]), ["*"]);
  assert.deepEqual(inferColsEmbedNeeds(selecting(["name", "*"]), ["id"]), ["*"]);
  assert.deepEqual(inferColsEmbedNeeds(selecting(["b", "a", "b"]), []), ["a", "b"]);
});
