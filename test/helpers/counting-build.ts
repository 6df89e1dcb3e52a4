/**
 * Builds for retry tests that count their starts: each start appends a line
 * to a file, then the build crashes (exit 3, a failure that may pass next
 * time) or refuses `hello` (one that never will).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A build that appends a line to `counter` at every start, then crashes (exit 3) or refuses `hello`. */
export function countingBuild(dir: string, behaviour: 'crash' | 'refuse'): { spec: string; starts: () => number } {
  const script = join(dir, `${behaviour}-build.mjs`);
  const counter = join(dir, `${behaviour}.count`);
  writeFileSync(
    script,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'start\\n');
${behaviour === 'crash'
  ? `process.stderr.write('out of memory (simulated)\\n'); process.exit(3);`
  : `process.stdin.once('data', (d) => { const m = JSON.parse(String(d).split('\\n')[0]);
  process.stdout.write(JSON.stringify({ id: m.id, ok: false, error: { code: 'catalog-error', message: 'this catalog is not mine' } }) + '\\n'); });`}
`,
  );
  return {
    spec: `command:${process.execPath} ${script}`,
    starts: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

