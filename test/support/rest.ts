/**
 * The REST client of tests and benches: plain fetch against a running gateway (in this process
 * or another), nothing of the gateway imported.
 */
export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** One REST call; `body` may be an object (sent as JSON), a raw string, or absent. */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** One REST call that must succeed: throws on a status of 300 or more, returns the parsed body. */
export async function rest(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await call(base, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
