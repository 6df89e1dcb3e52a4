/**
 * React hooks over the API client: `useApi` fetches a GET path, refetches
 * when the path or the token changes, cancels stale requests, and reports
 * loading / error / data; `useAuth` and `useMe` read who is signed in.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Me } from '../../../server/api-types.ts';
import { ApiRequestError, apiGet } from './client.ts';
import { authState, subscribeAuth } from './token.ts';

export interface ApiState<T> {
  readonly data: T | null;
  readonly error: ApiRequestError | null;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function useAuth() {
  return useSyncExternalStore(subscribeAuth, authState);
}

/** GET `path` (null: fetch nothing). Keeps the last data while a new request is in flight. */
export function useApi<T>(path: string | null): ApiState<T> {
  const { epoch } = useAuth();
  const [bump, setBump] = useState(0);
  const [state, setState] = useState<{ data: T | null; error: ApiRequestError | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    apiGet<T>(path, ctrl.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const err = e instanceof ApiRequestError ? e : new ApiRequestError(0, 'client', (e as Error).message);
        setState((s) => ({ data: s.data, error: err, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [path, epoch, bump]);
  const reload = useCallback(() => setBump((b) => b + 1), []);
  return { ...state, reload };
}

export function useMe(): ApiState<Me> {
  return useApi<Me>('/api/me');
}

/** viewer < reviewer < releaser: each role can do what the ones before it can */
export function canApprove(me: Me | null): boolean {
  return me?.role === 'reviewer' || me?.role === 'releaser';
}
