/** Number, time and ratio formatting shared by the pages (plain functions, no locale surprises). */

/** 1234567 → "1,234,567" (by hand: toLocaleString costs microseconds a call, and a plan tree formats thousands of numbers) */
export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const s = String(Math.abs(Math.round(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) out += (i > 0 && (s.length - i) % 3 === 0 ? ',' : '') + s[i];
  return n < 0 && out !== '0' ? `-${out}` : out;
}

export function fmtNum(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n !== 0 && Math.abs(n) < 0.001) return n.toExponential(1);
  return Math.abs(n) >= 1000 ? fmtInt(n) : String(Number(n.toPrecision(digits)));
}

export function fmtRatio(r: number | null | undefined): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '—' : `×${fmtNum(r)}`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 1000) return `${fmtNum(ms / 1000)} s`;
  return `${fmtNum(ms)} ms`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function fmtWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function shortFp(fp: string): string {
  return fp.length > 12 ? fp.slice(0, 12) : fp;
}
