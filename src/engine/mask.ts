/**
 * Masks secrets in everything apisec prints or writes. A masked value keeps a short prefix (and a
 * key's well-known type prefix, `sk_live_`, `ghp_`, `AKIA`…) so a reader can tell which secret it
 * was, and hides the rest behind asterisks.
 *
 * Every rule is a pure, deterministic function of the text, runs in time linear in it (each
 * pattern can only start where a run of its characters starts, and bounds its look-back), and is
 * idempotent: a masked value ends with four asterisks and is never masked again, so masking the
 * same string twice gives the same bytes.
 */

const MASK_TAIL = /\*{4}$/;

/** The first `keep` characters of `value`, then 4 to 8 asterisks. */
function hide(value: string, keepAtMost = 4): string {
  const keep = Math.min(keepAtMost, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}${'*'.repeat(Math.max(4, Math.min(8, value.length - keep)))}`;
}

/**
 * Where a key may start: not inside a word, but right after a JSON-pointer escape (`~1`), a
 * percent-escape (`%2F`) or a literal `\n` in quoted code, so `/paths/~1hooks~1xoxb-…` is masked.
 * Each alternative ends on a character outside the key's alphabet, so a pattern starts at most
 * twice per run of key characters and stays linear.
 */
const START = String.raw`(?<=^|[^A-Za-z0-9]|~[01]|%[0-9A-Fa-f]{2}|\\[nrt])`;
const START_B64URL = String.raw`(?<=^|[^A-Za-z0-9_-]|~[01]|%[0-9A-Fa-f]{2}|\\[nrt])`;

/**
 * Well-known key formats: the first group is the format's prefix, kept; the second is the secret.
 * Case-insensitive, and `-` for `_`, so the slug of a file or API named after a key is masked too.
 */
const TOKENS: readonly RegExp[] = [
  String.raw`((?:sk|pk|rk)[_-](?:live|test)[_-])([A-Za-z0-9]{8,})`,
  String.raw`(github[_-]pat[_-])([A-Za-z0-9_-]{20,})`,
  String.raw`(gh[pousr][_-])([A-Za-z0-9]{20,})`,
  String.raw`(glpat-)([A-Za-z0-9_-]{20,})`,
  String.raw`(xox[abposr]-)([A-Za-z0-9-]{10,})`,
  String.raw`(AKIA|ASIA)([0-9A-Z]{16})(?![0-9A-Za-z])`,
  String.raw`(AIza)([0-9A-Za-z_-]{6,})`,
  String.raw`(npm[_-])([A-Za-z0-9]{36})(?![A-Za-z0-9])`,
].map((pattern) => new RegExp(`${START}${pattern}`, 'gi'));

/** JWT: a base64url JSON header, then payload and signature. */
const JWT = new RegExp(String.raw`${START_B64URL}(eyJ)([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)`, 'g');
/** One segment of a JWT on its own (a path segment, a lower-cased slug): base64url JSON, claims included. */
const JWT_SEGMENT = new RegExp(String.raw`${START_B64URL}(eyJ)([A-Za-z0-9_-]{17,})`, 'gi');

/** A PEM private key: the header stays, the key material (with literal `\n`s in code) goes. */
const PEM = /(-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----)([A-Za-z0-9+/=\s\\]{16,}(?:-----END [A-Z ]{0,40}PRIVATE KEY-----)?)/g;

/** `Authorization: Bearer <value>`, `Basic <value>`, `Token <value>`. */
const SCHEME = /(?<![A-Za-z0-9])(Bearer|bearer|Basic|ApiKey|Token)(\s+)([A-Za-z0-9._~+/-]{8,}={0,2})/g;

/** `scheme://user:password@host`: the password goes, the user stays. */
const USERINFO = /(:\/\/[^\s:/?#@'"`<>\\]{0,256}:)([^\s/?#@'"`<>\\]{1,256})@/g;

/**
 * Names that hold a secret: they *end* with the secret word (`JWT_SECRET`, `apiKey`, `db_password`,
 * `access_token`, `JWT_SECRET_KEY`), so `password_reset_url`, `token_type` and `api_key_header` are
 * not secrets. The name's look-back is bounded (60 characters before the word).
 */
const SECRET_WORD =
  '(?:secret|password|passwd|passphrase|pwd|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signing[_-]?key|secret[_-]?key|jwt[_-]?key|encryption[_-]?key|hmac[_-]?key|master[_-]?key|auth[_-]?key)';
const NAME = `(?<![\\w.$-])([\\w.-]{0,60}?${SECRET_WORD}\\d{0,3})`;

/** `secret = "value"`, `"password": "value"`, `app.config["JWT_SECRET_KEY"] = 'value'`, `getenv("API_KEY", "value")`. */
const QUOTED = new RegExp(`${NAME}(["']?\\]?[ \\t]{0,8}(?:={1,3}|:|,|=>|\\|\\||\\?\\?)[ \\t]{0,8}[brfu]{0,2})(["'\`])([^"'\`\\n]{1,512})(["'\`])`, 'gi');
/** `password: hunter2x9` (YAML, .env), `api_key=9f8e…` (query strings): only values that look random. */
const UNQUOTED = new RegExp(`${NAME}(\\]?[ \\t]{0,8}[:=][ \\t]{0,8})([A-Za-z0-9._~+/%-]{8,}={0,2})`, 'gi');
/** Query parameters whose short names hold keys: `?key=AIza…`, `&sig=…`. */
const QUERY_KEY = /([?&;](?:key|sig|signature)=)([A-Za-z0-9._~+/%-]{8,}={0,2})/gi;

/** Words a secret-named field holds in schemas and configuration without being a secret. */
const NOT_A_VALUE = /^(string|integer|number|boolean|object|array|null|none|undefined|true|false|required|optional|header|query|cookie|path|body|bearer|basic|apikey|http|https|oauth2|openidconnect|password|secret|token|hidden|masked|redacted)$/i;

/** Code, not a value: `process.env.JWT_SECRET`, `header.startsWith`, `HTTPBasicCredentials`. */
const CODE_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|^[A-Za-z_$][A-Za-z_$]*$/;
/** Versions and ranges in manifests: `"jsonwebtoken": "^9.0.2"`. */
const VERSION = /^[\^~<>=v ]*\d+(?:\.[\dx*]+)*(?:[-+][\w.-]*)?$/;

function isPlaceholder(value: string): boolean {
  return /^(\$\{|\$[A-Z_]|\{|<|%\(|%s|\[)/.test(value) || MASK_TAIL.test(value) || value.includes('****');
}

/** Random-looking: letters and digits mixed, or long with mixed case or symbols. Hex digests count. */
function looksRandom(value: string): boolean {
  if (value.length < 8) return false;
  const digits = /\d/.test(value);
  const letters = /[A-Za-z]/.test(value);
  if (digits && letters) return true;
  return value.length >= 16 && /[A-Z]/.test(value.slice(1)) && /[a-z]/.test(value);
}

/**
 * Values the analysis proved are secrets (a string literal passed as the key of `jwt.sign`, a
 * constant it resolves to): masked wherever they appear. Short or word-like ones only where they
 * appear quoted, so a key `"secret"` does not mask the word secret in prose.
 */
export interface KnownSecrets {
  readonly values: readonly string[];
}

export function knownSecrets(values: Iterable<string>): KnownSecrets {
  const unique = [...new Set([...values].filter((value) => value.length >= 4 && !isPlaceholder(value)))];
  // Longest first, so a secret that contains another is masked whole.
  unique.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  return { values: unique };
}

function maskKnown(text: string, known: KnownSecrets): string {
  let out = text;
  for (const value of known.values) {
    if (!out.includes(value)) continue;
    const masked = hide(value, 2);
    if (value.length >= 12 && looksRandom(value)) {
      out = out.split(value).join(masked);
    } else {
      for (const quote of ['"', "'", '`']) out = out.split(`${quote}${value}${quote}`).join(`${quote}${masked}${quote}`);
    }
  }
  return out;
}

function quotedIsSecret(separator: string, value: string): boolean {
  if (value.length < 4 || /^\s/.test(value) || isPlaceholder(value) || NOT_A_VALUE.test(value) || VERSION.test(value)) return false;
  // After a comma the value may be another argument: `("grant_type", "refresh_token")`, `body('password', 'Password must…')`.
  return !separator.includes(',') || (!CODE_PATH.test(value) && value.split(' ').length <= 3);
}

/**
 * Cheap tests that rule most strings out (paths, titles, ids): a pattern only runs where one of
 * its literal parts occurs. The patterns stay the judges; these only skip work.
 */
const HINT = {
  token: /live|test|gh[pousr]|github|glpat|xox|AKIA|ASIA|AIza|npm|eyJ/i,
  name: /secret|passw|passphrase|pwd|token|key|sig/i,
  scheme: /Bearer|bearer|Basic|ApiKey|Token/,
};

export function maskSecrets(text: string, known?: KnownSecrets): string {
  let out = known === undefined || known.values.length === 0 ? text : maskKnown(text, known);
  if (out.length < 8) return out;
  if (out.includes('PRIVATE KEY')) out = out.replace(PEM, (_whole, header: string) => `${header}****`);
  if (HINT.token.test(out)) {
    for (const pattern of [...TOKENS, JWT, JWT_SEGMENT]) out = out.replace(pattern, (_whole, prefix: string, body: string) => `${prefix}${hide(body)}`);
  }
  if (out.includes('@') && out.includes('://')) {
    out = out.replace(USERINFO, (whole, head: string, password: string) => (isPlaceholder(password) ? whole : `${head}${hide(password)}@`));
  }
  if (HINT.name.test(out)) {
    out = out.replace(QUOTED, (whole, name: string, separator: string, open: string, value: string, close: string) =>
      quotedIsSecret(separator, value) ? `${name}${separator}${open}${hide(value)}${close}` : whole,
    );
    out = out.replace(UNQUOTED, (whole, name: string, separator: string, value: string) =>
      looksRandom(value) && !isPlaceholder(value) && !CODE_PATH.test(value) ? `${name}${separator}${hide(value)}` : whole,
    );
    out = out.replace(QUERY_KEY, (whole, head: string, value: string) => (looksRandom(value) ? `${head}${hide(value)}` : whole));
  }
  if (HINT.scheme.test(out)) {
    out = out.replace(SCHEME, (whole, scheme: string, space: string, value: string) =>
      looksRandom(value) || /[+/=]/.test(value) ? `${scheme}${space}${hide(value)}` : whole,
    );
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every string in it masked (object keys too): the one pass every report
 * goes through before it is rendered. Plain data only (what `JSON.stringify` would write).
 */
export function maskDeep<T>(value: T, known?: KnownSecrets): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return maskSecrets(item, known);
    if (Array.isArray(item)) return item.map(walk);
    if (isPlainObject(item)) {
      const out: Record<string, unknown> = {};
      // Defined, not assigned: a `__proto__` key from an audited file stays a plain key.
      for (const [key, child] of Object.entries(item)) {
        Object.defineProperty(out, maskSecrets(key, known), { value: walk(child), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return item;
  };
  return walk(value) as T;
}

const maskedResults = new WeakMap<object, object>();

/**
 * The masked form of a result, computed once per result object, and a masked result is its own
 * masked form: every renderer calls this first, so no renderer can print a secret.
 */
export function maskResult<T extends object>(result: T): T {
  const cached = maskedResults.get(result);
  if (cached !== undefined) return cached as T;
  const masked = maskDeep(result);
  maskedResults.set(result, masked);
  maskedResults.set(masked, masked);
  return masked;
}
