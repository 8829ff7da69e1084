/**
 * The syntax of `postgrest.conf` (configurator-pg's grammar): text → directives. Evaluation
 * (groups, interpolation, imports) is in `file.ts`.
 */
import { formatParseError, type ParseFailure } from "./file_errors.ts";

/** A value as written: string, number, boolean (`true`/`on`, `false`/`off`) or list. */
export type FileValue = string | number | boolean | readonly FileValue[];

export type Directive =
  | { readonly kind: "bind"; readonly key: string; readonly value: FileValue }
  | { readonly kind: "group"; readonly key: string; readonly directives: readonly Directive[] }
  | { readonly kind: "import"; readonly path: string };

/** A syntax or interpolation error; `message` is the whole text after "Error in config ". */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigFileError";
  }
}

const VALUE_EXPECTED = ['"false"', '"off"', '"on"', '"true"', "'\"'", "'['", "digit"];
const isLetter = (c: string) => /^\p{L}$/u.test(c);
const isIdentChar = (c: string) => /^[\p{L}\p{N}_-]$/u.test(c);
const isSpace = (c: string) => /^\s$/u.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";

/** Recursive descent over the text; failures carry the offset megaparsec would report. */
class Parser {
  pos = 0;
  /** The directive list ended at junk on a directive's line (not at a line start). */
  junkAfterDirective = false;
  constructor(readonly text: string) {}

  peek(): string {
    const cp = this.text.codePointAt(this.pos);
    return cp === undefined ? "" : String.fromCodePoint(cp);
  }
  next(): string {
    const c = this.peek();
    this.pos += c.length;
    return c;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  fail(expecting: string[] = [], width = 1): never {
    const unexpected = this.atEnd() ? null : [...this.text.slice(this.pos)].slice(0, width).join("");
    throw { offset: this.pos, unexpected, expecting } satisfies ParseFailure;
  }
  expectChar(c: string): void {
    if (this.peek() !== c) this.fail([`'${c}'`]);
    this.pos += 1;
  }

  /** Lines, whitespace and `#` comments (but not `#;`, which comments out a directive). */
  skipLWS(): void {
    for (;;) {
      const c = this.peek();
      if (c !== "" && isSpace(c)) this.pos += c.length;
      else if (c === "#" && this.text[this.pos + 1] !== ";") this.skipToEol();
      else return;
    }
  }
  /** Spaces, tabs and `#` comments up to (not including) the end of the line. */
  skipHWS(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t") this.pos += 1;
      else if (c === "#") this.skipToEol();
      else return;
    }
  }
  skipToEol(): void {
    while (!this.atEnd() && this.text[this.pos] !== "\n" && this.text[this.pos] !== "\r") this.pos += 1;
  }

  topLevel(): Directive[] {
    const ds = this.directives();
    this.skipLWS();
    if (!this.atEnd()) {
      this.fail(this.junkAfterDirective ? ["end of input"] : ['"#;"', "end of input", "letter"]);
    }
    return ds;
  }

  /** Directives separated by line breaks; a directive that fails to start ends the list. */
  directives(): Directive[] {
    const out: Directive[] = [];
    for (;;) {
      const start = this.pos;
      this.skipLWS();
      const c = this.peek();
      if (!(isLetter(c) || (c === "#" && this.text[this.pos + 1] === ";"))) {
        this.pos = start;
        return out;
      }
      const d = this.directive();
      if (d) out.push(d);
      this.skipHWS();
      if (this.peek() === "\n" || this.peek() === "\r") this.pos += 1;
      else {
        this.junkAfterDirective = !this.atEnd();
        return out;
      }
    }
  }

  directive(): Directive | null {
    if (this.text.startsWith("#;", this.pos)) {
      this.pos += 2;
      this.skipHWS();
      if (!isLetter(this.peek()) && !this.text.startsWith("#;", this.pos)) this.fail(["letter"]);
      this.directive();
      return null;
    }
    const key = this.identifier();
    this.skipLWS();
    if (key === "import") return { kind: "import", path: this.stringLiteral() };
    if (this.peek() === "=") {
      this.pos += 1;
      this.skipLWS();
      return { kind: "bind", key, value: this.value() };
    }
    if (this.peek() === "{") {
      this.pos += 1;
      this.skipLWS();
      const directives = this.directives();
      this.skipLWS();
      this.expectChar("}");
      return { kind: "group", key, directives };
    }
    return this.fail(["'='", "'{'"]);
  }

  /** `word(.word)*`, a word being a letter then letters, digits, `_` or `-`. */
  identifier(): string {
    const start = this.pos;
    for (;;) {
      if (!isLetter(this.peek())) this.fail(["letter"]);
      this.next();
      while (this.peek() !== "" && isIdentChar(this.peek())) this.next();
      if (this.peek() !== ".") return this.text.slice(start, this.pos);
      this.pos += 1;
    }
  }

  value(): FileValue {
    for (const [word, v] of [["on", true], ["off", false], ["true", true], ["false", false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const c = this.peek();
    if (c === '"') return this.stringLiteral();
    if (isDigit(c)) return this.number();
    if (c === "[") return this.list();
    return this.fail(VALUE_EXPECTED, 5);
  }

  list(): FileValue[] {
    this.pos += 1;
    this.skipLWS();
    const out: FileValue[] = [];
    const c = this.peek();
    if (
      c === '"' || c === "[" || isDigit(c) ||
      /^(on|off|true|false)/.test(this.text.slice(this.pos, this.pos + 5))
    ) {
      out.push(this.value());
      this.skipLWS();
      while (this.peek() === ",") {
        this.pos += 1;
        this.skipLWS();
        out.push(this.value());
        this.skipLWS();
      }
      if (this.peek() !== "]") this.fail(["','", "']'"]);
    } else if (c !== "]") this.fail([...VALUE_EXPECTED.slice(0, 6), "']'", "digit"], 5);
    this.pos += 1;
    return out;
  }

  /** Unsigned decimal with optional fraction and exponent (megaparsec's `scientific`). */
  number(): number {
    const start = this.pos;
    while (isDigit(this.peek())) this.pos += 1;
    if (this.peek() === "." && isDigit(this.text[this.pos + 1] ?? "")) {
      this.pos += 1;
      while (isDigit(this.peek())) this.pos += 1;
    }
    const exp = /^[eE][+-]?\d+/.exec(this.text.slice(this.pos, this.pos + 400));
    if (exp) this.pos += exp[0].length;
    return Number(this.text.slice(start, this.pos));
  }

  stringLiteral(): string {
    this.expectChar('"');
    let out = "";
    for (;;) {
      if (this.atEnd()) this.fail(["'\"'", "'\\'"]);
      const c = this.next();
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.peek();
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
      if (e in simple) {
        this.pos += 1;
        out += simple[e];
      } else if (e === "u") {
        this.pos += 1;
        out += this.unicodeEscape();
      } else this.fail();
    }
  }

  unicodeEscape(): string {
    const a = this.hexQuad();
    if (a < 0xd800 || a > 0xdfff) return String.fromCodePoint(a);
    const at = this.pos;
    if (!this.text.startsWith("\\u", this.pos)) this.fail(['"\\u"'], 2);
    this.pos += 2;
    const b = this.hexQuad();
    if (a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) return String.fromCharCode(a, b);
    throw { offset: at, message: "invalid UTF-16 surrogates" } satisfies ParseFailure;
  }

  hexQuad(): number {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.peek();
      if (!/^[0-9a-fA-F]$/.test(c)) this.fail(["hexadecimal digit"]);
      n = n * 16 + parseInt(c, 16);
      this.pos += 1;
    }
    return n;
  }
}

/** Parses the text of a config file into directives (no interpolation, no imports yet). */
export function parseDirectives(text: string, path: string): Directive[] {
  const p = new Parser(text);
  try {
    return p.topLevel();
  } catch (e) {
    if (e instanceof Error) throw e;
    throw new ConfigFileError(formatParseError(path, text, e as ParseFailure));
  }
}
