/**
 * Authentication and settings-statement costs per request: `deno bench scripts/bench/auth_bench.ts`.
 */
import { createAuthenticator } from "../../lib/auth/auth.ts";
import { buildTxSettings } from "../../lib/query/tx_settings.ts";
import { SECRET, sign } from "../../tests/helpers/jwt.ts";

const config = {
  jwtSecret: SECRET,
  jwtSecretIsBase64: false,
  jwtAud: null,
  jwtRoleClaimKey: "$.role",
  jwtCacheMaxEntries: 1000,
  dbAnonRole: "anon",
};
const cached = createAuthenticator(config);
const uncached = createAuthenticator({ ...config, jwtCacheMaxEntries: 0 });
const now = Date.now();
const header = `Bearer ${await sign(
  { role: "webuser", sub: "1234", exp: Math.floor(now / 1000) + 3600 },
  SECRET,
)}`;
await cached.authenticate(header, now);

Deno.bench("authenticate: anonymous", async () => {
  await cached.authenticate(null, now);
});
Deno.bench("authenticate: HS256 token, cached", async () => {
  await cached.authenticate(header, now);
});
Deno.bench("authenticate: HS256 token, cache off", async () => {
  await uncached.authenticate(header, now);
});

const auth = await cached.authenticate(header, now);
Deno.bench("buildTxSettings", () => {
  buildTxSettings({
    config: {
      dbExtraSearchPath: ["public"],
      roleSettings: new Map(),
      appSettings: [],
      dbHoistedTxSettings: [],
    },
    auth,
    request: {
      schema: "api",
      method: "GET",
      path: "/items",
      headers: [["accept", "*/*"], ["user-agent", "bench"], ["host", "localhost:3000"]],
      cookies: [],
      preferences: { timezone: null },
    },
  });
});
