/**
 * The one way the dashboard talks to the server: fetch with the bearer
 * token, JSON in and out, and every failure turned into an ApiRequestError
 * carrying the server's ApiError code and message (or a network/parse
 * failure said plainly). A 401 also raises the token prompt.
 */
import type { ApiError } from '../../../server/api-types.ts';
import { authState, requireToken } from './token.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function isApiError(body: unknown): body is ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

function headers(json: boolean): HeadersInit {
  const h: Record<string, string> = { Accept: 'application/json' };
  const { token } = authState();
  if (token) h.Authorization = `Bearer ${token}`;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

async function request<T>(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  const init: RequestInit = { method, headers: headers(body !== undefined), signal };
  if (body !== undefined) init.body = JSON.stringify(body);
  try {
    res = await fetch(path, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(0, 'network', `cannot reach the flightdeck server (${(e as Error).message}); is \`flightdeck serve\` running?`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiRequestError(res.status, 'bad-response', `${method} ${path} answered with something that is not JSON`);
    }
  }
  if (!res.ok) {
    if (res.status === 401) requireToken();
    if (isApiError(parsed)) throw new ApiRequestError(res.status, parsed.error.code, parsed.error.message, parsed.error.field);
    throw new ApiRequestError(res.status, `http-${res.status}`, `${method} ${path} failed: HTTP ${res.status} ${res.statusText}`);
  }
  return parsed as T;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

export function apiPost<T>(path: string, body: unknown): Promise<T> {
  return request<T>('POST', path, body);
}

/** `/api/x?a=1&b=2`, leaving out empty values */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Download a JSON endpoint as a file (a plain link cannot send the bearer header). */
export async function downloadJson(path: string, filename: string): Promise<void> {
  const data = await apiGet<unknown>(path);
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
