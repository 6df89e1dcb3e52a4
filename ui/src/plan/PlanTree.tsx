/**
 * One plan as a collapsible tree of plain DOM, PEV2-style: each operator a
 * row with its edit (insert / remove / move / update / keep — a coloured
 * border AND a letter, so colour is never the only signal), its arguments
 * (changed ones emphasised), estimated rows and, when flown, actual rows
 * and time; the operator whose actuals changed most is starred.
 *
 * Speed: a 300-operator plan is one memoized render of a recursive function
 * (no component per node, no per-node state). Collapsing uses native
 * <details>; highlighting the partner node is done by the parent on the DOM.
 */
import { memo, type ReactNode } from 'react';
import type { PlanNodeView } from '../../../server/api-types.ts';
import { fmtInt, fmtMs } from '../format.ts';
import { parseLabel } from './label.ts';

export const EDIT_MARK: Record<PlanNodeView['edit'], { letter: string; title: string }> = {
  insert: { letter: '+', title: 'inserted: only in the head plan' },
  remove: { letter: '−', title: 'removed: only in the base plan' },
  move: { letter: '↕', title: 'moved: same operator, another place in the tree' },
  update: { letter: '~', title: 'updated: same operator, changed arguments' },
  keep: { letter: '', title: 'unchanged' },
};

/** arguments shown as metrics instead of text */
const HIDDEN_ARGS = new Set(['estimated_cardinality']);

function misestimate(n: PlanNodeView): number | null {
  if (n.estimatedRows === undefined || n.actualRows === undefined) return null;
  const e = Math.max(1, n.estimatedRows);
  const a = Math.max(1, n.actualRows);
  return a >= e ? a / e : -(e / a);
}

function row(n: PlanNodeView, side: 'base' | 'head'): ReactNode {
  const mark = EDIT_MARK[n.edit];
  const { op, args, raw } = parseLabel(n.op, n.label);
  const changed = n.changedArgs && n.changedArgs.length ? new Set(n.changedArgs) : null;
  const mis = misestimate(n);
  return (
    <>
      <span className="pn-mark" title={mark.title} aria-label={n.edit === 'keep' ? undefined : mark.title}>
        {mark.letter}
      </span>
      <span className="pn-op">{op}</span>
      {n.mostChanged && (
        <span className="pn-hot" title="the operator whose actual rows or time changed most in the flight" data-testid="most-changed">
          ★ most changed
        </span>
      )}
      <span className="pn-metrics">
        {n.estimatedRows !== undefined && <span title="estimated rows">est {fmtInt(n.estimatedRows)}</span>}
        {n.actualRows !== undefined && <span title="actual rows (flight)">act {fmtInt(n.actualRows)}</span>}
        {n.actualMs !== undefined && <span title="actual time of this operator (flight)">{fmtMs(n.actualMs)}</span>}
        {mis !== null && Math.abs(mis) >= 10 && (
          <span className="pn-mis" title="actual rows differ from the estimate by this factor">
            {mis > 0 ? '▲' : '▼'}×{fmtInt(Math.abs(mis))}
          </span>
        )}
      </span>
      {raw !== null ? (
        <span className="pn-args">{raw}</span>
      ) : (
        args.length > 0 && (
          <span className="pn-args">
            {args
              .filter((a) => !HIDDEN_ARGS.has(a.key))
              .map((a) => (
                <span key={a.key} className={changed?.has(a.key) ? 'pn-arg changed' : 'pn-arg'} title={changed?.has(a.key) ? `${a.key} changed between base and head` : undefined}>
                  <span className="k">{a.key}</span>=<span className="v">{a.value}</span>
                </span>
              ))}
          </span>
        )
      )}
      <span className="sr-only">{side} operator {n.index}</span>
    </>
  );
}

function node(n: PlanNodeView, side: 'base' | 'head'): ReactNode {
  const common = {
    className: `pn edit-${n.edit}${n.mostChanged ? ' hot' : ''}`,
    'data-testid': 'plan-node',
    'data-index': n.index,
    'data-edit': n.edit,
    'data-partner': n.partner,
  };
  if (!n.children.length) {
    return (
      <li key={n.index} {...common}>
        <div className="pn-row" tabIndex={0}>
          {row(n, side)}
        </div>
      </li>
    );
  }
  return (
    <li key={n.index} {...common}>
      <details open>
        <summary className="pn-row">{row(n, side)}</summary>
        <ul>{n.children.map((c) => node(c, side))}</ul>
      </details>
    </li>
  );
}

export const PlanTree = memo(function PlanTree({ root, side }: { root: PlanNodeView | null; side: 'base' | 'head' }) {
  return (
    <div className="plan-tree" data-testid={`plan-${side}`} data-side={side}>
      {root ? <ul className="pn-root">{node(root, side)}</ul> : <p className="muted">No {side} plan: the {side} build did not compile this template.</p>}
    </div>
  );
});
