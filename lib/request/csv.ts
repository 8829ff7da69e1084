/**
 * `text/csv` request bodies → the JSON text PostgreSQL reads (PostgREST's `csvToJson` over
 * cassava's `decodeByName`): a header row names the columns, each following row becomes an
 * object of strings; a field that reads `NULL` becomes `null`, an empty field an empty string.
 *
 * Fields follow RFC 4180: separated by `,`, rows by LF or CRLF, optionally quoted with `"` (a
 * quote inside a quoted field is doubled); blank lines are skipped. Rows of a different length
 * than the header make the body invalid (PostgREST: "All lines must have same number of fields").
 */

export type CsvResult =
  | { readonly kind: "ok"; readonly json: string; readonly keys: ReadonlySet<string> }
  | { readonly kind: "error"; readonly message: string };

const RAGGED = "All lines must have same number of fields";

/** Splits CSV text into rows of fields; a final line break does not start a new row. */
export function parseCsvRows(text: string): string[][] | string {
  const rows: string[][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const row: string[] = [];
    for (;;) {
      let field = "";
      if (text.charCodeAt(i) === 34) { // quoted field
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) return `parse error: unterminated quoted field at character ${i}`;
          field += text.slice(i, q);
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10 && c !== 13) {
          return `parse error: unexpected character after a quoted field at character ${i}`;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      row.push(field);
      if (text.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      // End of row: CRLF, LF, CR or the end of the text.
      if (text.charCodeAt(i) === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      break;
    }
    // As cassava, blank lines (one empty field) are no records.
    if (row.length > 1 || row[0] !== "") rows.push(row);
  }
  return rows;
}

/**
 * CSV body → JSON array text and its keys (the header).
 *
 * @example
 * csvToJson("a,b\nNULL,hi"); // { kind: "ok", json: '[{"a":null,"b":"hi"}]', keys: Set {"a", "b"} }
 */
export function csvToJson(text: string): CsvResult {
  const rows = parseCsvRows(text);
  if (typeof rows === "string") return { kind: "error", message: rows };
  if (rows.length === 0) return { kind: "error", message: "parse error: the CSV body has no header" };
  const header = rows[0];
  const keys = header.map((k) => JSON.stringify(k));
  const parts: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) return { kind: "error", message: RAGGED };
    const fields = row.map((v, c) => `${keys[c]}:${v === "NULL" ? "null" : JSON.stringify(v)}`);
    parts.push(`{${fields.join(",")}}`);
  }
  // As PostgREST, a header without rows is an empty array with no keys.
  return { kind: "ok", json: `[${parts.join(",")}]`, keys: new Set(parts.length === 0 ? [] : header) };
}
