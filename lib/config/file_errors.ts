/**
 * Parse error messages of the config file parser, in megaparsec's `errorBundlePretty` layout
 * (what configurator-pg, and so PostgREST, prints):
 *
 * ```
 * postgrest.conf:1:36:
 *   |
 * 1 | app.settings.external_api_secret = 'some_value'
 *   |                                    ^^^^^
 * unexpected "'some"
 * expecting "false", "off", "on", "true", '"', '[', or digit
 * ```
 */

/** Where and why parsing stopped: an unexpected token (`null` = end of input) or a message. */
export type ParseFailure =
  | { readonly offset: number; readonly unexpected: string | null; readonly expecting: readonly string[] }
  | { readonly offset: number; readonly message: string };

const CHAR_NAMES: Record<string, string> = {
  "\0": "null",
  "\b": "backspace",
  "\t": "tab",
  "\n": "newline",
  "\v": "vertical tab",
  "\f": "form feed",
  "\r": "carriage return",
  " ": "space",
  "\x7f": "delete",
  "\u00a0": "non-breaking space",
};

/** megaparsec's `showTokens`: `'x'`, `newline`, or `"abc"` with `<newline>` inside. */
function showTokens(s: string): string {
  const chars = [...s];
  if (chars.length === 1) return CHAR_NAMES[s] ?? `'${s}'`;
  if (s === "\r\n") return "crlf newline";
  return `"${chars.map((c) => CHAR_NAMES[c] ? `<${CHAR_NAMES[c]}>` : c).join("")}"`;
}

/** `a`, `a or b`, `a, b, or c`. */
function orList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(" or ");
  return `${items.slice(0, -1).join(", ")}, or ${items[items.length - 1]}`;
}

/** The full message for a failure at `offset` in `text` (a file, or `<key>` for a string). */
export function formatParseError(name: string, text: string, failure: ParseFailure): string {
  const before = text.slice(0, failure.offset);
  const lineNo = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const col = [...before.slice(lineStart)].length + 1;
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const lineText = text.slice(lineStart, lineEnd).replace(/\r$/, "");
  const gutter = " ".repeat(String(lineNo).length);
  let width = 1;
  let body: string;
  if ("message" in failure) {
    body = `${failure.message}\n`;
  } else {
    const unexpected = failure.unexpected;
    if (unexpected !== null) {
      // The carets stop at the end of the line.
      width = Math.max(1, Math.min([...unexpected].length, [...lineText].length - col + 1));
    }
    body = `unexpected ${unexpected === null ? "end of input" : showTokens(unexpected)}\n`;
    const expecting = [...new Set(failure.expecting)].sort();
    if (expecting.length > 0) body += `expecting ${orList(expecting)}\n`;
  }
  return `${name}:${lineNo}:${col}:\n${gutter} |\n${lineNo} | ${lineText}\n${gutter} | ${
    " ".repeat(col - 1)
  }${"^".repeat(width)}\n${body}`;
}
