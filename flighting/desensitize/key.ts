/**
 * The masking key: 32 random bytes in a file of mode 0600. Loaded, used as a
 * query parameter and in the literal masker, never printed, stored or
 * written into a snapshot or report. `MaskingKey` hides the bytes from
 * JSON.stringify, util.inspect and string conversion.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { FlightdeckError } from '../../compiler/errors.ts';

export const KEY_BYTES = 32;

const secret = new WeakMap<MaskingKey, string>();

export class MaskingKey {
  constructor(bytes: Buffer) {
    if (bytes.length !== KEY_BYTES) throw new FlightdeckError('usage-error', `a masking key is ${KEY_BYTES} bytes, got ${bytes.length}`);
    secret.set(this, bytes.toString('hex'));
  }
  /** the key as 64 hex characters: for the masking SQL's parameter and the literal masker only */
  revealHex(): string {
    return secret.get(this)!;
  }
  toString(): string {
    return 'MaskingKey(hidden)';
  }
  toJSON(): string {
    return 'MaskingKey(hidden)';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'MaskingKey(hidden)';
  }
}

/** Write a new key; refuses to overwrite an existing file. */
export function writeNewKey(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FlightdeckError(code === 'EEXIST' ? 'usage-error' : 'io-error', code === 'EEXIST' ? `key file ${path} exists; a key is never overwritten (masking with a new key gives other pseudonyms)` : `cannot write key file ${path}: ${(err as Error).message}`, { location: { file: path } });
  }
  try {
    fchmodSync(fd, 0o600); // the umask may have narrowed it further, never widened; make it exact
    writeSync(fd, randomBytes(KEY_BYTES));
  } finally {
    closeSync(fd);
  }
}

export function loadKey(path: string): MaskingKey {
  let bytes: Buffer;
  try {
    const mode = statSync(path).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new FlightdeckError('usage-error', `key file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`, { location: { file: path } });
    }
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof FlightdeckError) throw err;
    throw new FlightdeckError('not-found', `cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { location: { file: path } });
  }
  if (bytes.length !== KEY_BYTES) {
    throw new FlightdeckError('usage-error', `key file ${path} holds ${bytes.length} bytes, a masking key is ${KEY_BYTES} (write one with: flightdeck desensitize --new-key ${path})`, { location: { file: path } });
  }
  return new MaskingKey(bytes);
}
