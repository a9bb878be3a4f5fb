const IRREGULAR: Record<string, string> = {
  people: 'person',
  men: 'man',
  women: 'woman',
  children: 'child',
  teeth: 'tooth',
  feet: 'foot',
  mice: 'mouse',
  geese: 'goose',
  data: 'data',
  media: 'media',
  criteria: 'criterion',
  indices: 'index',
  matrices: 'matrix',
  vertices: 'vertex',
  analyses: 'analysis',
  news: 'news',
  series: 'series',
  species: 'species',
  settings: 'setting',
};

/** English singular as Laravel's `Str::singular` gives it for the common cases of resource names. */
export function singular(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular) return irregular;
  const rules: [RegExp, string][] = [
    [/(quiz)zes$/i, '$1'],
    [/(matr|vert|ind)ices$/i, '$1ix'],
    [/([^aeiouy]|qu)ies$/i, '$1y'],
    [/(x|ch|ss|sh|zz)es$/i, '$1'],
    [/(alias|status|bus|campus|virus|census)es$/i, '$1'],
    [/(m)ovies$/i, '$1ovie'],
    [/(s)eries$/i, '$1eries'],
    [/([lr])ves$/i, '$1f'],
    [/(tive)s$/i, '$1'],
    [/(hive)s$/i, '$1'],
    [/([^f])ves$/i, '$1fe'],
    [/(shoe)s$/i, '$1'],
    [/(o)es$/i, '$1'],
    [/(ss|us|is)$/i, '$1'],
    [/s$/i, ''],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(word)) return word.replace(pattern, replacement);
  return word;
}
