/**
 * The frame of every page: the top bar (home, who is signed in, the
 * approvals file actions) and the token prompt.
 */
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiRequestError, apiPost, downloadJson } from '../api/client.ts';
import { canApprove, useMe } from '../api/hooks.ts';
import { TokenPrompt } from './TokenPrompt.tsx';

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const fail = (e: unknown) => setNote({ ok: false, text: e instanceof ApiRequestError ? `${e.code}: ${e.message}` : String(e) });
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          ✈ flightdeck
        </Link>
        <nav aria-label="main">
          <Link to="/">Runs</Link>
        </nav>
        <span className="spacer" />
        <span className="approvals-actions">
          Approvals file:
          <button type="button" className="link" onClick={() => downloadJson('/api/approvals', 'flightdeck.approvals.json').catch(fail)} data-testid="approvals-download">
            download
          </button>
          <button
            type="button"
            className="link"
            disabled={!canApprove(me.data)}
            title={canApprove(me.data) ? "write the store's approvals into the repository's file" : 'needs the reviewer role'}
            onClick={() =>
              apiPost<{ path: string; approvals: number }>('/api/approvals/write', {}).then((r) => setNote({ ok: true, text: `wrote ${r.approvals} approvals to ${r.path}` }), fail)
            }
            data-testid="approvals-write"
          >
            write to repository
          </button>
        </span>
        <span className="me" data-testid="me">
          {me.data ? (
            <>
              {me.data.name} <span className={`role role-${me.data.role}`}>{me.data.role}</span>
            </>
          ) : me.error ? (
            <span className="muted">not signed in</span>
          ) : null}
        </span>
      </header>
      {note && (
        <div className={`note ${note.ok ? 'ok' : 'error'}`} role="status">
          {note.text}{' '}
          <button type="button" className="link" onClick={() => setNote(null)}>
            dismiss
          </button>
        </div>
      )}
      <main id="main">{children}</main>
      <TokenPrompt />
    </>
  );
}
