/**
 * The word lists the format-preserving fakes draw from, shared by the SQL
 * masker (mask-sql.ts) and the TypeScript literal masker (mask-value.ts) so
 * both give the same output. Sizes are chosen so distinct inputs stay
 * distinct: a 3-syllable word has 90³·10 = 7.3M forms, a 4-syllable word
 * 656M, an email local part 7.3M² · 100.
 */

const CONSONANTS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];

/** 90 consonant-vowel syllables */
export const SYLLABLES: readonly string[] = CONSONANTS.flatMap((c) => VOWELS.map((v) => c + v));
/** 10 word endings */
export const FINALS: readonly string[] = ['n', 'r', 'l', 's', 'm', 'k', 't', 'x', 'd', 'v'];
export const STREET_TYPES: readonly string[] = ['St', 'Ave', 'Rd', 'Ln', 'Way', 'Blvd', 'Ct', 'Pl', 'Sq', 'Dr'];
export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org', 'mail.example'];

export function sqlList(xs: readonly string[]): string {
  return `[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;
}
