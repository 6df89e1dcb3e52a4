/** Previous / next paging for a server-paged list, with "a–b of n". */
export function Pager({ offset, limit, total, onPage, testid }: { offset: number; limit: number; total: number; onPage: (offset: number) => void; testid?: string }) {
  if (total <= limit && offset === 0) return <div className="pager muted">{total.toLocaleString('en-US')} in all</div>;
  const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
  return (
    <nav className="pager" aria-label="pages" data-testid={testid ?? 'pager'}>
      <button type="button" onClick={() => onPage(0)} disabled={offset === 0}>
        « first
      </button>
      <button type="button" onClick={() => onPage(Math.max(0, offset - limit))} disabled={offset === 0}>
        ‹ previous
      </button>
      <span>
        {total === 0 ? 0 : (offset + 1).toLocaleString('en-US')}–{Math.min(total, offset + limit).toLocaleString('en-US')} of {total.toLocaleString('en-US')}
      </span>
      <button type="button" onClick={() => onPage(offset + limit)} disabled={offset + limit >= total}>
        next ›
      </button>
      <button type="button" onClick={() => onPage(last)} disabled={offset >= last}>
        last »
      </button>
    </nav>
  );
}
