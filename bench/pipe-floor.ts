/** Shared by the benchmarks that measure a process hop (duckdb-harness, flight-overhead). */
import { spawn } from 'node:child_process';

const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The physical floor of process isolation on this machine: one request and
 * one answer of the same size over stdio pipes to a child that only echoes.
 */
export async function pipeRoundTripMs(bytes: number, n: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', "let b='';process.stdin.setEncoding('utf8');process.stdin.on('data',d=>{b+=d;let i;while((i=b.indexOf('\\n'))>=0){process.stdout.write(b.slice(0,i+1));b=b.slice(i+1);}})"], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout!.setEncoding('utf8');
  let waiting: (() => void) | null = null;
  let got = '';
  child.stdout!.on('data', (d: string) => {
    got += d;
    if (got.endsWith('\n')) {
      got = '';
      waiting?.();
    }
  });
  const line = 'x'.repeat(bytes) + '\n';
  const once = () => new Promise<void>((r) => {
    waiting = r;
    child.stdin!.write(line);
  });
  for (let i = 0; i < 200; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  child.kill();
  return median(times);
}
