import assert from "node:assert/strict";
import { baseUrl, demoToken, embeddedBanner } from "../../../lib/embedded/banner.ts";
import { randomSecret, signHs256 } from "../../../lib/embedded/token.ts";

const decode = (part: string) => JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));

async function verifies(token: string, secret: string): Promise<boolean> {
  const [h, p, s] = token.split(".");
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const sig = Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
  return crypto.subtle.verify("HMAC", key, sig, new TextEncoder().encode(`${h}.${p}`));
}

Deno.test("signHs256() writes a JWT that verifies with the secret and no other", async () => {
  const token = await signHs256("a-secret-of-at-least-thirty-two-chars!", { role: "reader", n: 1 });
  assert.deepEqual(decode(token.split(".")[0]), { alg: "HS256", typ: "JWT" });
  assert.deepEqual(decode(token.split(".")[1]), { role: "reader", n: 1 });
  assert.equal(await verifies(token, "a-secret-of-at-least-thirty-two-chars!"), true);
  assert.equal(await verifies(token, "another-secret-of-at-least-thirty-two!"), false);
});

Deno.test("signHs256() matches a token computed with openssl dgst -sha256 -hmac", async () => {
  // printf "$h.$p" | openssl dgst -sha256 -hmac secret -binary | base64url
  const token = await signHs256("secret", { sub: "1234567890" });
  assert.equal(
    token,
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." +
      "Rq8IxqeX7eA6GgYxlcHdPFVRNFFZc5rEI3MQTZZbK3I",
  );
});

Deno.test("randomSecret() is 48 hex characters and differs each time", () => {
  const a = randomSecret();
  assert.match(a, /^[0-9a-f]{48}$/);
  assert.notEqual(a, randomSecret());
});

Deno.test("demoToken() is for role reader, subject demo, expiring in 30 days", async () => {
  const claims = decode((await demoToken("s".repeat(32), 1_000)).split(".")[1]);
  assert.deepEqual(claims, { role: "reader", sub: "demo", exp: 1_000 + 30 * 24 * 3600 });
});

Deno.test("baseUrl() shows localhost for wildcard binds and keeps other hosts", () => {
  assert.equal(baseUrl("0.0.0.0:3000"), "http://localhost:3000");
  assert.equal(baseUrl("[::]:3001"), "http://localhost:3001");
  assert.equal(baseUrl(":::3001"), "http://localhost:3001");
  assert.equal(baseUrl("127.0.0.1:8080"), "http://127.0.0.1:8080");
  assert.equal(baseUrl("[::1]:8080"), "http://[::1]:8080");
});

Deno.test("embeddedBanner() prints the URL, the data directory, the warning and working curls", async () => {
  const secret = "x".repeat(48);
  const text = await embeddedBanner({
    address: "0.0.0.0:3000",
    unixSocket: false,
    dataDir: "./pgrst-data",
    serverVersion: "PostgreSQL 18.6",
    created: true,
    demoJwtSecret: secret,
    now: 0,
  });
  assert.match(text, /serving http:\/\/localhost:3000 from an embedded PostgreSQL/);
  assert.match(text, /data \.\/pgrst-data \(created now\)/);
  assert.match(text, /NOT for production/);
  const curls = text.split("\n").filter((l) => l.trimStart().startsWith("curl "));
  assert.equal(curls.length, 3);
  assert.match(
    curls[0],
    /^ {2}curl 'http:\/\/localhost:3000\/books\?select=title,year,author:authors\(name\)&/,
  );
  const token = /Bearer ([\w.-]+)/.exec(text)![1];
  assert.equal(await verifies(token, secret), true);
});

Deno.test("embeddedBanner() without the demo prints no curls, and says when data is in memory", async () => {
  const text = await embeddedBanner({
    address: "127.0.0.1:3000",
    unixSocket: false,
    dataDir: null,
    serverVersion: "PostgreSQL 18.6",
    created: true,
    demoJwtSecret: null,
    now: 0,
  });
  assert.match(text, /in memory \(gone when pgrst stops\)/);
  assert.doesNotMatch(text, /curl/);
});

Deno.test("embeddedBanner() on a unix socket prints curl --unix-socket", async () => {
  const text = await embeddedBanner({
    address: "/tmp/pgrst.sock",
    unixSocket: true,
    dataDir: "d",
    serverVersion: "PostgreSQL 18.6",
    created: false,
    demoJwtSecret: "y".repeat(48),
    now: 0,
  });
  assert.match(text, /curl --unix-socket \/tmp\/pgrst.sock 'http:\/\/localhost\/books/);
});
