/**
 * The `Server-Timing` header (RH-13, `server-timing-enabled`; PostgREST's `Response/Performance.hs`):
 * the milliseconds each stage of a request took → `jwt;dur=0.4, parse;dur=0.5, plan;dur=0.1,
 * transaction;dur=2.3, response;dur=0.1`. Durations have one decimal, as Haskell's
 * `showFFloat (Just 1)` prints them; a stage that did not run is left empty between the commas,
 * as PostgREST leaves it.
 */

/** Milliseconds per stage; `undefined` for a stage that did not run. */
export interface ServerTiming {
  jwt?: number;
  parse?: number;
  plan?: number;
  transaction?: number;
  response?: number;
}

const STAGES = ["jwt", "parse", "plan", "transaction", "response"] as const;

/**
 * @example
 * serverTimingHeader({ jwt: 0.4, parse: 0.5, plan: 0.1, transaction: 0.2, response: 0.3 });
 * // "jwt;dur=0.4, parse;dur=0.5, plan;dur=0.1, transaction;dur=0.2, response;dur=0.3"
 */
export function serverTimingHeader(timing: ServerTiming): string {
  return STAGES.map((s) => {
    const ms = timing[s];
    return ms === undefined ? "" : `${s};dur=${Math.max(0, ms).toFixed(1)}`;
  }).join(", ");
}

/** A stopwatch over `performance.now()` (a web standard, available on every runtime). */
export function stopwatch(enabled = true): () => number {
  if (!enabled) return () => 0;
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}
