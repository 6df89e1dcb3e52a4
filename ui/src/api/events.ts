/**
 * Live progress of running runs from /api/events (server-sent events): one
 * stream for every running run — including runs started after the page was
 * opened, by the CLI, `flightdeck demo` or another dashboard — so the page
 * holds one connection whatever runs (browsers allow six per origin).
 * EventSource cannot send headers, so the token goes in `?token=`. A run
 * the page does not list yet, or one that reports `done`, calls `onChange`
 * so the page fetches its list again. A page about one run passes `only`: the
 * stream is that run's (`?run=`), open only while `live` (the run is running).
 */
import { useEffect, useRef, useState } from 'react';
import type { RunProgress } from '../../../server/api-types.ts';
import { useAuth } from './hooks.ts';

export function useRunProgress(listed: readonly string[], onChange: (runId: string) => void, only?: { readonly run: string; readonly live: boolean }): ReadonlyMap<string, RunProgress> {
  const { token } = useAuth();
  const [progress, setProgress] = useState<ReadonlyMap<string, RunProgress>>(new Map());
  // read inside the stream's handlers without reopening the stream when the list changes
  const known = useRef<ReadonlySet<string>>(new Set());
  known.current = new Set(listed);
  const changed = useRef(onChange);
  changed.current = onChange;
  const run = only?.run;
  const open = only?.live ?? true;
  useEffect(() => {
    if (!open) return undefined;
    const q = new URLSearchParams();
    if (token) q.set('token', token);
    if (run !== undefined) q.set('run', run);
    const es = new EventSource(`/api/events?${q}`);
    es.addEventListener('progress', (ev) => {
      try {
        const p = JSON.parse((ev as MessageEvent<string>).data) as RunProgress;
        setProgress((m) => new Map(m).set(p.runId, p));
        if (!known.current.has(p.runId)) changed.current(p.runId);
      } catch {
        // a malformed event: keep the last good one
      }
    });
    es.addEventListener('done', (ev) => {
      try {
        changed.current((JSON.parse((ev as MessageEvent<string>).data) as RunProgress).runId);
      } catch {
        changed.current('');
      }
    });
    return () => es.close();
  }, [token, run, open]);
  return progress;
}
