/**
 * `deno run scripts/fuzz_grammar.ts [--seed N] [--count N] [--time-limit MS]`: a long run of the
 * request-grammar fuzzer (see `tests/helpers/grammar_fuzz.ts`). Prints a summary and exits with 1
 * if any input threw something other than a PGRST100/103/114 PgrstError, was not deterministic, or
 * took longer than the time limit.
 */
import { fuzzGrammar } from "../tests/helpers/grammar_fuzz.ts";

/** The value after `--name` (or in `--name=value`). */
function flag(name: string): string | undefined {
  const i = Deno.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const arg = Deno.args[i];
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : Deno.args[i + 1];
}

const seed = Number(flag("seed") ?? Date.now() % 2 ** 31);
const count = Number(flag("count") ?? 200_000);
const timeLimitMs = Number(flag("time-limit") ?? 250);
if (![seed, count, timeLimitMs].every(Number.isFinite)) {
  console.error("usage: deno run scripts/fuzz_grammar.ts [--seed N] [--count N] [--time-limit MS]");
  Deno.exit(2);
}

const started = performance.now();
const summary = fuzzGrammar({ seed, count, timeLimitMs });
const seconds = (performance.now() - started) / 1000;

console.log(`seed ${seed}: ${summary.inputs} inputs in ${seconds.toFixed(1)} s`);
console.log(`  parsed: ${summary.parsed}`);
for (const [code, n] of Object.entries(summary.errors)) console.log(`  ${code}: ${n}`);
console.log(`  slowest: ${summary.slowestMs.toFixed(2)} ms for ${JSON.stringify(summary.slowestInput)}`);
if (summary.failures.length > 0) {
  console.log(`  FAILURES: ${summary.failures.length}`);
  for (const f of summary.failures.slice(0, 20)) console.log(`    ${JSON.stringify(f.input)}: ${f.problem}`);
  Deno.exit(1);
}
console.log("  no failures");
