/**
 * Values → markers, for the SQL fuzzer (`sql_fuzz.ts`): every value of a parsed request (filter
 * values, `in` elements, JSON keys and indexes, FTS configurations) is replaced by a unique
 * marker, so that the rendered SQL can be searched for any value that left the parameters.
 */
import type {
  ApiRequest,
  Field,
  Filter,
  JsonPath,
  LogicTree,
  OpExpr,
  OrderTerm,
  SelectItem,
} from "../../lib/request/types.ts";

class Markers {
  readonly placed: string[] = [];
  next(original: string): string {
    // Empty values keep their meaning (`in.()`, `eq.`); they cannot leak anything.
    if (original === "") return original;
    const m = `Vq${this.placed.length}Qv`;
    this.placed.push(m);
    return m;
  }
}

function markPath(m: Markers, path: JsonPath): JsonPath {
  return path.map((op) => ({ ...op, operand: { ...op.operand, value: m.next(op.operand.value) } }));
}

function markField(m: Markers, f: Field): Field {
  return { ...f, jsonPath: markPath(m, f.jsonPath) };
}

function markOpExpr(m: Markers, e: OpExpr): OpExpr {
  if (e.kind === "noOp") return { ...e, value: m.next(e.value) };
  const o = e.operation;
  switch (o.kind) {
    case "is":
      return e;
    case "in":
      return { ...e, operation: { ...o, values: o.values.map((v) => m.next(v)) } };
    case "fts":
      return {
        ...e,
        operation: {
          ...o,
          language: o.language === null ? null : m.next(o.language),
          value: m.next(o.value),
        },
      };
    default:
      return { ...e, operation: { ...o, value: m.next(o.value) } };
  }
}

function markFilter(m: Markers, f: Filter): Filter {
  return { field: markField(m, f.field), opExpr: markOpExpr(m, f.opExpr) };
}

function markTree(m: Markers, t: LogicTree): LogicTree {
  return t.kind === "stmt"
    ? { kind: "stmt", filter: markFilter(m, t.filter) }
    : { ...t, children: t.children.map((c) => markTree(m, c)) };
}

function markSelect(m: Markers, items: readonly SelectItem[]): SelectItem[] {
  return items.map((s) =>
    s.kind === "field"
      ? { ...s, field: markField(m, s.field) }
      : { ...s, children: markSelect(m, s.children) }
  );
}

function markOrder(m: Markers, terms: readonly OrderTerm[]): OrderTerm[] {
  return terms.map((t) => ({ ...t, field: markField(m, t.field) }));
}

/** The request with every value replaced by a marker (identifiers and keywords stay). */
export function markValues(req: ApiRequest): { req: ApiRequest; markers: readonly string[] } {
  const m = new Markers();
  const q = req.query;
  const filters = q.filters.map(([path, f]) => [path, markFilter(m, f)] as const);
  const query = {
    ...q,
    select: markSelect(m, q.select),
    filters,
    filtersRoot: filters.filter(([path]) => path.length === 0).map(([, f]) => f),
    filtersNotRoot: filters.filter(([path]) => path.length > 0),
    logic: q.logic.map(([path, t]) => [path, markTree(m, t)] as const),
    order: q.order.map(([path, terms]) => [path, markOrder(m, terms)] as const),
  };
  return { req: { ...req, query }, markers: m.placed };
}
