/**
 * Content negotiation: the first media type of `Accept` (sorted by quality) that pgrst can
 * produce for this resource, with the `MediaHandler` that aggregates the body. Builtins
 * (json, csv, geojson, `*∕*`) can be overridden by media-type handlers from the catalog; the
 * `vnd.pgrst.*` types cannot.
 */
import type { Catalog, QualifiedIdentifier } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import { Errors } from "../errors.ts";
import { mediaTypeToString } from "../request/media_type.ts";
import type { ApiRequest, MediaType } from "../request/types.ts";
import type { MediaHandler } from "./types.ts";

type Resolved = readonly [MediaHandler, MediaType];

const JSON_MT: MediaType = { kind: "json" };

/** The media type a handler map is keyed by. */
function mtKey(m: MediaType): string {
  return m.kind === "other" ? m.type : m.kind;
}

/** Builtin handlers for any relation: json (and `*∕*` as json), csv, geojson. */
const BUILTINS: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ["json", [{ kind: "json" }, JSON_MT]],
  ["any", [{ kind: "json" }, JSON_MT]],
  ["csv", [{ kind: "csv" }, { kind: "csv" }]],
  ["geojson", [{ kind: "geojson" }, { kind: "geojson" }]],
]);

const MEDIA_KINDS: Record<string, MediaType> = {
  "application/json": JSON_MT,
  "text/csv": { kind: "csv" },
  "application/geo+json": { kind: "geojson" },
  "*/*": { kind: "any" },
  "text/plain": { kind: "text" },
  "text/xml": { kind: "xml" },
  "application/octet-stream": { kind: "octet" },
  // Types `Accept` parses to their own kinds: a handler must be keyed the same way.
  "application/openapi+json": { kind: "openapi" },
  "application/x-www-form-urlencoded": { kind: "urlencoded" },
};

function handlerMediaType(name: string): MediaType {
  return MEDIA_KINDS[name.toLowerCase()] ?? { kind: "other", type: name.toLowerCase() };
}

const handlerIndex = new WeakMap<Catalog, Map<string, Resolved>>();

/** `relationKey|media` → handler, from the catalog's media handlers. `*` = anyelement. */
function customHandlers(catalog: Catalog): Map<string, Resolved> {
  let index = handlerIndex.get(catalog);
  if (index) return index;
  index = new Map();
  for (const h of catalog.mediaHandlers) {
    const mt = handlerMediaType(h.mediaType);
    // A `*∕*` handler answers with application/octet-stream unless response.headers says otherwise.
    const answered: MediaType = mt.kind === "any" ? { kind: "octet" } : mt;
    if (h.isAggregate) {
      const rel = h.relation === null ? "*" : `${h.relation.schema}.${h.relation.name}`;
      index.set(`${rel}|${mtKey(mt)}`, [
        { kind: "custom", function: h.function, target: h.relation, binary: h.binary },
        answered,
      ]);
    } else {
      // A function returning the media type's domain answers its own calls with its value.
      index.set(`${h.function.schema}.${h.function.name}|${mtKey(mt)}`, [
        { kind: "scalar", binary: h.binary },
        answered,
      ]);
    }
  }
  handlerIndex.set(catalog, index);
  return index;
}

export function negotiateContent(
  config: AppConfig,
  req: ApiRequest,
  identifier: QualifiedIdentifier,
  catalog: Catalog,
  defaultSelect: boolean,
): Resolved {
  const custom = customHandlers(catalog);
  const rel = `${identifier.schema}.${identifier.name}`;
  const lookup = (mt: MediaType): Resolved | undefined =>
    (defaultSelect ? custom.get(`${rel}|any`) : undefined) ??
      (defaultSelect ? custom.get(`${rel}|${mtKey(mt)}`) : undefined) ??
      custom.get(`*|${mtKey(mt)}`) ??
      BUILTINS.get(mtKey(mt));
  const match = (mt: MediaType): Resolved | undefined => {
    switch (mt.kind) {
      case "singularJson":
        return [{ kind: "singleJson", stripNulls: mt.stripNulls }, mt];
      case "arrayJson":
        return mt.stripNulls ? [{ kind: "arrayJsonStrip" }, mt] : lookup(JSON_MT);
      case "plan": {
        if (!config.dbPlanEnabled) return undefined;
        const inner = mt.for;
        if (inner.kind === "singularJson") return [{ kind: "singleJson", stripNulls: inner.stripNulls }, mt];
        if (inner.kind === "arrayJson" && inner.stripNulls) return [{ kind: "arrayJsonStrip" }, mt];
        const found = lookup(inner);
        return found ? [found[0], mt] : undefined;
      }
      default:
        return lookup(mt);
    }
  };
  let picked: Resolved | undefined;
  for (const mt of req.accept) {
    picked = match(mt);
    if (picked) break;
  }
  if (!picked) throw Errors.mediaType(req.accept.map(mediaTypeToString));
  const [handler, media] = picked;
  const action = req.action;
  if (action.kind === "relationMutate") {
    return [req.preferences.representation === "representation" ? handler : { kind: "noAgg" }, media];
  }
  // HEAD needs no body, so no aggregate.
  if (action.kind === "relationRead" && action.headersOnly) return [{ kind: "noAgg" }, media];
  if (action.kind === "routine" && action.method.kind === "read" && action.method.headersOnly) {
    return [{ kind: "noAgg" }, media];
  }
  return picked;
}
