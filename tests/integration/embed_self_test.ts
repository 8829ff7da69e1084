/**
 * Resource embedding of self references, private junctions and column targets (FEATURES EM-10,
 * EM-11, EM-27). Ported from PostgREST's `EmbedDisambiguationSpec.hs` on the `embed` schema of
 * `tests/fixtures/40_embedding.sql`.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";

const app = await testApp({ dbSchemas: ["embed"] });
Deno.test.afterAll(() => app.close());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const s = await summary(await app.request(path));
  return { status: s.status, body: s.body };
}

const ok = (body: unknown) => ({ status: 200, body });

// --- self references -----------------------------------------------------------------------------

Deno.test("GET embeds parents recursively by the foreign key column", async () => {
  assert.deepEqual(
    await get("/family_tree?id=in.(3,4)&select=id,parent(id,name,parent(*))&order=id"),
    ok([
      { id: "3", parent: { id: "1", name: "Parental Unit", parent: null } },
      {
        id: "4",
        parent: { id: "2", name: "Kid One", parent: { id: "1", name: "Parental Unit", parent: null } },
      },
    ]),
  );
});

Deno.test("GET embeds children recursively by table!column", async () => {
  assert.deepEqual(
    await get(
      "/family_tree?id=eq.1&select=id,name, children:family_tree!parent(id,name,children:family_tree!parent(id,name))",
    ),
    ok([{
      id: "1",
      name: "Parental Unit",
      children: [
        { id: "2", name: "Kid One", children: [{ id: "4", name: "Grandkid One" }] },
        { id: "3", name: "Kid Two", children: [{ id: "5", name: "Grandkid Two" }] },
      ],
    }]),
  );
  assert.deepEqual(
    await get("/family_tree?id=eq.2&select=id,name,parent(id,name,children:family_tree!parent(id,name))"),
    ok([{
      id: "2",
      name: "Kid One",
      parent: {
        id: "1",
        name: "Parental Unit",
        children: [{ id: "2", name: "Kid One" }, { id: "3", name: "Kid Two" }],
      },
    }]),
  );
});

Deno.test("GET embeds the parent and the children of a self-referencing view", async () => {
  assert.deepEqual(
    await get("/job?select=id,parent_id(*),children:job!parent_id(id,parent_id)&order=id"),
    ok([
      { id: 1, parent_id: null, children: [{ id: 2, parent_id: 1 }] },
      { id: 2, parent_id: { id: 1, parent_id: null }, children: [] },
    ]),
  );
});

Deno.test("GET embeds two self references and another parent at every level", async () => {
  assert.deepEqual(
    await get("/organizations?select=id,name,referee(id,name),auditor(id,name)&id=eq.3"),
    ok([{
      id: 3,
      name: "Acme",
      referee: { id: 1, name: "Referee Org" },
      auditor: { id: 2, name: "Auditor Org" },
    }]),
  );
  assert.deepEqual(
    await get("/organizations?select=id,name,refereeds:organizations!referee(id,name)&id=eq.1"),
    ok([{ id: 1, name: "Referee Org", refereeds: [{ id: 3, name: "Acme" }, { id: 4, name: "Umbrella" }] }]),
  );
  assert.deepEqual(
    await get("/organizations?select=id,name,auditees:organizations!auditor(id,name)&id=eq.2"),
    ok([{ id: 2, name: "Auditor Org", auditees: [{ id: 3, name: "Acme" }, { id: 4, name: "Umbrella" }] }]),
  );
  assert.deepEqual(
    await get(
      "/organizations?select=name,manager(name),referee(name,manager(name),auditor(name,manager(name))),auditor(name,manager(name),referee(name,manager(name)))&id=eq.5",
    ),
    ok([{
      name: "Cyberdyne",
      manager: { name: "Cyberdyne Manager" },
      referee: {
        name: "Acme",
        manager: { name: "Acme Manager" },
        auditor: { name: "Auditor Org", manager: { name: "Auditor Manager" } },
      },
      auditor: {
        name: "Umbrella",
        manager: { name: "Umbrella Manager" },
        referee: { name: "Referee Org", manager: { name: "Referee Manager" } },
      },
    }]),
  );
  assert.deepEqual(
    await get(
      "/organizations?select=name,manager(name),auditees:organizations!auditor(name,manager(name),refereeds:organizations!referee(name,manager(name)))&id=eq.2",
    ),
    ok([{
      name: "Auditor Org",
      manager: { name: "Auditor Manager" },
      auditees: [
        {
          name: "Acme",
          manager: { name: "Acme Manager" },
          refereeds: [
            { name: "Cyberdyne", manager: { name: "Cyberdyne Manager" } },
            { name: "Oscorp", manager: { name: "Oscorp Manager" } },
          ],
        },
        { name: "Umbrella", manager: { name: "Umbrella Manager" }, refereeds: [] },
      ],
    }]),
  );
});

// --- private junctions (EM-27) -------------------------------------------------------------------

Deno.test("GET embeds many-to-many through an exposed view of a private junction", async () => {
  assert.deepEqual(
    await get("/screens?select=labels(name)"),
    ok([
      { labels: [{ name: "fruit" }] },
      { labels: [{ name: "vehicles" }] },
      { labels: [{ name: "vehicles" }, { name: "fruit" }] },
    ]),
  );
  assert.deepEqual(
    await get("/actors?select=*,films(*)"),
    ok([
      { id: 1, name: "john", films: [{ id: 12, title: "douze commandements" }] },
      { id: 2, name: "mary", films: [{ id: 2001, title: "odyssée de l'espace" }] },
    ]),
  );
});

const noRel = (parent: string, child: string) => ({
  status: 400,
  body: {
    code: "PGRST200",
    details:
      `Searched for a foreign key relationship between '${parent}' and '${child}' in the schema 'embed', but no matches were found.`,
    hint: null,
    message: `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
  },
});

Deno.test("GET through a junction that is only private is 400 PGRST200", async () => {
  assert.deepEqual(await get("/end_1?select=end_2(*)"), noRel("end_1", "end_2"));
});

Deno.test("GET does not join through a private junction that has an exposed homonym", async () => {
  assert.deepEqual(await get("/schauspieler?select=filme(*)"), noRel("schauspieler", "filme"));
});

// --- columns as targets do not consider views ------------------------------------------------------

Deno.test("GET embeds a self reference both ways by column and by table", async () => {
  assert.deepEqual(
    await get("/test?select=id,parent_id,parent:parent_id(id)&order=id"),
    ok([{ id: 1, parent_id: null, parent: null }, { id: 2, parent_id: 1, parent: { id: 1 } }]),
  );
  assert.deepEqual(
    await get("/test?select=id,parent_id,childs:test(id)&order=id"),
    ok([{ id: 1, parent_id: null, childs: [{ id: 2 }] }, { id: 2, parent_id: 1, childs: [] }]),
  );
});

Deno.test("GET needs the view's own name to embed a view", async () => {
  assert.deepEqual(await get("/adaptation_notifications?select=id,status,series(*)"), ok([]));
  assert.deepEqual(await get("/adaptation_notifications?select=id,status,series_popularity(*)"), ok([]));
});

Deno.test("GET resolves a column target when a table and a view share the key column", async () => {
  assert.deepEqual(
    await get("/message?select=id,body,sender(id,name)&id=eq.5"),
    ok([{ id: 5, body: "What's up Jake", sender: { id: 4, name: "Julie" } }]),
  );
  assert.deepEqual(
    await get("/activities?select=fst_shift(*)"),
    ok([
      {
        fst_shift: [{
          unit_id: 1,
          day: "2019-12-02",
          fst_shift_activity_id: 1,
          fst_shift_schedule_id: 1,
          snd_shift_activity_id: 2,
          snd_shift_schedule_id: 3,
        }],
      },
      { fst_shift: [] },
    ]),
  );
});

Deno.test("GET does not expose foreign keys hidden behind views", async () => {
  assert.equal((await get("/va?select=vb(*)")).status, 200);
});
