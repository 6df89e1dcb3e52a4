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

export interface Counter {
  update(done: number, total: number): void;
  stop(): void;
}

/** A bar for counted work (templates compared); plain lines every 10% without a terminal. */
export function createCounter(title: string): Counter {
  if (!process.stderr.isTTY) {
    let lastTenth = -1;
    return {
      update(done, total) {
        const tenth = total ? Math.floor((done / total) * 10) : 10;
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          process.stderr.write(`${title}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
