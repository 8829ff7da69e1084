/**
 * Authentication and the request context through a real HTTP server (`Deno.serve` via the Deno
 * runtime), with a real client and raw bytes on a socket: what reaches SQL and what goes back on
 * the wire — status lines, `WWW-Authenticate`, and header text as UTF-8 bytes both ways.
 */
import assert from "node:assert/strict";
import { denoRuntime } from "../../lib/runtime/deno.ts";
import { SECRET, sign } from "../helpers/jwt.ts";
import { testServer } from "../helpers/server.ts";

const server = await testServer({
  dbSchemas: ["authtest"],
  dbAnonRole: "auth_anon",
  jwtSecret: SECRET,
  dbPreRequest: { schema: "authtest", name: "pre_request" },
});
const http = await denoRuntime.serve({ hostname: "127.0.0.1", port: 0 }, (req) => server.pgrst.handler(req));
const base = `http://${http.address}`;
Deno.test.afterAll(async () => {
  await http.close();
  await server.close();
});

const encoder = new TextEncoder();

/** Sends raw request bytes and returns the raw response bytes (the connection is closed after). */
async function raw(request: Uint8Array): Promise<Uint8Array> {
  const [hostname, port] = http.address.split(":");
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(request);
    const chunks: number[] = [];
    const buf = new Uint8Array(8192);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(...buf.subarray(0, n));
    }
    return new Uint8Array(chunks);
  } finally {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...encoder.encode(p)] : p));

Deno.test("over HTTP: a valid token is 200, a forged one 401 with WWW-Authenticate", async () => {
  const ok = await fetch(`${base}/rpc/whoami`, {
    headers: { Authorization: `Bearer ${await sign({ role: "auth_author" }, SECRET)}` },
  });
  assert.deepEqual([ok.status, await ok.json()], [200, "auth_author"]);

  const forged = await fetch(`${base}/authors_only`, {
    headers: {
      Authorization: `Bearer ${await sign({ role: "webuser" }, "anotheranotheranotheranothersecret")}`,
    },
  });
  assert.deepEqual(
    [
      forged.status,
      forged.headers.get("www-authenticate"),
      forged.headers.get("proxy-status"),
      await forged.json(),
    ],
    [
      401,
      'Bearer error="invalid_token", error_description="No suitable key or wrong key type"',
      "PostgREST; error=PGRST301",
      {
        code: "PGRST301",
        details: "None of the keys was able to decode the JWT",
        hint: null,
        message: "No suitable key or wrong key type",
      },
    ],
  );

  const anon = await fetch(`${base}/authors_only`);
  assert.deepEqual([anon.status, anon.headers.get("www-authenticate")], [401, "Bearer"]);
  await anon.body?.cancel();
});

Deno.test("over HTTP: a PT402 raise is status 402 on the wire", async () => {
  const out = new TextDecoder().decode(
    await raw(bytes("GET /rpc/raise_pt402 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
  );
  assert.match(out, /^HTTP\/1\.1 402 /);
  assert.match(out, /\r\nproxy-status: PostgREST; error=PT402\r\n/i);
  assert.ok(
    out.endsWith(
      '{"code":"PT402","details":"Quota exceeded","hint":"Upgrade your plan","message":"Payment Required"}',
    ),
  );
});

Deno.test("over HTTP: UTF-8 header and cookie bytes reach SQL as text", async () => {
  const out = await raw(bytes(
    "GET /rpc/request_context HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Name: Zo",
    [0xc3, 0xab],
    "\r\nCookie: city=K",
    [0xc3, 0xb6],
    "ln\r\n\r\n",
  ));
  const text = new TextDecoder().decode(out);
  const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
  assert.equal(body.headers["x-name"], "Zoë");
  assert.deepEqual(body.cookies, { city: "Köln" });
});

Deno.test("over HTTP: response.headers values go out as UTF-8 bytes", async () => {
  const out = await raw(bytes(
    "GET /rpc/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
    'X-Set-Headers: [{"X-Greeting": "Gr\\u00fc\\u00df Gott"}]\r\n\r\n',
  ));
  const latin1 = String.fromCharCode(...out); // one character per byte
  const line = latin1.split("\r\n").find((l) => l.toLowerCase().startsWith("x-greeting:"))!;
  const value = line.slice(line.indexOf(":") + 1).trim();
  assert.equal(new TextDecoder().decode(Uint8Array.from(value, (c) => c.charCodeAt(0))), "Grüß Gott");
});
