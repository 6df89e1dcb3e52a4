/** The unified text diff of the two printed plans, GitHub-style: + and − lines coloured, hunk headers muted. */
import { memo } from 'react';

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'td-file';
  if (line.startsWith('@@')) return 'td-hunk';
  if (line.startsWith('+')) return 'td-add';
  if (line.startsWith('-')) return 'td-del';
  if (line.startsWith('\\')) return 'td-note';
  return 'td-ctx';
}

export const TextDiff = memo(function TextDiff({ text }: { text: string }) {
  if (!text.trim()) return <p className="muted">The printed plans are identical.</p>;
  return (
    <pre className="text-diff" data-testid="text-diff">
      {text.split('\n').map((line, i) => (
        <span key={i} className={lineClass(line)}>
          {line || ' '}
          {'\n'}
        </span>
      ))}
    </pre>
  );
});
