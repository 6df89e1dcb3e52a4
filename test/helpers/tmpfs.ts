/**
 * A tiny, private tmpfs for tests of full or read-only disks. Mounting needs
 * root (CAP_SYS_ADMIN); where that is impossible `mountTmpfs` returns the
 * reason, and the test skips with it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly dir: string;
  /** fill every free byte with one file (returns its path): the next write gets ENOSPC */
  fill(): string;
  remount(mode: 'ro' | 'rw'): void;
  unmount(): void;
}

function sh(args: string[]): { ok: boolean; why: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.stderr || r.error?.message || `exit ${r.status}`).trim() };
}

export function mountTmpfs(sizeBytes: number): Tmpfs | string {
  const dir = mkdtempSync(join(tmpdir(), 'fd-tmpfs-'));
  const m = sh(['mount', '-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0777`, 'tmpfs', dir]);
  if (!m.ok) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (needs root): ${m.why}`;
  }
  return {
    dir,
    fill() {
      const path = join(dir, 'filler');
      const fd = openSync(path, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      // the last partial page too
      try {
        for (;;) writeSync(fd, chunk, 0, 512);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return path;
    },
    remount(mode) {
      const r = sh(['mount', '-o', `remount,${mode}`, dir]);
      if (!r.ok) throw new Error(`remount ${mode} ${dir}: ${r.why}`);
    },
    unmount() {
      sh(['umount', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
