/**
 * Neutralises control characters in text that came from the audited repository (file names,
 * endpoint paths, NAME, messages, evidence) before it is rendered: a terminal must never receive
 * an escape sequence, a carriage return or a bidirectional override planted in a file name, and
 * 02-protect.md must never carry one. Each character is replaced by a visible escape (`\x1b`,
 * `\u202e`), so the reader still sees that it was there.
 */

// C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), bidirectional
// marks, embeddings, overrides and isolates, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- the same, with tab and newline.
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Raw in JSON text only inside strings (JSON.stringify escapes C0 itself); `\uXXXX` is lossless there.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character but tab and newline shown as an escape. */
export function neutralizeControls(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** `text` as one line: newlines and tabs are escaped too (names, paths, ids, progress lines). */
export function neutralizeLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, visible);
}

/** JSON text with the characters JSON.stringify leaves raw (C1, bidi) written as `\uXXXX`: the same data, safe on a terminal. */
export function escapeJsonControls(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Fields that name something (a file, a path, an id) are one line; prose and evidence keep their newlines.
const SINGLE_LINE_KEY = /^(?:api|endpoint|file|files|handler|id|method|name|pointer|root|source|title)$|(?:Id|Ids|Path|File)$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const sanitized = new WeakMap<object, object>();

/**
 * A copy of a result (plain data) with every string neutralised, object keys included: every
 * renderer of text for people (Markdown, terminal) calls this, so none can pass a control
 * character through. Computed once per result.
 */
export function sanitizeResult<T extends object>(result: T): T {
  const cached = sanitized.get(result);
  if (cached !== undefined) return cached as T;
  const walk = (item: unknown, singleLine: boolean): unknown => {
    if (typeof item === 'string') return singleLine ? neutralizeLine(item) : neutralizeControls(item);
    if (Array.isArray(item)) return item.map((child) => walk(child, singleLine));
    if (isPlainObject(item)) {
      const out: Record<string, unknown> = Object.getPrototypeOf(item) === null ? (Object.create(null) as Record<string, unknown>) : {};
      for (const [key, child] of Object.entries(item)) {
        Object.defineProperty(out, neutralizeLine(key), { value: walk(child, SINGLE_LINE_KEY.test(key)), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return item;
  };
  const out = walk(result, false) as T;
  sanitized.set(result, out);
  sanitized.set(out, out);
  return out;
}
