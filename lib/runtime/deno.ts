/**
 * The Deno runtime: `Deno.serve` for HTTP, Deno's signals, files and environment. The only file
 * in `lib/` that touches `Deno.*`.
 */
import type { Runtime, ServeOptions, Server } from "./runtime.ts";

async function serve(options: ServeOptions, handler: (req: Request) => Promise<Response>): Promise<Server> {
  let address = "";
  const ready = Promise.withResolvers<void>();
  const onListen = (addr: Deno.Addr) => {
    address = addr.transport === "unix"
      ? (addr as Deno.UnixAddr).path
      : `${(addr as Deno.NetAddr).hostname}:${(addr as Deno.NetAddr).port}`;
    ready.resolve();
  };
  let server: Deno.HttpServer;
  if (options.unixSocket) {
    try {
      Deno.removeSync(options.unixSocket);
    } catch { /* no old socket */ }
    server = Deno.serve({ path: options.unixSocket, onListen }, handler);
    await ready.promise;
    if (options.unixSocketMode !== undefined) Deno.chmodSync(options.unixSocket, options.unixSocketMode);
  } else {
    server = Deno.serve({ hostname: options.hostname, port: options.port, onListen }, handler);
    await ready.promise;
  }
  return { address, close: () => server.shutdown() };
}

export const denoRuntime: Runtime = {
  name: "deno",
  args: Deno.args,
  env: () => Deno.env.toObject(),
  readTextFile: (path) => Deno.readTextFile(path),
  makeDir: (path) => Deno.mkdir(path, { recursive: true }),
  serve,
  onSignal: (signal, listener) => Deno.addSignalListener(signal, listener),
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
  exit: (code) => Deno.exit(code),
};
