/**
 * The zod schemas of every request input (params, query strings, bodies).
 * Query strings arrive as text: numbers are coerced, lists are comma
 * separated, every value is bounded.
 */
import { z } from 'zod';
import { FACETS, MAX_PAGE, OUTCOME_SORTS } from '../store/outcome-query.ts';
import { VERDICTS } from '../store/records.ts';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an id: letters, digits, . _ : - (at most 128)');

export const RunParams = z.strictObject({ run: id });
export const TemplateParams = z.strictObject({ run: id, fp: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a template fingerprint') });

const limit = (fallback: number) => z.coerce.number().int('expected a whole number').min(1).max(MAX_PAGE).default(fallback);
const offset = z.coerce.number().int('expected a whole number').min(0).max(100_000_000).default(0);

export const PageQuery = z.strictObject({ limit: limit(50), offset });

export const RunsQuery = z.strictObject({
  limit: limit(50),
  offset,
  kind: z.enum(['playback', 'flight']).optional(),
  status: z.enum(['running', 'done', 'failed']).optional(),
});

const verdictList = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(z.enum(VERDICTS)).max(VERDICTS.length));

const filterFields = {
  verdict: verdictList.optional(),
  cluster: z.string().min(1).max(2000).optional(),
  table: z.string().min(1).max(256).optional(),
  rule: z.string().min(1).max(256).optional(),
  q: z.string().max(256).optional(),
};

export const FacetsQuery = z.strictObject(filterFields);

export const OutcomesQuery = z.strictObject({
  ...filterFields,
  sort: z.enum(Object.keys(OUTCOME_SORTS) as [keyof typeof OUTCOME_SORTS, ...(keyof typeof OUTCOME_SORTS)[]]).default('weight'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: limit(50),
  offset,
});

export { FACETS };

const why = z.string().trim().min(1, 'say why').max(2000);

export const ApprovalBody = z
  .strictObject({
    run: id,
    fingerprint: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a template fingerprint').optional(),
    cluster: z.string().min(1).max(2000).optional(),
    why,
  })
  .refine((b) => (b.fingerprint === undefined) !== (b.cluster === undefined), { message: 'give either fingerprint or cluster', path: ['fingerprint'] });

export const WriteApprovalsBody = z.strictObject({ why: why.optional() });

const spec = z.string().min(1).max(500);
const path = z.string().min(1).max(4096);

export const StartRunBody = z
  .strictObject({
    kind: z.enum(['playback', 'flight']),
    workload: z.string().min(1).max(200).optional(),
    catalog: path.optional(),
    base: spec.optional(),
    head: spec.optional(),
    run: id.optional(),
    snapshot: path.optional(),
    select: z.string().max(100).optional(),
    budget: z.string().max(40).optional(),
    timeout: z.string().max(40).optional(),
    queue: z.string().max(2000).regex(/^(local|rediss?:\/\/\S+)$/, 'expected `local` or a redis:// URL').optional(),
    why: z.string().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    const need = (k: keyof typeof b, when: string) => {
      if (b[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required ${when}` });
    };
    if (b.kind === 'playback') for (const k of ['workload', 'catalog', 'base', 'head'] as const) need(k, 'for a playback');
    else {
      need('snapshot', 'for a flight');
      if (b.run === undefined) for (const k of ['workload', 'base', 'head'] as const) need(k, 'for a flight without a playback run');
      else if (b.workload !== undefined) ctx.addIssue({ code: 'custom', path: ['workload'], message: 'run and workload exclude each other: a run already names its workload' });
    }
  });

export const EventsQuery = z.strictObject({ run: id.optional(), token: z.string().max(512).optional() });
export const TokenQuery = z.strictObject({ token: z.string().max(512).optional() });
