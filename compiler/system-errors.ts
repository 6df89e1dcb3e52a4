/**
 * Operating-system failures (a full disk, a permission, a path that is a
 * folder) as FlightdeckErrors that name the path and say what to do, instead
 * of leaking as `internal-error` or as the confusing follow-up error of the
 * library that hit them (DuckDB: "cannot rollback - no transaction is
 * active" after a write failed on a full disk).
 *
 * Node reports these as errno codes (`err.code`, `err.path`); DuckDB only as
 * text ("IO Error: Could not write file \"x.wal\": No space left on device"),
 * so both are recognised.
 */
import { statSync, type Stats } from 'node:fs';
import { FlightdeckError, type ErrorCode } from './errors.ts';

interface SystemErrorKind {
  readonly code: ErrorCode;
  /** what went wrong, with the path */
  readonly message: (path: string) => string;
}

const KINDS: Readonly<Record<string, SystemErrorKind>> = {
  ENOSPC: { code: 'environment-error', message: (p) => `no space left on ${p}: free space on that disk or choose another place` },
  EDQUOT: { code: 'environment-error', message: (p) => `disk quota exceeded on ${p}: free space or choose another place` },
  EACCES: { code: 'environment-error', message: (p) => `permission denied on ${p}: check its owner and mode, or choose another place` },
  EPERM: { code: 'environment-error', message: (p) => `operation not permitted on ${p}: check its owner and mode, or choose another place` },
  EROFS: { code: 'environment-error', message: (p) => `${p} is on a read-only file system` },
  ENOTDIR: { code: 'environment-error', message: (p) => `a part of ${p} is a file, not a folder` },
  EISDIR: { code: 'environment-error', message: (p) => `${p} is a folder, expected a file` },
  EEXIST: { code: 'environment-error', message: (p) => `${p} already exists (and is in the way)` },
  ESPIPE: { code: 'environment-error', message: (p) => `${p} is a pipe or a terminal, not a regular file` },
  ENXIO: { code: 'environment-error', message: (p) => `${p} is a pipe or device with nothing on the other end` },
  ENAMETOOLONG: { code: 'environment-error', message: (p) => `the path ${p} is too long` },
  ELOOP: { code: 'environment-error', message: (p) => `${p} is a loop of symbolic links` },
  EMFILE: { code: 'environment-error', message: (p) => `too many open files while opening ${p}: raise the limit (ulimit -n)` },
  ENFILE: { code: 'environment-error', message: (p) => `too many open files in the system while opening ${p}` },
  EIO: { code: 'io-error', message: (p) => `input/output error on ${p}: the disk or network file system failed` },
  ENOENT: { code: 'not-found', message: (p) => `no such file or folder: ${p}` },
};

/** strerror texts (as DuckDB and other C libraries print them) → errno code */
const TEXTS: readonly (readonly [RegExp, string])[] = [
  [/no space left on device/i, 'ENOSPC'],
  [/disk quota exceeded/i, 'EDQUOT'],
  [/permission denied/i, 'EACCES'],
  [/operation not permitted/i, 'EPERM'],
  [/read-only file system/i, 'EROFS'],
  [/not a directory/i, 'ENOTDIR'],
  [/is a directory/i, 'EISDIR'],
  [/illegal seek/i, 'ESPIPE'],
  [/too many open files/i, 'EMFILE'],
  [/input\/output error/i, 'EIO'],
  [/no such file or directory/i, 'ENOENT'],
];

/** The errno code of a Node system error, or the one a C library's message names. */
export function systemErrorCode(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.code === 'string' && KINDS[e.code]) return e.code;
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  if (!text) return undefined;
  return TEXTS.find(([re]) => re.test(text))?.[1];
}

/**
 * Name a system error: `fromSystemError(err, path)` is a FlightdeckError with
 * a code (`environment-error`, `not-found`, `io-error`), the path in the
 * message, and the original error as `cause`; `undefined` when
 * `err` is not a system error (let the caller decide). `path` defaults to the
 * one Node put on the error.
 */
export function fromSystemError(err: unknown, path?: string): FlightdeckError | undefined {
  const errno = systemErrorCode(err);
  if (!errno) return undefined;
  // Node puts no path on a failed write(2) to an open file: then say what is known
  const where = path ?? (err as NodeJS.ErrnoException).path ?? quotedPath(err) ?? (errno === 'ENOSPC' || errno === 'EDQUOT' ? 'the device' : 'a file');
  // the message names the path; a location would print it twice (`code at PATH: … PATH …`)
  return new FlightdeckError(KINDS[errno]!.code, KINDS[errno]!.message(where), { cause: err });
}

/** the first "quoted" path in a C library's message (DuckDB: Could not write file "x.wal") */
function quotedPath(err: unknown): string | undefined {
  const text = err instanceof Error ? err.message : undefined;
  return text ? /"(\/[^"]+)"/.exec(text)?.[1] : undefined;
}

/**
 * Fail unless `path` is missing or a regular file: a folder, pipe or device
 * given where a data file belongs is refused at once, with the path, instead
 * of being opened (reading a pipe with no writer waits forever).
 */
export function refuseNonFile(path: string, what: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fromSystemError(err, path) ?? err;
  }
  if (st.isFile()) return;
  const kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  throw new FlightdeckError('environment-error', `${path} is ${kind}, expected ${what} (a regular file)`);
}
