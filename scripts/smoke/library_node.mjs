/**
 * The library on Node: the installed npm package's `createHandler()` mounted under /api in a Hono
 * app served by @hono/node-server, then the smoke cases against http://127.0.0.1:<port>/api, in
 * this Node process. Run from a directory where `@pgrst/pgrst` is installed (hono and
 * @hono/node-server come with it):
 *
 *   PGRST_DB_URI=postgres://… PGRST_JWT_SECRET=… node library_node.mjs
 *
 * Prints `listening <ms>` when ready (for start-up time), then the cases and
 * `smoke: N passed, N failed, N skipped`.
 */
import process from "node:process";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createHandler } from "@pgrst/pgrst";

const started = performance.now();
const { runCases } = await import(process.env.PGRST_SMOKE_CASES ?? "./cases.mjs");
const env = process.env;
const api = await createHandler({
  config: {
    dbUri: env.PGRST_DB_URI,
    dbSchemas: (env.PGRST_DB_SCHEMAS ?? "api").split(","),
    dbAnonRole: env.PGRST_DB_ANON_ROLE ?? "anon",
    jwtSecret: env.PGRST_JWT_SECRET ?? null,
  },
});
const app = new Hono();
app.get("/", (c) => c.text("host app"));
app.all("/api/*", (c) => {
  const url = new URL(c.req.url);
  url.pathname = url.pathname.slice("/api".length);
  return api(new Request(url, c.req.raw));
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, async (info) => {
  console.log(
    `listening ${Math.round(performance.now() - started)} ms (rss ${
      (process.memoryUsage().rss / 1048576).toFixed(0)
    } MiB)`,
  );
  const counts = await runCases({ base: `http://127.0.0.1:${info.port}/api`, secret: env.PGRST_JWT_SECRET });
  const host = await (await fetch(`http://127.0.0.1:${info.port}/`)).text();
  if (host !== "host app") counts.failed++, console.log("  FAIL  the host app's own route");
  console.log(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  console.log(`smoke: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  server.close();
  await api.close();
  process.exit(counts.failed > 0 ? 1 : 0);
});
