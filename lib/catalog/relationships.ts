/**
 * Schema catalog, stage 2 of 3: relationships (input: key constraints, view key dependencies,
 * primary keys, computed relationships; output: relationships by table). PostgREST's rules from
 * `SchemaCache.hs`, in its order:
 *
 * 1. many-to-one from each foreign key, one-to-one when the FK columns are exactly a primary key
 *    or unique constraint of the table (`allM2OandO2ORels`);
 * 2. the same through views: view→table, table→view and view→view, for every way the key
 *    columns appear in the views (`addViewM2OAndO2ORels`);
 * 3. many-to-many through a junction holding two different many-to-one relationships whose
 *    columns are all part of its primary key (`addM2MRels`);
 * 4. the inverse of every many-to-one (one-to-many) and one-to-one (`addInverseRels`);
 * 5. computed relationships replace detected ones between the same table and a foreign table
 *    named like the function (`getOverrideRelationshipsMap`);
 * 6. relationships of non-exposed tables, to non-exposed tables or through non-exposed junctions
 *    are dropped (`removeInternal`, EM-27).
 *
 * Each table's list is sorted like PostgREST's derived `Ord`, so ambiguity errors list
 * relationships in PostgREST's order.
 */
import type {
  Cardinality,
  ColumnPairs,
  ComputedRelationship,
  ForeignKeyRelationship,
  QualifiedIdentifier,
  Relationship,
} from "./types.ts";
import { qiKey, relationshipMapKey } from "./types.ts";
import type { KeyConstraint, ViewKeyDependency } from "./view_deps.ts";

type Pair = readonly [string, string];

const swap = (cols: ColumnPairs): ColumnPairs => cols.map(([a, b]) => [b, a] as const);
const sameQi = (a: QualifiedIdentifier, b: QualifiedIdentifier) => a.schema === b.schema && a.name === b.name;

/** Step 1: many-to-one and one-to-one relationships from the foreign keys. */
export function foreignKeyRelationships(constraints: readonly KeyConstraint[]): ForeignKeyRelationship[] {
  const keyOf = (c: KeyConstraint) => c.columns.map((k) => k.attnum).sort((a, b) => a - b).join(",");
  const uniqueKeys = new Map<string, Set<string>>();
  for (const c of constraints) {
    if (c.type === "f") continue;
    const keys = uniqueKeys.get(c.relOid) ?? new Set<string>();
    uniqueKeys.set(c.relOid, keys.add(keyOf(c)));
  }
  const rels: ForeignKeyRelationship[] = [];
  for (const c of constraints) {
    if (c.type !== "f" || !c.isRoot || c.refTable === null) continue;
    const columns = c.columns.map((k) => [k.name, k.refName ?? ""] as const);
    const cardinality: Cardinality = uniqueKeys.get(c.relOid)?.has(keyOf(c))
      ? { kind: "o2o", constraint: c.name, columns, isParent: false }
      : { kind: "m2o", constraint: c.name, columns };
    rels.push({
      kind: "fk",
      table: c.table,
      foreignTable: c.refTable,
      isSelf: c.relOid === c.refOid,
      cardinality,
      tableIsView: false,
      foreignTableIsView: false,
    });
  }
  return rels;
}

/** Primary keys of views: the first view column carrying each column of a base table's key. */
export function viewPrimaryKeys(deps: readonly ViewKeyDependency[]): Map<string, string[]> {
  const pks = new Map<string, string[]>();
  for (const d of deps) {
    if (d.type !== "pk") continue;
    const key = qiKey(d.view.schema, d.view.name);
    const cols = pks.get(key) ?? [];
    pks.set(key, cols.concat(d.columns.map(([, viewCols]) => viewCols[0])));
  }
  return pks;
}

/** Every choice of one view column per key column: `[[k, [a, b]], [l, [c]]]` → `[[k,a],[l,c]], [[k,b],[l,c]]`. */
function expandKeyColumns(cols: ViewKeyDependency["columns"]): Pair[][] {
  let out: Pair[][] = [[]];
  for (const [keyCol, viewCols] of cols) {
    out = out.flatMap((prefix) => viewCols.map((v) => [...prefix, [keyCol, v] as const]));
  }
  return out;
}

function zipWith(a: readonly Pair[], b: readonly Pair[], f: (x: Pair, y: Pair) => Pair): ColumnPairs {
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => f(x, b[i]));
}

/** Step 2: relationships through views, from the many-to-one and (child side) one-to-one ones. */
function addViewRelationships(
  rels: readonly ForeignKeyRelationship[],
  deps: readonly ViewKeyDependency[],
): ForeignKeyRelationship[] {
  const index = new Map<string, ViewKeyDependency[]>();
  for (const d of deps) {
    const key = `${qiKey(d.table.schema, d.table.name)}\0${d.constraint}\0${d.type}`;
    index.set(key, [...(index.get(key) ?? []), d]);
  }
  const lookup = (t: QualifiedIdentifier, cons: string, type: string) =>
    index.get(`${qiKey(t.schema, t.name)}\0${cons}\0${type}`) ?? [];
  const out = [...rels];
  for (const rel of rels) {
    const card = rel.cardinality;
    if (card.kind !== "m2o" && !(card.kind === "o2o" && !card.isParent)) continue;
    const build = (columns: ColumnPairs): Cardinality =>
      card.kind === "m2o"
        ? { kind: "m2o", constraint: card.constraint, columns }
        : { kind: "o2o", constraint: card.constraint, columns, isParent: false };
    const viewTable = lookup(rel.table, card.constraint, "fk");
    const tableView = lookup(rel.foreignTable, card.constraint, "fkRef");
    const fk = (table: QualifiedIdentifier, foreignTable: QualifiedIdentifier, columns: ColumnPairs) => ({
      kind: "fk" as const,
      table,
      foreignTable,
      cardinality: build(columns),
    });
    for (const vt of viewTable) {
      for (const vCols of expandKeyColumns(vt.columns)) {
        const cols = zipWith(vCols, card.columns, ([, v], [, f]) => [v, f]);
        out.push({
          ...fk(vt.view, rel.foreignTable, cols),
          isSelf: false,
          tableIsView: true,
          foreignTableIsView: false,
        });
      }
    }
    for (const tv of tableView) {
      for (const vCols of expandKeyColumns(tv.columns)) {
        const cols = zipWith(card.columns, vCols, ([t], [, v]) => [t, v]);
        out.push({
          ...fk(rel.table, tv.view, cols),
          isSelf: false,
          tableIsView: false,
          foreignTableIsView: true,
        });
      }
    }
    for (const vt of viewTable) {
      for (const vCols1 of expandKeyColumns(vt.columns)) {
        for (const tv of tableView) {
          for (const vCols2 of expandKeyColumns(tv.columns)) {
            const cols = zipWith(vCols1, vCols2, ([, v1], [, v2]) => [v1, v2]);
            const isSelf = sameQi(vt.view, tv.view);
            out.push({ ...fk(vt.view, tv.view, cols), isSelf, tableIsView: true, foreignTableIsView: true });
          }
        }
      }
    }
  }
  return out;
}

/** Step 3: many-to-many through junctions whose two FKs' columns are all in its primary key. */
function addManyToMany(
  rels: readonly ForeignKeyRelationship[],
  primaryKeys: ReadonlyMap<string, readonly string[]>,
): ForeignKeyRelationship[] {
  const byTable = new Map<string, ForeignKeyRelationship[]>();
  for (const r of rels) {
    const key = qiKey(r.table.schema, r.table.name);
    byTable.set(key, [...(byTable.get(key) ?? []), r]);
  }
  const out = [...rels];
  for (const r1 of rels) {
    if (r1.cardinality.kind !== "m2o") continue;
    const junction = r1.table;
    const pk = new Set(primaryKeys.get(qiKey(junction.schema, junction.name)) ?? []);
    for (const r2 of byTable.get(qiKey(junction.schema, junction.name)) ?? []) {
      if (r2.cardinality.kind !== "m2o" || r2.cardinality.constraint === r1.cardinality.constraint) continue;
      const junctionCols = [...r1.cardinality.columns, ...r2.cardinality.columns].map(([c]) => c);
      if (!junctionCols.every((c) => pk.has(c))) continue;
      out.push({
        kind: "fk",
        table: r1.foreignTable,
        foreignTable: r2.foreignTable,
        isSelf: sameQi(r1.foreignTable, r2.foreignTable),
        cardinality: {
          kind: "m2m",
          junction: {
            table: junction,
            constraint1: r1.cardinality.constraint,
            constraint2: r2.cardinality.constraint,
            sourceColumns: swap(r1.cardinality.columns),
            targetColumns: swap(r2.cardinality.columns),
          },
        },
        tableIsView: r1.foreignTableIsView,
        foreignTableIsView: r2.foreignTableIsView,
      });
    }
  }
  return out;
}

/** Step 4: one-to-many from each many-to-one, and the other side of each one-to-one. */
function addInverses(rels: readonly ForeignKeyRelationship[]): ForeignKeyRelationship[] {
  const inverse = (r: ForeignKeyRelationship, cardinality: Cardinality): ForeignKeyRelationship => ({
    kind: "fk",
    table: r.foreignTable,
    foreignTable: r.table,
    isSelf: r.isSelf,
    cardinality,
    tableIsView: r.foreignTableIsView,
    foreignTableIsView: r.tableIsView,
  });
  const o2m = rels.flatMap((r) =>
    r.cardinality.kind === "m2o"
      ? [
        inverse(r, {
          kind: "o2m",
          constraint: r.cardinality.constraint,
          columns: swap(r.cardinality.columns),
        }),
      ]
      : []
  );
  const o2o = rels.flatMap((r) =>
    r.cardinality.kind === "o2o"
      ? [inverse(r, {
        kind: "o2o",
        constraint: r.cardinality.constraint,
        columns: swap(r.cardinality.columns),
        isParent: !r.cardinality.isParent,
      })]
      : []
  );
  return [...rels, ...o2m, ...o2o];
}

/** The schema a relationship is found under in PostgREST's map: the foreign table's or function's. */
export function relationshipSchema(rel: Relationship): string {
  return rel.kind === "fk" ? rel.foreignTable.schema : rel.function.schema;
}

export interface DerivedRelationships {
  /** By `qiKey` of the table they start from; only exposed tables, targets and junctions. */
  readonly byTable: Map<string, Relationship[]>;
  /** Keys of PostgREST's relationships map (`relationshipMapKey`), also those left empty. */
  readonly keys: Set<string>;
  /** Entries of PostgREST's relationships map (table, target schema), for the load summary. */
  readonly count: number;
}

export function deriveRelationships(input: {
  readonly schemas: readonly string[];
  readonly constraints: readonly KeyConstraint[];
  readonly keyDeps: readonly ViewKeyDependency[];
  /** Primary keys by `qiKey`, views' inferred ones included. */
  readonly primaryKeys: ReadonlyMap<string, readonly string[]>;
  readonly computed: readonly ComputedRelationship[];
}): DerivedRelationships {
  const detected = addInverses(
    addManyToMany(
      addViewRelationships(foreignKeyRelationships(input.constraints), input.keyDeps),
      input.primaryKeys,
    ),
  );
  const pairKey = (t: QualifiedIdentifier, other: QualifiedIdentifier) =>
    `${qiKey(t.schema, t.name)}\0${qiKey(other.schema, other.name)}`;
  const groups = new Map<string, Relationship[]>();
  for (const r of detected) {
    const key = pairKey(r.table, r.foreignTable);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const c of input.computed) groups.set(pairKey(c.table, c.function), [c]);

  const exposed = new Set(input.schemas);
  const mapKeys = new Set<string>();
  const byTable = new Map<string, Relationship[]>();
  for (const rels of groups.values()) {
    for (const r of rels) {
      if (!exposed.has(r.table.schema)) continue;
      mapKeys.add(relationshipMapKey(r.table, relationshipSchema(r)));
      if (!exposed.has(r.foreignTable.schema) || !exposed.has(relationshipSchema(r))) continue;
      if (
        r.kind === "fk" && r.cardinality.kind === "m2m" && !exposed.has(r.cardinality.junction.table.schema)
      ) {
        continue;
      }
      const key = qiKey(r.table.schema, r.table.name);
      const list = byTable.get(key);
      if (list) list.push(r);
      else byTable.set(key, [r]);
    }
  }
  for (const list of byTable.values()) list.sort(compareRelationships);
  return { byTable, keys: mapKeys, count: mapKeys.size };
}

// --- PostgREST's derived Ord ------------------------------------------------------------------

/** Text order of Haskell's `Data.Text`: by code point. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const cmpBool = (a: boolean, b: boolean) => Number(a) - Number(b);
const cmpQi = (a: QualifiedIdentifier, b: QualifiedIdentifier) =>
  compareText(a.schema, b.schema) || compareText(a.name, b.name);

function cmpPairs(a: ColumnPairs, b: ColumnPairs): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareText(a[i][0], b[i][0]) || compareText(a[i][1], b[i][1]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const CARDINALITY_ORDER = { o2m: 0, m2o: 1, o2o: 2, m2m: 3 } as const;

function cmpCardinality(a: Cardinality, b: Cardinality): number {
  if (a.kind !== b.kind) return CARDINALITY_ORDER[a.kind] - CARDINALITY_ORDER[b.kind];
  if (a.kind === "m2m" && b.kind === "m2m") {
    const x = a.junction, y = b.junction;
    return cmpQi(x.table, y.table) || compareText(x.constraint1, y.constraint1) ||
      compareText(x.constraint2, y.constraint2) || cmpPairs(x.sourceColumns, y.sourceColumns) ||
      cmpPairs(x.targetColumns, y.targetColumns);
  }
  if (a.kind === "m2m" || b.kind === "m2m") return 0;
  const c = compareText(a.constraint, b.constraint) || cmpPairs(a.columns, b.columns);
  return c !== 0 || a.kind !== "o2o" || b.kind !== "o2o" ? c : cmpBool(a.isParent, b.isParent);
}

export function compareRelationships(a: Relationship, b: Relationship): number {
  if (a.kind !== b.kind) return a.kind === "fk" ? -1 : 1;
  if (a.kind === "fk" && b.kind === "fk") {
    return cmpQi(a.table, b.table) || cmpQi(a.foreignTable, b.foreignTable) || cmpBool(a.isSelf, b.isSelf) ||
      cmpCardinality(a.cardinality, b.cardinality) || cmpBool(a.tableIsView, b.tableIsView) ||
      cmpBool(a.foreignTableIsView, b.foreignTableIsView);
  }
  if (a.kind === "computed" && b.kind === "computed") {
    return cmpQi(a.function, b.function) || cmpQi(a.table, b.table) ||
      cmpQi(a.foreignTable, b.foreignTable) ||
      cmpQi(a.tableAlias, b.tableAlias) || cmpBool(a.singleRow, b.singleRow) || cmpBool(a.isSelf, b.isSelf);
  }
  return 0;
}
