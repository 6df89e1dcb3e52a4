/**
 * The line level of the build protocol (docs/build-protocol.md): the version,
 * and what one stdout line of a build is. Kept apart from the answer schemas
 * in protocol.ts so that the host can spawn a build before loading zod (which
 * then loads while the build starts).
 */

export const PROTOCOL_VERSION = 1;

/** What a line from the build turned out to be. */
export type ParsedLine =
  | { readonly kind: 'answer'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Parse one stdout line: valid JSON object with a numeric `id`, or the reason it is not. */
export function parseAnswerLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid', reason: `the build wrote a line that is not JSON: ${shorten(line, 200)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: `the build wrote JSON that is not an object: ${shorten(line, 200)}` };
  }
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'number') return { kind: 'invalid', reason: `the build wrote an answer without a numeric "id": ${shorten(line, 200)}` };
  return { kind: 'answer', id, value };
}

export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : oneLine.slice(0, max - 1) + '…';
}
