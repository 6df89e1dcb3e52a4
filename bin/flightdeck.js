#!/usr/bin/env node
// Launcher. Runs the compiled JavaScript in dist/ (built by `npm install` / `npm run build`)
// when it is up to date with the sources; otherwise runs the TypeScript sources through tsx
// (slower to start) and says why, so an edit is never ignored by a stale dist/.
// FLIGHTDECK_FROM_SOURCE=1 always runs the sources.
import { distState } from './dist.js';

const state = process.env.FLIGHTDECK_FROM_SOURCE === '1' ? { fresh: false } : distState();
if (state.fresh) {
  await import('../dist/cli/main.js');
} else {
  if (state.reason) process.stderr.write(`flightdeck: running from the TypeScript sources (slower start): ${state.reason}; run 'npm run build' to refresh it\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
