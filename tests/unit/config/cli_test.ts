import assert from "node:assert/strict";
import { cliOutput, helpText, parseCli } from "../../../lib/config/cli.ts";
import { EXAMPLE_CONFIG } from "../../../lib/config/example.ts";

Deno.test("parseCli() runs the server without arguments and takes one config file", () => {
  assert.deepEqual(parseCli([]), { kind: "command", command: "run", configPath: null });
  assert.deepEqual(parseCli(["postgrest.conf"]), {
    kind: "command",
    command: "run",
    configPath: "postgrest.conf",
  });
});

Deno.test("parseCli() reads the command flags before or after the file", () => {
  assert.deepEqual(parseCli(["--dump-config"]), {
    kind: "command",
    command: "dump-config",
    configPath: null,
  });
  assert.deepEqual(parseCli(["a.conf", "--dump-schema"]), {
    kind: "command",
    command: "dump-schema",
    configPath: "a.conf",
  });
  assert.deepEqual(parseCli(["--ready", "a.conf"]), {
    kind: "command",
    command: "ready",
    configPath: "a.conf",
  });
});

Deno.test("parseCli() reads -h, -v and -e in short and long form", () => {
  for (
    const [args, kind] of [[["-h"], "help"], [["--help"], "help"], [["-v"], "version"], [
      ["--version"],
      "version",
    ], [
      ["-e"],
      "example",
    ], [["--example"], "example"]] as const
  ) {
    assert.deepEqual(parseCli(args), { kind }, args.join(" "));
  }
});

Deno.test("parseCli() acts on the first help, version or example flag, left to right", () => {
  assert.deepEqual(parseCli(["--dump-config", "-v", "--nope"]), { kind: "version" });
  assert.deepEqual(parseCli(["-ve"]), { kind: "version" });
  assert.deepEqual(parseCli(["--nope", "-v"]), { kind: "usage-error", message: "Invalid option `--nope'" });
});

Deno.test("parseCli() rejects unknown options, a second command and a second file", () => {
  assert.deepEqual(parseCli(["--foo"]), { kind: "usage-error", message: "Invalid option `--foo'" });
  assert.deepEqual(parseCli(["-x"]), { kind: "usage-error", message: "Invalid option `-x'" });
  assert.deepEqual(parseCli(["--dump-config", "--dump-schema"]), {
    kind: "usage-error",
    message: "Invalid option `--dump-schema'",
  });
  assert.deepEqual(parseCli(["a.conf", "b.conf"]), {
    kind: "usage-error",
    message: "Invalid argument `b.conf'",
  });
  assert.deepEqual(parseCli(["--dump-config=1"]), {
    kind: "usage-error",
    message: "Invalid option `--dump-config=1'",
  });
});

Deno.test("parseCli() takes arguments after -- as file names", () => {
  assert.deepEqual(parseCli(["--", "-weird.conf"]), {
    kind: "command",
    command: "run",
    configPath: "-weird.conf",
  });
});

Deno.test("helpText() lists PostgREST's flags in optparse's layout", () => {
  assert.equal(
    helpText(),
    `Usage: pgrst [-v|--version] [-e|--example]
             [--dump-config | --dump-schema | --ready] [FILENAME]

  pgrst 0.1.0 (PostgREST 16.1 compatible) / create a REST API to an existing
  Postgres database

Available options:
  -h,--help                Show this help text
  -v,--version             Show the version information
  -e,--example             Show an example configuration file
  --dump-config            Dump loaded configuration and exit
  --dump-schema            Dump loaded schema as JSON and exit (for debugging,
                           output structure is unstable)
  --ready                  Checks the health of pgrst by doing a request on the
                           admin server /ready endpoint
  FILENAME                 Path to configuration file
`,
  );
});

Deno.test("cliOutput() prints version, help and example to stdout and usage errors to stderr", () => {
  assert.deepEqual(cliOutput({ kind: "version" }), {
    stdout: "pgrst 0.1.0 (PostgREST 16.1 compatible)\n",
    stderr: "",
    exitCode: 0,
  });
  assert.deepEqual(cliOutput({ kind: "example" }), { stdout: EXAMPLE_CONFIG, stderr: "", exitCode: 0 });
  assert.equal(cliOutput({ kind: "help" }).exitCode, 0);
  const err = cliOutput({ kind: "usage-error", message: "Invalid option `--foo'" });
  assert.equal(err.exitCode, 1);
  assert.equal(err.stdout, "");
  assert.equal(err.stderr, `Invalid option \`--foo'\n\n${helpText()}`);
});
