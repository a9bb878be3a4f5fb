import type { AuthHeader } from './runner.js';
import type { Exchange, LiveResponse } from './http.js';

/** Characters of a body kept in evidence. */
export const BODY_EXCERPT = 800;
const HEADER_VALUE_MAX = 200;

function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** `GET https://host/path`, then the headers sent and the body's start. Credentials are masked by the caller. */
export function formatRequest(request: Exchange['request']): string {
  const lines = [`${request.method.toUpperCase()} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${excerpt(value, HEADER_VALUE_MAX)}`);
  if (request.body !== undefined) lines.push('', excerpt(request.body, BODY_EXCERPT));
  return lines.join('\n');
}

/** `HTTP 200`, the headers received (sorted) and the body's start. */
export function formatResponse(response: LiveResponse): string {
  const lines = [`HTTP ${response.status}`];
  for (const hop of response.redirects) lines.unshift(`(redirect ${hop.status} from ${hop.from} to ${hop.location}${hop.followed ? '' : ', not followed: off the target'})`);
  for (const name of Object.keys(response.headers).sort()) lines.push(`${name}: ${excerpt(response.headers[name] ?? '', HEADER_VALUE_MAX)}`);
  if (response.body !== '') lines.push('', excerpt(response.body, BODY_EXCERPT));
  return lines.join('\n');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that repeats the request. The credentials given are never written: they are read
 * from the environment variables the CLI accepts (`APISEC_AUTH_HEADER`, `APISEC_AUTH_HEADER_B`).
 */
export function curlOf(request: Exchange['request'], authA: readonly AuthHeader[], authB: readonly AuthHeader[]): string {
  const parts = ['curl', '-i', '-X', request.method.toUpperCase()];
  const fromA = new Map(authA.map((header, index) => [header.name.toLowerCase(), { value: header.value, variable: index === 0 ? 'APISEC_AUTH_HEADER' : `APISEC_AUTH_HEADER_${index + 1}` }]));
  const fromB = new Map(authB.map((header, index) => [header.name.toLowerCase(), { value: header.value, variable: index === 0 ? 'APISEC_AUTH_HEADER_B' : `APISEC_AUTH_HEADER_B_${index + 1}` }]));
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const key = name.toLowerCase();
    const a = fromA.get(key);
    const b = fromB.get(key);
    if (a !== undefined && a.value === value) parts.push('-H', `"$${a.variable}"`);
    else if (a !== undefined && request.credentials === 'malformed' && value.endsWith('.apisec-invalid-signature')) {
      // A's JWT with its signature replaced, rebuilt from the environment by the shell.
      parts.push('-H', `"\${${a.variable}%.*}.apisec-invalid-signature"`);
    }
    else if (b !== undefined && b.value === value) parts.push('-H', `"$${b.variable}"`);
    else parts.push('-H', quote(`${name}: ${value}`));
  }
  if (request.body !== undefined) parts.push('--data-binary', quote(request.body));
  parts.push(quote(request.url));
  return parts.join(' ');
}
