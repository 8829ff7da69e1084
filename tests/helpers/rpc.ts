/**
 * Requests for the `/rpc` integration tests (`tests/integration/rpc_*_test.ts`), against the `rpc`
 * schema of `tests/fixtures/50_rpc.sql`.
 */
import { summary, type TestApp } from "./app.ts";

export const JSON_CT = { "Content-Type": "application/json" };
export const FORM_CT = { "Content-Type": "application/x-www-form-urlencoded" };

export interface RpcClient {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  head(path: string, headers?: Record<string, string>): Promise<Response>;
  /** POSTs `body` (JSON-encoded unless a string) as JSON unless `headers` say otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export function rpcClient(app: TestApp): RpcClient {
  return {
    get: (path, headers = {}) => app.request(path, { headers }),
    head: (path, headers = {}) => app.request(path, { method: "HEAD", headers }),
    post: (path, body, headers = {}) =>
      app.request(path, {
        method: "POST",
        headers: { ...JSON_CT, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
  };
}

/** The parsed body (text when not JSON). */
export async function bodyOf(res: Response): Promise<unknown> {
  return (await summary(res)).body;
}

/** PostgREST's PGRST202 body. */
export function noRpc(message: string, details: string, hint: string | null = null) {
  return { code: "PGRST202", details, hint, message };
}
