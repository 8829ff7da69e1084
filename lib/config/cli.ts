/**
 * The command line (CLI-01..05, CLI-07), parsed like PostgREST's (optparse-applicative):
 * `pgrst [-v|--version] [-e|--example] [--dump-config | --dump-schema | --ready] [FILENAME]`.
 *
 * Input: the arguments after the program name. Output: what to do (`CliAction`). Pure: printing
 * and exiting belong to the caller (`cliOutput` says what to print where, and the exit code).
 * Arguments are read left to right: `-h`, `-v` and `-e` act as soon as they are seen, an unknown
 * option (or a second command flag, or a second file name) is a usage error, shown with the help.
 */
import { EXAMPLE_CONFIG } from "./example.ts";
import { VERSION_TEXT } from "../version.ts";

export type CliCommand = "run" | "dump-config" | "dump-schema" | "ready";

export type CliAction =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "example" }
  | { readonly kind: "usage-error"; readonly message: string }
  | { readonly kind: "command"; readonly command: CliCommand; readonly configPath: string | null };

const COMMAND_FLAGS: Record<string, CliCommand> = {
  "--dump-config": "dump-config",
  "--dump-schema": "dump-schema",
  "--ready": "ready",
};

const INFO_FLAGS: Record<string, "help" | "version" | "example"> = {
  "-h": "help",
  "--help": "help",
  "-v": "version",
  "--version": "version",
  "-e": "example",
  "--example": "example",
};

/**
 * Parses the arguments (without the program name).
 *
 * @example parseCli(["--dump-config", "postgrest.conf"])
 * // { kind: "command", command: "dump-config", configPath: "postgrest.conf" }
 */
export function parseCli(argv: readonly string[]): CliAction {
  let command: CliCommand | null = null;
  let configPath: string | null = null;
  let optionsDone = false;
  for (const arg of argv) {
    if (!optionsDone && arg === "--") {
      optionsDone = true;
      continue;
    }
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      if (configPath !== null) return { kind: "usage-error", message: `Invalid argument \`${arg}'` };
      configPath = arg;
      continue;
    }
    // Bundled short flags: `-ve` is `-v -e`.
    const flags = /^-[a-zA-Z]{2,}$/.test(arg) ? [...arg.slice(1)].map((c) => `-${c}`) : [arg];
    for (const flag of flags) {
      const info = INFO_FLAGS[flag];
      if (info) return { kind: info };
      const cmd = COMMAND_FLAGS[flag];
      if (cmd === undefined || command !== null) {
        return { kind: "usage-error", message: `Invalid option \`${flags.length > 1 ? flag : arg}'` };
      }
      command = cmd;
    }
  }
  return { kind: "command", command: command ?? "run", configPath };
}

/** Wraps words to `width` columns, every line indented by `indent` (optparse's paragraph fill). */
function fill(text: string | readonly string[], indent: number, width = 80): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of typeof text === "string" ? text.split(" ") : text) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

const OPTIONS_HELP: [string, string][] = [
  ["-h,--help", "Show this help text"],
  ["-v,--version", "Show the version information"],
  ["-e,--example", "Show an example configuration file"],
  ["--dump-config", "Dump loaded configuration and exit"],
  ["--dump-schema", "Dump loaded schema as JSON and exit (for debugging, output structure is unstable)"],
  ["--ready", "Checks the health of pgrst by doing a request on the admin server /ready endpoint"],
  ["FILENAME", "Path to configuration file"],
];

/** The `--help` text (also shown after a usage error). */
export function helpText(programName = "pgrst"): string {
  const usage = `Usage: ${programName} `;
  const items = [
    "[-v|--version]",
    "[-e|--example]",
    "[--dump-config | --dump-schema | --ready]",
    "[FILENAME]",
  ];
  const usageLines = fill(items, usage.length).map((l, i) =>
    (i === 0 ? usage : " ".repeat(usage.length)) + l
  );
  const desc = fill(`${VERSION_TEXT} / create a REST API to an existing Postgres database`, 2);
  const opts = OPTIONS_HELP.flatMap(([flag, help]) =>
    fill(help, 27).map((l, i) => (i === 0 ? `  ${flag.padEnd(24)} ` : " ".repeat(27)) + l)
  );
  return [
    ...usageLines.map((l) => l.trimEnd()),
    "",
    ...desc.map((l) => `  ${l}`),
    "",
    "Available options:",
    ...opts,
    "",
  ].join("\n");
}

/** What to print and the exit code for the actions that do not run the server. */
export function cliOutput(
  action: Exclude<CliAction, { kind: "command" }>,
  programName = "pgrst",
): { readonly stdout: string; readonly stderr: string; readonly exitCode: number } {
  switch (action.kind) {
    case "help":
      return { stdout: helpText(programName), stderr: "", exitCode: 0 };
    case "version":
      return { stdout: `${VERSION_TEXT}\n`, stderr: "", exitCode: 0 };
    case "example":
      return { stdout: EXAMPLE_CONFIG, stderr: "", exitCode: 0 };
    case "usage-error":
      return { stdout: "", stderr: `${action.message}\n\n${helpText(programName)}`, exitCode: 1 };
  }
}
