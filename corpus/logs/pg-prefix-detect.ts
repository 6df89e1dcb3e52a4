/**
 * Which log_line_prefix a PostgreSQL stderr log was written with, told from
 * its first lines: every common prefix (PostgreSQL's default `%m [%p] `,
 * Debian/Ubuntu's `%m [%p] %q%u@%d `, pgBadger's recommended ones, …) is
 * tried on the first record lines, and the one that matches the most of them
 * wins (a line from a background process stops at `%q`, so the part after it
 * is optional). Background lines alone cannot tell `%m [%p] ` from
 * `%m [%p] %q%u@%d ` (both fit them), so the sample goes on past its first
 * 50 lines until lines of sessions (with a `user@db` or `user=` part) are
 * seen, and the prefix that parses the most of them, session parts
 * included, wins; between prefixes that parse the same lines, the one that
 * explains more of each line (more escapes and literals matched: Debian's
 * `%u@%d ` loses to `%u@%d/%a ` on `app@shop/psql` lines). A log that looks like PostgreSQL's but matches no known prefix
 * (and no prefix the user gave) is refused with its first line, the prefixes
 * tried and a prefix suggested from that line, instead of being read as
 * nothing but unrecognised lines.
 */
import { FlightdeckError } from '../../compiler/errors.ts';
import { DEFAULT_LOG_LINE_PREFIX, prefixRegex } from './pg-stderr.ts';

/** the prefixes tried, most common first (a tie in lines matched and in how much of them is explained goes to the earlier one) */
export const KNOWN_PREFIXES: readonly string[] = [
  DEFAULT_LOG_LINE_PREFIX,
  '%m [%p] %q%u@%d ',
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: user=%u,db=%d,app=%a,client=%h ',
  '%m [%p]: user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] ',
  '%m [%p]: [%l-1] ',
  '%t [%p] %q%u@%d ',
  '%t [%p] ',
  '%m [%p] %q[user=%u,db=%d,app=%a] ',
  '%m [%p] %q%u@%d/%a ',
  '%m %u@%d [%p] ',
  '%t:%r:%u@%d:[%p]:',
  '%m:%r:%u@%d:[%p]:',
  '< %m >',
  '%m ',
  '%t ',
];

/** how many record lines (not continuations) of the head are looked at, at least */
const SAMPLE_LINES = 50;
/** past SAMPLE_LINES, the sample goes on until this many session lines are in it … */
const SESSION_LINES = 10;
/** … or this many lines */
const MAX_SAMPLE_LINES = 20_000;
/** the part of a prefix that only a session's line has: `user@db`, `user=…`, `db=…` */
const SESSION_PART = /(?:^|[\s[(:,])[^\s@[\]():,]+@[^\s@]*(?=[\s\]):,/]|$)|(?:user|db)=[^,\s\]]+/;
/** a line a PostgreSQL server wrote, whatever its prefix: a severity and two spaces */
const PG_MESSAGE = /\b(?:LOG|ERROR|WARNING|NOTICE|INFO|DEBUG\d?|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT):\s\s\S/;

export interface PrefixMatch {
  readonly prefix: string;
  /** sample lines that match, with or without the part after `%q` */
  readonly matched: number;
  /** sample lines that match the whole prefix */
  readonly whole: number;
  readonly sampled: number;
  /** sample lines of sessions (a `user@db` or `user=` part before the severity): the prefix was told from them */
  readonly sessionLines: number;
  /**
   * how much of the sample's prefixes this prefix explains: over the lines
   * it matches, its escapes and literal characters the line holds (the part
   * after `%q` only when the line has it). Breaks a tie between prefixes
   * that parse the same lines: `%u@%d/%a` over `%u@%d` (whose `%d` would
   * swallow `shop/psql`) on `app@shop/psql` lines.
   */
  readonly explained: number;
}

/** true for a line a session wrote under a prefix with its user or database (`app@shop`, `user=app`) */
export function isSessionLine(line: string): boolean {
  const m = PG_MESSAGE.exec(line);
  return !!m && SESSION_PART.test(line.slice(0, m.index));
}

/**
 * The record lines of a head (not blank, not a continuation): the first
 * SAMPLE_LINES, and on while fewer than SESSION_LINES of them are session
 * lines (a log may start with a background process's lines only).
 */
export function sampleLines(head: string): string[] {
  const out: string[] = [];
  let sessions = 0;
  for (const l of head.split(/\r?\n/)) {
    if (!l.trim() || l.startsWith('\t')) continue;
    out.push(l);
    if (sessions < SESSION_LINES && isSessionLine(l)) sessions++;
    if (out.length >= SAMPLE_LINES && (sessions >= SESSION_LINES || out.length >= MAX_SAMPLE_LINES)) break;
  }
  return out;
}

/** Whether a head holds a session line (else a longer head may tell the prefix). */
export function hasSessionLine(head: string): boolean {
  return sampleLines(head).some(isSessionLine);
}

/** How well `prefix` fits the sample lines (`sessionLines`: how many of them are session lines, when known). */
export function scorePrefix(prefix: string, lines: readonly string[], sessionLines = lines.filter(isSessionLine).length): PrefixMatch {
  const whole = prefixRegex(prefix);
  const q = prefix.indexOf('%q');
  const short = q >= 0 ? prefixRegex(prefix.slice(0, q)) : null;
  // the whole prefix with the part after %q required: a line that has it is explained by all of it
  const full = q >= 0 ? prefixRegex(prefix.slice(0, q) + prefix.slice(q + 2)) : whole;
  const fullSize = prefixSize(prefix);
  const shortSize = q >= 0 ? prefixSize(prefix.slice(0, q)) : fullSize;
  let matched = 0;
  let wholeCount = 0;
  let explained = 0;
  for (const l of lines) {
    if (whole.test(l)) {
      matched++;
      wholeCount++;
      explained += full === whole || full.test(l) ? fullSize : shortSize;
    } else if (short?.test(l)) {
      matched++;
      explained += shortSize;
    }
  }
  return { prefix, matched, whole: wholeCount, sampled: lines.length, sessionLines, explained };
}

/** A prefix's size: each escape (`%p`, `%-10p`) and each literal character counts one; `%q` nothing. */
function prefixSize(prefix: string): number {
  return prefix.replace(/%q/g, '').replace(/%-?\d*[\s\S]/g, 'E').length;
}

/**
 * The known prefix that fits the head best, or null when none fits at least
 * half of its record lines (a log this reader cannot tell apart).
 */
export function detectLogLinePrefix(head: string, candidates: readonly string[] = KNOWN_PREFIXES): PrefixMatch | null {
  const lines = sampleLines(head);
  if (!lines.length) return null;
  let best: PrefixMatch | null = null;
  const sessions = lines.filter(isSessionLine).length;
  for (const prefix of candidates) {
    const s = scorePrefix(prefix, lines, sessions);
    // most lines matched, then most matched whole, then the prefix that explains more of them (a tie goes to the earlier one)
    if (!best || (s.matched - best.matched || s.whole - best.whole || s.explained - best.explained) > 0) best = s;
  }
  return best && best.matched * 2 >= lines.length && best.whole > 0 ? best : null;
}

/** true when the head has lines a PostgreSQL server wrote (a severity after some prefix), whatever the prefix */
export function looksLikePgStderr(head: string): boolean {
  const lines = sampleLines(head);
  const hits = lines.filter((l) => PG_MESSAGE.test(l)).length;
  return hits > 0 && hits * 2 >= lines.length;
}

/**
 * A prefix written from one log line: the text before its severity, with a
 * timestamp as `%m`/`%t`, `[1234]` as `[%p]`, `user@db` as `%u@%d`, and
 * `key=value` pairs by their usual names. Null when the line has no severity.
 */
export function suggestPrefix(line: string): string | null {
  const m = PG_MESSAGE.exec(line);
  if (!m) return null;
  let before = line.slice(0, m.index);
  const out: string[] = [];
  const ts = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(?: ?[+-]\d\d(?::?\d\d)?| [A-Za-z]{1,5})?/;
  while (before.length) {
    let t: RegExpExecArray | null;
    if ((t = ts.exec(before))) out.push(t[1] ? '%m' : '%t');
    else if ((t = /^\[\d+\]/.exec(before))) out.push('[%p]');
    else if ((t = /^<\d+>/.exec(before))) out.push('<%p>');
    else if ([' ', ':', '('].includes(out.at(-1) ?? '') && (t = /^\d{2,}(?=[\s:)\]])/.exec(before))) out.push('%p');
    else if ((t = /^\[\d+-1\]/.exec(before))) out.push('[%l-1]');
    else if ((t = /^(user|db|app|client|host)=[^,\s\]]*/.exec(before))) out.push(`${t[1]}=%${{ user: 'u', db: 'd', app: 'a', client: 'h', host: 'h' }[t[1] as 'user']}`);
    else if ((t = /^[\w.-]*@[\w.-]*(?=\s)/.exec(before))) out.push('%u@%d');
    else if ((t = /^[0-9a-f]{6,}\.[0-9a-f]+/.exec(before))) out.push('%c');
    else {
      t = /^[\s\S]/.exec(before)!;
      out.push(t[0] === '%' ? '%%' : t[0]);
    }
    before = before.slice(t[0].length);
  }
  return out.join('');
}

/** Shortened for a message, literals left out (a log line may hold personal data). */
function shownLine(line: string): string {
  const cut = line.length > 160 ? `${line.slice(0, 160)}…` : line;
  return JSON.stringify(cut.replace(/'[^']*'?/g, "'…'"));
}

/**
 * The error for a PostgreSQL stderr log that `tried` (one prefix, or every
 * known one) does not fit: its first line, what was tried, and what to do.
 */
export function prefixMismatchError(path: string, head: string, tried: readonly string[], from?: string): FlightdeckError {
  const lines = sampleLines(head);
  // the first record line no prefix tried fits (the first lines may be a background process's, which fit more prefixes)
  const fits = tried.map((p) => (l: string) => scorePrefix(p, [l]).matched > 0);
  const first = lines.find((l) => !fits.some((f) => f(l))) ?? lines[0] ?? '';
  const lineNo = head.split(/\r?\n/).indexOf(first) + 1;
  const misfits = lines.filter((l) => !fits.some((f) => f(l))).length;
  const detected = detectLogLinePrefix(head);
  const suggested = suggestPrefix(first);
  const triedText = tried.length === 1 ? `the log_line_prefix '${tried[0]}'${from ? ` (${from})` : ''}` : `any of ${tried.length} common log_line_prefix settings`;
  let hint: string;
  if (detected && !tried.includes(detected.prefix)) hint = `its lines match '${detected.prefix}': pass --log-line-prefix '${detected.prefix}' (or leave it out to detect it)`;
  else if (suggested && (!tried.includes(suggested) || tried.length > 1) && prefixRegex(suggested).test(first)) {
    hint = `pass the server's setting with --log-line-prefix (this line fits '${suggested}'), or its postgresql.conf with --pg-conf`;
  } else hint = "pass the server's setting (SHOW log_line_prefix) with --log-line-prefix, or its postgresql.conf with --pg-conf";
  const share = misfits < lines.length ? ` (${misfits} of the first ${lines.length} record lines do not)` : '';
  const which = lineNo <= 1 ? 'the first line' : `line ${lineNo}`;
  return new FlightdeckError('log-prefix-mismatch', `${which} does not start with ${triedText}${share}: ${shownLine(first)}; ${hint}`, {
    location: { file: path, line: Math.max(lineNo, 1) },
  });
}
