/**
 * The tables, columns and embeds of `tests/fixtures/30_reading.sql` that the read fuzzers name
 * (plus a few that do not exist, for the error paths).
 */
import type { Vocabulary } from "./sql_fuzz.ts";

export const READING_VOCABULARY: Vocabulary = {
  tables: {
    items: ["id", "always_true", "anti_id", "nope"],
    projects: ["id", "name", "client_id", "nope"],
    clients: ["id", "name"],
    tasks: ["id", "name", "project_id"],
    entities: ["id", "name", "arr", "text_search_vector"],
    child_entities: ["id", "name", "parent_id"],
    json_arr: ["id", "data"],
    jsonb_test: ["id", "data"],
    ranges: ["id", "range"],
    complex_items: ["id", "name", "settings", "arr_data", "field-with_sep"],
    fav_numbers: ["num", "person"],
    tsearch_to_tsvector: ["text_search", "jsonb_search", "text_search_vector"],
    timestamps: ["t"],
    big: ["id", "label"],
  },
  embeds: {
    clients: ["projects"],
    projects: ["clients", "tasks", "nope"],
    tasks: ["projects"],
    entities: ["child_entities"],
    child_entities: ["entities", "grandchild_entities"],
  },
};
