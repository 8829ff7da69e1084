/**
 * The pre-v16 `jwt-role-claim-key` DSL, still accepted (deprecated) by PostgREST ≥ 16.2.
 *
 * Input: the configured text. Output: a `DeprecatedPath`, its evaluation, and the RFC 9535
 * spelling to suggest in the deprecation warning. Grammar (PostgREST's `DeprecatedJSPath.hs`):
 *
 *   .role   .a_b$@   ."any-text"   [0]   and, last only, [?(@ <op> "text")]
 *   op: ==  !=  ^== (starts with)  ==^ (ends with)  *== (contains)
 *
 * Keys walk objects, indexes walk arrays; a filter returns the first string element of an array
 * that matches. Anything else selects nothing.
 */
import { encodeString, isObject, type JsonValue } from "./json.ts";

/** A parse failure at a 0-based offset (reported 1-based, like Parsec's `(line 1, column N)`). */
export class PathSyntaxError extends Error {
  constructor(readonly offset: number, readonly expected: string) {
    super(`expecting ${expected}`);
  }
}

export type DeprecatedOp = "==" | "!=" | "^==" | "==^" | "*==";

export type DeprecatedStep =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "filter"; readonly op: DeprecatedOp; readonly text: string };

export type DeprecatedPath = readonly DeprecatedStep[];

// `==^` must be tried before its prefix `==`, as in PostgREST's parser.
const OPS: readonly DeprecatedOp[] = ["==^", "==", "!=", "^==", "*=="];
const BARE_KEY = /[\p{L}\p{N}_$@]+/uy;
const SPACES = /\s*/y;

/** Parses the deprecated DSL; throws `PathSyntaxError`. */
export function parseDeprecated(text: string): DeprecatedPath {
  let i = 0;
  const fail = (expected: string): never => {
    throw new PathSyntaxError(i, expected);
  };
  const quoted = (): string => {
    if (text[i] !== '"') fail('"\\""');
    const end = text.indexOf('"', i + 1);
    if (end < 0) {
      i = text.length;
      fail('"\\""');
    }
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const spaces = () => {
    SPACES.lastIndex = i;
    i += SPACES.exec(text)![0].length;
  };
  const steps: DeprecatedStep[] = [];
  do {
    if (text[i] === ".") {
      i++;
      BARE_KEY.lastIndex = i;
      const m = BARE_KEY.exec(text);
      if (m !== null) (steps.push({ kind: "key", key: m[0] }), i += m[0].length);
      else steps.push({ kind: "key", key: quoted() });
    } else if (text.startsWith("[?(", i)) {
      i += 3;
      if (text[i] !== "@") fail('"@"');
      i++;
      spaces();
      const op = OPS.find((o) => text.startsWith(o, i)) ?? fail("filter operator");
      i += op.length;
      spaces();
      const s = quoted();
      if (!text.startsWith(")]", i)) fail('")]"');
      i += 2;
      steps.push({ kind: "filter", op, text: s });
      if (i !== text.length) fail("end of input");
    } else if (text[i] === "[") {
      i++;
      const m = /^\d+/.exec(text.slice(i));
      if (m === null) fail("digit");
      i += m![0].length;
      if (text[i] !== "]") fail('"]"');
      i++;
      steps.push({ kind: "index", index: Number(m![0]) });
    } else fail('".", "[?(" or "["');
  } while (i < text.length);
  return steps;
}

function matches(op: DeprecatedOp, pattern: string, s: string): boolean {
  switch (op) {
    case "==":
      return s === pattern;
    case "!=":
      return s !== pattern;
    case "^==":
      return s.startsWith(pattern);
    case "==^":
      return s.endsWith(pattern);
    default:
      return s.includes(pattern);
  }
}

export function evaluateDeprecated(path: DeprecatedPath, doc: JsonValue): JsonValue | undefined {
  let v: JsonValue | undefined = doc;
  for (const step of path) {
    if (step.kind === "key") v = isObject(v) ? v.get(step.key) : undefined;
    else if (step.kind === "index") v = Array.isArray(v) ? v[step.index] : undefined;
    else {
      return Array.isArray(v)
        ? v.find((x: JsonValue) => typeof x === "string" && matches(step.op, step.text, x))
        : undefined;
    }
    if (v === undefined) return undefined;
  }
  return v;
}

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** The same path in RFC 9535 syntax (for the deprecation warning). */
export function deprecatedSuggestion(path: DeprecatedPath): string {
  const lit = (s: string) => encodeString(s);
  return "$" + path.map((s) => {
    if (s.kind === "key") return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key) ? `.${s.key}` : `[${lit(s.key)}]`;
    if (s.kind === "index") return `[${s.index}]`;
    const re = s.text.replace(REGEX_SPECIAL, "\\$&");
    switch (s.op) {
      case "==":
      case "!=":
        return `[?@ ${s.op} ${lit(s.text)}]`;
      case "^==":
        return `[?search(@, ${lit(`^${re}`)})]`;
      case "==^":
        return `[?search(@, ${lit(`${re}$`)})]`;
      default:
        return `[?search(@, ${lit(re)})]`;
    }
  }).join("");
}
