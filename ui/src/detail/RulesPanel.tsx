/** The rules each build fired for this template, and the difference (the likely culprits of a plan change). */
import { memo } from 'react';
import type { OutcomeRecord } from '../../../store/records.ts';

function RuleList({ rules, diff }: { rules: readonly string[]; diff: ReadonlySet<string> }) {
  if (!rules.length) return <p className="muted">none</p>;
  return (
    <ul className="rules">
      {rules.map((r, i) => (
        <li key={`${r}-${i}`} className={diff.has(r) ? 'rule-diff' : undefined}>
          <code>{r}</code>
        </li>
      ))}
    </ul>
  );
}

export const RulesPanel = memo(function RulesPanel({ outcome }: { outcome: OutcomeRecord }) {
  const culprits = new Set(outcome.rulesDiff.map((r) => r.replace(/^[+\-±~]\s*/, '')));
  return (
    <div className="rules-panel" data-testid="rules">
      <div>
        <h3>Base fired</h3>
        <RuleList rules={outcome.baseRules} diff={culprits} />
      </div>
      <div>
        <h3>Head fired</h3>
        <RuleList rules={outcome.headRules} diff={culprits} />
      </div>
      <div>
        <h3>Difference (culprits)</h3>
        {outcome.rulesDiff.length ? (
          <ul className="rules">
            {outcome.rulesDiff.map((r) => (
              <li key={r} className={r.startsWith('-') ? 'td-del' : r.startsWith('+') ? 'td-add' : undefined}>
                <code>{r}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Both builds fired the same rules.</p>
        )}
      </div>
    </div>
  );
});
