/**
 * One plan as a collapsible tree (see plan-html.ts for how each operator is
 * drawn and why it is built as one HTML string). Memoized on the plan: the
 * tree is rebuilt only when the plan itself changes.
 */
import { memo, useMemo } from 'react';
import type { PlanNodeView } from '../../../server/api-types.ts';
import { planHtml } from './plan-html.ts';

export const PlanTree = memo(function PlanTree({ root, side }: { root: PlanNodeView | null; side: 'base' | 'head' }) {
  const html = useMemo(() => (root ? planHtml(root) : ''), [root]);
  return (
    <div className="plan-tree" data-testid={`plan-${side}`} data-side={side}>
      {root ? <div dangerouslySetInnerHTML={{ __html: html }} /> : <p className="muted">No {side} plan: the {side} build did not compile this template.</p>}
    </div>
  );
});
