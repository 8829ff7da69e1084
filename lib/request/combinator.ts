/**
 * Derived Parsec combinators (`Text.Parsec.Combinator`), written with the primitives of
 * `parsec.ts`: they inherit its consumed/empty semantics and error merging.
 */
import { alt, many, map, type Parser, pure, seq, zero } from "./parsec.ts";

/** `choice ps = foldr (<|>) mzero ps`. */
export function choice<T>(...ps: Parser<T>[]): Parser<T> {
  return alt<T>(...ps, zero);
}

export function many1<T>(p: Parser<T>): Parser<T[]> {
  return seq([p, many(p)], (x, xs) => [x, ...xs]);
}

export function sepBy1<T>(p: Parser<T>, sep: Parser<unknown>): Parser<T[]> {
  return seq([p, many(seq([sep, p], (_, x) => x))], (x, xs) => [x, ...xs]);
}

export function sepBy<T>(p: Parser<T>, sep: Parser<unknown>): Parser<T[]> {
  return alt(sepBy1(p, sep), map(pure(null), () => [] as T[]));
}

export function between<T>(open: Parser<unknown>, close: Parser<unknown>, p: Parser<T>): Parser<T> {
  return seq([open, p, close], (_, x) => x);
}

export function option<T>(fallback: T, p: Parser<T>): Parser<T> {
  return alt(p, pure(fallback));
}

export function optionMaybe<T>(p: Parser<T>): Parser<T | null> {
  return alt<T | null>(p, pure(null));
}

/** Ties a recursive grammar: `lazy(() => p)` calls `p` once it is defined. */
export function lazy<T>(get: () => Parser<T>): Parser<T> {
  let p: Parser<T> | null = null;
  return (s) => (p ??= get())(s);
}
