/**
 * The host's reading of one `execute` request (process-build.ts sends it):
 * how the request ended → ExecuteResult. Kept apart from ProcessBuild so the
 * status rules sit in one place:
 *
 * - an answer `ok:true` → the success, as validated (protocol.ts);
 * - an answer `ok:false` with code `unsupported-op` (or, from builds older
 *   than `execute`, `protocol-error` "unknown op") → `not-executable`: the
 *   build cannot execute, which is never a failure of the build;
 * - another `ok:false` → its `status` (`error` when it gives none);
 * - no answer in time → `timeout` (the build interrupts a query itself at
 *   the limit; the host kills the process only when even that answer does
 *   not come); the process died → `crash`; a malformed or oversized answer
 *   → `error` with `protocol-error` / `answer-too-large`.
 */
import type { RequestOutcome } from './build-process.ts';
import type { ExecuteFailure, ExecuteFailureStatus, ExecuteResult } from './execute-result.ts';
import type { checkExecuteAnswer } from './protocol.ts';

/** How long the host waits past the build's own time limit before it kills the process. */
export const EXECUTE_GRACE_MS = 5_000;

export interface ExecuteContext {
  readonly spec: string;
  readonly timeoutMs: number;
  readonly latencyMs: number;
  readonly check: typeof checkExecuteAnswer;
}

export type ExecuteReading =
  | { readonly result: ExecuteResult; readonly restart?: false; readonly refused?: string }
  | { readonly result: ExecuteResult; readonly restart: true };

export function readExecuteOutcome(outcome: RequestOutcome, ctx: ExecuteContext): ExecuteReading {
  const fail = (status: ExecuteFailureStatus, code: string, message: string): ExecuteFailure => ({ ok: false, status, error: { code, message }, latencyMs: ctx.latencyMs });
  switch (outcome.kind) {
    case 'timeout':
      return { result: fail('timeout', 'build-timeout', `no answer within ${ctx.timeoutMs} ms (+${EXECUTE_GRACE_MS} ms grace); the build process was killed`) };
    case 'exit':
      return { result: fail('crash', 'build-crash', outcome.reason) };
    case 'protocol':
      return { result: fail('error', 'protocol-error', `${outcome.reason} (the build process was restarted)`) };
    case 'too-large':
      return { result: fail('error', 'answer-too-large', `${outcome.reason}; ask for fewer rows (maxRows) (the build process was restarted)`) };
    case 'answer':
      break;
  }
  const checked = ctx.check(outcome.value);
  if (checked.ok === null) return { result: fail('error', 'protocol-error', `${checked.reason} (the build process was restarted)`), restart: true };
  if (checked.ok) {
    const a = checked.answer;
    return {
      result: { ok: true, latencyMs: a.latencyMs, ...(a.result !== undefined ? { result: a.result } : {}), ...(a.profile !== undefined ? { profile: a.profile } : {}) },
    };
  }
  const e = checked.failure.error;
  if (e.code === 'unsupported-op' || (e.code === 'protocol-error' && /unknown op/.test(e.message))) {
    const refused = `${ctx.spec} cannot execute queries (it answers: ${e.message})`;
    return { result: fail('not-executable', 'not-executable', refused), refused };
  }
  return { result: { ok: false, status: checked.failure.status ?? 'error', error: { code: e.code, message: e.message }, latencyMs: checked.failure.latencyMs ?? ctx.latencyMs } };
}
