/**
 * A folder of .sql files: each file holds one query or several separated by
 * semicolons (outside strings, quoted identifiers, comments and dollar quotes).
 * Files are read one at a time, in name order, decoded strictly (UTF-8
 * unless an encoding is given).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogRecord } from './types.ts';
import { decodeText, type SourceOptions } from './source.ts';

export async function* readSqlDir(dir: string, options: SourceOptions = {}): AsyncGenerator<LogRecord> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.sql')).map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? dir, e.name)).sort();
  for (const file of files) {
    const text = decodeText(await readFile(file), file, options.encoding);
    for (const stmt of splitStatements(text)) {
      yield { kind: 'entry', sql: stmt.sql, source: { file, line: stmt.line } };
    }
  }
}

/** Split SQL text on top-level semicolons; returns non-empty statements with their 1-based start line. */
export function splitStatements(text: string): { sql: string; line: number }[] {
  const out: { sql: string; line: number }[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let i = 0;
  const n = text.length;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = leadingNoise(raw);
    const sql = raw.slice(lead).trim();
    if (sql && !isOnlyComments(sql)) out.push({ sql, line: startLine + countNl(raw.slice(0, lead)) });
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      // block comments nest, as in PostgreSQL
      const j = blockCommentEnd(text, i);
      line += countNl(text.slice(i, j));
      i = j;
    } else if (c === "'" || c === '"') {
      // E'...' strings take backslash escapes
      const backslash = c === "'" && i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e');
      let j = i + 1;
      while (j < n) {
        if (backslash && text[j] === '\\') j += 2;
        else if (text[j] === c && text[j + 1] === c) j += 2;
        else if (text[j] === c) break;
        else j++;
      }
      line += countNl(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        const end = text.indexOf(m[0], i + m[0].length);
        const stop = end < 0 ? n : end + m[0].length;
        line += countNl(text.slice(i, stop));
        i = stop;
      } else i++;
    } else if (c === ';') {
      push(i);
      i++;
      start = i;
      startLine = line;
    } else i++;
  }
  push(n);
  return out;
}

/** Length of the whitespace and comments a statement starts with. */
function leadingNoise(s: string): number {
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s.startsWith('--', i)) {
      const e = s.indexOf('\n', i);
      i = e < 0 ? s.length : e + 1;
    } else if (s.startsWith('/*', i)) {
      i = blockCommentEnd(s, i);
    } else return i;
  }
}

function countNl(s: string): number {
  let k = 0;
  for (const ch of s) if (ch === '\n') k++;
  return k;
}

function isOnlyComments(sql: string): boolean {
  return leadingNoise(sql) >= sql.length;
}

/** Index after the (possibly nested) block comment opening at `i`. */
function blockCommentEnd(s: string, i: number): number {
  let depth = 1;
  let j = i + 2;
  while (j < s.length && depth > 0) {
    if (s[j] === '*' && s[j + 1] === '/') {
      depth--;
      j += 2;
    } else if (s[j] === '/' && s[j + 1] === '*') {
      depth++;
      j += 2;
    } else j++;
  }
  return j;
}
