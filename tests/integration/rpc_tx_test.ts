/**
 * The transaction around `/rpc/f`, ported from PostgREST's RpcSpec, MaxAffectedSpec,
 * PreferencesSpec and its io settings tests (test_settings.py): access mode by method and
 * volatility (405 for writes in READ ONLY), `Prefer: tx=rollback`, singular rollbacks,
 * `max-affected` (PGRST124 / PGRST128), `handling`, settings hoisted from the function's SET
 * clauses (db-hoisted-tx-settings) and the function's isolation level.
 */
import assert from "node:assert/strict";
import { summary, testApp } from "../helpers/app.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { bodyOf, rpcClient } from "../helpers/rpc.ts";

const app = await testApp({ dbSchemas: ["rpc"], dbTxEnd: "commit-allow-override", jwtSecret: SECRET });
Deno.test.afterAll(() => app.close());
const { get, post } = rpcClient(app);

async function itemIds(): Promise<number[]> {
  const out = await app.db.psql("select coalesce(string_agg(id::text, ',' order by id), '') from rpc.items");
  return out.trim() === "" ? [] : out.trim().split(",").map(Number);
}

const READ_ONLY = {
  code: "25006",
  details: null,
  hint: null,
  message: "cannot execute nextval() in a read-only transaction",
};

// ---------------------------------------------------------------- access mode

Deno.test("GET runs functions READ ONLY: a VOLATILE function that writes is 405 25006", async () => {
  const res = await get("/rpc/callcounter");
  assert.deepEqual(await summary(res, ["proxy-status"]), {
    status: 405,
    "proxy-status": "PostgREST; error=25006",
    body: READ_ONLY,
  });
});

Deno.test("POST runs VOLATILE functions READ WRITE, exactly once per request", async () => {
  await app.db.psql("select setval('rpc.callcounter_count', 1, false)");
  assert.deepEqual(await summary(await post("/rpc/callcounter", {})), { status: 200, body: 1 });
  assert.deepEqual(await summary(await post("/rpc/callcounter", {})), { status: 200, body: 2 });
});

Deno.test("POST runs STABLE functions READ ONLY", async () => {
  assert.deepEqual(await summary(await post("/rpc/stable_callcounter", {})), {
    status: 405,
    body: READ_ONLY,
  });
});

Deno.test("POST commits a VOLATILE function's writes", async () => {
  assert.deepEqual(await bodyOf(await post("/rpc/add_item", { id: 101 })), [{ id: 101 }]);
  assert.ok((await itemIds()).includes(101));
});

Deno.test("Prefer: tx=rollback rolls a function's writes back and says so", async () => {
  const res = await post("/rpc/add_item", { id: 102 }, { Prefer: "tx=rollback" });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 200,
    "preference-applied": "tx=rollback",
    body: [{ id: 102 }],
  });
  assert.ok(!(await itemIds()).includes(102));
  const committed = await post("/rpc/add_item", { id: 103 }, { Prefer: "tx=commit" });
  assert.equal(committed.headers.get("preference-applied"), "tx=commit");
  await committed.body?.cancel();
  assert.ok((await itemIds()).includes(103));
});

Deno.test("a singular Accept with many rows is 406 PGRST116 and rolls the function's writes back", async () => {
  const before = await itemIds();
  const res = await post("/rpc/delete_items_returns_setof", "", {
    Accept: "application/vnd.pgrst.object+json",
  });
  assert.deepEqual(await summary(res), {
    status: 406,
    body: {
      code: "PGRST116",
      details: `The result contains ${before.length} rows`,
      hint: null,
      message: "Cannot coerce the result to a single JSON object",
    },
  });
  assert.deepEqual(await itemIds(), before);
});

// ---------------------------------------------------------------- max-affected

Deno.test("max-affected with handling=strict: more rows than allowed is 400 PGRST124 and a rollback", async () => {
  const before = await itemIds();
  for (const fn of ["delete_items_returns_setof", "delete_items_returns_table"]) {
    const res = await post(`/rpc/${fn}`, "", { Prefer: "handling=strict, max-affected=10" });
    assert.deepEqual(await summary(res), {
      status: 400,
      body: {
        code: "PGRST124",
        details: `The query affects ${before.length} rows`,
        hint: null,
        message: "Query result exceeds max-affected preference constraint",
      },
    }, fn);
  }
  assert.deepEqual(await itemIds(), before);
});

Deno.test("max-affected counts the rows left by filters; within the limit the call commits", async () => {
  const res = await post("/rpc/delete_items_returns_table?id=lt.4", "", {
    Prefer: "handling=strict, max-affected=3",
  });
  assert.deepEqual(await summary(res, ["preference-applied"]), {
    status: 200,
    "preference-applied": "handling=strict, max-affected=3",
    body: [{ id: 1 }, { id: 2 }, { id: 3 }],
  });
});

Deno.test("max-affected with handling=strict on a function not returning SETOF is 400 PGRST128", async () => {
  const before = await itemIds();
  const res = await post("/rpc/delete_items_returns_void", "", {
    Prefer: "handling=strict, max-affected=20",
  });
  assert.deepEqual(await summary(res), {
    status: 400,
    body: {
      code: "PGRST128",
      details: null,
      hint: null,
      message:
        "Function must return SETOF or TABLE when max-affected preference is used with handling=strict",
    },
  });
  assert.deepEqual(await itemIds(), before);
});

// ---------------------------------------------------------------- preferences

Deno.test("handling=strict rejects unknown preferences on RPC (400 PGRST122), lenient ignores them", async () => {
  assert.deepEqual(
    await summary(await post("/rpc/overloaded_unnamed_param", {}, { Prefer: "handling=strict, anything" })),
    {
      status: 400,
      body: {
        code: "PGRST122",
        details: "Invalid preferences: anything",
        hint: null,
        message: "Invalid preferences given with handling=strict",
      },
    },
  );
  const lenient = await post("/rpc/overloaded_unnamed_param", {}, { Prefer: "handling=lenient, anything" });
  assert.deepEqual(await summary(lenient, ["preference-applied"]), {
    status: 200,
    "preference-applied": "handling=lenient",
    body: 1,
  });
});

Deno.test("Prefer: params=single-object is no longer understood (PostgREST 13+)", async () => {
  const strict = await post("/rpc/add_them", { a: 1, b: 2 }, {
    Prefer: "params=single-object, handling=strict",
  });
  assert.deepEqual(await summary(strict), {
    status: 400,
    body: {
      code: "PGRST122",
      details: "Invalid preferences: params=single-object",
      hint: null,
      message: "Invalid preferences given with handling=strict",
    },
  });
  // Without handling=strict it is ignored: the keys stay named arguments.
  const ignored = await post("/rpc/add_them", { a: 1, b: 2 }, { Prefer: "params=single-object" });
  assert.deepEqual(await summary(ignored, ["preference-applied"]), {
    status: 200,
    "preference-applied": null,
    body: 3,
  });
});

// ---------------------------------------------------------------- function settings

Deno.test("default_transaction_isolation of a function sets the transaction's isolation level", async () => {
  assert.deepEqual(await bodyOf(await get("/rpc/default_isolation_level")), "read committed");
  assert.deepEqual(await bodyOf(await get("/rpc/serializable_isolation_level")), "serializable");
  assert.deepEqual(await bodyOf(await get("/rpc/repeatable_read_isolation_level")), "repeatable read");
});

Deno.test("the role's isolation level applies, and the function's overrides it", async () => {
  const token = await sign({ role: "rpc_repeatable" }, SECRET);
  const auth = { Authorization: `Bearer ${token}` };
  assert.deepEqual(await bodyOf(await get("/rpc/default_isolation_level", auth)), "repeatable read");
  assert.deepEqual(await bodyOf(await get("/rpc/serializable_isolation_level", auth)), "serializable");
});

Deno.test("statement_timeout from a function's SET clause is hoisted to the transaction", async () => {
  assert.deepEqual(await summary(await get("/rpc/short_timeout_sleep"), ["proxy-status"]), {
    status: 500,
    "proxy-status": "PostgREST; error=57014",
    body: {
      code: "57014",
      details: null,
      hint: null,
      message: "canceling statement due to statement timeout",
    },
  });
  assert.deepEqual(await summary(await get("/rpc/long_timeout_sleep")), { status: 204, body: "" });
});

Deno.test("only settings named in db-hoisted-tx-settings are hoisted (the default hoists statement_timeout)", async () => {
  // Computed fields read the settings outside the function, that is, the transaction's.
  assert.deepEqual(
    await bodyOf(await get("/rpc/rpc_with_one_hoisted?select=get_work_mem,get_statement_timeout")),
    {
      get_work_mem: "4MB",
      get_statement_timeout: "7s",
    },
  );
});

Deno.test("db-hoisted-tx-settings chooses which SET clauses are hoisted", async () => {
  const workMem = await testApp({ dbSchemas: ["rpc"], dbHoistedTxSettings: ["work_mem"] });
  const both = await testApp({ dbSchemas: ["rpc"], dbHoistedTxSettings: ["work_mem", "statement_timeout"] });
  try {
    const select = "select=get_work_mem,get_statement_timeout";
    assert.deepEqual(await bodyOf(await workMem.request(`/rpc/rpc_with_one_hoisted?${select}`)), {
      get_work_mem: "3000kB",
      get_statement_timeout: "0",
    });
    assert.deepEqual(await bodyOf(await both.request(`/rpc/rpc_with_two_hoisted?${select}`)), {
      get_work_mem: "5000kB",
      get_statement_timeout: "10s",
    });
    // The function's timeout no longer applies to the transaction.
    assert.deepEqual(await summary(await workMem.request("/rpc/short_timeout_sleep")), {
      status: 204,
      body: "",
    });
  } finally {
    await workMem.close();
    await both.close();
  }
});
