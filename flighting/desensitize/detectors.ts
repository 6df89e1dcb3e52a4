/**
 * Personal-data detectors for `desensitize --suggest`: by column name and by
 * sampled values. Value detectors are SQL predicates over a VARCHAR `v`
 * (evaluated inside DuckDB on the sample; the Luhn and mod-97 checks reuse
 * the masking macros). Each proposes a masking kind.
 */
import type { ColumnPolicy } from './policy.ts';

export type DetectorId = 'email' | 'phone' | 'card' | 'iban' | 'national-id' | 'ip' | 'person-name' | 'address' | 'birth-date' | 'postal-code' | 'free-text';

const EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
const PHONE = "\\+?[0-9][0-9 ().-]{6,18}[0-9]";
const CARD = "[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,7}";
const IBAN = "[A-Z]{2}[0-9]{2} ?[A-Z0-9]{4}(?: ?[A-Z0-9]{1,4}){2,7}";
const SSN = "[0-9]{3}-[0-9]{2}-[0-9]{4}";
const NINO = "[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]";
const IPV4 = "(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])";
const IPV6 = "[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}";
const STREET = "[0-9]{1,5}[A-Za-z]? [A-Za-z' .-]+ (?:St|Street|Ave|Avenue|Rd|Road|Ln|Lane|Sq|Square|Way|Blvd|Boulevard|Dr|Drive|Ct|Court|Pl|Place|Str|Strasse|Straße|gatan|vej|veien)\\.?";
const PERSON = "[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?";

const digits = (v: string) => `regexp_replace(${v}, '[^0-9]', '', 'g')`;
const luhnOk = (v: string) => `(length(${digits(v)}) BETWEEN 13 AND 19 AND fd_luhn(left(${digits(v)}, -1)) = right(${digits(v)}, 1))`;
const ibanOk = (v: string) => `fd_mod97(substr(upper(replace(${v}, ' ', '')), 5) || substr(upper(replace(${v}, ' ', '')), 1, 4)) = 1`;
const full = (re: string) => (v: string) => `regexp_full_match(${v}, '${re.replace(/'/g, "''")}')`;
const has = (re: string) => (v: string) => `regexp_matches(${v}, '${re.replace(/'/g, "''")}')`;

export interface Detector {
  readonly id: DetectorId;
  /** column names that suggest it (lower-case name tested) */
  readonly name: RegExp;
  /** a whole value is this kind of data */
  readonly value?: (v: string) => string;
  /** a free text contains one */
  readonly embedded?: (v: string) => string;
  readonly propose: ColumnPolicy;
  /** name alone is enough (no value check possible, e.g. names, dates) */
  readonly nameSuffices: boolean;
}

export const DETECTORS: readonly Detector[] = [
  { id: 'email', name: /e[-_]?mail/, value: full(EMAIL), embedded: has(EMAIL), propose: { kind: 'email' }, nameSuffices: true },
  { id: 'card', name: /card.?(number|no|num)|^pan$|cc.?num|credit.?card/, value: (v) => `(${full(CARD)(v)} AND ${luhnOk(v)})`, embedded: (v) => `(${has(CARD)(v)} AND ${luhnOk(`regexp_extract(${v}, '${CARD}')`)})`, propose: { kind: 'card', keepPrefix: 1 }, nameSuffices: true },
  { id: 'iban', name: /iban|bank.?account|account.?(number|no)/, value: (v) => `(${full(IBAN)(v)} AND ${ibanOk(v)})`, embedded: (v) => `(${has(IBAN)(v)} AND ${ibanOk(`regexp_extract(${v}, '${IBAN}')`)})`, propose: { kind: 'iban' }, nameSuffices: true },
  { id: 'national-id', name: /ssn|social.?security|national.?id|^nino?$|passport|tax.?id|personnummer/, value: (v) => `(${full(SSN)(v)} OR ${full(NINO)(v)})`, embedded: (v) => `(${has(SSN)(v)} OR ${has(NINO)(v)})`, propose: { kind: 'pseudonym' }, nameSuffices: true },
  { id: 'ip', name: /(^|_)ip($|_)|ip.?addr/, value: (v) => `(${full(IPV4)(v)} OR ${full(IPV6)(v)})`, embedded: has(IPV4), propose: { kind: 'pseudonym' }, nameSuffices: true },
  { id: 'phone', name: /phone|mobile|^tel$|telephone|fax|msisdn/, value: (v) => `(${full(PHONE)(v)} AND length(${digits(v)}) BETWEEN 7 AND 15 AND NOT ${full('[0-9]{4}-[0-9]{2}-[0-9]{2}')(v)})`, embedded: (v) => has(`\\+[0-9]{1,3}[ -]?[0-9][0-9 -]{6,14}[0-9]`)(v), propose: { kind: 'phone', keepPrefix: 3 }, nameSuffices: true },
  { id: 'address', name: /street|address|addr_?line|^addr$/, value: full(STREET), embedded: has(STREET), propose: { kind: 'address' }, nameSuffices: true },
  { id: 'person-name', name: /first.?name|last.?name|surname|given.?name|family.?name|full.?name|middle.?name|maiden/, value: full(PERSON), propose: { kind: 'name' }, nameSuffices: true },
  { id: 'birth-date', name: /birth|^dob$|_dob$|born/, propose: { kind: 'dob', keep: 'year' }, nameSuffices: true },
  { id: 'postal-code', name: /postal|^zip|post.?code/, propose: { kind: 'generalise', prefix: 2, otherwise: 'other' }, nameSuffices: true },
  { id: 'free-text', name: /note|comment|description|remark|message|memo|free.?text|body|payload/, propose: { kind: 'null' }, nameSuffices: false },
];

/** value detectors whose match inside a longer text makes that text free text with personal data */
export const EMBEDDED: readonly Detector[] = DETECTORS.filter((d) => d.embedded);
