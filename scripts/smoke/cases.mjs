/**
 * The smoke suite: one list of HTTP assertions (read, write, RPC, JWT, error) against the demo
 * schema (lib/embedded/demo_schema.ts), the same on every way of running pgrst: `deno run
 * main.ts`, the npm package on Node, the library mounted in Hono on Node, the single executable,
 * on PostgreSQL and on the embedded database.
 *
 * Plain JavaScript with web APIs only (fetch, crypto.subtle) and node:assert, so Deno and Node
 * run it as is. `runCases()` runs them in order (writes clean up after themselves).
 */
import assert from "node:assert/strict";

const encoder = new TextEncoder();
const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** An HS256 token for `claims`. */
export async function sign(secret, claims) {
  const head = b64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = b64url(encoder.encode(JSON.stringify(claims)));
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${head}.${body}`)));
  return `${head}.${body}.${b64url(sig)}`;
}

const SECOND_BOOK = { id: 2, title: "The Left Hand of Darkness" };
const WINTERS_NIGHT = {
  id: 5,
  title: "If on a winter's night a traveler",
  year: 1979,
  pages: 260,
  author_id: 2,
};

/**
 * Each case: `group`, `name`, `run(t)`; `needs: "secret"` cases are skipped when only a token
 * (from the banner) is known.
 */
export const CASES = [
  {
    group: "read",
    name: "GET /books with select, order and limit: the rows and Content-Range",
    async run(t) {
      const res = await t.request("/books?select=id,title&order=id&limit=2");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
      assert.equal(res.headers.get("content-range"), "0-1/*");
      assert.deepEqual(await res.json(), [{ id: 1, title: "A Wizard of Earthsea" }, SECOND_BOOK]);
    },
  },
  {
    group: "read",
    name: "GET a view with a filter: /book_stats?id=eq.1",
    async run(t) {
      const res = await t.request("/book_stats?id=eq.1");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), [{
        id: 1,
        title: "A Wizard of Earthsea",
        reviews: 1,
        avg_stars: 5,
      }]);
    },
  },
  {
    group: "read",
    name: "Prefer: count=exact gives the total in Content-Range (206 for a partial page)",
    async run(t) {
      const res = await t.request("/books?select=id&limit=1", { headers: { prefer: "count=exact" } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get("content-range"), "0-0/8");
      await res.body?.cancel();
    },
  },
  {
    group: "read",
    name: "Accept: application/vnd.pgrst.object+json returns one object",
    async run(t) {
      const res = await t.request("/authors?select=name&id=eq.2", {
        headers: { accept: "application/vnd.pgrst.object+json" },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/vnd.pgrst.object+json; charset=utf-8");
      assert.deepEqual(await res.json(), { name: "Italo Calvino" });
    },
  },
  {
    group: "read",
    name: "embedding over a foreign key, both ways (books→authors, authors→books)",
    async run(t) {
      const one = await t.request("/books?select=title,author:authors(name)&id=eq.4");
      assert.equal(one.status, 200);
      assert.deepEqual(await one.json(), [{ title: "Invisible Cities", author: { name: "Italo Calvino" } }]);
      const many = await t.request("/authors?select=name,books(title)&id=eq.3&books.order=year");
      assert.equal(many.status, 200);
      assert.deepEqual(await many.json(), [{
        name: "Octavia E. Butler",
        books: [{ title: "Kindred" }, { title: "Parable of the Sower" }],
      }]);
    },
  },
  {
    group: "rpc",
    name: "GET /rpc/search_books?q=night calls the function",
    async run(t) {
      const res = await t.request("/rpc/search_books?q=night");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), [WINTERS_NIGHT]);
    },
  },
  {
    group: "rpc",
    name: "POST /rpc/search_books with JSON arguments and select",
    async run(t) {
      const res = await t.request("/rpc/search_books?select=title", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ q: "dark" }),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), [{ title: "The Left Hand of Darkness" }]);
    },
  },
  {
    group: "jwt",
    name: "without a token requests run as the anonymous role (rpc/me)",
    async run(t) {
      const res = await t.request("/rpc/me");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { role: "anon", sub: null });
    },
  },
  {
    group: "jwt",
    name: "a reader token switches the role and sets the claims (rpc/me)",
    async run(t) {
      const res = await t.request("/rpc/me", { headers: { authorization: `Bearer ${t.token}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { role: "reader", sub: t.sub });
    },
  },
  {
    group: "jwt",
    name: "a tampered token is 401 PGRST301",
    async run(t) {
      const [h, p, s] = t.token.split(".");
      const bad = `${h}.${p}.${s.startsWith("A") ? "B" : "A"}${s.slice(1)}`;
      const res = await t.request("/books?select=id&limit=1", {
        headers: { authorization: `Bearer ${bad}` },
      });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).code, "PGRST301");
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
    },
  },
  {
    group: "jwt",
    name: 'an expired token is 401 PGRST303 "JWT expired"',
    needs: "secret",
    async run(t) {
      const old = await sign(t.secret, {
        role: "reader",
        sub: t.sub,
        exp: Math.floor(Date.now() / 1000) - 3600,
      });
      const res = await t.request("/books?select=id&limit=1", {
        headers: { authorization: `Bearer ${old}` },
      });
      assert.equal(res.status, 401);
      // (details: how long ago it expired)
      const body = await res.json();
      assert.deepEqual([body.code, body.message, body.hint], ["PGRST303", "JWT expired", null]);
      assert.equal(
        res.headers.get("www-authenticate"),
        'Bearer error="invalid_token", error_description="JWT expired"',
      );
    },
  },
  {
    group: "write",
    name: "POST, PATCH and DELETE a review with the reader token (RLS lets it write its own)",
    async run(t) {
      const auth = { authorization: `Bearer ${t.token}`, "content-type": "application/json" };
      const created = await t.request("/reviews?select=id,book_id,reviewer,stars", {
        method: "POST",
        headers: { ...auth, prefer: "return=representation" },
        body: JSON.stringify({ book_id: 3, stars: 4, body: "smoke test" }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const [row] = await created.json();
      assert.deepEqual({ ...row, id: 0 }, { id: 0, book_id: 3, reviewer: t.sub, stars: 4 });
      try {
        const patched = await t.request(`/reviews?id=eq.${row.id}&select=stars`, {
          method: "PATCH",
          headers: { ...auth, prefer: "return=representation" },
          body: JSON.stringify({ stars: 2 }),
        });
        assert.equal(patched.status, 200);
        assert.deepEqual(await patched.json(), [{ stars: 2 }]);
      } finally {
        const deleted = await t.request(`/reviews?id=eq.${row.id}`, { method: "DELETE", headers: auth });
        assert.equal(deleted.status, 204);
        await deleted.body?.cancel();
      }
      const gone = await t.request(`/reviews?id=eq.${row.id}`);
      assert.deepEqual(await gone.json(), []);
    },
  },
  {
    group: "write",
    name: "a review under someone else's name violates the RLS policy: 403 42501",
    async run(t) {
      const res = await t.request("/reviews", {
        method: "POST",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
        body: JSON.stringify({ book_id: 1, stars: 1, reviewer: "someone-else" }),
      });
      assert.equal(res.status, 403);
      const body = await res.json();
      assert.equal(body.code, "42501");
      assert.equal(body.message, 'new row violates row-level security policy for table "reviews"');
    },
  },
  {
    group: "error",
    name: "an anonymous write is 401 42501 with WWW-Authenticate: Bearer",
    async run(t) {
      const res = await t.request("/reviews", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ book_id: 1, stars: 1 }),
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), "Bearer");
      assert.equal((await res.json()).code, "42501");
    },
  },
  {
    group: "error",
    name: "an unknown table is 404 PGRST205 with PostgREST's body",
    async run(t) {
      const res = await t.request("/nope");
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), {
        code: "PGRST205",
        details: null,
        hint: null,
        message: "Could not find the table 'api.nope' in the schema cache",
      });
    },
  },
  {
    group: "error",
    name: "an unknown column is 400 42703",
    async run(t) {
      const res = await t.request("/books?select=nope");
      assert.equal(res.status, 400);
      assert.equal((await res.json()).code, "42703");
    },
  },
  {
    group: "error",
    name: "a value of the wrong type is 400 22P02",
    async run(t) {
      const res = await t.request("/books?id=eq.abc");
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.code, "22P02");
      assert.equal(body.message, 'invalid input syntax for type integer: "abc"');
    },
  },
];

/**
 * Runs every case against `base` (e.g. `http://localhost:3000` or `http://localhost:8080/api`).
 * `secret` signs the tokens; without it `token` (the banner's) is used and cases that need the
 * secret are skipped. Prints one line per case with `print`; resolves to the counts.
 */
export async function runCases({ base, secret = null, token = null, print = console.log, filter = null }) {
  let t;
  if (secret) {
    const sub = "smoke";
    t = {
      secret,
      sub,
      token: await sign(secret, { role: "reader", sub, exp: Math.floor(Date.now() / 1000) + 600 }),
    };
  } else if (token) {
    const claims = JSON.parse(atob(token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
    t = { secret: null, sub: claims.sub, token };
  } else {
    throw new Error("runCases needs a secret or a token");
  }
  t.request = (path, init = {}) => fetch(`${base}${path}`, { ...init, redirect: "manual" });
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const c of CASES) {
    if (filter && !filter(c)) continue;
    const label = `[${c.group}] ${c.name}`;
    if (c.needs === "secret" && !t.secret) {
      counts.skipped++;
      print(`  skip  ${label} (needs the JWT secret)`);
      continue;
    }
    try {
      await c.run(t);
      counts.passed++;
      print(`  ok    ${label}`);
    } catch (e) {
      counts.failed++;
      counts.failures.push({ group: c.group, name: c.name, error: e?.message ?? String(e) });
      const first = String(e?.message ?? e).split("\n").slice(0, 6).join("\n          ");
      print(`  FAIL  ${label}\n          ${first}`);
    }
  }
  return counts;
}
