import assert from "node:assert/strict";
import type { ForeignKeyRelationship, Routine } from "../../../lib/catalog/types.ts";
import { defaultConfig } from "../../../lib/config/config.ts";
import { openApiDocument, serverLocation } from "../../../lib/response/openapi.ts";
import {
  aesonNumber,
  encodeJson,
  encodeString,
  ordered,
  RawNumber,
  Sorted,
} from "../../../lib/response/openapi_json.ts";
import {
  columnDefault,
  routineGetParam,
  swaggerFormat,
  swaggerType,
  tableDefinition,
} from "../../../lib/response/openapi_schema.ts";
import { catalogOf, column, table } from "../../helpers/catalog_builder.ts";

// ---------------------------------------------------------------- JSON as aeson writes it

Deno.test("aesonNumber() renders literals as aeson re-encodes a Scientific", () => {
  const cases: [string, string][] = [
    ["5", "5"],
    ["-12", "-12"],
    ["-0", "0"],
    ["1e3", "1000"],
    ["1.50", "1.5"],
    ["100.0", "100.0"],
    ["0.0", "0.0"],
    ["0.5", "0.5"],
    ["-2.25", "-2.25"],
    ["0.05", "5.0e-2"],
    ["12345678.9", "1.23456789e7"],
    ["1234567.5", "1234567.5"],
  ];
  for (const [literal, expected] of cases) assert.equal(aesonNumber(literal), expected, literal);
  assert.equal(aesonNumber("1."), null);
  assert.equal(aesonNumber("abc"), null);
});

Deno.test("encodeString() escapes like aeson: \\b and \\f as \\u escapes, backslashes kept", () => {
  assert.equal(encodeString('a"b\\c\n\t\r'), '"a\\"b\\\\c\\n\\t\\r"');
  assert.equal(encodeString("\b\f\u0001"), '"\\u0008\\u000c\\u0001"');
  assert.equal(encodeString("\\b"), '"\\\\b"');
  assert.equal(encodeString("día <b>"), '"día <b>"');
});

Deno.test("encodeJson() keeps Ordered keys as given (numeric ones too) and sorts every Sorted object", () => {
  const doc = ordered([
    ["z", 1],
    ["2", new Sorted({ b: { d: 1, c: [{ y: 1, x: 2 }] }, a: null, "10": true, "9": false })],
    ["a", new RawNumber("1.0")],
    ["skipped", undefined],
  ]);
  assert.equal(
    encodeJson(doc),
    '{"z":1,"2":{"10":true,"9":false,"a":null,"b":{"c":[{"x":2,"y":1}],"d":1}},"a":1.0}',
  );
});

Deno.test("ordered() keeps a repeated key at its first place with its last value", () => {
  assert.equal(encodeJson(ordered([["a", 1], ["b", 2], ["a", 3]])), '{"a":3,"b":2}');
});

// ---------------------------------------------------------------- types, formats, defaults

Deno.test("swaggerType() and swaggerFormat() map PostgreSQL types as PostgREST does", () => {
  const cases: [string, string | undefined, string][] = [
    ["character varying", "string", "character varying"],
    ["character", "string", "character"],
    ["text", "string", "text"],
    ["boolean", "boolean", "boolean"],
    ["smallint", "integer", "int32"],
    ["integer", "integer", "int32"],
    ["bigint", "integer", "int64"],
    ["numeric", "number", "numeric"],
    ["real", "number", "real"],
    ["double precision", "number", "double precision"],
    ["json", undefined, "json"],
    ["jsonb", undefined, "jsonb"],
    ["integer[]", "array", "integer[]"],
    ["uuid", "string", "uuid"],
    ["timestamp with time zone", "string", "timestamp with time zone"],
    ["api.mood", "string", "api.mood"],
  ];
  for (const [pg, type, format] of cases) {
    assert.deepEqual([swaggerType(pg), swaggerFormat(pg)], [type, format], pg);
  }
});

Deno.test("columnDefault() strips the cast and quotes of string defaults, keeps JSON ones", () => {
  assert.equal(columnDefault("text", "'hello'::text"), "hello");
  assert.equal(columnDefault("text", "'it''s'::text"), "it''s");
  assert.equal(columnDefault("api.mood", "'happy'::api.mood"), "happy");
  assert.equal(columnDefault("timestamp with time zone", "now()"), "now()");
  // A cast to another name than the column's type stays.
  assert.equal(columnDefault("character", "'x'::bpchar"), "'x'::bpchar");
  // A quote inside makes the JSON string invalid: no default.
  assert.equal(columnDefault("text", `'say "hi"'::text`), undefined);
  assert.equal(columnDefault("boolean", "true"), true);
  assert.deepEqual(columnDefault("numeric", "1.50"), new RawNumber("1.5"));
  assert.deepEqual(columnDefault("integer", "5"), new RawNumber("5"));
  assert.equal(columnDefault("integer", "nextval('api.t_id_seq'::regclass)"), undefined);
  assert.equal(columnDefault("jsonb", "'{}'::jsonb"), undefined);
  assert.equal(columnDefault("integer[]", "'{1,2}'::integer[]"), undefined);
});

Deno.test("routineGetParam() sends arrays and json as strings, VARIADIC as repeated items", () => {
  const p = { typeMaxLength: "", required: true, variadic: false };
  assert.deepEqual(routineGetParam({ ...p, name: "a", type: "bigint" }), {
    in: "query",
    name: "a",
    required: true,
    format: "int64",
    type: "integer",
  });
  assert.deepEqual(routineGetParam({ ...p, name: "ids", type: "integer[]" }).type, "string");
  assert.deepEqual(routineGetParam({ ...p, name: "doc", type: "jsonb" }).type, "string");
  assert.deepEqual(routineGetParam({ ...p, name: "v", type: "integer[]", variadic: true }), {
    in: "query",
    name: "v",
    required: true,
    collectionFormat: "multi",
    items: { format: "int32", type: "integer" },
    type: "array",
  });
});

// ---------------------------------------------------------------- foreign key notes

function fk(
  from: string,
  to: string,
  columns: [string, string][],
  kind: "m2o" | "o2o" | "o2m",
  extra: Partial<ForeignKeyRelationship> = {},
): ForeignKeyRelationship {
  const cardinality = kind === "o2o"
    ? { kind, constraint: `${from}_fk`, columns, isParent: false }
    : { kind, constraint: `${from}_fk`, columns };
  return {
    kind: "fk",
    table: { schema: "api", name: from },
    foreignTable: { schema: "api", name: to },
    isSelf: false,
    cardinality,
    tableIsView: false,
    foreignTableIsView: false,
    ...extra,
  };
}

Deno.test("tableDefinition() notes single-column FKs to tables before views, not multi-column ones", () => {
  const orders = table("api", "orders", [
    column("id", "integer", { nullable: false }),
    column("client_id", "integer", { description: "who" }),
    column("a", "integer"),
    column("b", "integer"),
  ], ["id"]);
  const catalog = catalogOf([orders], {
    relationships: [
      fk("orders", "clients_view", [["client_id", "id"]], "m2o", { foreignTableIsView: true }),
      fk("orders", "clients", [["client_id", "id"]], "m2o"),
      fk("orders", "pairs", [["a", "x"], ["b", "y"]], "m2o"),
      fk("orders", "lines", [["id", "order_id"]], "o2m"),
    ],
  });
  assert.equal(
    encodeJson(tableDefinition(catalog, orders)),
    '{"required":["id"],"properties":{' +
      '"id":{"description":"Note:\\nThis is a Primary Key.<pk/>","format":"int32","type":"integer"},' +
      '"client_id":{"description":"who\\n\\nNote:\\nThis is a Foreign Key to `clients.id`.' +
      '<fk table=\'clients\' column=\'id\'/>","format":"int32","type":"integer"},' +
      '"a":{"format":"int32","type":"integer"},"b":{"format":"int32","type":"integer"}},"type":"object"}',
  );
});

// ---------------------------------------------------------------- the document

Deno.test("serverLocation() uses server-host/port, or the proxy URI with default ports and path", () => {
  const at = (over: Parameters<typeof defaultConfig>[0]) => serverLocation(defaultConfig(over));
  assert.deepEqual(at({}), { scheme: "http", host: "0.0.0.0", port: 3000, basePath: "/" });
  assert.deepEqual(at({ serverHost: "*6", serverPort: 80 }).host, "0.0.0.0");
  assert.deepEqual(at({ serverHost: "api.local", serverPort: 8080 }), {
    scheme: "http",
    host: "api.local",
    port: 8080,
    basePath: "/",
  });
  assert.deepEqual(at({ openapiServerProxyUri: "https://postgrest.com/openapi.json" }), {
    scheme: "https",
    host: "postgrest.com",
    port: 443,
    basePath: "/openapi.json",
  });
  assert.deepEqual(at({ openapiServerProxyUri: "HTTP://example.org:8080" }), {
    scheme: "http",
    host: "example.org",
    port: 8080,
    basePath: "/",
  });
  assert.deepEqual(at({ openapiServerProxyUri: "http://[::1]/api/" }), {
    scheme: "http",
    host: "[::1]",
    port: 80,
    basePath: "/api/",
  });
});

Deno.test("openApiDocument() splits comments into title/summary and description", () => {
  const t = table("api", "t", [], [], {
    description: "Sum\n\n\nDesc\nmore",
    insertable: false,
    updatable: false,
    deletable: false,
  });
  const f: Routine = {
    schema: "api",
    name: "f",
    description: "Only a summary",
    params: [],
    returnType: { setOf: false, type: { kind: "scalar", type: { schema: "pg_catalog", name: "int4" } } },
    volatility: "volatile",
    hasVariadic: false,
    isolationLevel: null,
    settings: [],
  };
  const doc = JSON.parse(encodeJson(openApiDocument(
    { tables: [t], routines: [f], schemaDescription: "Title only" },
    defaultConfig(),
    catalogOf([t]),
  )));
  assert.deepEqual(doc.info, { description: "", title: "Title only", version: "16.1" });
  assert.deepEqual([doc.paths["/t"].get.summary, doc.paths["/t"].get.description], ["Sum", "Desc\nmore"]);
  assert.deepEqual(Object.keys(doc.paths["/t"]), ["get"]);
  assert.deepEqual(Object.keys(doc.paths["/rpc/f"]), ["post"]);
  assert.deepEqual([doc.paths["/rpc/f"].post.summary, doc.paths["/rpc/f"].post.description], [
    "Only a summary",
    undefined,
  ]);
  assert.deepEqual(doc.definitions.t, { description: "Sum\n\n\nDesc\nmore", type: "object" });
});
