/** The loading, error and empty states every page shows the same way. */
import type { ReactNode } from 'react';
import type { ApiRequestError } from '../api/client.ts';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorView({ error, onRetry }: { error: ApiRequestError; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert" data-testid="error">
      <strong>{error.status ? `${error.status} ${error.code}` : error.code}</strong>: {error.message}
      {error.field && <span className="muted"> (input: {error.field})</span>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="state empty" data-testid="empty">
      {children}
    </div>
  );
}
