/**
 * Schema catalog, stage 2 of 3: which view columns carry which primary and foreign key columns
 * of base tables (input: views with their `_RETURN` rule, key constraints; output:
 * `ViewKeyDependency[]`, PostgREST's `allViewsKeyDependencies`).
 *
 * A view's rule (`pg_rewrite.ev_action`) is a `pg_node_tree`; each entry of the top query's
 * `targetList` names the relation and column it comes from (`:resorigtbl`, `:resorigcol`). We
 * read that list here instead of in SQL, then follow columns of views through the views they
 * select from (views of views, renamed columns, materialized views), as long as each view in the
 * chain is in an exposed or extra-search-path schema. A key counts only when every one of its
 * columns is in the view; a column selected twice gives two candidate view columns.
 */
import type { QualifiedIdentifier } from "./types.ts";

/** One output column of a view: `resno` and the relation column it was taken from (or 0). */
export interface TargetEntry {
  readonly resno: number;
  readonly origTable: string;
  readonly origColumn: number;
}

export interface ViewDefinition {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  /** In an exposed schema (chains start there); otherwise in an extra-search-path schema. */
  readonly exposed: boolean;
  readonly targets: readonly TargetEntry[];
  /** attnum → column name. */
  readonly columns: ReadonlyMap<number, string>;
}

/** A key column: [attnum, name] on the constrained table, [attnum, name] on the referenced one. */
export interface KeyColumn {
  readonly attnum: number;
  readonly name: string;
  readonly refAttnum: number | null;
  readonly refName: string | null;
}

export interface KeyConstraint {
  readonly name: string;
  readonly type: "p" | "u" | "f";
  readonly relOid: string;
  readonly table: QualifiedIdentifier;
  /** Not a clone of a partitioned table's constraint onto a partition. */
  readonly isRoot: boolean;
  readonly refOid: string | null;
  readonly refTable: QualifiedIdentifier | null;
  readonly columns: readonly KeyColumn[];
}

export type KeyDep = "pk" | "fk" | "fkRef";

export interface ViewKeyDependency {
  readonly table: QualifiedIdentifier;
  readonly view: QualifiedIdentifier;
  readonly constraint: string;
  readonly type: KeyDep;
  /** [table column, view columns carrying it], in key order. */
  readonly columns: readonly (readonly [string, readonly string[]])[];
}

// --- pg_node_tree reading --------------------------------------------------------------------

const END = 0, OPEN_NODE = 1, CLOSE_NODE = 2, OPEN_LIST = 3, CLOSE_LIST = 4, ATOM = 5;

/**
 * Tokens of a `pg_node_tree`: `{` `}` `(` `)` and atoms (`:field`, values, `<>`). Atoms never
 * contain unescaped brackets or blanks: PostgreSQL's `outToken` backslash-escapes them.
 */
class NodeTreeScanner {
  #pos = 0;
  #start = 0;
  #end = 0;
  constructor(readonly text: string) {}

  next(): number {
    const s = this.text;
    let i = this.#pos;
    while (i < s.length && s.charCodeAt(i) <= 32) i++;
    if (i >= s.length) {
      this.#pos = i;
      return END;
    }
    const c = s[i];
    this.#pos = i + 1;
    if (c === "{") return OPEN_NODE;
    if (c === "}") return CLOSE_NODE;
    if (c === "(") return OPEN_LIST;
    if (c === ")") return CLOSE_LIST;
    this.#start = i;
    while (i < s.length) {
      const ch = s[i];
      if (ch === "\\") i += 2;
      else if (ch <= " " || ch === "{" || ch === "}" || ch === "(" || ch === ")") break;
      else i++;
    }
    this.#end = Math.min(i, s.length);
    this.#pos = this.#end;
    return ATOM;
  }

  is(atom: string): boolean {
    return this.#end - this.#start === atom.length && this.text.startsWith(atom, this.#start);
  }

  atom(): string {
    return this.text.slice(this.#start, this.#end);
  }
}

/**
 * The `targetList` of the first query of a rule action, e.g. for `create view v as select id as
 * x from t`: `({QUERY … :targetList ({TARGETENTRY :expr {VAR …} :resno 1 :resname x …
 * :resorigtbl 16385 :resorigcol 1 :resjunk false}) …})` → `[{ resno: 1, origTable: "16385",
 * origColumn: 1 }]`. Fields of nested nodes (the expression, subqueries) are skipped.
 */
export function readTargetList(tree: string): TargetEntry[] {
  const sc = new NodeTreeScanner(tree);
  if (sc.next() !== OPEN_LIST || sc.next() !== OPEN_NODE) return [];
  sc.next(); // the node type, QUERY
  let depth = 0;
  for (;;) {
    const t = sc.next();
    if (t === END) return [];
    if (t === OPEN_NODE || t === OPEN_LIST) depth++;
    else if (t === CLOSE_NODE || t === CLOSE_LIST) {
      if (depth === 0) return [];
      depth--;
    } else if (depth === 0 && sc.is(":targetList")) break;
  }
  const entries: TargetEntry[] = [];
  if (sc.next() !== OPEN_LIST) return entries; // `<>`: no columns
  for (;;) {
    const t = sc.next();
    if (t !== OPEN_NODE) return entries;
    sc.next(); // TARGETENTRY
    let resno = 0, origTable = "0", origColumn = 0;
    let field = "";
    let d = 0;
    for (;;) {
      const u = sc.next();
      if (u === END) return entries;
      if (u === OPEN_NODE || u === OPEN_LIST) {
        d++;
        field = "";
      } else if (u === CLOSE_NODE || u === CLOSE_LIST) {
        if (d === 0) break;
        d--;
      } else if (d === 0) {
        if (field === "") {
          field = sc.atom();
          continue;
        }
        if (field === ":resno") resno = Number(sc.atom());
        else if (field === ":resorigtbl") origTable = sc.atom();
        else if (field === ":resorigcol") origColumn = Number(sc.atom());
        field = "";
      }
    }
    entries.push({ resno, origTable, origColumn });
  }
}

// --- key dependencies ------------------------------------------------------------------------

/** Per view: base relation oid → attnum → view columns carrying it (in view column order). */
function columnOrigins(view: ViewDefinition, views: ReadonlyMap<string, ViewDefinition>) {
  const origins = new Map<string, Map<number, string[]>>();
  const add = (table: string, column: number, viewColumn: string) => {
    let cols = origins.get(table);
    if (!cols) origins.set(table, cols = new Map());
    const names = cols.get(column);
    if (names) names.push(viewColumn);
    else cols.set(column, [viewColumn]);
  };
  for (const entry of view.targets) {
    const name = view.columns.get(entry.resno);
    if (name === undefined) continue; // resjunk entries are not columns
    let table = entry.origTable, column = entry.origColumn;
    const seen = new Set<string>([view.oid]);
    while (table !== "0" && column > 0) {
      add(table, column, name);
      const inner = views.get(table);
      if (!inner || seen.has(table)) break;
      seen.add(table);
      const next = inner.targets.find((e) => e.resno === column);
      if (!next) break;
      table = next.origTable;
      column = next.origColumn;
    }
  }
  return origins;
}

/** PostgREST's `allViewsKeyDependencies`: key columns of base tables found in exposed views. */
export function viewKeyDependencies(
  views: readonly ViewDefinition[],
  constraints: readonly KeyConstraint[],
): ViewKeyDependency[] {
  const viewsByOid = new Map(views.map((v) => [v.oid, v]));
  const byRel = new Map<string, KeyConstraint[]>();
  const byRef = new Map<string, KeyConstraint[]>();
  for (const c of constraints) {
    // Unique keys play no part; foreign keys cloned onto partitions share the partitioned
    // table's constraint name and would count each key twice.
    if (c.type === "u" || (c.type === "f" && !c.isRoot)) continue;
    const own = byRel.get(c.relOid);
    if (own) own.push(c);
    else byRel.set(c.relOid, [c]);
    if (c.type === "f" && c.refOid !== null) {
      const refs = byRef.get(c.refOid);
      if (refs) refs.push(c);
      else byRef.set(c.refOid, [c]);
    }
  }
  const deps: ViewKeyDependency[] = [];
  for (const view of views) {
    if (!view.exposed) continue;
    const viewQi = { schema: view.schema, name: view.name };
    for (const [rel, cols] of columnOrigins(view, viewsByOid)) {
      for (const c of byRel.get(rel) ?? []) {
        const found = c.columns.map((k) => [k.name, cols.get(k.attnum)] as const);
        if (found.every(([, v]) => v !== undefined)) {
          deps.push({
            table: c.table,
            view: viewQi,
            constraint: c.name,
            type: c.type === "p" ? "pk" : "fk",
            columns: found as (readonly [string, string[]])[],
          });
        }
      }
      for (const c of byRef.get(rel) ?? []) {
        const found = c.columns.map((k) => [k.refName ?? "", cols.get(k.refAttnum ?? 0)] as const);
        if (c.refTable && found.every(([, v]) => v !== undefined)) {
          deps.push({
            table: c.refTable,
            view: viewQi,
            constraint: c.name,
            type: "fkRef",
            columns: found as (readonly [string, string[]])[],
          });
        }
      }
    }
  }
  return deps;
}
