/**
 * The `pgrst` command on the embedded database, run in-process with a fake runtime: the demo
 * seeded on first start and kept on the next, the banner's first `curl` answered, `--init` files,
 * and the messages for what cannot work.
 */
import assert from "node:assert/strict";
import { runCli } from "../../lib/cli.ts";
import type { Runtime } from "../../lib/runtime/runtime.ts";

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface Run {
  readonly out: string[];
  readonly err: string[];
  /** The served handler (after a successful start). */
  handler?: (req: Request) => Promise<Response>;
  /** Exit code, when runCli exited during start-up. */
  code?: number;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number>;
}

async function pgrst(args: string[], env: Record<string, string>): Promise<Run> {
  const signals = new Map<string, () => unknown>();
  const run: Run = {
    out: [],
    err: [],
    async stop() {
      try {
        await signals.get("SIGTERM")!();
      } catch (e) {
        if (e instanceof Exit) return e.code;
        throw e;
      }
      throw new Error("did not exit");
    },
  };
  const rt: Runtime = {
    name: "deno",
    args,
    env: () => ({ PGRST_SERVER_PORT: "3999", ...env }),
    readTextFile: (p) => Deno.readTextFile(p),
    makeDir: (p) => Deno.mkdir(p, { recursive: true }),
    serve: (_options, handler) => {
      run.handler = handler;
      return Promise.resolve({ address: "0.0.0.0:3999", close: () => Promise.resolve() });
    },
    onSignal: (signal, listener) => void signals.set(signal, listener),
    stdout: (l) => void run.out.push(l),
    stderr: (l) => void run.err.push(l),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  try {
    await runCli(rt);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    run.code = e.code;
  }
  return run;
}

const tmp = await Deno.makeTempDir({ prefix: "pgrst-embedded-" });
Deno.test.afterAll(() => Deno.remove(tmp, { recursive: true }));
const dataUri = `pglite://${tmp}/data`;

/** The banner's curl URLs and token. */
function bannerCurls(out: string[]): { urls: string[]; token: string | null } {
  const text = out.join("\n");
  return {
    urls: [...text.matchAll(/curl '(http:\/\/[^']+)'/g)].map((m) => m[1]),
    token: /Bearer ([\w.-]+)/.exec(text)?.[1] ?? null,
  };
}

// The banner's curl commands themselves (embedding, RPC, a JWT write) are run by the smoke suite
// (scripts/smoke/), on every way of running pgrst.
Deno.test("a new embedded database gets the demo and the banner shows its curls", async () => {
  const run = await pgrst([], { PGRST_DB_URI: dataUri });
  try {
    assert.equal(run.code, undefined, run.err.join("\n"));
    assert.ok(run.err.some((l) => l.includes('Seeding the demo schema "api"')));
    const { urls, token } = bannerCurls(run.out);
    assert.equal(urls.length, 4); // three examples and the OpenAPI root
    assert.notEqual(token, null);
    assert.match(urls[0], /^http:\/\/localhost:3999\/books\?/);
    const res = await run.handler!(
      new Request("http://localhost/books?select=title,year&year=lt.1970&order=year"),
    );
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json() as { title: string; year: number }[];
    assert.ok(body.length > 0);
    assert.ok(body.every((b, i) => b.year < 1970 && (i === 0 || body[i - 1].year <= b.year)));
    // The banner's last curl: the OpenAPI document of the demo schema.
    assert.equal(urls[3], "http://localhost:3999/");
    const root = await run.handler!(new Request("http://localhost/"));
    assert.equal(root.headers.get("content-type"), "application/openapi+json; charset=utf-8");
    const doc = await root.json() as { info: { title: string }; paths: Record<string, unknown> };
    assert.equal(doc.info.title, "pgrst demo: a small library");
    assert.deepEqual(Object.keys(doc.paths), [
      "/",
      "/authors",
      "/book_stats",
      "/books",
      "/reviews",
      "/rpc/me",
      "/rpc/search_books",
    ]);
  } finally {
    if (run.code === undefined) assert.equal(await run.stop(), 0);
  }
});

Deno.test("the demo serves its tables, view and row-level-secured reviews to anonymous requests", async () => {
  const run = await pgrst([], { PGRST_DB_URI: dataUri });
  const get = async (path: string) => (await run.handler!(new Request(`http://localhost${path}`))).json();
  try {
    assert.deepEqual(await get("/authors?select=name&id=eq.2"), [{ name: "Italo Calvino" }]);
    assert.deepEqual(await get("/reviews?select=reviewer&order=id"), [
      { reviewer: "ged" },
      { reviewer: "marco" },
      { reviewer: "dana" },
    ]);
    assert.deepEqual(await get("/book_stats?id=eq.1"), [
      { id: 1, title: "A Wizard of Earthsea", reviews: 1, avg_stars: 5.00 },
    ]);
  } finally {
    await run.stop();
  }
});

Deno.test("restarting on the same directory keeps the data and the demo secret", async () => {
  const first = await pgrst([], { PGRST_DB_URI: dataUri });
  const token1 = bannerCurls(first.out).token!;
  await first.stop();
  const second = await pgrst([], { PGRST_DB_URI: dataUri });
  try {
    assert.ok(!second.err.some((l) => l.includes("Seeding")));
    assert.ok(!second.out.join("\n").includes("created now"));
    const token2 = bannerCurls(second.out).token!;
    // Same secret: the signatures differ only through the payload (exp), the header is the same.
    assert.equal(token1.split(".")[0], token2.split(".")[0]);
    const res = await second.handler!(new Request("http://localhost/books?select=id&limit=1"));
    assert.deepEqual(await res.json(), [{ id: 1 }]);
  } finally {
    await second.stop();
  }
});

Deno.test("--init files load your own schema into a fresh in-memory database", async () => {
  const file = `${tmp}/todo.sql`;
  await Deno.writeTextFile(
    file,
    `create role authenticator login noinherit; create role web_anon nologin; grant web_anon to authenticator;
     create schema todo; create table todo.items (id int primary key, task text);
     insert into todo.items values (1, 'try pgrst'); grant usage on schema todo to web_anon;
     grant select on todo.items to web_anon;`,
  );
  const run = await pgrst(["--init", file], { PGRST_DB_SCHEMAS: "todo", PGRST_DB_ANON_ROLE: "web_anon" });
  try {
    assert.equal(run.code, undefined, run.err.join("\n"));
    assert.match(run.out.join("\n"), /in memory/);
    assert.deepEqual(bannerCurls(run.out).urls, []);
    const res = await run.handler!(new Request("http://localhost/items"));
    assert.deepEqual(await res.json(), [{ id: 1, task: "try pgrst" }]);
  } finally {
    await run.stop();
  }
});

Deno.test("a failing --init file stops pgrst with the file name and PostgreSQL's error", async () => {
  const file = `${tmp}/broken.sql`;
  await Deno.writeTextFile(file, "create table t (id int);\ncreate table t (id int);");
  const run = await pgrst(["--init", file], {});
  assert.equal(run.code, 1);
  assert.match(run.err.at(-1)!, /broken\.sql: relation "t" already exists \(SQLSTATE 42P07\)/);
});

Deno.test("--init on an existing embedded database is skipped with a message", async () => {
  const file = `${tmp}/late.sql`;
  await Deno.writeTextFile(file, "create schema late;");
  const run = await pgrst(["--init", file], { PGRST_DB_URI: dataUri });
  try {
    assert.ok(run.err.some((l) => l.includes(`Not running ${file}`)), run.err.join("\n"));
  } finally {
    if (run.code === undefined) await run.stop();
  }
});

Deno.test("--init with a PostgreSQL db-uri is refused", async () => {
  const run = await pgrst(["--init", "x.sql"], { PGRST_DB_URI: "postgres://localhost/app" });
  assert.equal(run.code, 1);
  assert.match(run.err.join("\n"), /--init loads SQL files into the embedded database only/);
});

Deno.test("an unreadable --init file is named", async () => {
  const run = await pgrst(["--init", `${tmp}/missing.sql`], {});
  assert.equal(run.code, 1);
  assert.match(run.err.join("\n"), /Could not read the --init file .*missing\.sql/);
});

Deno.test("a pglite: URI naming a missing login role is refused", async () => {
  const run = await pgrst([], { PGRST_DB_URI: `${dataUri}?user=nobody` });
  assert.equal(run.code, 1);
  assert.match(run.err.join("\n"), /role "nobody" does not exist in the embedded database/);
});

Deno.test("--help ends with the embedded database's --init option", async () => {
  const run = await pgrst(["--help"], {});
  assert.equal(run.code, 0);
  assert.match(run.out.join("\n"), /^Usage: /m);
  assert.match(run.out.join("\n"), /\n {2}--init FILE {14}Run FILE's SQL into a new embedded database/);
});

Deno.test("--dump-config and --dump-schema read the embedded database", async () => {
  const config = await pgrst(["--dump-config"], { PGRST_DB_URI: dataUri });
  assert.equal(config.code, undefined, config.err.join("\n"));
  const text = config.out.join("\n");
  assert.match(text, /^db-schemas = "api"$/m);
  assert.match(text, new RegExp(`^db-uri = "pglite://${tmp}/data"$`, "m"));
  const schema = await pgrst(["--dump-schema"], { PGRST_DB_URI: dataUri });
  assert.equal(schema.code, undefined, schema.err.join("\n"));
  assert.match(schema.out.join(""), /"books"/);
});
