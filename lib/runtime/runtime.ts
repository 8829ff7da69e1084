/**
 * The runtime seam: what pgrst needs from Deno or Node (serving HTTP, signals, files, the
 * environment, exit). `lib/` uses only this interface; `deno.ts` and `node.ts` implement it.
 */

export interface ServeOptions {
  readonly hostname: string;
  readonly port: number;
  /** Listen on a unix socket instead of host/port. */
  readonly unixSocket?: string;
  readonly unixSocketMode?: number;
}

export interface Server {
  /** The address actually bound, e.g. `127.0.0.1:3000` or the socket path. */
  readonly address: string;
  /** Stops accepting connections and waits for in-flight requests. */
  close(): Promise<void>;
}

export interface Runtime {
  readonly name: "deno" | "node";
  readonly args: readonly string[];
  env(): Record<string, string>;
  readTextFile(path: string): Promise<string>;
  /** Creates a directory and its parents; no error when it exists. */
  makeDir(path: string): Promise<void>;
  serve(options: ServeOptions, handler: (req: Request) => Promise<Response>): Promise<Server>;
  onSignal(signal: "SIGINT" | "SIGTERM" | "SIGUSR1" | "SIGUSR2", listener: () => void): void;
  stdout(line: string): void;
  stderr(line: string): void;
  exit(code: number): never;
}

/** PostgREST's special `server-host` values → a bind address. */
export function bindHostname(host: string): string {
  switch (host) {
    case "*":
    case "*6":
    case "!6":
      return "::";
    case "*4":
    case "!4":
      return "0.0.0.0";
    default:
      return host;
  }
}
