/**
 * How reads answer: singular objects, `nulls=stripped`, Accept negotiation, Content-Location,
 * Vary, Preference-Applied and `Prefer: timezone`. Ported from PostgREST's SingularSpec and
 * NullsStripSpec (GET parts), QuerySpec ("Accept headers", "Canonical location") and
 * TimezoneSpec (with v16's rule: the timezone goes to PostgreSQL, which rejects invalid ones).
 */
import assert from "node:assert/strict";
import { fetchReply, ids, pgError, readingApp, rows } from "../helpers/read.ts";

const app = await readingApp();
Deno.test.afterAll(() => app.close());

const SINGULAR = { Accept: "application/vnd.pgrst.object+json" };
const SINGULAR_CT = "application/vnd.pgrst.object+json; charset=utf-8";
const JSON_CT = "application/json; charset=utf-8";
const notSingular = (n: number) =>
  pgError("PGRST116", "Cannot coerce the result to a single JSON object", `The result contains ${n} rows`);

Deno.test("a singular Accept returns the one row as an object", async () => {
  assert.deepEqual(await fetchReply(app, "/items?id=eq.5", SINGULAR, ["content-type", "content-range"]), {
    status: 200,
    "content-type": SINGULAR_CT,
    "content-range": "0-0/*",
    body: { id: 5 },
  });
  assert.deepEqual(
    await fetchReply(app, "/items?id=eq.5", { Accept: "application/vnd.pgrst.object" }, ["content-type"]),
    { status: 200, "content-type": SINGULAR_CT, body: { id: 5 } },
  );
  assert.deepEqual(
    await fetchReply(app, "/items?id=eq.5", { ...SINGULAR, Prefer: "count=none" }, ["content-type"]),
    { status: 200, "content-type": SINGULAR_CT, body: { id: 5 } },
  );
});

Deno.test("a singular Accept shapes embeds too", async () => {
  assert.deepEqual(await rows(app, "/projects?id=eq.1&select=id,name,clients(*),tasks(id,name)", SINGULAR), {
    id: 1,
    name: "Windows 7",
    clients: { id: 1, name: "Microsoft" },
    tasks: [{ id: 1, name: "Design w7" }, { id: 2, name: "Code w7" }],
  });
});

Deno.test("a singular Accept with zero or many rows is 406 PGRST116", async () => {
  assert.deepEqual(await fetchReply(app, "/items?id=gt.0&id=lt.0", SINGULAR, ["content-type"]), {
    status: 406,
    "content-type": JSON_CT,
    body: notSingular(0),
  });
  assert.deepEqual(await fetchReply(app, "/items?id=lt.3", SINGULAR, ["content-type"]), {
    status: 406,
    "content-type": JSON_CT,
    body: notSingular(2),
  });
});

const orgs = [
  { id: 1, name: "Referee Org", manager_id: 1 },
  { id: 2, name: "Auditor Org", manager_id: 2 },
  { id: 3, name: "Acme", referee: 1, auditor: 2, manager_id: 3 },
  { id: 4, name: "Umbrella", referee: 1, auditor: 2, manager_id: 4 },
  { id: 5, name: "Cyberdyne", referee: 3, auditor: 4, manager_id: 5 },
  { id: 6, name: "Oscorp", referee: 3, auditor: 4, manager_id: 6 },
];
const ARRAY_STRIP_CT = "application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8";
const SINGULAR_STRIP_CT = "application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8";

Deno.test("nulls=stripped on vnd.pgrst.array strips nulls and keeps the parameter in Content-Type", async () => {
  for (
    const accept of [
      "application/vnd.pgrst.array+json;nulls=stripped",
      "application/vnd.pgrst.array;nulls=stripped",
    ]
  ) {
    assert.deepEqual(await fetchReply(app, "/organizations?select=*", { Accept: accept }, ["content-type"]), {
      status: 200,
      "content-type": ARRAY_STRIP_CT,
      body: orgs,
    }, accept);
  }
  assert.deepEqual(
    await fetchReply(app, "/organizations?select=id,referee,auditor", {
      Accept: "application/vnd.pgrst.array+json;nulls=stripped",
    }, ["content-type"]),
    {
      status: 200,
      "content-type": ARRAY_STRIP_CT,
      body: JSON.parse(JSON.stringify(orgs.map(({ id, referee, auditor }) => ({ id, referee, auditor })))),
    },
  );
});

Deno.test("nulls=stripped on the singular type strips the object's nulls", async () => {
  const accept = { Accept: "application/vnd.pgrst.object+json;nulls=stripped" };
  assert.deepEqual(await fetchReply(app, "/organizations?limit=1", accept, ["content-type"]), {
    status: 200,
    "content-type": SINGULAR_STRIP_CT,
    body: orgs[0],
  });
  assert.deepEqual(
    await fetchReply(app, "/organizations?select=id,referee,auditor&limit=1", accept, ["content-type"]),
    {
      status: 200,
      "content-type": SINGULAR_STRIP_CT,
      body: { id: 1 },
    },
  );
  assert.deepEqual(await fetchReply(app, "/organizations?select=*", accept, ["content-type"]), {
    status: 406,
    "content-type": JSON_CT,
    body: notSingular(6),
  });
});

Deno.test("vnd.pgrst.array+json without nulls=stripped is plain JSON", async () => {
  assert.deepEqual(
    await fetchReply(app, "/organizations?select=id,referee,auditor&id=lt.3", {
      Accept: "application/vnd.pgrst.array+json",
    }, ["content-type"]),
    {
      status: 200,
      "content-type": JSON_CT,
      body: [{ id: 1, referee: null, auditor: null }, { id: 2, referee: null, auditor: null }],
    },
  );
});

Deno.test("Accept: an unknown type is 406 PGRST107; */* rescues it; the first producible type wins", async () => {
  assert.deepEqual(await fetchReply(app, "/simple_pk", { Accept: "text/unknowntype" }, ["content-type"]), {
    status: 406,
    "content-type": JSON_CT,
    body: pgError("PGRST107", "None of these media types are available: text/unknowntype"),
  });
  assert.equal((await fetchReply(app, "/simple_pk", { Accept: "*/*" })).status, 200);
  assert.equal((await fetchReply(app, "/simple_pk", { Accept: "text/unknowntype, */*" })).status, 200);
  const csv = { status: 200, "content-type": "text/csv; charset=utf-8", body: "k,extra\nxyyx,u\nxYYx,v" };
  assert.deepEqual(await fetchReply(app, "/simple_pk", { Accept: "text/csv, */*" }, ["content-type"]), csv);
  assert.deepEqual(
    await fetchReply(app, "/simple_pk", { Accept: "text/csv, application/json" }, ["content-type"]),
    csv,
  );
  assert.deepEqual(
    await fetchReply(app, "/simple_pk", { Accept: "text/unknowntype, text/csv" }, ["content-type"]),
    csv,
  );
  assert.deepEqual(
    await fetchReply(app, "/simple_pk", { Accept: "text/csv; version=1" }, ["content-type"]),
    csv,
  );
});

Deno.test("Content-Location carries the query string sorted by key", async () => {
  assert.deepEqual(await fetchReply(app, "/no_pk?b=eq.1&a=eq.1", {}, ["content-location"]), {
    status: 200,
    "content-location": "/no_pk?a=eq.1&b=eq.1",
    body: [],
  });
  assert.deepEqual(await fetchReply(app, "/simple_pk", {}, ["content-location"]), {
    status: 200,
    "content-location": "/simple_pk",
    body: [{ k: "xyyx", extra: "u" }, { k: "xYYx", extra: "v" }],
  });
  assert.equal(
    (await fetchReply(app, "/items?select=id&id=gt.13&id=lt.15", {}, ["content-location"]))[
      "content-location"
    ],
    "/items?id=gt.13,lt.15&select=id",
  );
});

Deno.test("Content-Location names a unicode table in UTF-8 bytes", async () => {
  const res = await app.request("/%D9%85%D9%88%D8%A7%D8%B1%D8%AF");
  await res.body?.cancel();
  const bytes = Uint8Array.from(res.headers.get("content-location")!, (c) => c.charCodeAt(0));
  assert.equal(new TextDecoder().decode(bytes), "/موارد");
});

Deno.test("reads send Vary: Accept, Prefer, Range, also with a 416; errors do not", async () => {
  const ok = await app.request("/items?id=eq.1");
  await ok.body?.cancel();
  assert.equal(ok.headers.get("vary"), "Accept, Prefer, Range");
  const outOfRange = await app.request("/items?offset=100", { headers: { Prefer: "count=exact" } });
  await outOfRange.body?.cancel();
  assert.deepEqual([outOfRange.status, outOfRange.headers.get("vary")], [416, "Accept, Prefer, Range"]);
  const error = await app.request("/items?id=0");
  await error.body?.cancel();
  assert.deepEqual([error.status, error.headers.get("vary")], [400, null]);
});

Deno.test("no Content-Profile when a single schema is exposed", async () => {
  const res = await app.request("/items?id=eq.1");
  await res.body?.cancel();
  assert.equal(res.headers.get("content-profile"), null);
});

Deno.test("Preference-Applied echoes count and handling on reads, not return or missing", async () => {
  assert.deepEqual(
    await fetchReply(
      app,
      "/items?id=eq.1",
      { Prefer: "count=exact, return=representation, missing=default" },
      [
        "preference-applied",
      ],
    ),
    { status: 200, "preference-applied": "count=exact", body: ids(1) },
  );
  assert.deepEqual(
    await fetchReply(app, "/items?id=eq.1", { Prefer: "handling=lenient, anything" }, ["preference-applied"]),
    { status: 200, "preference-applied": "handling=lenient", body: ids(1) },
  );
  assert.deepEqual(await fetchReply(app, "/items?id=eq.1", { Prefer: "handling=strict, anything" }), {
    status: 400,
    body: pgError(
      "PGRST122",
      "Invalid preferences given with handling=strict",
      "Invalid preferences: anything",
    ),
  });
});

const LA = [
  { t: "2023-10-18T05:37:59.611-07:00" },
  { t: "2023-10-18T07:37:59.611-07:00" },
  { t: "2023-10-18T09:37:59.611-07:00" },
];

Deno.test("Prefer: timezone sets the transaction's time zone", async () => {
  assert.deepEqual(
    await fetchReply(app, "/timestamps", { Prefer: "handling=strict, timezone=America/Los_Angeles" }, [
      "content-type",
      "preference-applied",
    ]),
    {
      status: 200,
      "content-type": JSON_CT,
      "preference-applied": "handling=strict, timezone=America/Los_Angeles",
      body: LA,
    },
  );
  assert.deepEqual(
    await fetchReply(app, "/timestamps", { Prefer: "timezone=America/Los_Angeles" }, ["preference-applied"]),
    { status: 200, "preference-applied": "timezone=America/Los_Angeles", body: LA },
  );
  assert.deepEqual(await rows(app, "/timestamps"), [
    { t: "2023-10-18T12:37:59.611+00:00" },
    { t: "2023-10-18T14:37:59.611+00:00" },
    { t: "2023-10-18T16:37:59.611+00:00" },
  ]);
});

Deno.test("Prefer: timezone takes numeric offsets as PostgreSQL does", async () => {
  for (const tz of ["05:30", "-4", "UTC+3"]) {
    const expected = JSON.parse(
      await app.db.psql(
        `select set_config('timezone', '${tz}', false); select json_agg(t) from reading.timestamps;`,
      ).then((out) => out.trim().split("\n").at(-1)!),
    );
    const body = await rows(app, "/timestamps", { Prefer: `timezone=${tz}` }) as { t: string }[];
    assert.deepEqual(body.map((r) => r.t), expected, tz);
  }
});

Deno.test("an invalid Prefer: timezone is PostgreSQL's 22023, whatever the handling", async () => {
  const invalid = pgError("22023", 'invalid value for parameter "TimeZone": "Invalid/Timezone"');
  for (
    const prefer of [
      "timezone=Invalid/Timezone",
      "handling=lenient, timezone=Invalid/Timezone",
      "handling=strict, timezone=Invalid/Timezone",
    ]
  ) {
    assert.deepEqual(
      await fetchReply(app, "/timestamps", { Prefer: prefer }),
      { status: 400, body: invalid },
      prefer,
    );
  }
});
