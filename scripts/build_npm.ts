/**
 * `deno task build:npm`: the npm package, `dist/npm/pgrst-pgrst-<version>.tgz`.
 *
 * 1. `deno pack` turns the Deno project into an npm tarball: ESM `.js`, `.d.ts` for the public
 *    API (`mod.ts`, the `./cli` entry), a generated `package.json` whose dependencies come from
 *    the `npm:` imports; `publish.include`/`exclude` in deno.json keep tests, scripts and the
 *    Deno runtime out.
 * 2. `deno pack` writes no `bin` field, so this script adds one (`pgrst` → `cli_node.js`, which
 *    starts with `#!/usr/bin/env node`) and `engines` (Node 20+), then packs the directory again
 *    with `npm pack`.
 * 3. It checks the result: the bin, the type declarations, no test files, no `Deno.` in the code.
 *
 * Usage: deno task build:npm [--out dist/npm]
 */
const root = new URL("../", import.meta.url).pathname;
const outArg = Deno.args.indexOf("--out");
const outDir = outArg >= 0 ? Deno.args[outArg + 1] : `${root}dist/npm`;

async function run(cmd: string, args: string[], cwd = root): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const err = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${err}${text}`);
  return text + err;
}

function fail(message: string): never {
  console.error(`build:npm: ${message}`);
  Deno.exit(1);
}

const denoJson = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
await Deno.remove(outDir, { recursive: true }).catch(() => {});
await Deno.mkdir(outDir, { recursive: true });

// 1. deno pack (modules outside the public API get no .d.ts: deno pack says so per module).
const packed = `${outDir}/deno-pack.tgz`;
const packLog = await run(Deno.execPath(), ["pack", "--allow-dirty", "--no-source-maps", "-o", packed]);
const notes = packLog.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Could not generate types"));
console.log(notes.join("\n"));

// 2. Unpack, add bin and engines, pack again.
await run("tar", ["xzf", packed, "-C", outDir]);
await Deno.remove(packed);
const pkgDir = `${outDir}/package`;
const pkgPath = `${pkgDir}/package.json`;
const pkg = JSON.parse(await Deno.readTextFile(pkgPath));
const ordered = {
  name: pkg.name,
  version: pkg.version,
  description:
    "A REST API for any PostgreSQL database, compatible with PostgREST 16 (TypeScript, Deno and Node)",
  license: denoJson.license ?? "MIT",
  type: pkg.type,
  bin: { pgrst: "./cli_node.js" },
  engines: { node: ">=20" },
  main: pkg.main,
  types: pkg.types,
  exports: pkg.exports,
  dependencies: pkg.dependencies,
};
await Deno.writeTextFile(pkgPath, JSON.stringify(ordered, null, 2) + "\n");
await Deno.chmod(`${pkgDir}/cli_node.js`, 0o755);

// 3. Checks.
const files: string[] = [];
for await (const e of walk(pkgDir)) files.push(e.slice(pkgDir.length + 1));
const bin = await Deno.readTextFile(`${pkgDir}/cli_node.js`);
if (!bin.startsWith("#!/usr/bin/env node")) fail("cli_node.js lost its #! line");
for (const required of ["mod.js", "mod.d.ts", "cli_node.js", "lib/db/pglite.js", "lib/runtime/node.js"]) {
  if (!files.includes(required)) fail(`${required} is missing from the package`);
}
const tests = files.filter((f) => /(^|\/)tests?\/|_test\.|\.test\./.test(f));
if (tests.length > 0) fail(`test files in the package: ${tests.join(", ")}`);
// APIs newer than Node 20 (the package's floor), which Deno has: they would fail only at run time.
const NEWER_THAN_NODE_20 =
  /\bPromise\.(withResolvers|try)\b|\bArray\.fromAsync\b|\b(Object|Map)\.groupBy\b|\bRegExp\.escape\b/;
for (const f of files.filter((f) => f.endsWith(".js"))) {
  const text = await Deno.readTextFile(`${pkgDir}/${f}`);
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  if (/\bDeno\./.test(code)) fail(`${f} uses Deno.* (there is no Deno on Node)`);
  const newer = NEWER_THAN_NODE_20.exec(code);
  if (newer) fail(`${f} uses ${newer[0]}, which Node 20 does not have (see lib/deferred.ts)`);
}

const tgzName = (await run("npm", ["pack", pkgDir, "--pack-destination", outDir, "--silent"], outDir)).trim()
  .split("\n").at(-1)!;
await Deno.remove(pkgDir, { recursive: true });
const tgz = `${outDir}/${tgzName}`;
const size = (await Deno.stat(tgz)).size;
console.log(`npm package: ${tgz} (${(size / 1024).toFixed(0)} KiB, ${files.length} files)`);
console.log(`  install: npm install ${tgz}   run: npx pgrst`);

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}
