/**
 * A log's bytes and lines, for every reader: a file, a gzip-compressed file
 * (`.gz`, decompressed as it streams) or standard input (`-`). Lines are
 * split on bytes, so memory holds one line at a time, and a line longer than
 * the limit is skipped as it streams (never held whole) and reported
 * `too-large`. Each line is decoded strictly: text that is not valid in the
 * log's encoding (UTF-8 unless told) stops the import with the line number,
 * instead of being stored with replacement characters.
 */
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FlightdeckError } from '../../compiler/errors.ts';
import { reject, type LogReject } from './types.ts';

/** the path that means standard input */
export const STDIN = '-';
/** how standard input is named in reports, reject places and a workload's sources */
export const STDIN_NAME = '(stdin)';
/** statements longer than this (in bytes) are rejected `too-large` unless the limit is raised */
export const DEFAULT_MAX_STATEMENT_BYTES = 1024 * 1024;

export interface SourceOptions {
  /** a WHATWG encoding label (`utf-8`, `latin1`, `windows-1252`, `shift_jis`, …); default utf-8 */
  readonly encoding?: string;
  /** longest statement to import, in bytes (default DEFAULT_MAX_STATEMENT_BYTES) */
  readonly maxStatementBytes?: number;
}

export type SourceLine =
  | { readonly kind: 'line'; readonly n: number; readonly text: string }
  | { readonly kind: 'too-large'; readonly n: number; readonly bytes: number };

/** The encoding label checked and normalised (`latin1` → `windows-1252`, as WHATWG defines it). */
export function checkEncoding(label: string | undefined): string {
  if (label === undefined) return 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    throw new FlightdeckError('usage-error', `unknown encoding '${label}'; use a WHATWG label such as utf-8, latin1, windows-1252, iso-8859-15, shift_jis, gb18030`);
  }
}

/** A line may carry a statement plus its metadata (and JSON escapes): allow twice the statement limit plus 64 KiB. */
export function maxLineBytes(options: SourceOptions): number {
  return (options.maxStatementBytes ?? DEFAULT_MAX_STATEMENT_BYTES) * 2 + 64 * 1024;
}

/**
 * The bytes of a log, with the first ones available before reading on (for
 * format detection on stdin and .gz, which cannot be read twice).
 */
export class ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private done = false;

  private constructor(readonly name: string, private readonly streams: readonly Readable[]) {
    this.iterator = streams[streams.length - 1]![Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Stop reading (after a look at the head): the file is closed. Standard input is left open. */
  close(): void {
    this.done = true;
    for (const s of this.streams) if (s !== process.stdin) s.destroy();
  }

  static open(path: string): ByteSource {
    const raw: Readable = path === STDIN ? process.stdin : createReadStream(path);
    const stream = isGzipName(path) ? raw.pipe(createGunzip()) : raw;
    if (stream !== raw) raw.on('error', (err) => stream.destroy(err));
    return new ByteSource(path === STDIN ? STDIN_NAME : path, stream === raw ? [raw] : [raw, stream]);
  }

  /** Up to `bytes` bytes from the start (fewer at the end of the log), without consuming them. */
  async head(bytes: number): Promise<Buffer> {
    let have = this.buffered.reduce((n, b) => n + b.length, 0);
    while (have < bytes && !this.done) {
      const next = await this.nextChunk();
      if (!next) break;
      this.buffered.push(next);
      have += next.length;
    }
    return Buffer.concat(this.buffered).subarray(0, bytes);
  }

  async *chunks(): AsyncGenerator<Buffer> {
    while (this.buffered.length) yield this.buffered.shift()!;
    for (;;) {
      const next = await this.nextChunk();
      if (!next) return;
      yield next;
    }
  }

  private async nextChunk(): Promise<Buffer | null> {
    if (this.done) return null;
    let r: IteratorResult<Buffer>;
    try {
      r = await this.iterator.next();
    } catch (err) {
      throw readError(this.name, err);
    }
    if (r.done) {
      this.done = true;
      return null;
    }
    return typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
  }
}

export function isGzipName(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

function readError(name: string, err: unknown): FlightdeckError {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new FlightdeckError('not-found', `log not found: ${name}`, { location: { file: name } });
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/.test(e?.message ?? '')) {
    return new FlightdeckError('io-error', `${name} is not a valid gzip file (${e.message})`, { location: { file: name }, cause: err });
  }
  return new FlightdeckError('io-error', `cannot read ${name}: ${e?.message ?? String(err)}`, { location: { file: name }, cause: err });
}

/**
 * The lines of a source (without their `\n` / `\r\n`), numbered from 1,
 * decoded strictly. A line over `maxLineBytes` is reported `too-large`
 * (only its length is kept while it streams past).
 */
export async function* readLines(source: ByteSource, options: SourceOptions = {}): AsyncGenerator<SourceLine> {
  const decode = lineDecoder(source.name, checkEncoding(options.encoding));
  const limit = maxLineBytes(options);
  let parts: Buffer[] = [];
  let size = 0;
  let n = 1;
  const finish = (): SourceLine => {
    if (size > limit) return { kind: 'too-large', n, bytes: size };
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    const text = decode(bytes, n);
    return { kind: 'line', n, text: n === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  };
  for await (const chunk of source.chunks()) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      take(chunk.subarray(from, nl));
      yield finish();
      parts = [];
      size = 0;
      n++;
      from = nl + 1;
    }
    if (from < chunk.length) take(chunk.subarray(from));
  }
  if (size > 0) yield finish();

  function take(piece: Buffer): void {
    size += piece.length;
    if (size <= limit) parts.push(piece);
    else parts = [];
  }
}

/** All of a (small) source's text, decoded strictly; for folders of .sql files. */
export function decodeText(bytes: Buffer, name: string, encoding?: string): string {
  const enc = checkEncoding(encoding);
  if (enc === 'utf-8' && !isUtf8(bytes)) {
    // find the line for the message
    let line = 1;
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
      if (!isUtf8(bytes.subarray(start, nl))) break;
      line++;
      start = nl + 1;
    }
    const end = bytes.indexOf(10, start);
    throw notInEncoding(name, line, enc, bytes.subarray(start, end < 0 ? bytes.length : end));
  }
  // utf-8 was checked above, whole: decode without checking it again
  const text = enc === 'utf-8' ? bytes.toString('utf8') : lineDecoder(name, enc)(bytes, 1);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineDecoder(name: string, encoding: string): (bytes: Buffer, line: number) => string {
  if (encoding === 'utf-8') {
    return (bytes, line) => {
      if (!isUtf8(bytes)) throw notInEncoding(name, line, encoding, bytes);
      return bytes.toString('utf8');
    };
  }
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  return (bytes, line) => {
    try {
      return decoder.decode(bytes);
    } catch {
      throw notInEncoding(name, line, encoding, bytes);
    }
  };
}

function notInEncoding(name: string, line: number, encoding: string, bytes: Buffer): FlightdeckError {
  const at = firstInvalidUtf8(bytes);
  const detail = encoding === 'utf-8' && at >= 0 ? ` (byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at byte ${at + 1} of the line)` : '';
  return new FlightdeckError(
    'usage-error',
    `${name} line ${line} is not valid ${encoding}${detail}; if the log is in another encoding, pass --encoding (e.g. latin1, windows-1252, shift_jis)`,
    { location: { file: name, line } },
  );
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length || !isUtf8(bytes.subarray(i, i + len))) return i;
    i += len;
  }
  return -1;
}

/** The reject for a line skipped because it is over the line limit. */
export function tooLargeLine(file: string, l: { readonly n: number; readonly bytes: number }, options: SourceOptions): LogReject {
  return reject('too-large', tooLargeMessage(l.bytes, options, 'line'), file, l.n);
}

export function tooLargeMessage(bytes: number, options: SourceOptions, what: 'line' | 'statement'): string {
  const max = options.maxStatementBytes ?? DEFAULT_MAX_STATEMENT_BYTES;
  return `${what} of ${formatBytes(bytes)} is over the ${formatBytes(max)} statement limit (raise it with --max-statement-bytes)`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
