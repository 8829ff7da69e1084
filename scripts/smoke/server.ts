/**
 * A pgrst server process for the smoke suite: spawn it, wait until it listens (and, on the
 * embedded database, until the banner is printed), measure start-up time and memory, stop it.
 */

export interface ServerRun {
  readonly pid: number;
  /** Milliseconds from spawn until the "listening" log line (and the banner, when expected). */
  readonly startMs: number;
  /** Resident memory when ready, MiB. */
  readonly rssMib: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Peak resident memory so far, MiB (VmHWM). */
  peakRssMib(): Promise<number>;
  /** SIGTERM, then the exit code (SIGKILL after 15 s). */
  stop(): Promise<number>;
}

export interface SpawnOptions {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Wait for the embedded database's banner too. */
  readonly banner: boolean;
  readonly timeoutMs?: number;
}

/** VmRSS / VmHWM of a process, MiB (Linux /proc). */
export async function procMemory(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

function collect(stream: ReadableStream<Uint8Array>, onText: (s: string) => void): Promise<void> {
  return stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => onText(chunk) }),
  );
}

export async function startServer(o: SpawnOptions): Promise<ServerRun> {
  const started = performance.now();
  const child = new Deno.Command(o.cmd, {
    args: [...o.args],
    env: { NO_COLOR: "1", ...o.env },
    clearEnv: true,
    cwd: o.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  let err = "";
  const ready = Promise.withResolvers<void>();
  const check = () => {
    if (!/API server listening on/.test(err)) return;
    // The banner: its heading, and for the demo all three curl commands (the last ends with -d).
    if (
      o.banner && (!/from an embedded PostgreSQL/.test(out) || (/Try:/.test(out) && !/^\s+-d '/m.test(out)))
    ) {
      return;
    }
    ready.resolve();
  };
  const piping = Promise.all([
    collect(child.stdout, (s) => {
      out += s;
      check();
    }),
    collect(child.stderr, (s) => {
      err += s;
      check();
    }),
  ]).catch(() => {});
  const exited = child.status;
  const timeout = setTimeout(() => ready.reject(new Error("timed out")), o.timeoutMs ?? 120_000);
  const early = exited.then((s) => ready.reject(new Error(`exited with ${s.code} before listening`)));
  try {
    await ready.promise;
  } catch (e) {
    clearTimeout(timeout);
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await piping;
    throw new Error(`${o.cmd} ${o.args.join(" ")}: ${(e as Error).message}\n${err}\n${out}`);
  } finally {
    clearTimeout(timeout);
  }
  early.catch(() => {});
  const startMs = Math.round(performance.now() - started);
  const rssMib = await procMemory(child.pid, "VmRSS");
  return {
    pid: child.pid,
    startMs,
    rssMib,
    stdout: () => out,
    stderr: () => err,
    peakRssMib: () => procMemory(child.pid, "VmHWM"),
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const kill = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      const status = await exited;
      clearTimeout(kill);
      await piping;
      return status.code;
    },
  };
}

/** The banner's curl commands, each as one shell command line (continuations joined). */
export function bannerCurls(banner: string): string[] {
  const joined = banner.replace(/\\\n\s*/g, "");
  return joined.split("\n").map((l) => l.trim()).filter((l) => /^curl '/.test(l));
}

/** The banner's token. */
export function bannerToken(banner: string): string | null {
  return /Bearer ([\w.-]+)/.exec(banner)?.[1] ?? null;
}
