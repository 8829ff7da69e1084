/**
 * The HTTP answer for a plan and its database result (PostgREST's `Response.actionResponse`):
 * status rules (200/201/204/206/416), Content-Range, Content-Location, Location, Content-Type,
 * Preference-Applied, and the `response.status` / `response.headers` overrides from SQL.
 */
import type { Catalog, Routine } from "../catalog/types.ts";
import { qiKey } from "../catalog/types.ts";
import type { AppConfig } from "../config/types.ts";
import type { DbResult, ResultSet } from "../db/main_tx.ts";
import { Errors } from "../errors.ts";
import type { CrudPlan, InfoPlan, MediaHandler } from "../plan/types.ts";
import { honouredPreferences, preferenceApplied } from "../request/preferences.ts";
import { contentRange, rangeStatus } from "../request/range.ts";
import type { ApiRequest, Preferences } from "../request/types.ts";
import { parseGucHeaders, parseGucStatus } from "./guc.ts";
import { contentTypeHeaders, headerBytes, type HeaderList, overrideHeaders } from "./headers.ts";

/** Header text from the database (relation names) as the UTF-8 bytes PostgREST sends. */
const utf8 = (text: string) => headerBytes(text) ?? text;

export interface PgrstResponse {
  readonly status: number;
  readonly headers: HeaderList;
  /** `null` for no body (204, HEAD); bytes for media-type domains based on bytea. */
  readonly body: string | Uint8Array<ArrayBuffer> | null;
}

const encoder = new TextEncoder();

type Body = string | Uint8Array<ArrayBuffer>;

/** Whether the handler's body is bytes (a bytea media-type domain), sent by PostgreSQL as hex. */
function isBinary(handler: MediaHandler): boolean {
  return (handler.kind === "custom" || handler.kind === "scalar") && handler.binary;
}

/** `encode(…, 'hex')` text back to bytes. */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The body PostgreSQL built, as the client must receive it. */
function resultBody(handler: MediaHandler, body: string): Body {
  return isBinary(handler) ? hexToBytes(body) : body;
}

/** Percent-encodes everything but the unreserved characters (http-types' `urlEncode`). */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The body with its Content-Length (text stays text: the server encodes it once, natively). */
function sized(body: Body): [Body, [string, string]] {
  return [body, ["Content-Length", String(typeof body === "string" ? utf8Length(body) : body.length)]];
}

/** Scratch space for counting UTF-8 bytes without allocating the encoded text. */
const scratch = new Uint8Array(64 * 1024);

/** The UTF-8 length of a text, encoded piecewise into `scratch`. */
export function utf8Length(text: string): number {
  let total = 0;
  for (let rest = text; rest !== "";) {
    const { read, written } = encoder.encodeInto(rest, scratch);
    total += written;
    rest = rest.slice(read);
  }
  return total;
}

function withGuc(rs: ResultSet, status: number, headers: HeaderList, body: Body | null): PgrstResponse {
  const gucStatus = parseGucStatus(rs.gucStatus);
  const gucHeaders = parseGucHeaders(rs.gucHeaders);
  return { status: gucStatus ?? status, headers: overrideHeaders(headers, gucHeaders), body };
}

function shouldCount(p: Preferences): boolean {
  return p.count === "exact" || p.count === "estimated";
}

/** The preferences that were honoured, for `Preference-Applied`. */
function appliedPreferences(plan: CrudPlan, req: ApiRequest, catalog: Catalog): Preferences {
  if (plan.kind === "mutate") {
    const table = catalog.tables.get(qiKey(plan.qi.schema, plan.qi.name));
    const hasPkOrOnConflict = (table?.pk.length ?? 0) > 0 || req.query.onConflict !== null;
    return honouredPreferences(req.preferences, {
      kind: "mutation",
      mutation: plan.mutation,
      hasPkOrOnConflict,
    });
  }
  return honouredPreferences(req.preferences, { kind: plan.kind });
}

function preferenceHeader(plan: CrudPlan, req: ApiRequest, catalog: Catalog): HeaderList {
  const v = preferenceApplied(appliedPreferences(plan, req, catalog));
  return v === null ? [] : [["Preference-Applied", v]];
}

function outOfBoundsBody(req: ApiRequest, config: AppConfig, rs: ResultSet): string {
  const e = Errors.invalidRange({
    kind: "outOfBounds",
    lower: String(req.topLevelRange.offset),
    total: String(rs.tableTotal ?? 0),
  });
  return JSON.stringify(e.body(config.clientErrorVerbosity));
}

/** PostgREST's `funcReturnsVoid`: a single `pg_catalog.void`. */
function returnsVoid(r: Routine): boolean {
  const t = r.returnType.type;
  return !r.returnType.setOf && t.kind === "scalar" && t.type.schema === "pg_catalog" &&
    t.type.name === "void";
}

export function respond(
  result: DbResult,
  req: ApiRequest,
  config: AppConfig,
  catalog: Catalog,
): PgrstResponse {
  if (result.kind === "plan") {
    const [bytes, length] = sized(result.body);
    return { status: 200, headers: [length, ...contentTypeHeaders(result.media, req)], body: bytes };
  }
  const { plan, resultSet: rs } = result;
  const prefer = preferenceHeader(plan, req, catalog);
  switch (plan.kind) {
    case "read": {
      const { status, contentRange: range } = rangeStatus(req.topLevelRange, rs.queryTotal, rs.tableTotal);
      const canonical = req.query.canonical;
      const [body, length] = sized(
        status === 416
          ? outOfBoundsBody(req, config, rs)
          : plan.headersOnly
          ? ""
          : resultBody(plan.handler, rs.body),
      );
      const headers: HeaderList = [
        ["Content-Range", range],
        ["Content-Location", utf8(`/${plan.qi.name}${canonical === "" ? "" : "?" + canonical}`)],
        ...(plan.headersOnly ? [] : [length]),
        ...contentTypeHeaders(plan.media, req),
        ...prefer,
      ];
      return withGuc(rs, status, headers, plan.headersOnly ? null : body);
    }
    case "call": {
      const { status, contentRange: range } = rangeStatus(req.topLevelRange, rs.queryTotal, rs.tableTotal);
      if (returnsVoid(plan.routine)) return withGuc(rs, 204, [["Content-Range", range], ...prefer], null);
      const [body, length] = sized(
        status === 416 ? outOfBoundsBody(req, config, rs) : resultBody(plan.handler, rs.body),
      );
      const headers: HeaderList = [
        ["Content-Range", range],
        ...prefer,
        ...(plan.headersOnly ? [] : [length]),
        ...contentTypeHeaders(plan.media, req),
      ];
      return withGuc(rs, status, headers, plan.headersOnly ? null : body);
    }
    case "mutate":
      return respondMutation(plan, rs, req, prefer);
  }
}

function respondMutation(
  plan: Extract<CrudPlan, { kind: "mutate" }>,
  rs: ResultSet,
  req: ApiRequest,
  prefer: HeaderList,
): PgrstResponse {
  const p = req.preferences;
  const full = p.representation === "representation";
  const counted = shouldCount(p) ? rs.queryTotal : null;
  const ct = () => contentTypeHeaders(plan.media, req);
  const [body, length] = sized(full ? rs.body : "");
  switch (plan.mutation) {
    case "create": {
      const location: HeaderList = rs.location.length === 0 ? [] : [[
        "Location",
        utf8(`/${plan.qi.name}?${rs.location.map(([k, v]) => `${urlEncode(k)}=${urlEncode(v)}`).join("&")}`),
      ]];
      const headers: HeaderList = [...location, ["Content-Range", contentRange(1, 0, counted)], ...prefer];
      const status = rs.inserted === null
        ? 201
        : rs.inserted <= 0 && p.resolution === "merge-duplicates"
        ? 200
        : 201;
      return withGuc(rs, status, [length, ...headers, ...(full ? ct() : [])], body);
    }
    case "update": {
      const headers: HeaderList = [["Content-Range", contentRange(0, rs.queryTotal - 1, counted)], ...prefer];
      return full ? withGuc(rs, 200, [...headers, length, ...ct()], body) : withGuc(rs, 204, headers, null);
    }
    case "singleUpsert": {
      const status = (rs.inserted ?? 0) > 0 ? 201 : 200;
      return full ? withGuc(rs, status, [length, ...ct(), ...prefer], body) : withGuc(rs, 204, prefer, null);
    }
    case "delete": {
      const headers: HeaderList = [["Content-Range", contentRange(1, 0, counted)], ...prefer];
      return full ? withGuc(rs, 200, [...headers, length, ...ct()], body) : withGuc(rs, 204, headers, null);
    }
  }
}

/** OPTIONS: the allowed methods, from the catalog. */
export function respondInfo(plan: InfoPlan, catalog: Catalog): PgrstResponse {
  let allow: string;
  if (plan.kind === "relationInfo") {
    const t = catalog.tables.get(qiKey(plan.qi.schema, plan.qi.name))!;
    allow = [
      "OPTIONS,GET,HEAD",
      ...(t.insertable ? ["POST"] : []),
      ...(t.insertable && t.updatable && t.pk.length > 0 ? ["PUT"] : []),
      ...(t.updatable ? ["PATCH"] : []),
      ...(t.deletable ? ["DELETE"] : []),
    ].join(",");
  } else if (plan.kind === "routineInfo") {
    allow = plan.routine.volatility === "volatile" ? "OPTIONS,POST" : "OPTIONS,GET,HEAD,POST";
  } else {
    allow = "OPTIONS,GET,HEAD";
  }
  return {
    status: 200,
    headers: [["Content-Length", "0"], ["Access-Control-Allow-Origin", "*"], ["Allow", allow]],
    body: "",
  };
}
