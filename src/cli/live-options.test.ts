import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveFlags, liveOptionsFrom } from './live-options.js';

const dir = mkdtempSync(join(tmpdir(), 'apisec-ca-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('--ca', () => {
  it('passes the PEM text to the live run', () => {
    const file = join(dir, 'staging-ca.pem');
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(file, pem);
    const options = liveOptionsFrom('https://staging.example.test', LiveFlags.parse({ ca: file }), {});
    expect(options.ca).toBe(pem);
    expect(liveOptionsFrom('https://staging.example.test', LiveFlags.parse({}), {}).ca).toBeUndefined();
  });

  it('refuses a missing file and a file holding no certificate, naming the file', () => {
    const empty = join(dir, 'notes.txt');
    writeFileSync(empty, 'not a certificate');
    expect(() => liveOptionsFrom('https://staging.example.test', LiveFlags.parse({ ca: join(dir, 'missing.pem') }), {})).toThrow(/--ca file ".*missing\.pem" cannot be read/);
    expect(() => liveOptionsFrom('https://staging.example.test', LiveFlags.parse({ ca: empty }), {})).toThrow(/holds no PEM certificate/);
  });
});
