/**
 * `jwt-role-claim-key`: an RFC 9535 JSONPath (what PostgREST 16 accepts through aeson-jsonpath),
 * or the pre-v16 DSL (`jsonpath_deprecated.ts`) with a deprecation warning.
 *
 * Input: the configured text. Output: a `RoleClaimPath` and `evaluateRoleClaim()`, which returns
 * the first node the path selects in the claims (or `undefined`).
 *
 * Grammar (RFC 9535; `S` is optional blank space):
 *
 *   $ *(S segment)            segment:  .name  .*  [selectors]  ..name  ..*  ..[selectors]
 *   selectors: selector *(S , S selector)
 *   selector:  'name' | "name" | 0 | -1 | start:end:step | * | ?filter
 *   filter:    a || b,  a && b,  !x,  (x),  @.a == 'x'  (== != < <= > >=),  @.a (exists),
 *              search(@, 're')   — the one function PostgREST documents
 *
 * Evaluation is in `jsonpath_eval.ts`: object members are visited in key order (aeson's `KeyMap`
 * is ordered), so a filter over an object picks the same member PostgREST picks.
 *
 * @example
 * const { path } = parseRoleClaimKey("$.realm.roles[?search(@, '^app_')]");
 */
import { JsonNumber, type JsonValue } from "./json.ts";
import {
  type DeprecatedPath,
  deprecatedSuggestion,
  parseDeprecated,
  PathSyntaxError,
} from "./jsonpath_deprecated.ts";

export { PathSyntaxError };
export { evaluateJsonPath, evaluateRoleClaim } from "./jsonpath_eval.ts";

export type Selector =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | {
    readonly kind: "slice";
    readonly start: number | null;
    readonly end: number | null;
    readonly step: number;
  }
  | { readonly kind: "wildcard" }
  | { readonly kind: "filter"; readonly expr: LogicalExpr };

export interface Segment {
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

export interface Query {
  readonly root: "$" | "@";
  readonly segments: readonly Segment[];
}

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type Comparable =
  | { readonly kind: "literal"; readonly value: JsonValue }
  | { readonly kind: "query"; readonly query: Query };

export type LogicalExpr =
  | { readonly kind: "or" | "and"; readonly items: readonly LogicalExpr[] }
  | { readonly kind: "not"; readonly expr: LogicalExpr }
  | { readonly kind: "test"; readonly query: Query }
  | {
    readonly kind: "compare";
    readonly op: CompareOp;
    readonly left: Comparable;
    readonly right: Comparable;
  }
  | { readonly kind: "search"; readonly value: Comparable; readonly pattern: Comparable };

export type RoleClaimPath =
  | { readonly kind: "jsonpath"; readonly query: Query }
  | { readonly kind: "deprecated"; readonly path: DeprecatedPath };

export class RoleClaimKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoleClaimKeyError";
  }
}

const BLANK = /[ \t\n\r]/;
const NAME_FIRST = /[A-Za-z_\u0080-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;
const INT = /(?:0|-?[1-9]\d*)/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const OPS: readonly CompareOp[] = [">=", "<=", "!=", "==", ">", "<"];
const ESCAPED: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", "/": "/", "\\": "\\" };

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(expected: string): never {
    throw new PathSyntaxError(this.i, expected);
  }
  eat(t: string): boolean {
    if (!this.s.startsWith(t, this.i)) return false;
    this.i += t.length;
    return true;
  }
  expect(t: string): void {
    if (!this.eat(t)) this.fail(JSON.stringify(t));
  }
  blank(): void {
    while (this.i < this.s.length && BLANK.test(this.s[this.i])) this.i++;
  }
  /** Runs `f` after blank space; rewinds (also over the blank) when `f` returns false. */
  try(f: () => boolean): boolean {
    const save = this.i;
    this.blank();
    if (f()) return true;
    this.i = save;
    return false;
  }

  query(root: "$" | "@"): Query {
    this.expect(root);
    const segments: Segment[] = [];
    while (this.try(() => this.s[this.i] === "." || this.s[this.i] === "[")) segments.push(this.segment());
    return { root, segments };
  }

  segment(): Segment {
    if (this.eat("..")) {
      if (this.s[this.i] === "[") return { descendant: true, selectors: this.bracketed() };
      if (this.eat("*")) return { descendant: true, selectors: [{ kind: "wildcard" }] };
      return { descendant: true, selectors: [{ kind: "name", name: this.shorthand() }] };
    }
    if (this.eat(".")) {
      if (this.eat("*")) return { descendant: false, selectors: [{ kind: "wildcard" }] };
      return { descendant: false, selectors: [{ kind: "name", name: this.shorthand() }] };
    }
    return { descendant: false, selectors: this.bracketed() };
  }

  shorthand(): string {
    const start = this.i;
    if (!NAME_FIRST.test(this.s[this.i] ?? "")) this.fail("member name");
    while (this.i < this.s.length && NAME_CHAR.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  bracketed(): Selector[] {
    this.expect("[");
    this.blank();
    const selectors = [this.selector()];
    while (this.try(() => this.eat(","))) {
      this.blank();
      selectors.push(this.selector());
    }
    this.blank();
    this.expect("]");
    return selectors;
  }

  selector(): Selector {
    const c = this.s[this.i];
    if (c === "'" || c === '"') return { kind: "name", name: this.string() };
    if (this.eat("*")) return { kind: "wildcard" };
    if (this.eat("?")) {
      this.blank();
      return { kind: "filter", expr: this.or() };
    }
    const start = this.int();
    if (!this.try(() => this.s[this.i] === ":")) {
      return start === null ? this.fail("selector") : { kind: "index", index: start };
    }
    this.expect(":");
    this.blank();
    const end = this.int();
    let step = 1;
    if (this.try(() => this.eat(":"))) {
      this.blank();
      step = this.int() ?? 1;
    }
    return { kind: "slice", start, end, step };
  }

  int(): number | null {
    INT.lastIndex = this.i;
    const m = INT.exec(this.s);
    if (m === null) return null;
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) this.fail("integer in I-JSON range");
    this.i += m[0].length;
    return n;
  }

  string(): string {
    const quote = this.s[this.i++];
    let out = "";
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail(`closing ${quote}`);
      if (c === quote) break;
      if (c < " ") this.fail("printable character");
      if (c !== "\\") {
        out += c;
        this.i++;
        continue;
      }
      const e = this.s[this.i + 1];
      if (e === quote) out += quote;
      else if (e !== undefined && e in ESCAPED) out += ESCAPED[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
        this.i += 4;
      } else this.fail("escape sequence");
      this.i += 2;
    }
    this.i++;
    return out;
  }

  or(): LogicalExpr {
    const items = [this.and()];
    while (this.try(() => this.eat("||"))) {
      this.blank();
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: "or", items };
  }

  and(): LogicalExpr {
    const items = [this.basic()];
    while (this.try(() => this.eat("&&"))) {
      this.blank();
      items.push(this.basic());
    }
    return items.length === 1 ? items[0] : { kind: "and", items };
  }

  basic(): LogicalExpr {
    if (this.eat("!")) {
      this.blank();
      return { kind: "not", expr: this.s[this.i] === "(" ? this.paren() : this.test() };
    }
    if (this.s[this.i] === "(") return this.paren();
    if (this.s.startsWith("search", this.i)) return this.search();
    const left = this.comparable(true);
    let op: CompareOp | undefined;
    if (this.try(() => (op = OPS.find((o) => this.eat(o))) !== undefined)) {
      this.blank();
      if (left.kind === "query" && !isSingular(left.query)) this.fail("singular query");
      return { kind: "compare", op: op!, left, right: this.comparable(false) };
    }
    if (left.kind === "literal") this.fail("comparison operator");
    return { kind: "test", query: left.query };
  }

  paren(): LogicalExpr {
    this.expect("(");
    this.blank();
    const e = this.or();
    this.blank();
    this.expect(")");
    return e;
  }

  test(): LogicalExpr {
    if (this.s.startsWith("search", this.i)) return this.search();
    const c = this.s[this.i];
    if (c !== "@" && c !== "$") this.fail("filter query");
    return { kind: "test", query: this.query(c) };
  }

  search(): LogicalExpr {
    this.expect("search(");
    this.blank();
    const value = this.comparable(false);
    this.blank();
    this.expect(",");
    this.blank();
    const pattern = this.comparable(false);
    this.blank();
    this.expect(")");
    return { kind: "search", value, pattern };
  }

  /** A literal or a query; unless `anyQuery`, the query must be singular (RFC `comparable`). */
  comparable(anyQuery: boolean): Comparable {
    const c = this.s[this.i];
    if (c === "@" || c === "$") {
      const query = this.query(c);
      if (!anyQuery && !isSingular(query)) this.fail("singular query");
      return { kind: "query", query };
    }
    if (c === "'" || c === '"') return { kind: "literal", value: this.string() };
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.eat(word)) return { kind: "literal", value };
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m === null) this.fail("literal or query");
    this.i += m[0].length;
    return { kind: "literal", value: new JsonNumber(m[0]) };
  }
}

function isSingular(q: Query): boolean {
  return q.segments.every((s) =>
    !s.descendant && s.selectors.length === 1 &&
    (s.selectors[0].kind === "name" || s.selectors[0].kind === "index")
  );
}

/** Parses an RFC 9535 query; throws `PathSyntaxError`. */
export function parseJsonPath(text: string): Query {
  const p = new Parser(text);
  const q = p.query("$");
  p.blank();
  if (p.i !== text.length) p.fail("end of input");
  return q;
}

/**
 * Parses `jwt-role-claim-key`: RFC 9535 first, then (PostgREST ≥ 16.2) the deprecated DSL, whose
 * use yields `warning`. Throws `RoleClaimKeyError` with PostgREST's config message.
 */
export function parseRoleClaimKey(text: string): { path: RoleClaimPath; warning: string | null } {
  let rfcError: PathSyntaxError;
  try {
    return { path: { kind: "jsonpath", query: parseJsonPath(text) }, warning: null };
  } catch (e) {
    if (!(e instanceof PathSyntaxError)) throw e;
    rfcError = e;
  }
  try {
    const path = parseDeprecated(text);
    const warning =
      `WARNING: The config \`jwt-role-claim-key=${text}\` is using the deprecated JSPath syntax. ` +
      `Update it to the new JSONPath syntax: \`jwt-role-claim-key=${deprecatedSuggestion(path)}\``;
    return { path: { kind: "deprecated", path }, warning };
  } catch (e) {
    if (!(e instanceof PathSyntaxError)) throw e;
    // Point at the error of the grammar the text was evidently written in.
    const err = text.startsWith("$") ? rfcError : e;
    throw new RoleClaimKeyError(
      `"failed to parse role-claim-key value (${text})" (line 1, column ${err.offset + 1}):\n${err.message}`,
    );
  }
}
