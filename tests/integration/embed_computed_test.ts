/**
 * Computed relationships (FEATURES EM-22): functions `f(table_row) returns [setof] other` are
 * relationships named `f`, to-one when not SETOF or `ROWS 1`, and override detected relationships
 * between the same tables. Ported from PostgREST's `ComputedRelsSpec.hs` (the reads; embeds on
 * writes are EM-26).
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["embed"] });
Deno.test.afterAll(() => app.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const s = await summary(await app.request(path, { headers }), ["content-range"]);
  return { status: s.status, body: s.body };
}

const ok = (body: unknown) => ({ status: 200, body });

const GAMES = [
  { name: "Civilization I", designer: { name: "Sid Meier" } },
  { name: "Civilization II", designer: { name: "Sid Meier" } },
  { name: "Final Fantasy I", designer: { name: "Hironobu Sakaguchi" } },
  { name: "Final Fantasy II", designer: { name: "Hironobu Sakaguchi" } },
];

const DESIGNERS = [
  { name: "Sid Meier", videogames: [{ name: "Civilization I" }, { name: "Civilization II" }] },
  { name: "Hironobu Sakaguchi", videogames: [{ name: "Final Fantasy I" }, { name: "Final Fantasy II" }] },
];

Deno.test("GET embeds a to-one computed relationship (SETOF … ROWS 1, or not SETOF)", async () => {
  assert.deepEqual(await get("/videogames?select=name,designer:computed_designers(name)"), ok(GAMES));
  assert.deepEqual(await get("/videogames?select=name,designer:computed_designers_noset(name)"), ok(GAMES));
});

Deno.test("GET embeds a to-many computed relationship", async () => {
  assert.deepEqual(await get("/designers?select=name,videogames:computed_videogames(name)"), ok(DESIGNERS));
});

Deno.test("GET joins computed relationships with !inner and counts them exactly", async () => {
  const count = async (path: string) => {
    const s = await summary(await app.request(path, { headers: { Prefer: "count=exact" } }), [
      "content-range",
    ]);
    return [s.status, s["content-range"], s.body];
  };
  assert.deepEqual(
    await count(
      "/designers?select=name,videogames:computed_videogames!inner(name)&videogames.name=eq.Civilization%20I",
    ),
    [200, "0-0/1", [{ name: "Sid Meier", videogames: [{ name: "Civilization I" }] }]],
  );
  const hironobu = GAMES.slice(2);
  assert.deepEqual(
    await count(
      "/videogames?select=name,designer:computed_designers!inner(name)&designer.name=like.*Hironobu*",
    ),
    [200, "0-1/2", hironobu],
  );
  assert.deepEqual(
    await count(
      "/videogames?select=name,designer:computed_designers_noset!inner(name)&designer.name=like.*Hironobu*",
    ),
    [200, "0-1/2", hironobu],
  );
});

Deno.test("GET /rpc/f embeds computed relationships of the function's rows (EM-25)", async () => {
  assert.deepEqual(
    await get("/rpc/getallvideogames?select=name,designer:computed_designers(name)"),
    ok(GAMES),
  );
  assert.deepEqual(
    await get("/rpc/getalldesigners?select=name,videogames:computed_videogames(name)"),
    ok(DESIGNERS),
  );
});

Deno.test("GET formats represented columns of a computed relationship only when expanded from *", async () => {
  // As in PostgREST, explicit fields are resolved against the embed's name, here a function, so no
  // representation applies to them; `*` is expanded from the function's table.
  assert.deepEqual(
    await get("/datarep_next_two_todos?select=id,computed_first_item(label_color)&order=id"),
    ok([{ id: 1, computed_first_item: { label_color: 256 } }, {
      id: 2,
      computed_first_item: { label_color: 0 },
    }]),
  );
  assert.deepEqual(
    await get("/datarep_next_two_todos?select=id,computed_first_item(*)&order=id"),
    ok([
      { id: 1, computed_first_item: { id: 2, name: "Essay", label_color: "000100" } },
      { id: 2, computed_first_item: { id: 1, name: "Report", label_color: "000000" } },
    ]),
  );
});

Deno.test("GET embeds computed relationships of a table with itself", async () => {
  assert.deepEqual(
    await get("/web_content?select=name,child_web_content(name),parent_web_content(name)&id=in.(0,1)"),
    ok([
      {
        name: "tardis",
        child_web_content: [{ name: "fezz" }, { name: "foo" }, { name: "bar" }],
        parent_web_content: { name: "wat" },
      },
      { name: "fezz", child_web_content: [{ name: "wut" }], parent_web_content: { name: "tardis" } },
    ]),
  );
});

Deno.test("GET uses a computed relationship instead of the detected one of the same name", async () => {
  assert.deepEqual(await get("/videogames?select=*,designers!inner(*)"), ok([]));
  assert.deepEqual(await get("/designers?select=*,videogames!inner(*)"), ok([]));
});

Deno.test("GET overrides ambiguous one-to-one relationships with computed ones", async () => {
  assert.deepEqual(await get("/first_1?select=*,second_1(*)"), ok([]));
  assert.deepEqual(await get("/second_1?select=*,first_1(*)"), ok([]));
});

Deno.test("GET aliases nested computed relationships apart", async () => {
  assert.deepEqual(await get("/fee?select=*,jsbaz(*,janedoe(*))"), ok([]));
  assert.deepEqual(await get("/fee?select=*,jsbaz(*,johnsmith(*, fee(*)))"), ok([]));
});

Deno.test("GET follows a normal embed with a computed relationship", async () => {
  assert.deepEqual(
    await get("/projects?select=name,clients(name,computed_projects(name))&limit=1"),
    ok([{ name: "Windows 7", clients: { name: "Microsoft", computed_projects: { name: "Windows 7" } } }]),
  );
  assert.deepEqual(
    await get("/clients?select=name,projects(name,computed_clients(name))&limit=1"),
    ok([{
      name: "Microsoft",
      projects: [
        { name: "Windows 7", computed_clients: { name: "Microsoft" } },
        { name: "Windows 10", computed_clients: { name: "Microsoft" } },
      ],
    }]),
  );
});

Deno.test("GET resolves computed relationships defined by overloaded functions", async () => {
  assert.deepEqual(
    await get("/items?select=*,computed_rel_overload(*)&limit=1"),
    ok([{ id: 1, computed_rel_overload: [{ id: 1 }] }]),
  );
  assert.deepEqual(
    await get("/items2?select=*,computed_rel_overload(*)&limit=1"),
    ok([{ id: 1, computed_rel_overload: [{ id: 1 }, { id: 2 }] }]),
  );
  assert.deepEqual(
    await get("/rpc/search?id=1&select=*,computed_rel_overload(*)"),
    ok([{ id: 1, computed_rel_overload: [{ id: 1 }] }]),
  );
  assert.deepEqual(
    await get("/rpc/search2?id=1&select=*,computed_rel_overload(*)"),
    ok([{ id: 1, computed_rel_overload: [{ id: 1 }, { id: 2 }] }]),
  );
});

Deno.test("GET spreads a computed to-one relationship and orders by it", async () => {
  assert.deepEqual(
    await get(
      "/videogames?select=id,...computed_designers(designer_id:id,designer:name)&order=computed_designers(designer_id).desc,id",
    ),
    ok([
      { id: 3, designer_id: 2, designer: "Hironobu Sakaguchi" },
      { id: 4, designer_id: 2, designer: "Hironobu Sakaguchi" },
      { id: 1, designer_id: 1, designer: "Sid Meier" },
      { id: 2, designer_id: 1, designer: "Sid Meier" },
    ]),
  );
});
