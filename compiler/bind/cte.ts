/**
 * WITH clauses. A CTE is not bound once and shared: every reference binds
 * its query again, so each reference is an independent subtree with fresh
 * column ids (a CTE used twice yields two copies). A CTE sees the CTEs
 * defined before it (no recursion) and the scope its WITH clause sits in.
 */
import type { AstCte } from '../ir/ast.ts';
import { bindError } from './context.ts';
import type { Scope } from './scope.ts';

export interface CteEntry {
  /** lower-case */
  readonly name: string;
  readonly def: AstCte;
  /** the CTEs its own query can see */
  readonly visible: CteEnv;
  /** the scope the WITH clause's query resolves outer references in */
  readonly outer: Scope | null;
  /** set once some query referenced it */
  used: boolean;
}

/** Innermost first. */
export type CteEnv = readonly CteEntry[];

/** Add one WITH clause's CTEs in front of `env`; returns the new env and the added entries. */
export function defineCtes(ctes: readonly AstCte[], env: CteEnv, outer: Scope | null): { env: CteEnv; added: CteEntry[] } {
  let current = env;
  const added: CteEntry[] = [];
  for (const def of ctes) {
    const name = def.name.toLowerCase();
    if (added.some((a) => a.name === name)) {
      throw bindError('bind-error', `WITH query name '${def.name}' specified more than once`);
    }
    const entry: CteEntry = { name, def, visible: current, outer, used: false };
    added.push(entry);
    current = [entry, ...current];
  }
  return { env: current, added };
}

export function findCte(env: CteEnv, name: string): CteEntry | undefined {
  const n = name.toLowerCase();
  return env.find((e) => e.name === n);
}
