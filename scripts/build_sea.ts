/**
 * `deno task build:sea`: one native executable, `dist/sea/pgrst`, built offline from the npm build
 * with Node's single-executable applications (SEA), no Deno runtime download needed.
 *
 * 1. `deno task build:npm`, then `npm install` the tarball (and esbuild + postject, both from npm)
 *    into `dist/sea/work`: the executable contains exactly the npm package's code.
 * 2. esbuild bundles `@pgrst/pgrst/cli` with its dependencies into one CommonJS file (Node 20's
 *    SEA runs CommonJS only).
 * 3. PGlite's WebAssembly and data files become SEA assets (`pglite.wasm`, `initdb.wasm`,
 *    `pglite.data`); `lib/db/pglite.ts` reads them from `node:sea` when it runs inside one.
 * 4. `node --experimental-sea-config` writes the blob, a copy of `node` gets it with postject.
 *
 * The executable is the local `node` (≥ 20.12, for SEA assets) plus about 17 MB; it runs on
 * machines like this one (same OS and architecture, glibc). Usage:
 *   deno task build:sea [--node /path/to/node] [--skip-npm]
 */
const root = new URL("../", import.meta.url).pathname;
const seaDir = `${root}dist/sea`;
const work = `${seaDir}/work`;
const arg = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const ESBUILD = "esbuild@0.28.2";
const POSTJECT = "postject@1.0.0-alpha.6";
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

async function run(cmd: string, args: string[], cwd = root): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

function fail(message: string): never {
  console.error(`build:sea: ${message}`);
  Deno.exit(1);
}

// The node binary that becomes the executable: SEA assets need Node 20.12+.
const nodeBin = arg("--node") ?? (await run("sh", ["-c", "command -v node"])).trim();
if (!nodeBin) fail("no node on PATH (pass --node /path/to/node)");
const nodeVersion = (await run(nodeBin, ["--version"])).trim();
const [major, minor] = nodeVersion.slice(1).split(".").map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  fail(`${nodeBin} is ${nodeVersion}; SEA assets need Node 20.12+`);
}
const nodeReal = await Deno.realPath(nodeBin);
const nodeBytes = await Deno.readFile(nodeReal);
if (!new TextDecoder("latin1").decode(nodeBytes).includes(FUSE)) {
  fail(`${nodeReal} has no SEA fuse (${FUSE}): it cannot become a single executable`);
}

// 1. The npm build, installed with its dependencies and the build tools.
if (!Deno.args.includes("--skip-npm")) {
  await run(Deno.execPath(), ["run", "-A", `${root}scripts/build_npm.ts`]);
}
const tgz = [...Deno.readDirSync(`${root}dist/npm`)].find((e) => e.name.endsWith(".tgz"));
if (!tgz) fail("no npm tarball in dist/npm (run deno task build:npm)");
await Deno.remove(seaDir, { recursive: true }).catch(() => {});
await Deno.mkdir(work, { recursive: true });
await Deno.writeTextFile(`${work}/package.json`, '{ "name": "pgrst-sea-build", "private": true }\n');
console.log(`npm install ${tgz.name} ${ESBUILD} ${POSTJECT}`);
await run("npm", [
  "install",
  "--no-audit",
  "--no-fund",
  "--silent",
  `${root}dist/npm/${tgz.name}`,
  ESBUILD,
  POSTJECT,
], work);

// 2. One CommonJS file. `import.meta.url` has no meaning in CommonJS: it becomes the executable's
// file URL (PGlite's asset URLs are never used inside the executable: the assets come from
// node:sea). pg-native is pg's optional native binding, never loaded.
const bundle = `${seaDir}/pgrst.cjs`;
await run(`${work}/node_modules/.bin/esbuild`, [
  `${work}/node_modules/@pgrst/pgrst/cli_node.js`,
  "--bundle",
  "--platform=node",
  `--target=node${major}`,
  "--format=cjs",
  "--external:pg-native",
  "--define:import.meta.url=__pgrst_import_meta_url",
  "--banner:js=var __pgrst_import_meta_url = require('node:url').pathToFileURL(process.execPath).href;",
  "--log-level=warning",
  `--outfile=${bundle}`,
], work);

// 3. + 4. The blob with the assets, injected into a copy of node.
const pgliteDist = `${work}/node_modules/@electric-sql/pglite/dist`;
const seaConfig = {
  main: bundle,
  output: `${seaDir}/sea-prep.blob`,
  disableExperimentalSEAWarning: true,
  assets: {
    "pglite.wasm": `${pgliteDist}/pglite.wasm`,
    "initdb.wasm": `${pgliteDist}/initdb.wasm`,
    "pglite.data": `${pgliteDist}/pglite.data`,
  },
};
await Deno.writeTextFile(`${seaDir}/sea-config.json`, JSON.stringify(seaConfig, null, 2));
await run(nodeReal, ["--experimental-sea-config", `${seaDir}/sea-config.json`], seaDir);
const exe = `${seaDir}/pgrst`;
await Deno.copyFile(nodeReal, exe);
await Deno.chmod(exe, 0o755);
await run("node", [
  `${work}/node_modules/postject/dist/cli.js`,
  exe,
  "NODE_SEA_BLOB",
  `${seaDir}/sea-prep.blob`,
  "--sentinel-fuse",
  FUSE,
], work);

// Smoke: the executable runs and knows its version.
const version = (await run(exe, ["--version"])).trim();
if (!version.startsWith("pgrst ")) fail(`the executable answered ${JSON.stringify(version)} to --version`);
await Deno.remove(work, { recursive: true });
await Deno.remove(`${seaDir}/sea-prep.blob`);
const size = (await Deno.stat(exe)).size;
console.log(`single executable: ${exe} (${(size / 1048576).toFixed(0)} MiB, ${nodeVersion}): ${version}`);
