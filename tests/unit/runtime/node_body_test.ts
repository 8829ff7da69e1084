/**
 * The Node runtime's own body reader (`@hono/node-server`, run here under Deno's Node
 * compatibility): request bodies come straight from the `IncomingMessage`, whole and in order.
 */
import assert from "node:assert/strict";
import { nodeRuntime } from "../../../lib/runtime/node.ts";
import { bodyReader } from "../../../lib/request/body.ts";

Deno.test("node runtime: a POST body is read from the IncomingMessage; GET has no reader", async () => {
  const seen: string[] = [];
  const server = await nodeRuntime.serve({ hostname: "127.0.0.1", port: 0 }, async (req) => {
    const read = bodyReader(req);
    if (read === undefined) {
      seen.push(`${req.method} none`);
      return new Response("none");
    }
    const body = await read(Number(req.headers.get("content-length")));
    let sum = 0;
    for (let i = 0; i < body.length; i++) sum = (sum * 31 + body[i]) >>> 0;
    seen.push(`${req.method} ${body.length}`);
    return new Response(`${body.length} ${sum}`);
  });
  try {
    const base = `http://${server.address}`;
    const big = Uint8Array.from({ length: 3 * 1024 * 1024 + 7 }, (_, i) => (i * 7) % 256);
    let sum = 0;
    for (let i = 0; i < big.length; i++) sum = (sum * 31 + big[i]) >>> 0;
    const post = await fetch(`${base}/x`, { method: "POST", body: big });
    assert.equal(await post.text(), `${big.length} ${sum}`);
    const get = await fetch(`${base}/x`);
    assert.equal(await get.text(), "none");
    assert.deepEqual(seen, [`POST ${big.length}`, "GET none"]);
  } finally {
    await server.close();
  }
});
