/**
 * INTERIM query-string parser (replaced by the full grammar): select lists, simple filters,
 * order and limit/offset, enough to run the pipeline end to end.
 */
import { Errors } from "../errors.ts";
import type { Filter, OpExpr, OrderTerm, QueryParams, Range, SelectItem } from "./types.ts";

const RESERVED = new Set(["select", "columns", "on_conflict", "order", "limit", "offset", "and", "or"]);

function parseSelect(s: string): SelectItem[] {
  if (s.trim() === "") return [];
  return s.split(",").map((raw) => {
    let item = raw.trim();
    let alias: string | null = null;
    let cast: string | null = null;
    const colon = item.indexOf(":");
    if (colon > 0 && item[colon + 1] !== ":") {
      alias = item.slice(0, colon);
      item = item.slice(colon + 1);
    }
    const c = item.indexOf("::");
    if (c >= 0) {
      cast = item.slice(c + 2);
      item = item.slice(0, c);
    }
    return {
      kind: "field",
      field: { name: item, jsonPath: [] },
      aggregate: null,
      aggregateCast: null,
      cast,
      alias,
    };
  });
}

function parseOp(v: string): OpExpr {
  let negated = false;
  if (v.startsWith("not.")) {
    negated = true;
    v = v.slice(4);
  }
  const dot = v.indexOf(".");
  if (dot < 0) throw Errors.queryParam(`"failed to parse filter (${v})" (line 1, column 1)`, "unexpected");
  const op = v.slice(0, dot);
  const value = v.slice(dot + 1);
  switch (op) {
    case "eq":
    case "gt":
    case "gte":
    case "lt":
    case "lte":
    case "like":
    case "ilike":
    case "match":
    case "imatch":
      return { kind: "op", negated, operation: { kind: "quant", op, quantifier: null, value } };
    case "neq":
      return { kind: "op", negated, operation: { kind: "simple", op, value } };
    case "in":
      return {
        kind: "op",
        negated,
        operation: { kind: "in", values: value.replace(/^\(/, "").replace(/\)$/, "").split(",") },
      };
    case "is":
      return {
        kind: "op",
        negated,
        operation: { kind: "is", value: value.toLowerCase() as "null" },
      };
  }
  throw Errors.queryParam(`"failed to parse filter (${v})" (line 1, column 1)`, "unexpected");
}

export function parseQueryParams(qs: string, _isRpcRead: boolean): QueryParams {
  const params = [...new URLSearchParams(qs)];
  const filters: [string[], Filter][] = [];
  const ranges = new Map<string, Range>();
  const order: [string[], OrderTerm[]][] = [];
  let select: SelectItem[] = [{
    kind: "field",
    field: { name: "*", jsonPath: [] },
    aggregate: null,
    aggregateCast: null,
    cast: null,
    alias: null,
  }];
  let limit: number | null = null;
  let offset = 0;
  for (const [k, v] of params) {
    if (k === "select") select = parseSelect(v);
    else if (k === "order") {
      order.push([
        [],
        v.split(",").map((t) => {
          const [name, ...mods] = t.split(".");
          return {
            relation: null,
            field: { name, jsonPath: [] },
            direction: mods.includes("desc") ? "desc" : mods.includes("asc") ? "asc" : null,
            nulls: mods.includes("nullsfirst") ? "first" : mods.includes("nullslast") ? "last" : null,
          };
        }),
      ]);
    } else if (k === "limit") limit = Number(v);
    else if (k === "offset") offset = Math.max(0, Number(v));
    else if (!RESERVED.has(k) && v !== "") {
      filters.push([[], { field: { name: k, jsonPath: [] }, opExpr: parseOp(v) }]);
    }
  }
  if (limit !== null || offset !== 0) {
    ranges.set("", { offset, upper: limit === null ? null : offset + limit - 1 });
  }
  return {
    canonical: [...params].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map(([k, v]) =>
      `${encodeURIComponent(k)}=${encodeURIComponent(v)}`
    ).join("&"),
    rpcParams: [],
    ranges,
    order,
    logic: [],
    columns: null,
    select,
    filters,
    filtersRoot: filters.map(([, f]) => f),
    filtersNotRoot: [],
    filterFields: new Set(filters.map(([, f]) => f.field.name)),
    onConflict: null,
  };
}
