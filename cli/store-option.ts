import type { Command } from 'commander';
import { resolveStorePath, Store } from '../store/store.ts';

/** Every command that reads or writes the results store takes --store (or FLIGHTDECK_STORE). */
export function withStoreOption(cmd: Command): Command {
  return cmd.option('--store <path>', 'results store (DuckDB file); default $FLIGHTDECK_STORE or .flightdeck/flightdeck.duckdb');
}

export async function openStore(opts: { store?: string }): Promise<Store> {
  return Store.open(resolveStorePath(opts.store));
}

export async function withStore<T>(opts: { store?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(opts);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
