/**
 * Masks secrets in text apisec quotes (evidence snippets, messages): keeps a short prefix so a
 * reader can recognise the value, hides the rest.
 */
const PATTERNS: RegExp[] = [
  // Well-known key formats.
  /\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{8,}\b/g,
  /\b(sk|pk)-(live|test)-[A-Za-z0-9]{6,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

// `secret = "value"`, `"password": "value"`, `apiKey: 'value'`, `Authorization: Bearer value`.
const ASSIGNED =
  /((?:secret|password|passwd|pwd|token|api[_-]?key|apikey|private[_-]?key|client[_-]?secret|access[_-]?key|signing[_-]?key|jwt[_-]?key)\w*["']?\s*(?:=|:|,)\s*(?:b|r|f)?["'`])([^"'`\n]{4,})(["'`])/gi;
const BEARER = /\b(Bearer|Basic|ApiKey|Token)\s+([A-Za-z0-9._~+/=-]{8,})/g;

function hide(value: string): string {
  const keep = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}${'*'.repeat(Math.max(4, Math.min(8, value.length - keep)))}`;
}

export function maskSecrets(text: string): string {
  let out = text.replace(ASSIGNED, (_whole, head: string, value: string, tail: string) => `${head}${hide(value)}${tail}`);
  out = out.replace(BEARER, (_whole, scheme: string, value: string) => `${scheme} ${hide(value)}`);
  for (const pattern of PATTERNS) out = out.replace(pattern, (match) => hide(match));
  return out;
}
