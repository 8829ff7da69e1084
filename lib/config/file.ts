/**
 * The `postgrest.conf` format (PostgREST's `configurator-pg`), parsed without touching the disk.
 *
 * Input: the file's text (already decoded as UTF-8). Output: a flat map `key → value`, where
 * groups (`app.settings { jwt_exp = 3600 }`) are flattened to dotted keys and `$(NAME)` inside
 * strings is replaced by an earlier key of the file (searched from the innermost group outwards)
 * or else by the environment variable `NAME`; `$$` is a literal `$`.
 *
 * ```
 * # comment
 * db-uri = "$(DATABASE_URL)"      # strings: double quotes, escapes \n \t \r \" \\ \uXXXX
 * db-pool = 10                    # numbers: unsigned decimals, 1.5, 1e3
 * db-prepared-statements = false  # booleans: true/false, on/off
 * app.settings { jwt_exp = 3600 } # groups
 * #; db-max-rows = 10             # "#;" comments out the next directive
 * import "other.conf"             # imports (resolved relative to this file, see loadConfigFile)
 * ```
 *
 * Errors read like configurator-pg's (megaparsec's) messages, e.g.
 * `postgrest.conf:1:36:\n  |\n1 | a = 'x'\n  |     ^^^^^\nunexpected "'x'"\n…`.
 */
import { formatParseError } from "./file_errors.ts";
import { ConfigFileError, type Directive, type FileValue, parseDirectives } from "./file_syntax.ts";
import { showDouble } from "./haskell.ts";

export { ConfigFileError, type Directive, type FileValue, parseDirectives } from "./file_syntax.ts";

/** `$(NAME)` and `$$` in a string value, as literal and variable parts. */
function parseInterpolation(s: string, key: string): ({ lit: string } | { name: string })[] {
  const out: ({ lit: string } | { name: string })[] = [];
  let i = 0;
  const failAt = (offset: number, expecting: string[] = []) => {
    const unexpected = offset >= s.length ? null : [...s.slice(offset)][0];
    throw new ConfigFileError(formatParseError(`<${key}>`, s, { offset, unexpected, expecting }));
  };
  while (i < s.length) {
    const j = s.indexOf("$", i);
    if (j < 0) {
      out.push({ lit: s.slice(i) });
      break;
    }
    if (j > i) out.push({ lit: s.slice(i, j) });
    const c = s[j + 1];
    if (c === "$") {
      out.push({ lit: "$" });
      i = j + 2;
    } else if (c === "(") {
      const end = s.indexOf(")", j + 2);
      if (end === j + 2) failAt(end);
      if (end < 0) failAt(s.length, ["')'"]);
      out.push({ name: s.slice(j + 2, end) });
      i = end + 1;
    } else failAt(j + 1);
  }
  return out;
}

/** Hooks of the evaluator: the environment, and already-parsed imported files. */
export interface EvaluateOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The path of the file the directives came from (imports are relative to it). */
  readonly path: string;
  /** Directives of an imported file, by resolved path (see `loadConfigFile`). */
  readonly imports?: ReadonlyMap<string, readonly Directive[]>;
}

/** `import "b.conf"` inside `/etc/a.conf` is `/etc/b.conf`; absolute paths stay. */
export function resolveImport(parent: string, child: string): string {
  if (child.startsWith("/")) return child;
  const slash = parent.lastIndexOf("/");
  return parent.slice(0, slash + 1) + child;
}

/** Applies directives in order: flattens groups, interpolates strings, follows imports. */
export function evaluateDirectives(
  directives: readonly Directive[],
  options: EvaluateOptions,
): Map<string, FileValue> {
  const config = new Map<string, FileValue>();
  const lookup = (prefix: string, key: string, name: string): string => {
    const parts = prefix.split(".").filter((p) => p !== "");
    for (let n = parts.length; n >= 0; n--) {
      const v = config.get([...parts.slice(0, n), name].join("."));
      if (v === undefined) continue;
      if (typeof v === "string") return v;
      if (typeof v === "number") {
        return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : showDouble(v);
      }
      throw new ConfigFileError(`<${key}>:\nvariable '${name}' is not a string or number\n`);
    }
    const fromEnv = options.env[name];
    if (fromEnv === undefined) {
      throw new ConfigFileError(`<${key}>:\nno such variable: '${name}'\n`);
    }
    return fromEnv;
  };
  const apply = (prefix: string, path: string, ds: readonly Directive[], depth: number) => {
    for (const d of ds) {
      if (d.kind === "bind") {
        const key = prefix + d.key;
        let value = d.value;
        if (typeof value === "string" && value.includes("$")) {
          value = parseInterpolation(value, key).map((p) => "lit" in p ? p.lit : lookup(prefix, key, p.name))
            .join(
              "",
            );
        }
        config.set(key, value);
      } else if (d.kind === "group") {
        apply(`${prefix}${d.key}.`, path, d.directives, depth);
      } else {
        const target = resolveImport(path, d.path);
        const imported = options.imports?.get(target);
        if (imported === undefined) throw new ConfigFileError(`${target}: import could not be read`);
        if (depth > 32) throw new ConfigFileError(`${target}: imports nested too deeply`);
        apply(prefix, target, imported, depth + 1);
      }
    }
  };
  apply("", options.path, directives, 0);
  return config;
}

/**
 * Parses and evaluates a config file's text. Pure: `import` directives need their files in
 * `options.imports` (use `loadConfigFile` to read them).
 *
 * @example
 * parseConfigFile('db-uri = "$(DB)"\ndb-pool = 5', { env: { DB: "postgres://" }, path: "a.conf" })
 * // Map { "db-uri" => "postgres://", "db-pool" => 5 }
 */
export function parseConfigFile(text: string, options: EvaluateOptions): Map<string, FileValue> {
  return evaluateDirectives(parseDirectives(text, options.path), options);
}

/** Reads a config file and the files it imports, then parses and evaluates it. */
export async function loadConfigFile(
  path: string,
  options: {
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly readTextFile: (path: string) => Promise<string>;
  },
): Promise<Map<string, FileValue>> {
  const imports = new Map<string, readonly Directive[]>();
  const read = async (p: string): Promise<readonly Directive[]> => {
    let text: string;
    try {
      text = await options.readTextFile(p);
    } catch (e) {
      throw new ConfigFileError(`${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const ds = parseDirectives(text, p);
    const walk = async (list: readonly Directive[]) => {
      for (const d of list) {
        if (d.kind === "group") await walk(d.directives);
        if (d.kind !== "import") continue;
        const target = resolveImport(p, d.path);
        if (!imports.has(target) && imports.size < 64) {
          imports.set(target, []);
          imports.set(target, await read(target));
        }
      }
    };
    await walk(ds);
    return ds;
  };
  const top = await read(path);
  return evaluateDirectives(top, { env: options.env, path, imports });
}
