/**
 * Base and head plans side by side as trees, each pane scrolling on its
 * own, with the diff's counts as a legend, and a toggle (kept in the URL as
 * `?view=text`) to the unified text diff. Hovering or focusing an operator
 * highlights its partner in the other tree — done on the DOM by event
 * delegation, so it never re-renders the trees.
 *
 * The trees mount in their own commit, just after the rest of the page
 * (so the SQL, charts and flight panel never wait for them), and the time
 * of that commit — React render, DOM creation and insertion of both trees —
 * is recorded as the user-timing measure `plan-diff-render` (and
 * `data-render-ms` on the container) for the browser benchmark.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { PlanDiffView } from '../../../server/api-types.ts';
import { EDIT_MARK } from './plan-html.ts';
import { PlanTree } from './PlanTree.tsx';
import { TextDiff } from './TextDiff.tsx';

const EDITS = ['insert', 'remove', 'move', 'update', 'keep'] as const;

export function PlanDiff({ plans }: { plans: PlanDiffView }) {
  const [params, setParams] = useSearchParams();
  const textView = params.get('view') === 'text';
  const ref = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const t0 = performance.now();
  useLayoutEffect(() => {
    if (textView || !ready) return;
    const end = performance.now();
    performance.measure('plan-diff-render', { start: t0, end });
    ref.current?.setAttribute('data-render-ms', (end - t0).toFixed(2));
    // measure only when the trees themselves render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [plans, textView, ready]);

  const lit = useRef<Element[]>([]);
  const clear = () => {
    for (const el of lit.current) el.classList.remove('pn-lit');
    lit.current = [];
  };
  const highlight = useCallback((e: SyntheticEvent, scroll: boolean) => {
    const li = (e.target as Element).closest('li.pn');
    const tree = li?.closest('.plan-tree');
    clear();
    if (!li || !tree || !ref.current) return;
    li.classList.add('pn-lit');
    lit.current.push(li);
    const partner = li.getAttribute('data-partner');
    if (partner === null) return;
    const other = tree.getAttribute('data-side') === 'base' ? 'head' : 'base';
    const p = ref.current.querySelector(`.plan-tree[data-side="${other}"] li.pn[data-index="${partner}"]`);
    if (!p) return;
    p.classList.add('pn-lit');
    lit.current.push(p);
    if (scroll) p.querySelector('.pn-row')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, []);

  return (
    <div className="plan-diff" ref={ref}>
      <div className="plan-diff-bar">
        <span className="plan-legend" data-testid="plan-diff-counts">
          {EDITS.map((k) => (
            <span key={k} className={`legend edit-${k}`} title={EDIT_MARK[k].title}>
              <span className="pn-mark">{EDIT_MARK[k].letter || '·'}</span>
              {plans.counts[k]} {k === 'keep' ? 'kept' : `${k}${k.endsWith('e') ? 'd' : 'ed'}`}
            </span>
          ))}
          <span className="muted small" title="per operator: estimated rows · actual rows · actual time, the last two when the flight recorded them; ▲/▼×N: actual rows N times the estimate">
            · {plans.level} plans · est / act rows · time
          </span>
        </span>
        <span className="spacer" />
        <button type="button" aria-pressed={textView} onClick={() => setParams((p) => (textView ? (p.delete('view'), p) : (p.set('view', 'text'), p)), { replace: true })} data-testid="text-diff-toggle">
          {textView ? 'Show trees' : 'Show text diff'}
        </button>
      </div>
      {plans.description && <p className="plan-description">{plans.description}</p>}
      {textView ? (
        <TextDiff text={plans.textDiff} />
      ) : !ready ? (
        <p className="muted">Drawing the plans…</p>
      ) : (
        <div className="plan-panes" onMouseOver={(e) => highlight(e, false)} onFocus={(e) => highlight(e, true)} onMouseLeave={clear}>
          <section className="plan-pane" aria-label="base plan">
            <h3>Base</h3>
            <PlanTree root={plans.base} side="base" />
          </section>
          <section className="plan-pane" aria-label="head plan">
            <h3>Head</h3>
            <PlanTree root={plans.head} side="head" />
          </section>
        </div>
      )}
    </div>
  );
}
