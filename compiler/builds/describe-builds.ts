/**
 * What `flightdeck builds` prints: the build kinds with their spec syntax,
 * the DuckDB versions shipped (package names and installed versions, read
 * from their package.json), and the reference compiler's rule profiles.
 */
import { PROFILES, RULES } from '../rules/index.ts';
import { DUCKDB_VERSIONS, installedPackage } from './duckdb-versions.ts';

export interface BuildKindInfo {
  readonly kind: 'reference' | 'duckdb' | 'command';
  readonly syntax: string;
  readonly summary: string;
  readonly examples: readonly string[];
}

export interface BuildsInfo {
  readonly kinds: readonly BuildKindInfo[];
  readonly duckdbVersions: readonly {
    version: string;
    packageName: string;
    /** what is installed under that name (an npm alias names the real package) */
    installed: { name: string; version: string } | undefined;
    isDefault: boolean;
  }[];
  readonly profiles: readonly { name: string; rules: readonly string[] }[];
  readonly rules: readonly string[];
}

export function buildsInfo(): BuildsInfo {
  return {
    kinds: [
      {
        kind: 'reference',
        syntax: 'reference[@<git-ref>][#<profile>]',
        summary: "this repo's compiler: the work tree, or a commit (checked out once into a cached git worktree)",
        examples: ['reference', 'reference#heuristic', 'reference@main#default,-reorder-joins'],
      },
      {
        kind: 'duckdb',
        syntax: 'duckdb[@<version>][?<setting>=<value>&...]',
        summary: 'a shipped DuckDB version as the optimizer under test (EXPLAIN), one process per version, settings applied with SET',
        examples: ['duckdb', 'duckdb@1.3.2', 'duckdb@1.5.6?disabled_optimizers=join_order'],
      },
      {
        kind: 'command',
        syntax: 'command:<path> [args...]',
        summary: 'any program speaking the JSON-lines build protocol (docs/build-protocol.md), started without a shell',
        examples: ["command:./my-compiler --catalog-cache /tmp/c", "command:python3 'my planner.py'"],
      },
    ],
    duckdbVersions: DUCKDB_VERSIONS.map((v, i) => ({
      version: v.version,
      packageName: v.packageName,
      installed: installedPackage(v.packageName),
      isDefault: i === 0,
    })),
    profiles: Object.entries(PROFILES).map(([name, rules]) => ({ name, rules: rules.map((r) => r.id) })),
    rules: RULES.map((r) => r.id),
  };
}

/** The text of `flightdeck builds`. */
export function describeBuilds(): string {
  const info = buildsInfo();
  const out: string[] = ['Build kinds (every build runs in its own process, with a per-query time limit):', ''];
  for (const k of info.kinds) {
    out.push(`  ${k.syntax}`, `      ${k.summary}`, `      e.g. ${k.examples.join('   ')}`, '');
  }
  out.push('DuckDB versions shipped:');
  for (const v of info.duckdbVersions) {
    const installed = !v.installed
      ? '(NOT INSTALLED: run npm install)'
      : v.installed.name === v.packageName
        ? v.installed.version
        : `(alias of ${v.installed.name}) ${v.installed.version}`;
    out.push(`  ${v.version.padEnd(8)} npm ${v.packageName} ${installed}${v.isDefault ? '   (default for plain `duckdb`)' : ''}`);
  }
  out.push('', 'Reference rule profiles (edit one with ,-<rule> / ,+<rule>):');
  for (const p of info.profiles) out.push(`  ${p.name.padEnd(10)} ${p.rules.length ? p.rules.join(' → ') : '(no rules: the plan as written)'}`);
  out.push('', `Rules: ${info.rules.join(', ')}`, '');
  return out.join('\n');
}
