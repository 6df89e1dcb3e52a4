/** What every route of one server shares: the store, the tokens, the run starter, the progress hub, the approvals file. */
import type { Store } from '../store/store.ts';
import type { TokenRegistry } from './auth.ts';
import type { ProgressHub } from './progress-hub.ts';
import type { RunCache } from './run-cache.ts';
import type { RunOutcomes } from './run-outcomes.ts';
import type { RunStarter } from './run-starter.ts';

export interface ServerContext {
  readonly store: Store;
  readonly tokens: TokenRegistry;
  /** the team's approvals file (in its repository) that POST /api/approvals/write merges into */
  readonly approvalsPath: string;
  readonly runs: RunStarter;
  readonly hub: ProgressHub;
  /** answers about a run, kept while it is unchanged */
  readonly cache: RunCache;
  /** templates pages and facets: a finished run's from memory, a running run's from the store */
  readonly outcomes: RunOutcomes;
  readonly version: string;
}
