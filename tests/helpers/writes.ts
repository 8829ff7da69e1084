/**
 * Helpers for the write tests: requests with a JSON body by default, and reading tables back
 * as the superuser to prove what a write changed (or did not).
 */
import type { TestApp } from "./app.ts";

export interface WriteInit {
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** `method path` with `Content-Type: application/json` unless the headers say otherwise. */
export function send(app: TestApp, method: string, path: string, init: WriteInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return app.request(path, { method, headers, body: init.body });
}

/** The rows of a query, as JSON values (run as the superuser, bypassing RLS and grants). */
export async function rows(app: TestApp, query: string): Promise<unknown[]> {
  const out = await app.db.psql(`select coalesce(json_agg(x), '[]') from (${query}) x`);
  return JSON.parse(out);
}

/** The headers every write test looks at. */
export const WRITE_HEADERS: string[] = [
  "content-type",
  "content-length",
  "content-range",
  "location",
  "preference-applied",
];
