/**
 * The CLI's edge: every command body runs through `runCommand`, which turns
 * errors into one clear line and an exit code. 0 ok · 1 the thing under test
 * failed (a query did not compile, a gate failed) · 2 usage or environment.
 */
import { FlightdeckError, type ErrorCode } from '../compiler/errors.ts';
import { fromSystemError } from '../compiler/system-errors.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'usage-error',
  'environment-error',
  'not-found',
  'io-error',
  'catalog-error',
  'build-error',
  'protocol-error',
  'internal-error',
]);

export function exitCodeFor(err: FlightdeckError): number {
  return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
}

// `flightdeck runs | head -1`: a closed pipe ends the output, not the process with a stack trace
// other output errors (`> /dev/full`: no space left) are named, not lost
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  const named = fromSystemError(err, 'standard output') ?? new FlightdeckError('io-error', `cannot write to standard output: ${err.message}`);
  process.stderr.write(`error: ${named.describe()}\n`);
  process.exit(EXIT_USAGE);
});

/** Run a command body; map its result or error to an exit code. */
export async function runCommand(body: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? EXIT_OK;
  } catch (caught) {
    // a system error nobody below named (a report folder that is a file, a full disk) is named here, with its path
    const unnamed = !(caught instanceof FlightdeckError) || caught.code === 'internal-error';
    const err = unnamed ? (fromSystemError(caught instanceof FlightdeckError ? caught.cause : caught) ?? caught) : caught;
    if (err instanceof FlightdeckError) {
      process.stderr.write(`error: ${err.describe()}\n`);
      if (process.env.FLIGHTDECK_DEBUG && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
      code = exitCodeFor(err);
    } else {
      const e = err as Error;
      process.stderr.write(`error: internal-error: ${e?.message ?? String(err)}\n`);
      if (process.env.FLIGHTDECK_DEBUG) process.stderr.write(`${e?.stack}\n`);
      code = EXIT_USAGE;
    }
  }
  // let pending stdout writes drain before exiting
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

export function usageError(message: string): FlightdeckError {
  return new FlightdeckError('usage-error', message);
}

/** Parse a whole number ≥ 1 or fail with a usage error naming the option. */
export function parsePositiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${name} must be a whole number ≥ 1, got '${value}'`);
  return n;
}

/** Parse a positive number option or fail with a usage error naming the option. */
export function parsePositive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${name} must be a positive number, got '${value}'`);
  return n;
}
