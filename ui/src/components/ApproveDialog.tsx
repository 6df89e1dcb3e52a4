/**
 * Approve a template's head plan, or every changed template of a cluster,
 * with a required reason (reviewer role). A viewer sees the button disabled
 * and why. On success the caller is told at once so the page shows it.
 */
import { useId, useState } from 'react';
import type { ApprovalRequest, ApprovalResult, Me } from '../../../server/api-types.ts';
import { ApiRequestError, apiPost } from '../api/client.ts';
import { canApprove } from '../api/hooks.ts';
import { Dialog } from './Dialog.tsx';

interface Props {
  readonly me: Me | null;
  readonly request: Omit<ApprovalRequest, 'why'>;
  /** what is approved, in words: "template 1a2b…" or "cluster: join reordered (12 templates)" */
  readonly what: string;
  readonly label?: string;
  readonly onApproved: (result: ApprovalResult, why: string) => void;
}

export function ApproveButton({ me, request, what, label, onApproved }: Props) {
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [done, setDone] = useState<ApprovalResult | null>(null);
  const whyId = useId();
  const allowed = canApprove(me);
  const reasonDisabled = me === null ? 'checking your role…' : `approving needs the reviewer role; you are ${me.name} (${me.role})`;
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={!allowed}
        title={allowed ? `approve ${what}` : reasonDisabled}
        aria-describedby={allowed ? undefined : whyId}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        data-testid="approve-button"
      >
        {label ?? 'Approve'}
      </button>
      {!allowed && (
        <span id={whyId} className="muted small" data-testid="approve-disabled-reason">
          {reasonDisabled}
        </span>
      )}
      {done && (
        <span className="approved" role="status" data-testid="approve-result">
          ✓ approved {done.approved} plan{done.approved === 1 ? '' : 's'}, {done.outcomesMarked} outcome{done.outcomesMarked === 1 ? '' : 's'} marked
        </span>
      )}
      <Dialog open={open} title={`Approve ${what}`} onClose={() => setOpen(false)} testid="approve-dialog">
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!why.trim()) return;
            setBusy(true);
            setError(null);
            try {
              const result = await apiPost<ApprovalResult>('/api/approvals', { ...request, why: why.trim() } satisfies ApprovalRequest);
              setOpen(false);
              setDone(result);
              onApproved(result, why.trim());
              setWhy('');
            } catch (err) {
              setError(err instanceof ApiRequestError ? err : new ApiRequestError(0, 'client', (err as Error).message));
            } finally {
              setBusy(false);
            }
          }}
        >
          <p>Later runs will not flag this head plan again. The approval and your reason go to the audit log.</p>
          <label>
            Reason (required)
            <textarea required autoFocus rows={3} value={why} onChange={(e) => setWhy(e.target.value)} data-testid="approve-reason" placeholder="e.g. expected: join reordering from PR #123" />
          </label>
          {error && (
            <p className="error" role="alert">
              {error.code}: {error.message}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || !why.trim()} data-testid="approve-submit">
              {busy ? 'Approving…' : 'Approve'}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
