/**
 * C# 11 raw string literals (`"""…"""`, `$"""…{x}…"""`) are unknown to the C# grammar apisec ships: the
 * parse error swallows the rest of the method (a minimal-API file with an OpenAPI description in a raw
 * string lost every route after it). The parser reads a copy where each raw string is a verbatim string of
 * the same length — `@"` and spaces for the opening quotes, the content with its `"` made `'`, `"` and
 * spaces for the closing ones — so every node keeps the file's positions; the tree reads its text from the
 * original (see withText in parser.ts). A single `$` stays (`$@"…{x}…"`): interpolations remain
 * interpolations; `$$"""` strings lose theirs (their braces would not mean the same in a verbatim string).
 */
export function csharpParseInput(text: string): string {
  if (!text.includes('"""')) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === "'") {
      // A character literal: '"', '\'', '\u0022'.
      let j = i + 1;
      while (j < n && text[j] !== "'" && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === '$' || c === '@' || c === '"') {
      let j = i;
      let dollars = 0;
      let verbatim = false;
      while (j < n && (text[j] === '$' || text[j] === '@')) {
        if (text[j] === '$') dollars += 1;
        else verbatim = true;
        j += 1;
      }
      if (text[j] !== '"') {
        i = j > i ? j : i + 1;
        continue;
      }
      let quotes = 0;
      while (text[j + quotes] === '"') quotes += 1;
      if (quotes >= 3 && !verbatim) {
        const close = text.indexOf('"'.repeat(quotes), j + quotes);
        if (close < 0) return out + text.slice(copied);
        const opening = dollars === 1 ? `$@"${' '.repeat(quotes - 2)}` : `${' '.repeat(dollars)}@"${' '.repeat(quotes - 2)}`;
        out += text.slice(copied, i) + opening + text.slice(j + quotes, close).replace(/"/g, "'") + `"${' '.repeat(quotes - 1)}`;
        i = close + quotes;
        copied = i;
        continue;
      }
      if (quotes === 2) {
        // An empty string `""` (or `@""`).
        i = j + 2;
        continue;
      }
      // A regular or verbatim string: skip to its end.
      let k = j + 1;
      while (k < n) {
        if (verbatim) {
          if (text[k] === '"' && text[k + 1] === '"') k += 2;
          else if (text[k] === '"') break;
          else k += 1;
        } else if (text[k] === '\\') k += 2;
        else if (text[k] === '"' || text[k] === '\n') break;
        else k += 1;
      }
      i = k + 1;
      continue;
    }
    i += 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
