/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is itself
 * markup built here, so text from the audited repository (paths, file names, messages, evidence)
 * can never become a tag or an attribute.
 */

const MARKUP = Symbol('markup');

export interface Markup {
  readonly [MARKUP]: true;
  readonly html: string;
}

export type Interpolation = Markup | string | number | boolean | undefined | null | readonly Interpolation[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function isMarkup(value: unknown): value is Markup {
  return typeof value === 'object' && value !== null && MARKUP in value;
}

/** Markup from a trusted constant (the report's own CSS, script, SVG built from numbers). */
export function trusted(htmlText: string): Markup {
  return { [MARKUP]: true, html: htmlText };
}

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (isMarkup(value)) return value.html;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value as string | number | boolean));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return trusted(out);
}

/**
 * Authored prose (messages, rationales, remediations) where backtick spans are code: each span
 * becomes `<code>`, everything else is escaped text.
 */
export function prose(text: string): Markup {
  const parts: Markup[] = [];
  const span = /`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(span)) {
    parts.push(html`${text.slice(last, match.index)}`);
    parts.push(html`<code>${match[1] ?? ''}</code>`);
    last = match.index + match[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}
