/**
 * Fuzzy "Perhaps you meant …" hints. (Placeholder until the catalog work lands.)
 */
import type { Catalog } from "./types.ts";

export function noRelBetweenHint(
  _catalog: Catalog,
  _parent: string,
  _child: string,
  _schema: string,
): string | null {
  return null;
}

export function tableNotFoundHint(_catalog: Catalog, _schema: string, _table: string): string | null {
  return null;
}

export function noRpcHint(
  _catalog: Catalog,
  _schema: string,
  _name: string,
  _keys: readonly string[],
  _overloads: readonly unknown[],
): string | null {
  return null;
}
