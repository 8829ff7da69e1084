/**
 * openapi-mode (OA-03): `follow-privileges` describes what the request's role can access and
 * execute (queried per request, in its transaction), `ignore-privileges` everything of the schema
 * in the catalog, `disabled` answers 404 PGRST126 on the root whatever the method.
 */
import assert from "node:assert/strict";
import { testApp } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";

// deno-lint-ignore no-explicit-any
type Doc = any;

const follow = await testApp({ dbSchemas: ["openapi"], jwtSecret: SECRET });
const ignore = await testApp({ dbSchemas: ["openapi"], openapiMode: "ignore-privileges" });
Deno.test.afterAll(async () => {
  await follow.close();
  await ignore.close();
});

async function document(app: typeof follow, headers: Record<string, string> = {}): Promise<Doc> {
  const res = await app.request("/", { headers });
  assert.equal(res.status, 200);
  return await res.json();
}

const has = (doc: Doc, path: string) => path in doc.paths;

Deno.test("follow-privileges: the anonymous role sees no unreadable table and no unexecutable function", async () => {
  const doc = await document(follow);
  assert.deepEqual([has(doc, "/secrets"), has(doc, "/rpc/secret_fn")], [false, false]);
  assert.equal("secrets" in doc.definitions, false);
  assert.equal("body.secrets" in doc.parameters, false);
  // A privilege on one column is enough; the whole relation is described.
  assert.equal(has(doc, "/partial"), true);
  assert.deepEqual(Object.keys(doc.definitions.partial.properties), ["id", "hidden"]);
});

Deno.test("follow-privileges: a JWT role sees what it was granted, and not what it was not", async () => {
  const token = await sign({ role: "webuser" }, SECRET);
  const doc = await document(follow, { Authorization: `Bearer ${token}` });
  assert.deepEqual(doc.paths["/secrets"].post.tags, ["secrets"]);
  assert.deepEqual(Object.keys(doc.paths["/rpc/secret_fn"]), ["get", "post"]);
  assert.equal(has(doc, "/partial"), false);
});

Deno.test("ignore-privileges: every relation and function of the schema, from the catalog", async () => {
  const doc = await document(ignore);
  assert.deepEqual(Object.keys(doc.paths), [
    "/",
    "/child_entities",
    "/child_entities_view",
    "/entities",
    "/entity_counts",
    "/grandchild_entities",
    "/partial",
    "/profiles",
    "/secrets",
    "/types",
    "/rpc/add_them",
    "/rpc/bump",
    "/rpc/children",
    "/rpc/joined",
    "/rpc/no_args",
    "/rpc/secret_fn",
    "/rpc/with_json",
  ]);
  // The catalog was read with an empty search_path: the type is schema-qualified.
  assert.equal(
    doc.paths["/rpc/children"].post.parameters[0].schema.properties.moods.format,
    "openapi.mood[]",
  );
  // The schema comment is read per request in this mode too.
  assert.equal(doc.info.title, "My API title");
});

Deno.test("follow-privileges reads functions per request; relations always come from the catalog", async () => {
  const app = await testApp({ dbSchemas: ["openapi"], openapiMode: "follow-privileges" });
  const ignoring = await testApp({ dbSchemas: ["openapi"], openapiMode: "ignore-privileges" });
  try {
    const ddl = `
      create function openapi.late() returns int language sql stable as 'select 1';
      create table openapi.late_table (id int);
      grant select on openapi.late_table to anon;
      comment on schema openapi is 'Renamed';`;
    await app.db.psql(ddl);
    await ignoring.db.psql(ddl);
    const followed = await document(app);
    assert.deepEqual([has(followed, "/rpc/late"), has(followed, "/late_table")], [true, false]);
    assert.equal(followed.info.title, "Renamed");
    const ignored = await document(ignoring);
    assert.deepEqual([has(ignored, "/rpc/late"), has(ignored, "/late_table")], [false, false]);
    assert.deepEqual(ignored.info, {
      description: "",
      title: "Renamed",
      version: "16.1",
    });
  } finally {
    await app.close();
    await ignoring.close();
  }
});

const DISABLED = {
  code: "PGRST126",
  details: null,
  hint: null,
  message: "Root endpoint metadata is disabled",
};

Deno.test("disabled: the root answers 404 PGRST126 for every method, also with db-root-spec", async () => {
  const app = await testApp({ dbSchemas: ["openapi"], openapiMode: "disabled" });
  const rooted = await testApp({
    dbSchemas: ["openapi_alt"],
    openapiMode: "disabled",
    dbRootSpec: { schema: "", name: "root_json" },
  });
  try {
    for (const method of ["GET", "POST", "OPTIONS", "DELETE"]) {
      const res = await app.request("/", { method });
      assert.deepEqual([method, res.status, await res.json()], [method, 404, DISABLED]);
    }
    const head = await app.request("/", { method: "HEAD" });
    assert.equal(head.status, 404);
    await head.body?.cancel();
    const res = await rooted.request("/");
    assert.deepEqual([res.status, await res.json()], [404, DISABLED]);
    // Only the root: everything else is served.
    const table = await app.request("/entities");
    assert.deepEqual([table.status, await table.json()], [200, []]);
  } finally {
    await app.close();
    await rooted.close();
  }
});
