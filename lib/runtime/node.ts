/**
 * The Node runtime (the npm package): HTTP through `@hono/node-server` (a fetch handler on
 * `node:http`), Node's signals, files, environment and exit. The only file that imports
 * `@hono/node-server`; nothing here is specific to Deno, so it also runs under Deno as it is.
 */
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { chmod, mkdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import process from "node:process";
import type { Runtime, ServeOptions, Server } from "./runtime.ts";
import { readFromIncoming } from "../request/body.ts";

/** How long `close()` waits for in-flight requests before dropping the connections. */
const CLOSE_GRACE_MS = 5_000;

async function serve(options: ServeOptions, handler: (req: Request) => Promise<Response>): Promise<Server> {
  const server = createAdaptorServer({
    fetch: (req: Request, env: HttpBindings | Http2Bindings) => {
      readFromIncoming(req, env.incoming);
      return handler(req);
    },
  });
  const listening = new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (options.unixSocket) {
    await rm(options.unixSocket, { force: true });
    server.listen(options.unixSocket);
    await listening;
    if (options.unixSocketMode !== undefined) await chmod(options.unixSocket, options.unixSocketMode);
  } else {
    server.listen(options.port, options.hostname);
    await listening;
  }
  const addr = server.address() as AddressInfo | string;
  const address = typeof addr === "string" ? addr : `${addr.address}:${addr.port}`;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }, CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

export const nodeRuntime: Runtime = {
  name: "node",
  args: process.argv.slice(2),
  env: () =>
    Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
  readTextFile: (path) => readFile(path, "utf8"),
  makeDir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  serve,
  onSignal: (signal, listener) => void process.on(signal, listener),
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
  exit: (code) => process.exit(code),
};
