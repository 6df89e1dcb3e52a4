/**
 * node-sql-parser keeps double quotes on column names but drops them on table
 * names, qualifiers, schemas and aliases (`"MyTab"` and `MyTab` both become
 * `MyTab`). Our convention is "lower-case unless double-quoted", so for those
 * names we look at the query text: a name with upper-case letters that was
 * written quoted keeps its case, otherwise it is lower-cased. If the same
 * spelling appears both quoted and unquoted we cannot tell which one the
 * parser gave us, and say so instead of guessing.
 */
import { FlightdeckError } from '../errors.ts';
import { lexSql } from './sql-lexer.ts';

export type NameNormalizer = (name: string) => string;

interface QuotingFacts {
  readonly quoted: ReadonlySet<string>;
  readonly unquoted: ReadonlySet<string>;
}

export function createNameNormalizer(sql: string): NameNormalizer {
  if (!sql.includes('"') && !sql.includes('`')) return (name) => name.toLowerCase();
  let facts: QuotingFacts | null = null;
  return (name) => {
    const lower = name.toLowerCase();
    if (lower === name) return name;
    facts ??= collectQuoting(sql);
    const quoted = facts.quoted.has(name);
    if (!quoted) return lower;
    if (facts.unquoted.has(name)) {
      throw new FlightdeckError(
        'unsupported',
        `unsupported construct: identifier ${name} written both quoted ("${name}") and unquoted; write it the same way everywhere`,
      );
    }
    return name;
  };
}

function collectQuoting(sql: string): QuotingFacts {
  const quoted = new Set<string>();
  const unquoted = new Set<string>();
  for (const t of lexSql(sql)) {
    if (t.kind === 'quoted') quoted.add(t.value);
    else if (t.kind === 'word' && t.value.toLowerCase() !== t.value) unquoted.add(t.value);
  }
  return { quoted, unquoted };
}
