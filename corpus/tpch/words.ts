/**
 * The fixed lists of the TPC-H specification (section 4.2.2 and 4.2.3):
 * regions, nations, the word lists that build part names, types and
 * containers, and the grammar vocabulary of the text pool comments come from.
 * Picks are uniform over each list; NOUNS and ADJECTIVES repeat words to
 * carry their weights.
 */

export const REGIONS: readonly (readonly [number, string])[] = [
  [0, 'AFRICA'],
  [1, 'AMERICA'],
  [2, 'ASIA'],
  [3, 'EUROPE'],
  [4, 'MIDDLE EAST'],
];

/** [n_nationkey, n_name, n_regionkey] */
export const NATIONS: readonly (readonly [number, string, number])[] = [
  [0, 'ALGERIA', 0],
  [1, 'ARGENTINA', 1],
  [2, 'BRAZIL', 1],
  [3, 'CANADA', 1],
  [4, 'EGYPT', 4],
  [5, 'ETHIOPIA', 0],
  [6, 'FRANCE', 3],
  [7, 'GERMANY', 3],
  [8, 'INDIA', 2],
  [9, 'INDONESIA', 2],
  [10, 'IRAN', 4],
  [11, 'IRAQ', 4],
  [12, 'JAPAN', 2],
  [13, 'JORDAN', 4],
  [14, 'KENYA', 0],
  [15, 'MOROCCO', 0],
  [16, 'MOZAMBIQUE', 0],
  [17, 'PERU', 1],
  [18, 'CHINA', 2],
  [19, 'ROMANIA', 3],
  [20, 'SAUDI ARABIA', 4],
  [21, 'VIETNAM', 2],
  [22, 'RUSSIA', 3],
  [23, 'UNITED KINGDOM', 3],
  [24, 'UNITED STATES', 1],
];

/** P_NAME is five distinct words of these 92 (4.2.3). */
export const COLORS: readonly string[] = (
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished chartreuse ' +
  'chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick floral forest ' +
  'frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender lawn lemon light ' +
  'lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy olive orange orchid pale ' +
  'papaya peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky ' +
  'slate smoke snow spring steel tan thistle tomato turquoise violet wheat white yellow'
).split(' ');

export const TYPE_SYLLABLE_1 = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'] as const;
export const TYPE_SYLLABLE_2 = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'] as const;
export const TYPE_SYLLABLE_3 = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'] as const;
export const CONTAINER_SYLLABLE_1 = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'] as const;
export const CONTAINER_SYLLABLE_2 = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'] as const;
export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'] as const;
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
export const INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'] as const;
export const MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'] as const;

/** A list where each word appears `weight` times, so a uniform pick follows the weights. */
function weighted(words: readonly (readonly [string, number])[]): string[] {
  return words.flatMap(([w, n]) => Array<string>(n).fill(w));
}

/**
 * The text-pool grammar vocabulary (4.2.2.13). Nouns and adjectives carry
 * dbgen's weights (dists.dss), which make `packages`, `requests`, `accounts`,
 * `deposits` and `special`, `regular`, `final` common, as the queries expect
 * (about 1-2% of order comments match Q13's '%special%requests%'); the other
 * lists are uniform.
 */
export const NOUNS: readonly string[] = weighted([
  ['packages', 40], ['requests', 40], ['accounts', 40], ['deposits', 40], ['foxes', 20], ['ideas', 20],
  ['theodolites', 20], ['pinto beans', 20], ['instructions', 20], ['dependencies', 10], ['excuses', 10],
  ['platelets', 10], ['asymptotes', 10], ['courts', 5], ['dolphins', 5], ['multipliers', 1], ['sauternes', 1],
  ['warthogs', 1], ['frets', 1], ['dinos', 1], ['attainments', 1], ['somas', 1], ['Tiresias', 1], ['patterns', 1],
  ['forges', 1], ['braids', 1], ['hockey players', 1], ['frays', 1], ['warhorses', 1], ['dugouts', 1],
  ['notornis', 1], ['epitaphs', 1], ['pearls', 1], ['tithes', 1], ['waters', 1], ['orbits', 1], ['gifts', 1],
  ['sheaves', 1], ['depths', 1], ['sentiments', 1], ['decoys', 1], ['realms', 1], ['pains', 1], ['grouches', 1],
  ['escapades', 1],
]);
export const VERBS: readonly string[] = [
  'sleep', 'wake', 'are', 'cajole', 'haggle', 'nag', 'use', 'boost', 'affix', 'detect', 'integrate', 'maintain',
  'nod', 'was', 'lose', 'sublate', 'solve', 'thrash', 'promise', 'engage', 'hinder', 'print', 'x-ray', 'breach',
  'eat', 'grow', 'impress', 'mold', 'poach', 'serve', 'run', 'dazzle', 'snooze', 'doze', 'unwind', 'kindle',
  'play', 'hang', 'believe', 'doubt',
];
export const ADJECTIVES: readonly string[] = weighted([
  ['special', 20], ['pending', 20], ['unusual', 20], ['express', 20], ['furious', 1], ['sly', 1], ['careful', 1],
  ['blithe', 1], ['quick', 1], ['fluffy', 1], ['slow', 1], ['quiet', 1], ['ruthless', 1], ['thin', 1], ['close', 1],
  ['dogged', 1], ['daring', 1], ['brave', 1], ['stealthy', 1], ['permanent', 1], ['enticing', 1], ['idle', 1],
  ['busy', 1], ['regular', 50], ['final', 40], ['ironic', 40], ['even', 30], ['bold', 20], ['silent', 10],
]);
export const ADVERBS: readonly string[] = [
  'sometimes', 'always', 'never', 'furiously', 'slyly', 'carefully', 'blithely', 'quickly', 'fluffily', 'slowly',
  'quietly', 'ruthlessly', 'thinly', 'closely', 'doggedly', 'daringly', 'bravely', 'stealthily', 'permanently',
  'enticingly', 'idly', 'busily', 'regularly', 'finally', 'ironically', 'evenly', 'boldly', 'silently',
];
export const PREPOSITIONS: readonly string[] = [
  'about', 'above', 'according to', 'across', 'after', 'against', 'along', 'alongside of', 'among', 'around',
  'at', 'atop', 'before', 'behind', 'beneath', 'beside', 'besides', 'between', 'beyond', 'by', 'despite',
  'during', 'except', 'for', 'from', 'in place of', 'inside', 'instead of', 'into', 'near', 'of', 'on',
  'outside', 'over', 'past', 'since', 'through', 'throughout', 'to', 'toward', 'under', 'until', 'up', 'upon',
  'without', 'with', 'within',
];
export const AUXILIARIES: readonly string[] = [
  'do', 'may', 'might', 'shall', 'will', 'would', 'can', 'could', 'should', 'ought to', 'must', 'will have to',
  'shall have to', 'could have to', 'should have to', 'must have to', 'need to', 'try to',
];
export const TERMINATORS: readonly string[] = ['.', ';', ':', '?', '!', '--'];

/** A SQL list literal of strings: `['a', 'b']`. */
export function sqlList(words: readonly string[]): string {
  return `[${words.map((w) => `'${w.replaceAll("'", "''")}'`).join(', ')}]`;
}
