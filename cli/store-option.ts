import type { Command } from 'commander';
import { Store } from '../store/store.ts';
import { DEFAULT_STORE_PATH, resolveStorePath, type OpenStoreOptions } from '../store/store-path.ts';

/** Every command that reads or writes the results store takes --store (or FLIGHTDECK_STORE). */
export function withStoreOption(cmd: Command): Command {
  return cmd.option('--store <path|url>', `results store: a DuckDB file, or postgresql://user@host:port/db for a store a team shares; default $FLIGHTDECK_STORE or ${DEFAULT_STORE_PATH}`);
}

/**
 * Open the store a command names, run `fn`, close it. Commands that only
 * read pass `{ readOnly: true }`: they then work on a read-only store and
 * beside other readers, and a mistyped --store is `not-found` instead of a
 * new empty store.
 */
export async function withStore<T>(opts: { store?: string }, fn: (store: Store) => Promise<T>, options: OpenStoreOptions = {}): Promise<T> {
  const store = await Store.open(resolveStorePath(opts.store), options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
