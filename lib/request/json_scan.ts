/**
 * One pass over the bytes of a JSON request body: validates it (RFC 8259, as strictly as Aeson's
 * `decode`) and collects the keys PostgREST needs (`Payload.hs`'s `payloadAttributes`) without
 * building a single row object: the keys of a top-level object, or of the first object of a
 * top-level array together with whether every element is an object with exactly that key set.
 *
 * The body then travels to PostgreSQL untouched, as one parameter: a 10 MB array is read once,
 * byte by byte, and never turned into JavaScript values. Keys of later elements are compared
 * byte-wise with the first element's keys at the same position (bulk bodies repeat one key
 * order), falling back to a decoded lookup otherwise.
 */

export type JsonShape =
  | { readonly kind: "object"; readonly keys: ReadonlySet<string> }
  /** `uniform`: every element is an object whose key set equals the first one's (`keys`). */
  | {
    readonly kind: "array";
    readonly keys: ReadonlySet<string>;
    readonly uniform: boolean;
    readonly length: number;
  }
  | { readonly kind: "scalar" };

const QUOTE = 34;
const BACKSLASH = 92;
const utf8 = new TextDecoder();

class Invalid extends Error {}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Scans a JSON body; `null` when it is not valid JSON (empty, truncated, trailing garbage...).
 * UTF-8 validity is the caller's business (decode with `fatal: true`).
 *
 * @example
 * scanJson(new TextEncoder().encode('[{"a":1,"b":2},{"b":3,"a":4}]'));
 * // { kind: "array", keys: Set {"a", "b"}, uniform: true, length: 2 }
 */
export function scanJson(bytes: Uint8Array): JsonShape | null {
  try {
    return new Scanner(bytes).run();
  } catch (e) {
    if (e instanceof Invalid) return null;
    throw e;
  }
}

class Scanner {
  readonly #b: Uint8Array;
  #i = 0;
  /** Open containers: true = object. */
  readonly #stack: boolean[] = [];
  #top: "object" | "array" | "scalar" | null = null;
  #length = 0;
  #uniform = true;

  // Keys of the tracked object (the top-level object, or the current element of a top-level
  // array). `element` counts tracked objects; the first one defines the canonical key set.
  #tracking = false;
  #element = 0;
  #canonical = new Map<string, number>();
  /** The first element's keys in order: byte offsets of the raw key and its canonical index. */
  readonly #order: { start: number; end: number; idx: number }[] = [];
  #stamps = new Int32Array(0);
  #distinct = 0;
  #position = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  run(): JsonShape {
    const b = this.#b;
    const stack = this.#stack;
    // Iterative, so that deeply nested bodies cannot overflow the call stack.
    let needValue = true;
    for (;;) {
      this.#ws();
      if (needValue) {
        needValue = this.#value();
        continue;
      }
      if (stack.length === 0) break;
      const c = b[this.#i];
      const isObject = stack[stack.length - 1];
      if (c === 44) { // ,
        this.#i++;
        if (isObject) this.#key();
        needValue = true;
      } else if (c === (isObject ? 125 : 93)) {
        this.#i++;
        this.#close();
      } else throw new Invalid();
    }
    if (this.#i !== b.length) throw new Invalid();
    const keys = new Set(this.#canonical.keys());
    if (this.#top === "object") return { kind: "object", keys };
    if (this.#top === "array") return { kind: "array", keys, uniform: this.#uniform, length: this.#length };
    return { kind: "scalar" };
  }

  #ws(): void {
    const b = this.#b;
    let i = this.#i;
    while (isWs(b[i])) i++;
    this.#i = i;
  }

  /** Reads a scalar, or opens a container; true when a value is still needed (a first member). */
  #value(): boolean {
    const b = this.#b;
    const c = b[this.#i];
    if (c === 123 || c === 91) {
      this.#open(c === 123);
      this.#i++;
      this.#ws();
      if (b[this.#i] === (c === 123 ? 125 : 93)) {
        this.#i++;
        this.#close();
        return false;
      }
      if (c === 123) this.#key();
      return true;
    }
    if (c === QUOTE) this.#i = this.#string(this.#i);
    else if (c === 116) this.#literal(0x74727565, 4); // true
    else if (c === 102) this.#literal(0x66616c73, 5); // false ("fals" + "e")
    else if (c === 110) this.#literal(0x6e756c6c, 4); // null
    else this.#number();
    this.#scalar();
    return false;
  }

  #literal(first4: number, len: number): void {
    const b = this.#b;
    const i = this.#i;
    const word = (b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]) >>> 0;
    if (word !== first4 || (len === 5 && b[i + 4] !== 101)) throw new Invalid();
    this.#i = i + len;
  }

  /** Index after the string whose opening quote is at `i`. */
  #string(i: number): number {
    const b = this.#b;
    i++;
    for (;;) {
      const c = b[i++];
      if (c >= 35 && c !== BACKSLASH) continue;
      if (c === 32 || c === 33) continue;
      if (c === QUOTE) return i;
      if (c !== BACKSLASH) throw new Invalid(); // control character, or the end of the body
      const e = b[i];
      if (e === 117) { // \uXXXX
        if (!(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) throw new Invalid();
        i += 5;
      } else if (
        e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 ||
        e === 116
      ) {
        i++;
      } else throw new Invalid();
    }
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` */
  #number(): void {
    const b = this.#b;
    let i = this.#i;
    if (b[i] === 45) i++;
    const c = b[i];
    if (c === 48) i++;
    else if (c >= 49 && c <= 57) { while (isDigit(b[++i])); }
    else throw new Invalid();
    if (b[i] === 46) {
      if (!isDigit(b[++i])) throw new Invalid();
      while (isDigit(b[++i]));
    }
    if (b[i] === 101 || b[i] === 69) {
      i++;
      if (b[i] === 43 || b[i] === 45) i++;
      if (!isDigit(b[i])) throw new Invalid();
      while (isDigit(b[++i]));
    }
    this.#i = i;
  }

  /** Reads `"key" :` (whitespace allowed around). */
  #key(): void {
    this.#ws();
    const b = this.#b;
    const start = this.#i;
    if (b[start] !== QUOTE) throw new Invalid();
    const end = this.#string(start);
    if (this.#tracking && this.#stack.length === (this.#top === "array" ? 2 : 1)) this.#onKey(start, end);
    this.#i = end;
    this.#ws();
    if (b[this.#i] !== 58) throw new Invalid();
    this.#i++;
  }

  #keyText(start: number, end: number): string {
    const raw = utf8.decode(this.#b.subarray(start + 1, end - 1));
    // Escapes in keys are rare; let the engine decode them.
    return raw.includes("\\") ? JSON.parse(`"${raw}"`) as string : raw;
  }

  #onKey(start: number, end: number): void {
    const position = this.#position++;
    if (this.#element === 1) {
      const key = this.#keyText(start, end);
      let idx = this.#canonical.get(key);
      if (idx === undefined) {
        idx = this.#canonical.size;
        this.#canonical.set(key, idx);
      }
      this.#order.push({ start, end, idx });
      return;
    }
    const expected = this.#order[position];
    const idx = expected !== undefined && this.#sameBytes(expected.start, expected.end, start, end)
      ? expected.idx
      : this.#canonical.get(this.#keyText(start, end));
    if (idx === undefined) {
      this.#uniform = false;
    } else if (this.#stamps[idx] !== this.#element) {
      this.#stamps[idx] = this.#element;
      this.#distinct++;
    }
  }

  #sameBytes(s1: number, e1: number, s2: number, e2: number): boolean {
    if (e1 - s1 !== e2 - s2) return false;
    const b = this.#b;
    for (let k = 0; k < e1 - s1; k++) if (b[s1 + k] !== b[s2 + k]) return false;
    return true;
  }

  #open(isObject: boolean): void {
    const depth = this.#stack.length;
    if (depth === 0) {
      this.#top = isObject ? "object" : "array";
      if (isObject) this.#track();
    } else if (depth === 1 && this.#top === "array") {
      this.#length++;
      if (isObject) this.#track();
      else this.#uniform = false;
    }
    this.#stack.push(isObject);
  }

  #track(): void {
    this.#tracking = true;
    this.#element++;
    this.#position = 0;
    this.#distinct = 0;
    if (this.#element === 2) this.#stamps = new Int32Array(this.#canonical.size);
  }

  #close(): void {
    this.#stack.pop();
    const depth = this.#stack.length;
    if (this.#tracking && depth === (this.#top === "array" ? 1 : 0)) {
      this.#tracking = false;
      if (this.#element > 1 && this.#distinct !== this.#canonical.size) this.#uniform = false;
    }
  }

  #scalar(): void {
    const depth = this.#stack.length;
    if (depth === 0) this.#top = "scalar";
    else if (depth === 1 && this.#top === "array") {
      this.#length++;
      this.#uniform = false;
    }
  }
}
