import assert from "node:assert/strict";
import { render } from "../../../lib/query/sql.ts";
import {
  buildPreRequest,
  buildTxSettings,
  hoistedSettings,
  jsonTextObject,
  type TxSettingsContext,
} from "../../../lib/query/tx_settings.ts";

const ctx = (over: Partial<TxSettingsContext> = {}): TxSettingsContext => ({
  config: {
    dbExtraSearchPath: ["public"],
    roleSettings: new Map(),
    appSettings: [],
    dbHoistedTxSettings: [
      "statement_timeout",
      "plan_filter.statement_cost_limit",
      "default_transaction_isolation",
    ],
  },
  auth: { role: "web_anon", claims: '{"role":"web_anon"}' },
  request: {
    schema: "api",
    method: "GET",
    path: "/items",
    headers: [["accept", "*/*"], ["user-agent", "curl"]],
    cookies: [],
    preferences: { timezone: null },
  },
  ...over,
});

Deno.test("buildTxSettings() sets the fixed settings with names in the SQL text", () => {
  assert.deepEqual(buildTxSettings(ctx()), {
    text: "select set_config('search_path', $1, true), set_config('role', $2, true), " +
      "set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true), " +
      "set_config('request.path', $5, true), set_config('request.headers', $6, true), " +
      "set_config('request.cookies', $7, true)",
    params: [
      '"api", "public"',
      "web_anon",
      '{"role":"web_anon"}',
      "GET",
      "/items",
      '{"accept":"*/*","user-agent":"curl"}',
      "{}",
    ],
  });
});

Deno.test("buildTxSettings() binds role settings before the role, then timezone, function and app settings", () => {
  const c = ctx();
  const q = buildTxSettings({
    ...c,
    config: {
      ...c.config,
      dbExtraSearchPath: [],
      roleSettings: new Map([
        ["author", [["statement_timeout", "1s"], ["work_mem", "64kB"]]],
        ["web_anon", [["statement_timeout", "9s"]]],
      ]),
      appSettings: [["app.settings.jwt_secret", "s3cr3t"], ["app.settings.x", "y"]],
    },
    auth: { role: "author", claims: '{"role":"author"}' },
    request: {
      ...c.request,
      method: "POST",
      path: "/rpc/f",
      headers: [],
      preferences: { timezone: "Asia/Tokyo" },
    },
    functionSettings: [["statement_timeout", "5s"], ["search_path", "evil"], ["work_mem", "1GB"]],
  });
  assert.equal(
    q.text,
    "select set_config('search_path', $1, true), set_config($2, $3, true), set_config($4, $5, true), " +
      "set_config('role', $6, true), set_config('request.jwt.claims', $7, true), " +
      "set_config('request.method', $8, true), set_config('request.path', $9, true), " +
      "set_config('request.headers', $10, true), set_config('request.cookies', $11, true), " +
      "set_config('timezone', $12, true), set_config($13, $14, true), " +
      "set_config($15, $16, true), set_config($17, $18, true)",
  );
  assert.deepEqual(q.params, [
    '"api"',
    "statement_timeout",
    "1s",
    "work_mem",
    "64kB",
    "author",
    '{"role":"author"}',
    "POST",
    "/rpc/f",
    "{}",
    "{}",
    "Asia/Tokyo",
    "statement_timeout",
    "5s",
    "app.settings.jwt_secret",
    "s3cr3t",
    "app.settings.x",
    "y",
  ]);
});

Deno.test("buildTxSettings() quotes the search path and keeps every value out of the SQL text", () => {
  const c = ctx();
  const q = buildTxSettings({
    ...c,
    config: { ...c.config, dbExtraSearchPath: ["ext ensions", 'we"ird'] },
    auth: { role: "'; drop table x; --", claims: "{}" },
    request: { ...c.request, schema: "Api", path: "/x'y", headers: [["x-evil", "'); select 1; --"]] },
  });
  assert.equal(q.params[0], '"Api", "ext ensions", "we""ird"');
  assert.ok(!q.text.includes("drop") && !q.text.includes("evil") && !q.text.includes("x'y"));
});

Deno.test("jsonTextObject() writes headers and cookies as one JSON object, the last duplicate winning", () => {
  assert.equal(jsonTextObject([]), "{}");
  assert.equal(
    jsonTextObject([["a", "1"], ["b", 'q"\\\n'], ["a", "2"], ["c", "€ é"]]),
    '{"a":"2","b":"q\\"\\\\\\n","c":"€ é"}',
  );
});

Deno.test("jsonTextObject() reads header bytes as UTF-8, as PostgREST does", () => {
  // "é" and "ü" as a client sends them: C3 A9 and C3 BC, one character per byte in `Headers`
  assert.equal(jsonTextObject([["\xc3\xa9", "\xc3\xbc"]]), '{"é":"ü"}');
  // a lone Latin-1 byte is not UTF-8
  assert.equal(jsonTextObject([["k", "caf\xe9"]]), '{"k":"caf\ufffd"}');
});

Deno.test("hoistedSettings() keeps function settings whose name=value matches db-hoisted-tx-settings", () => {
  const settings: [string, string][] = [["statement_timeout", "5s"], ["work_mem", "1GB"], [
    "search_path",
    "x",
  ]];
  assert.deepEqual(hoistedSettings(settings, ["statement_timeout"]), [["statement_timeout", "5s"]]);
  assert.deepEqual(hoistedSettings(settings, []), []);
  assert.deepEqual(hoistedSettings(settings, ["work_mem", "search_path"]), [["work_mem", "1GB"], [
    "search_path",
    "x",
  ]]);
  // An entry that is not a valid regular expression still matches literally.
  assert.deepEqual(hoistedSettings([["a(b", "1"]], ["a(b"]), [["a(b", "1"]]);
});

Deno.test("buildPreRequest() calls the function, qualified or not", () => {
  assert.deepEqual(render(buildPreRequest({ schema: "public", name: "check_user" })), {
    text: 'select "public"."check_user"()',
    params: [],
  });
  assert.equal(render(buildPreRequest({ schema: "", name: 'odd"name' })).text, 'select "odd""name"()');
});
