/**
 * The pgrst command line on Deno: `deno run -A main.ts [postgrest.conf]`.
 */
import { runCli } from "./lib/cli.ts";
import { denoRuntime } from "./lib/runtime/deno.ts";

if (import.meta.main) await runCli(denoRuntime);
