/**
 * A plan tree as one HTML string, PEV2-style: each operator a row with its
 * edit (insert / remove / move / update / keep — a coloured border AND a
 * letter, so colour is never the only signal), its arguments (changed ones
 * emphasised), estimated rows and, when flown, actual rows and time; the
 * operator whose actuals changed most is starred.
 *
 * Why a string: a 300-operator diff is ~5,000 elements, and handing them to
 * the browser's HTML parser in one assignment is several times faster than
 * creating them through React one by one — the tree must render in under
 * 100 ms (styles.css also lets the browser skip laying out operators
 * scrolled out of view). Every text goes through `esc`. Collapsing is native <details>;
 * partner highlighting is done by PlanDiff on the DOM.
 */
import type { PlanNodeView } from '../../../server/api-types.ts';
import { fmtInt, fmtMs } from '../format.ts';
import { parseLabel, type PlanArg } from './label.ts';

export const EDIT_MARK: Record<PlanNodeView['edit'], { letter: string; title: string }> = {
  insert: { letter: '+', title: 'inserted: only in the head plan' },
  remove: { letter: '−', title: 'removed: only in the base plan' },
  move: { letter: '↕', title: 'moved: same operator, another place in the tree' },
  update: { letter: '~', title: 'updated: same operator, changed arguments' },
  keep: { letter: '', title: 'unchanged' },
};

/** arguments shown as metrics instead of text */
const HIDDEN_ARGS = new Set(['estimated_cardinality']);

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]!);
}

function argsHtml(args: readonly PlanArg[], changed: ReadonlySet<string> | null): string {
  const parts: string[] = [];
  for (const a of args) {
    if (HIDDEN_ARGS.has(a.key)) continue;
    const text = esc(`${a.key}=${a.value}`);
    parts.push(changed?.has(a.key) ? `<mark class="pn-arg changed" title="${esc(a.key)} changed between base and head">${text}</mark>` : text);
  }
  return parts.join(', ');
}

/** estimated and actual rows and time as one text (few elements, no per-node title: the tree must stay cheap; the legend explains them); a misestimate of 10× or more flagged */
function metricsHtml(n: PlanNodeView): string {
  const parts: string[] = [];
  if (n.estimatedRows !== undefined) parts.push(`est ${fmtInt(n.estimatedRows)}`);
  if (n.actualRows !== undefined) parts.push(`act ${fmtInt(n.actualRows)}`);
  if (n.actualMs !== undefined) parts.push(fmtMs(n.actualMs));
  if (!parts.length) return '';
  let m = `<span class="pn-metrics">${esc(parts.join(' · '))}</span>`;
  if (n.estimatedRows !== undefined && n.actualRows !== undefined) {
    const e = Math.max(1, n.estimatedRows);
    const a = Math.max(1, n.actualRows);
    const f = a >= e ? a / e : e / a;
    if (f >= 10) m += `<span class="pn-mis" title="actual rows differ from the estimate by this factor">${a >= e ? '▲' : '▼'}×${fmtInt(f)}</span>`;
  }
  return m;
}

function rowHtml(n: PlanNodeView): string {
  const mark = EDIT_MARK[n.edit];
  const { op, args, raw } = parseLabel(n.op, n.label);
  const changed = n.changedArgs?.length ? new Set(n.changedArgs) : null;
  // unchanged operators carry no mark element (most of a plan is unchanged: fewer elements, faster tree)
  let h = n.edit === 'keep' ? '' : `<span class="pn-mark" title="${mark.title}" aria-label="${mark.title}">${mark.letter}</span>`;
  h += `<span class="pn-op">${esc(op)}</span>`;
  if (n.mostChanged) h += '<span class="pn-hot" data-testid="most-changed" title="the operator whose actual rows or time changed most in the flight">★ most changed</span>';
  h += metricsHtml(n);
  const a = raw !== null ? esc(raw) : argsHtml(args, changed);
  if (a) h += `<span class="pn-args">${a}</span>`;
  return h;
}

function nodeHtml(n: PlanNodeView, out: string[]): void {
  const partner = n.partner === undefined ? '' : ` data-partner="${n.partner}"`;
  out.push(`<li class="pn edit-${n.edit}${n.mostChanged ? ' hot' : ''}" data-testid="plan-node" data-index="${n.index}" data-edit="${n.edit}"${partner}>`);
  if (!n.children.length) {
    out.push(`<div class="pn-row" tabindex="0">${rowHtml(n)}</div></li>`);
    return;
  }
  out.push(`<details open><summary class="pn-row">${rowHtml(n)}</summary><ul>`);
  for (const c of n.children) nodeHtml(c, out);
  out.push('</ul></details></li>');
}

export function planHtml(root: PlanNodeView): string {
  const out: string[] = ['<ul class="pn-root">'];
  nodeHtml(root, out);
  out.push('</ul>');
  return out.join('');
}
