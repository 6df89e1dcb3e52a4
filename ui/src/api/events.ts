/**
 * Live progress of running runs from /api/events (server-sent events).
 * EventSource cannot send headers, so the token goes in `?token=`. One
 * stream per running run, at most MAX_STREAMS at a time (browsers allow six
 * HTTP/1.1 connections per origin and the page still needs to fetch); when
 * a run reports `done`, `onDone` lets the page fetch the final numbers.
 */
import { useEffect, useState } from 'react';
import type { RunProgress } from '../../../server/api-types.ts';
import { useAuth } from './hooks.ts';

const MAX_STREAMS = 3;

export function useRunProgress(runIds: readonly string[], onDone: (runId: string) => void): ReadonlyMap<string, RunProgress> {
  const { token } = useAuth();
  const [progress, setProgress] = useState<ReadonlyMap<string, RunProgress>>(new Map());
  const key = runIds.slice(0, MAX_STREAMS).join(',');
  useEffect(() => {
    if (!key) return;
    const sources = key.split(',').map((id) => {
      const q = new URLSearchParams({ run: id });
      if (token) q.set('token', token);
      const es = new EventSource(`/api/events?${q}`);
      es.addEventListener('progress', (ev) => {
        try {
          const p = JSON.parse((ev as MessageEvent<string>).data) as RunProgress;
          setProgress((m) => new Map(m).set(p.runId, p));
        } catch {
          // a malformed event: keep the last good one
        }
      });
      es.addEventListener('done', () => {
        es.close();
        onDone(id);
      });
      return es;
    });
    return () => sources.forEach((s) => s.close());
    // onDone is expected to be stable (a reload callback)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, token]);
  return progress;
}
