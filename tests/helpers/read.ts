/**
 * Helpers for the reading integration tests (`tests/integration/read_*_test.ts`): an app on the
 * `reading` schema of `tests/fixtures/30_reading.sql` and one-line requests.
 */
import assert from "node:assert/strict";
import type { AppConfig } from "../../lib/config/types.ts";
import { summary, type TestApp, testApp } from "./app.ts";

export function readingApp(config: Partial<AppConfig> = {}, setup?: string): Promise<TestApp> {
  return testApp({ dbSchemas: ["reading"], ...config }, { setup });
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly [header: string]: unknown;
}

/** Requests `path` (GET unless `init.method` says otherwise) and summarizes the named headers. */
export async function fetchReply(
  app: TestApp,
  path: string,
  headers: Record<string, string> = {},
  names: string[] = [],
  method = "GET",
): Promise<Reply> {
  return await summary(await app.request(path, { method, headers }), names);
}

/** The body of a 200 response to `path`. */
export async function rows(
  app: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const r = await fetchReply(app, path, headers);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A PostgREST error body. */
export function pgError(
  code: string,
  message: string,
  details: unknown = null,
  hint: string | null = null,
): Record<string, unknown> {
  return { code, details, hint, message };
}

/** `[{id: 1}, {id: 2}, …]`. */
export function ids(...values: number[]): { id: number }[] {
  return values.map((id) => ({ id }));
}
