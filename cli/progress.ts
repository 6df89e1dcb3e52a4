/**
 * Progress for long jobs: a cli-progress bar on a terminal, one plain line
 * per step otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  step(label: string): void;
  stop(): void;
}

export function createProgress(title: string, total: number): Progress {
  if (!process.stderr.isTTY) {
    let done = 0;
    return {
      step(label) {
        done++;
        process.stderr.write(`${title}: ${label} (${done}/${total})\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    step(label) {
      bar.increment(1, { label });
    },
    stop() {
      bar.stop();
    },
  };
}
