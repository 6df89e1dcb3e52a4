/** SQL with syntax highlighting: highlight.js core plus only its SQL grammar (keeps the bundle small). */
import { memo, useMemo } from 'react';
import hljs from 'highlight.js/lib/core';
import sql from 'highlight.js/lib/languages/sql';

hljs.registerLanguage('sql', sql);

export const SqlView = memo(function SqlView({ text, testid }: { text: string; testid?: string }) {
  // highlight.js escapes the input it returns as HTML
  const html = useMemo(() => hljs.highlight(text, { language: 'sql', ignoreIllegals: true }).value, [text]);
  return (
    <pre className="sql hljs" data-testid={testid ?? 'sql'}>
      <code dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
});
