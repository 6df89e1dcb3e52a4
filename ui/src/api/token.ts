/**
 * The bearer token the dashboard sends: taken from `?token=` on first load
 * (the URL `flightdeck serve` prints), kept in localStorage and removed from
 * the address bar so it is not shared with a copied link. A tiny external
 * store: components re-render when the token changes or the API asks for one.
 */

const KEY = 'flightdeck.token';

interface AuthState {
  readonly token: string | null;
  /** the API said 401: show the token prompt */
  readonly needsToken: boolean;
  /** bumped whenever the token changes, so data hooks fetch again */
  readonly epoch: number;
}

let state: AuthState = { token: readStored(), needsToken: false, epoch: 0 };
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function emit(next: AuthState): void {
  state = next;
  for (const l of listeners) l();
}

/** Move `?token=` from the address bar into localStorage (call once, before the router reads the URL). */
export function adoptTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  setToken(token);
}

export function setToken(token: string): void {
  try {
    localStorage.setItem(KEY, token);
  } catch {
    // private mode: keep it in memory only
  }
  emit({ token, needsToken: false, epoch: state.epoch + 1 });
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
  emit({ token: null, needsToken: true, epoch: state.epoch + 1 });
}

export function requireToken(): void {
  if (!state.needsToken) emit({ ...state, needsToken: true });
}

export function dismissTokenPrompt(): void {
  if (state.needsToken) emit({ ...state, needsToken: false });
}

export function authState(): AuthState {
  return state;
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
