/**
 * The build protocol (docs/build-protocol.md): JSON lines between the host
 * (flightdeck) and one build process. One JSON object per line, UTF-8, `\n`
 * terminated; the host sends one request and waits for its answer before the
 * next. This module holds the message types and the validation of what a
 * build answers, shared by the host (process-build.ts) and the TypeScript
 * build servers (serve-protocol.ts).
 */
import { z } from 'zod';
import type { CompileSuccess } from './build.ts';

// the line-level half (no zod), which the host loads first: re-exported here
export { PROTOCOL_VERSION, parseAnswerLine, shorten, type ParsedLine } from './protocol-lines.ts';

export type HelloRequest = { readonly id: number; readonly op: 'hello'; readonly catalog: string; readonly protocol: number };
export type CompileRequest = { readonly id: number; readonly op: 'compile'; readonly sql: string };
/** optional: estimate a plan another build produced (its `planIr`) with this build's cost model */
export type RecostRequest = { readonly id: number; readonly op: 'recost'; readonly plan: unknown };
/** optional (flighting): run a query on the catalog, answer a summary of its result (`result`) or its profile (`time`) */
export type ExecuteRequest = {
  readonly id: number;
  readonly op: 'execute';
  readonly sql: string;
  readonly mode: 'result' | 'time';
  readonly maxRows: number;
  readonly timeoutMs: number;
  /** a write, run on a scratch copy of the catalog (optional; absent means false) */
  readonly write?: true;
};
export type ShutdownRequest = { readonly op: 'shutdown' };
export type Request = HelloRequest | CompileRequest | RecostRequest | ExecuteRequest | ShutdownRequest;
/** The code an answer carries for an op the build does not implement (older builds: `protocol-error` "unknown op"). */
export const UNSUPPORTED_OP = 'unsupported-op';

const errorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});

export type ProtocolError = z.infer<typeof errorSchema>;

const failureSchema = z.object({ id: z.number(), ok: z.literal(false), error: errorSchema });

const helloSuccessSchema = z.object({
  id: z.number(),
  ok: z.literal(true),
  name: z.string().min(1),
  version: z.string(),
  /** optional: the protocol version the build speaks; must be 1 when given */
  protocol: z.number().optional(),
});

const compileSuccessSchema = z.object({
  id: z.number(),
  ok: z.literal(true),
  plan: z.object({ simplified: z.string(), explain: z.string(), json: z.unknown() }),
  cost: z.number(),
  rows: z.number(),
  rulesFired: z.array(z.string()).optional(),
  timingMs: z.number().nonnegative().optional(),
  sql: z.string().optional(),
  planIr: z.unknown().optional(),
});

const recostSuccessSchema = z.object({ id: z.number(), ok: z.literal(true), cost: z.number(), rows: z.number() });

const checksum = z.string().regex(/^\d+$/);
const resultSummarySchema = z.object({
  rowCount: z.number().int().nonnegative(),
  columns: z.array(z.object({ name: z.string(), type: z.string(), valueClass: z.enum(['float', 'exact']) })),
  columnChecksums: z.array(checksum),
  rowChecksum: checksum,
  orderedChecksum: checksum,
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))).optional(),
  rowsTruncated: z.boolean().optional(),
});
const executeProfileSchema = z.object({
  latencyMs: z.number().nonnegative(),
  cpuMs: z.number().nonnegative().optional(),
  peakMemoryBytes: z.number().nonnegative().optional(),
  operators: z.array(z.object({ id: z.number().int(), depth: z.number().int(), name: z.string(), rows: z.number(), timeMs: z.number() })),
});
const executeSuccessSchema = z.object({
  id: z.number(),
  ok: z.literal(true),
  latencyMs: z.number().nonnegative(),
  result: resultSummarySchema.optional(),
  profile: executeProfileSchema.optional(),
});
/** a failure answer to `execute` may say which kind of failure it is (default `error`) and how long it ran */
const executeFailureSchema = failureSchema.extend({
  status: z.enum(['error', 'timeout', 'resource', 'unsupported']).optional(),
  latencyMs: z.number().nonnegative().optional(),
});

export type HelloAnswer = z.infer<typeof helloSuccessSchema>;
export type ExecuteAnswer = z.infer<typeof executeSuccessSchema>;
export type ExecuteFailureAnswer = z.infer<typeof executeFailureSchema>;
export type CompileAnswer = z.infer<typeof compileSuccessSchema>;
export type RecostAnswer = z.infer<typeof recostSuccessSchema>;
export type FailureAnswer = z.infer<typeof failureSchema>;

export type Checked<T> = { readonly ok: true; readonly answer: T } | { readonly ok: false; readonly failure: FailureAnswer } | { readonly ok: null; readonly reason: string };

/** Validate an answer to `execute`: a success (summary or profile), a failure (with its status), or malformed. */
export function checkExecuteAnswer(value: unknown): { readonly ok: true; readonly answer: ExecuteAnswer } | { readonly ok: false; readonly failure: ExecuteFailureAnswer } | { readonly ok: null; readonly reason: string } {
  const ok = (value as { ok?: unknown }).ok;
  if (ok !== true && ok !== false) return { ok: null, reason: 'answer to execute has no boolean "ok"' };
  const parsed = (ok ? executeSuccessSchema : executeFailureSchema).safeParse(value);
  if (!parsed.success) return { ok: null, reason: `malformed ${ok ? '' : 'failure '}answer to execute: ${describeIssues(parsed.error)}` };
  if (ok) return { ok: true, answer: parsed.data as ExecuteAnswer };
  return { ok: false, failure: parsed.data as ExecuteFailureAnswer };
}

/** Validate an answer to `hello`, `compile` or `recost`: a success of the right shape, a failure, or malformed. */
export function checkAnswer(op: 'hello', value: unknown): Checked<HelloAnswer>;
export function checkAnswer(op: 'compile', value: unknown): Checked<CompileAnswer>;
export function checkAnswer(op: 'recost', value: unknown): Checked<RecostAnswer>;
export function checkAnswer(op: 'hello' | 'compile' | 'recost', value: unknown): Checked<HelloAnswer | CompileAnswer | RecostAnswer> {
  const ok = (value as { ok?: unknown }).ok;
  if (ok === false) {
    const f = failureSchema.safeParse(value);
    if (f.success) return { ok: false, failure: f.data };
    return { ok: null, reason: `malformed failure answer to ${op}: ${describeIssues(f.error)}` };
  }
  if (ok !== true) return { ok: null, reason: `answer to ${op} has no boolean "ok"` };
  const s = (op === 'hello' ? helloSuccessSchema : op === 'compile' ? compileSuccessSchema : recostSuccessSchema).safeParse(value);
  if (s.success) return { ok: true, answer: s.data };
  return { ok: null, reason: `malformed answer to ${op}: ${describeIssues(s.error)}` };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** One line of protocol output for a successful compile (what a server writes, minus `id`/`ok`). */
export type CompilePayload = Omit<CompileSuccess, 'ok'>;
