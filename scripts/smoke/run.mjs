/**
 * Runs the smoke cases against a running pgrst, under Node or Deno:
 *
 *   node scripts/smoke/run.mjs http://localhost:3000 --secret <jwt secret>
 *   deno run -A scripts/smoke/run.mjs http://localhost:3000 --token <the banner's token>
 *
 * Ends with `smoke: N passed, N failed, N skipped`; exits 1 when a case failed.
 */
import process from "node:process";
import { runCases } from "./cases.mjs";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const base = args.find((a) => /^https?:\/\//.test(a));
if (!base) {
  console.error("usage: run.mjs <base url> (--secret S | --token T)");
  process.exit(2);
}
const counts = await runCases({
  base: base.replace(/\/$/, ""),
  secret: opt("--secret"),
  token: opt("--token"),
});
console.log(`smoke: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed > 0 ? 1 : 0);
