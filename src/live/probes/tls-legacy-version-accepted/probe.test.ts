import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, shopInventory, startServers, type Servers } from '../../../../test/live/harness.js';
import { runLive, type LiveResult } from '../../runner.js';
import type { StartedServer } from '../../../../test/live/servers/common.js';
import tlsLegacyVersionAccepted from './probe.js';

const fixtures = new URL('../../fixtures/tls/', import.meta.url);
const cert = readFileSync(new URL('api.staging.test.cert.pem', fixtures), 'utf8');
const key = readFileSync(new URL('api.staging.test.key.pem', fixtures), 'utf8');

/** An https API on 127.0.0.1 accepting TLS from `minVersion` up; requests are recorded. */
async function httpsApi(minVersion: 'TLSv1' | 'TLSv1.2'): Promise<StartedServer> {
  const requests: StartedServer['requests'] = [];
  const server: HttpsServer = createHttpsServer({ cert, key, minVersion, ciphers: 'DEFAULT@SECLEVEL=0' }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://api.staging.test:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}

/** Probes `server` under its certificate's name, resolved to 127.0.0.1 and trusted through `ca`. */
function probeTls(server: StartedServer): Promise<LiveResult> {
  return runLive({
    target: server.url,
    probes: [tlsLegacyVersionAccepted],
    inventory: shopInventory(),
    resolve: () => Promise.resolve({ address: '127.0.0.1', family: 4 }),
    ca: cert,
    budget: 20,
    ratePerSecond: 200,
  });
}

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('tls-legacy-version-accepted', () => {
  it('reports an https target that still completes TLS 1.0 and 1.1 handshakes, with a command to reproduce it', async () => {
    const legacy = await httpsApi('TLSv1');
    try {
      const result = await probeTls(legacy);
      const findings = result.findings.filter((finding) => finding.checkId === 'tls-legacy-version-accepted');
      expect(lines(findings)).toEqual([`tls-legacy-version-accepted [medium]: ${legacy.url} completes TLS handshakes with TLSv1 and TLSv1.1, deprecated protocol versions (RFC 8996).`]);
      expect(String(findings[0]?.evidence?.reproduce)).toMatch(/^openssl s_client -connect api\.staging\.test:\d+ -servername api\.staging\.test -tls1 /);
      // Handshakes send no request.
      expect(legacy.requests.filter((request) => request.url !== '/' && !request.url.startsWith('/apisec-'))).toEqual([]);
    } finally {
      await legacy.close();
    }
  });

  it('is silent on an https target that accepts TLS 1.2 and up, and on plaintext targets', async () => {
    const modern = await httpsApi('TLSv1.2');
    try {
      const result = await probeTls(modern);
      expect(lines(result.findings, 'tls-legacy-version-accepted')).toEqual([]);
    } finally {
      await modern.close();
    }
    for (const server of [servers.vulnerable, servers.hardened, servers.sayYes]) {
      const result = await probe(server, [tlsLegacyVersionAccepted], { tokens: null, active: false });
      expect(lines(result.findings, 'tls-legacy-version-accepted')).toEqual([]);
    }
  });
});
