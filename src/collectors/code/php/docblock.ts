/**
 * Doctrine-style annotations in docblocks (`@Route("/x", name="y", methods={"GET", "POST"})`,
 * `@IsGranted("ROLE_USER")`, `@Security("is_granted('ROLE_ADMIN')")`), as Symfony read them before attributes.
 */
export interface DocAnnotation {
  /** Name as written (`Route`, `Rest\Get`, `ORM\Column`). */
  name: string;
  positional: DocValue[];
  named: Map<string, DocValue>;
  /** 0-based line offset inside the comment. */
  lineOffset: number;
}

export type DocValue = string | boolean | number | DocValue[] | { [key: string]: DocValue } | undefined;

/** Every annotation of a docblock; malformed ones are skipped, never thrown. */
export function docAnnotations(comment: string): DocAnnotation[] {
  const out: DocAnnotation[] = [];
  const pattern = /@([A-Za-z_\\][A-Za-z0-9_\\]*)\s*(\()?/g;
  for (let match = pattern.exec(comment); match; match = pattern.exec(comment)) {
    // An `@` inside an annotation's arguments (an e-mail in a string) belongs to that annotation.
    const before = comment.slice(0, match.index);
    const lineStart = before.lastIndexOf('\n') + 1;
    const prefix = before.slice(lineStart);
    if (!/^\s*(?:\/\*\*|\*)?\s*$/.test(prefix)) continue;
    const name = match[1] ?? '';
    const lineOffset = before.split('\n').length - 1;
    if (!match[2]) {
      out.push({ name, positional: [], named: new Map(), lineOffset });
      continue;
    }
    const parser = new Parser(comment, pattern.lastIndex);
    const args = parser.arguments(')');
    if (!args) continue;
    pattern.lastIndex = parser.index;
    out.push({ name, positional: args.positional, named: args.named, lineOffset });
  }
  return out;
}

class Parser {
  constructor(
    private readonly text: string,
    public index: number,
  ) {}

  arguments(close: string): { positional: DocValue[]; named: Map<string, DocValue> } | undefined {
    const positional: DocValue[] = [];
    const named = new Map<string, DocValue>();
    for (let guard = 0; guard < 200; guard++) {
      this.skip();
      const char = this.text[this.index];
      if (char === undefined) return undefined;
      if (char === close) {
        this.index++;
        return { positional, named };
      }
      if (char === ',') {
        this.index++;
        continue;
      }
      const key = /^([A-Za-z_][A-Za-z0-9_]*)\s*[=:]/.exec(this.text.slice(this.index, this.index + 80));
      if (key && !/^[A-Za-z_][A-Za-z0-9_]*\s*::/.test(this.text.slice(this.index, this.index + 80))) {
        this.index += key[0].length;
        named.set(key[1] ?? '', this.value());
      } else {
        const quotedKey = /^"([^"]*)"\s*[=:]/.exec(this.text.slice(this.index, this.index + 200));
        if (quotedKey) {
          this.index += quotedKey[0].length;
          named.set(quotedKey[1] ?? '', this.value());
        } else positional.push(this.value());
      }
    }
    return undefined;
  }

  private skip(): void {
    while (this.index < this.text.length) {
      const rest = this.text.slice(this.index, this.index + 2);
      if (/^\s/.test(rest)) this.index++;
      else if (rest.startsWith('*') && rest !== '*/') this.index++;
      else break;
    }
  }

  private value(): DocValue {
    this.skip();
    const char = this.text[this.index];
    if (char === '"' || char === "'") {
      let out = '';
      this.index++;
      while (this.index < this.text.length) {
        const c = this.text[this.index] ?? '';
        if (c === char) {
          // Doctrine escapes a quote by doubling it.
          if (this.text[this.index + 1] === char) {
            out += char;
            this.index += 2;
            continue;
          }
          this.index++;
          break;
        }
        out += c;
        this.index++;
      }
      return out;
    }
    if (char === '{') {
      this.index++;
      const args = this.arguments('}');
      if (!args) return undefined;
      if (args.named.size > 0) {
        const record: { [key: string]: DocValue } = {};
        for (const [key, value] of args.named) record[key] = value;
        return record;
      }
      return args.positional;
    }
    const word = /^[^,)}\s]+/.exec(this.text.slice(this.index));
    if (!word) {
      this.index++;
      return undefined;
    }
    this.index += word[0].length;
    if (word[0] === 'true' || word[0] === 'false') return word[0] === 'true';
    if (/^-?\d+$/.test(word[0])) return Number(word[0]);
    if (word[0].startsWith('@')) {
      // A nested annotation: skip its arguments.
      if (this.text[this.index] === '(') {
        this.index++;
        this.arguments(')');
      }
      return undefined;
    }
    return word[0];
  }
}

export function docStrings(value: DocValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(docStrings);
  return [];
}
