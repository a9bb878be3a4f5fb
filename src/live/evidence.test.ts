import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlOf, formatRequest, formatResponse } from './evidence.js';

const authA = [{ name: 'Authorization', value: 'Bearer aaaa.bbbb.cccc' }];
const authB = [{ name: 'X-Api-Key', value: 'key-of-b-123456' }];

describe('curlOf', () => {
  it('reads the credentials from the environment, never writes them', () => {
    const line = curlOf({ method: 'get', path: '/x', url: 'http://127.0.0.1:1/x?a=1', headers: { Authorization: 'Bearer aaaa.bbbb.cccc', 'X-Api-Key': 'key-of-b-123456', Origin: "https://evil.test/'" } }, authA, authB);
    expect(line).toBe(`curl -i -X GET -H "$APISEC_AUTH_HEADER" -H "$APISEC_AUTH_HEADER_B" -H 'Origin: https://evil.test/'\\''' 'http://127.0.0.1:1/x?a=1'`);
  });

  it('rebuilds a tampered token from the environment in the shell', () => {
    const line = curlOf({ method: 'GET', path: '/x', url: 'http://127.0.0.1:1/x', credentials: 'malformed', headers: { Authorization: 'Bearer aaaa.bbbb.apisec-invalid-signature' } }, authA, []);
    expect(line).not.toContain('aaaa');
    const header = /-H ("[^"]+")/.exec(line)?.[1] ?? '';
    const expanded = execFileSync('sh', ['-c', `printf %s ${header}`], { env: { APISEC_AUTH_HEADER: 'Authorization: Bearer aaaa.bbbb.cccc' } }).toString();
    expect(expanded).toBe('Authorization: Bearer aaaa.bbbb.apisec-invalid-signature');
  });

  it('quotes a body', () => {
    expect(curlOf({ method: 'POST', path: '/x', url: 'http://h/x', body: '{"a":"it\'s"}' }, [], [])).toBe(`curl -i -X POST --data-binary '{"a":"it'\\''s"}' 'http://h/x'`);
  });
});

describe('formatRequest / formatResponse', () => {
  it('shows the request line, headers, a body excerpt and the redirects seen', () => {
    expect(formatRequest({ method: 'POST', path: '/x', url: 'http://h/x', headers: { 'Content-Type': 'application/json' }, body: 'b'.repeat(900) })).toBe(
      `POST http://h/x\nContent-Type: application/json\n\n${'b'.repeat(800)}… (100 more characters)`,
    );
    expect(
      formatResponse({ status: 302, headers: { location: 'http://other/', b: '2', a: '1' }, body: '', bodyTruncated: false, url: 'http://h/', durationMs: 1, redirects: [{ from: 'http://h/', status: 302, location: 'http://other/', offOrigin: true, followed: false }] }),
    ).toBe('(redirect 302 from http://h/ to http://other/, not followed: off the target)\nHTTP 302\na: 1\nb: 2\nlocation: http://other/');
  });
});
