/**
 * Reading a large answer from a build process, against a raw pipe read of
 * the same bytes in the same run. The build is the Python fixture
 * (test/fixtures/command-build/fake_planner.py), which writes an answer of
 * N bytes in 64 KB pieces for `/*big:N*\/`:
 *
 * - raw: the fixture's stdout read to the end of the answer line, bytes only
 *   (the floor: Python writing, the pipe, node reading);
 * - host: BuildProcess.request — the same bytes split into lines, decoded,
 *   JSON.parse'd into the answer object.
 *
 * Before the one-pass reader, 40 MB took ~11 s and ~780 MB (the buffer was
 * searched again for every piece). Prints the ratio and the bytes scanned.
 *
 *   node --import tsx bench/build-answer.ts [--rounds N]
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildProcess } from '../compiler/builds/build-process.ts';

const FIXTURE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'test/fixtures/command-build/fake_planner.py');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const SIZES = [1_000_000, 10_000_000, 40_000_000];
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Time from sending the compile to having read the whole answer line, bytes only. */
async function rawRead(size: number): Promise<number> {
  const child = spawn('python3', [FIXTURE], { stdio: ['pipe', 'pipe', 'inherit'] });
  let lines = 0;
  let t0 = 0;
  const done = new Promise<number>((resolveDone) => {
    child.stdout.on('data', (chunk: Buffer) => {
      let at = chunk.indexOf(10);
      while (at >= 0) {
        lines++;
        if (lines === 1) {
          t0 = performance.now();
          child.stdin.write(JSON.stringify({ id: 2, op: 'compile', sql: `select /*big:${size}*/ 1` }) + '\n');
        } else if (lines === 2) resolveDone(performance.now() - t0);
        at = chunk.indexOf(10, at + 1);
      }
    });
  });
  child.stdin.write(JSON.stringify({ id: 1, op: 'hello', catalog: '/dev/null', protocol: 1 }) + '\n');
  const ms = await done;
  child.kill('SIGKILL');
  return ms;
}

/** Decoding and JSON.parse of the same answer in memory: the part of the host's time that is not reading. */
function parseOnly(size: number): number {
  const line = Buffer.from(JSON.stringify({ id: 2, ok: true, cost: 1, rows: 1, plan: { simplified: 'Big\n', json: { op: 'Big' }, explain: 'x'.repeat(size) } }));
  const t0 = performance.now();
  JSON.parse(line.toString('utf8'));
  return performance.now() - t0;
}

async function hostRead(size: number): Promise<{ ms: number; scanned: number; rssMb: number }> {
  const proc = new BuildProcess({ command: 'python3', args: [FIXTURE] });
  await proc.request({ id: 1, op: 'hello', catalog: '/dev/null', protocol: 1 }, 60_000);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const r = await proc.request({ id: 2, op: 'compile', sql: `select /*big:${size}*/ 1` }, 600_000);
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  if (r.kind !== 'answer') throw new Error(`no answer: ${JSON.stringify(r)}`);
  const scanned = proc.scannedBytes;
  await proc.shutdown();
  return { ms, scanned, rssMb: (peak - rss0) / 1e6 };
}

process.stdout.write(`answer size   raw pipe   decode+parse   host read   host/(raw+parse)   host/raw   scanned/answer   RSS growth   (median of ${rounds})\n`);
for (const size of SIZES) {
  const raw: number[] = [];
  const host: number[] = [];
  const parse: number[] = [];
  let scanned = 0;
  let rss = 0;
  for (let i = 0; i < rounds; i++) {
    raw.push(await rawRead(size));
    parse.push(parseOnly(size));
    const h = await hostRead(size);
    host.push(h.ms);
    scanned = h.scanned;
    rss = Math.max(rss, h.rssMb);
    globalThis.gc?.();
  }
  const r = median(raw);
  const h = median(host);
  const p = median(parse);
  process.stdout.write(
    `${(size / 1e6).toFixed(0).padStart(5)} MB   ${r.toFixed(0).padStart(6)} ms  ${p.toFixed(0).padStart(9)} ms  ${h.toFixed(0).padStart(7)} ms  ${(h / (r + p)).toFixed(2).padStart(12)}×   ${(h / r).toFixed(2).padStart(8)}×   ${(scanned / size).toFixed(3).padStart(10)}×     ${rss.toFixed(0).padStart(5)} MB\n`,
  );
}
