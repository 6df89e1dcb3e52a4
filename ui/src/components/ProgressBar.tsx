/** A run's progress as a native <progress> with its numbers beside it (readable by screen readers and tests). */
export function ProgressBar({ done, total, label }: { done: number; total: number; label?: string }) {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <span className="progress" data-testid="progress-bar" data-done={done} data-total={total}>
      <progress max={total || 1} value={done} aria-label={label ?? 'progress'} />
      <span className="progress-text">
        {done.toLocaleString('en-US')} / {total.toLocaleString('en-US')} ({pct.toFixed(0)}%)
      </span>
    </span>
  );
}
