/** English inflection of resource names, as ActiveSupport gives it for the common cases. */
const IRREGULAR: [string, string][] = [
  ['person', 'people'],
  ['man', 'men'],
  ['woman', 'women'],
  ['child', 'children'],
  ['mouse', 'mice'],
  ['datum', 'data'],
  ['news', 'news'],
  ['series', 'series'],
  ['species', 'species'],
  ['equipment', 'equipment'],
  ['information', 'information'],
  ['media', 'media'],
];

export function singular(word: string): string {
  for (const [one, many] of IRREGULAR) if (word === many) return one;
  const rules: [RegExp, string][] = [
    [/(quiz)zes$/i, '$1'],
    [/(matr|vert|ind)ices$/i, '$1ix'],
    [/([^aeiouy]|qu)ies$/i, '$1y'],
    [/(x|ch|ss|sh)es$/i, '$1'],
    [/(alias|status|bus)es$/i, '$1'],
    [/([lr])ves$/i, '$1f'],
    [/(ss|us|is)$/i, '$1'],
    [/s$/i, ''],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(word)) return word.replace(pattern, replacement);
  return word;
}

export function plural(word: string): string {
  for (const [one, many] of IRREGULAR) if (word === one) return many;
  const rules: [RegExp, string][] = [
    [/(quiz)$/i, '$1zes'],
    [/(matr|vert|ind)(?:ix|ex)$/i, '$1ices'],
    [/(x|ch|ss|sh)$/i, '$1es'],
    [/([^aeiouy]|qu)y$/i, '$1ies'],
    [/(alias|status|bus)$/i, '$1es'],
    [/s$/i, 's'],
    [/$/, 's'],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(word)) return word.replace(pattern, replacement);
  return word;
}
