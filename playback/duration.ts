/** The one duration syntax of every option and selector that takes a time (`--redis-timeout`, `--budget`, `risk:BUDGET`). */
import { FlightdeckError } from '../compiler/errors.ts';

/** `500ms`, `90s`, `10m`, `1h`, or plain seconds → ms. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new FlightdeckError('usage-error', `${what}: '${text}' is not a duration (e.g. 500ms, 90s, 10m, 1h)`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * scale;
  if (!(ms > 0)) throw new FlightdeckError('usage-error', `${what}: the duration must be above zero, got '${text}'`);
  return ms;
}
