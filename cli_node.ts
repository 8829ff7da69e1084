#!/usr/bin/env node
/**
 * The pgrst command line on Node: the npm package's `pgrst` bin (`npx pgrst`), and the entry of
 * the single executable. Same program as `main.ts`, on the Node runtime. (No top-level await:
 * the single executable runs it as CommonJS.)
 *
 * @module
 */
import { runCli } from "./lib/cli.ts";
import { nodeRuntime } from "./lib/runtime/node.ts";

runCli(nodeRuntime).catch((e) => {
  console.error(e);
  nodeRuntime.exit(1);
});
