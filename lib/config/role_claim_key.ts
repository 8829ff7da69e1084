/**
 * `jwt-role-claim-key` at configuration time: is it valid, and how does `--dump-config` write it.
 *
 * The real JSONPath (RFC 9535) parser lives in `lib/auth`; `buildConfig` takes it as a hook
 * (`RoleClaimKeyValidator`) so this module does not depend on it. Without the hook, keys starting
 * with `$` get a loose check (balanced brackets, parentheses and quotes) and keys in the deprecated
 * JSPath syntax (`.roles[0]`, `."a-b"`, `.roles[?(@ == "x")]`) are parsed exactly as PostgREST's
 * `DeprecatedJSPath` does, with its Parsec-style error text.
 */
import { showString } from "./haskell.ts";

/** Returns an error message for an invalid key, or `null` when the key is valid. */
export type RoleClaimKeyValidator = (key: string) => string | null;

type Step =
  | { readonly kind: "key"; readonly name: string }
  | { readonly kind: "index"; readonly index: string }
  | { readonly kind: "filter"; readonly op: string; readonly value: string };

class DeprecatedParseError {
  constructor(readonly col: number, readonly unexpected: string | null, readonly expecting: string[]) {}
}

const KEY_CHAR = /^[\p{L}\p{N}_$@]$/u;
const FILTER_OPS = ["==^", "==", "!=", "^==", "*=="];

/** The deprecated JSPath grammar: one or more `.key`, `."quoted"`, `[n]`, then an optional filter. */
function parseDeprecated(key: string): Step[] {
  const cs = [...key];
  let i = 0;
  const fail = (expecting: string[]): never => {
    throw new DeprecatedParseError(i + 1, i < cs.length ? cs[i] : null, expecting);
  };
  const expect = (c: string) => cs[i] === c ? i++ : fail([`"${c}"`]);
  const quoted = (): string => {
    expect('"');
    let s = "";
    while (i < cs.length && cs[i] !== '"') s += cs[i++];
    expect('"');
    return s;
  };
  const steps: Step[] = [];
  while (i < cs.length || steps.length === 0) {
    if (cs[i] === ".") {
      i++;
      let name = "";
      while (i < cs.length && KEY_CHAR.test(cs[i])) name += cs[i++];
      steps.push({ kind: "key", name: name !== "" ? name : quoted() });
    } else if (cs.slice(i, i + 3).join("") === "[?(") {
      i += 3;
      expect("@");
      while (cs[i] === " " || cs[i] === "\t" || cs[i] === "\n") i++;
      const op = FILTER_OPS.find((o) => cs.slice(i, i + o.length).join("") === o) ?? fail(['"=="']);
      i += op.length;
      while (cs[i] === " " || cs[i] === "\t" || cs[i] === "\n") i++;
      const value = quoted();
      expect(")");
      expect("]");
      if (i < cs.length) fail(["end of input"]);
      steps.push({ kind: "filter", op, value });
    } else if (cs[i] === "[") {
      i++;
      let digits = "";
      while (i < cs.length && /[0-9]/.test(cs[i])) digits += cs[i++];
      if (digits === "") fail(["digit"]);
      expect("]");
      steps.push({ kind: "index", index: String(Number(digits)) });
    } else {
      fail(steps.length === 0 ? ['"."', '"["'] : ['"."', '"["', "end of input"]);
    }
  }
  return steps;
}

function parsecMessage(key: string, e: DeprecatedParseError): string {
  const unexpected = e.unexpected === null ? "end of input" : showString(e.unexpected);
  const expecting = e.expecting.length === 1
    ? e.expecting[0]
    : `${e.expecting.slice(0, -1).join(", ")} or ${e.expecting[e.expecting.length - 1]}`;
  return `"failed to parse role-claim-key value (${key})" (line 1, column ${e.col}):\n` +
    `unexpected ${unexpected}\nexpecting ${expecting}`;
}

/** Loose RFC 9535 check: starts with `$`, brackets/parentheses balanced, quotes closed. */
function looseJsonPathError(key: string): string | null {
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 1; i < key.length; i++) {
    const c = key[i];
    if (quote !== null) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") stack.push(c === "[" ? "]" : ")");
    else if (c === "]" || c === ")") {
      if (stack.pop() !== c) return `unexpected '${c}' at position ${i + 1}`;
    }
  }
  if (quote !== null || stack.length > 0) return "unexpected end of input";
  if (/^\$\s*$/.test(key) || /^\$\s*[.[]/.test(key)) return null;
  return `unexpected '${key[1]}' at position 2`;
}

/**
 * The default validator: PostgREST first tries RFC 9535 JSONPath, then the deprecated JSPath;
 * the error reported is the deprecated parser's.
 */
export const defaultRoleClaimKeyValidator: RoleClaimKeyValidator = (key) => {
  if (key.startsWith("$") && looseJsonPathError(key) === null) return null;
  try {
    parseDeprecated(key);
    return null;
  } catch (e) {
    if (e instanceof DeprecatedParseError) return parsecMessage(key, e);
    throw e;
  }
};

/** Is this key in the deprecated JSPath syntax (as opposed to RFC 9535 JSONPath)? */
export function isDeprecatedRoleClaimKey(key: string): boolean {
  return !key.startsWith("$");
}

/**
 * How `--dump-config` writes a deprecated key: normalized, each name quoted the way Haskell shows
 * text (`.role` → `."role"`, `.a[0]` → `."a"[0]`).
 */
export function dumpDeprecatedRoleClaimKey(key: string): string {
  let steps: Step[];
  try {
    steps = parseDeprecated(key);
  } catch {
    return key;
  }
  return steps.map((s) =>
    s.kind === "key"
      ? `.${showString(s.name)}`
      : s.kind === "index"
      ? `[${s.index}]`
      : `[?(@ ${s.op} ${showString(s.value)})]`
  ).join("");
}

/**
 * The warning PostgREST logs (at start-up and on each reload) for a key in the deprecated syntax:
 * two lines, the key shown normalized. `null` for an RFC 9535 key.
 */
export function deprecatedRoleClaimKeyWarning(key: string): readonly string[] | null {
  if (!isDeprecatedRoleClaimKey(key)) return null;
  const shown = `jwt-role-claim-key=${dumpDeprecatedRoleClaimKey(key)}`;
  return [
    `WARNING: The config \`${shown}\` is using the deprecated JSPath syntax.`,
    `Update \`${shown}\` to the new JSONPath syntax as support for JSPath will be removed in a future release. ` +
    "See the migration guide on how to update: https://github.com/PostgREST/postgrest/blob/main/CHANGELOG.md#migration-to-v16",
  ];
}
