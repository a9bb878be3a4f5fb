/**
 * Issue 16's "Done when" for the probes: every registered probe, passive and active, against the
 * four servers on 127.0.0.1. Each probe fires on the vulnerable shop; nothing at medium or above on
 * the hardened twin but its plaintext transport; nothing at all on the say-yes server; the canary
 * (another host, where the vulnerable server redirects) is never contacted; the budget holds, as
 * counted by the client and by the servers themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEndpoint } from '../../src/live/runner.js';
import type { LiveResult } from '../../src/live/runner.js';
import { allProbes } from '../../src/live/probes/index.js';
import type { Finding } from '../../src/model/types.js';
import { atLeast, lines, probe, startServers } from './harness.js';
import type { Servers } from './harness.js';
import type { StartedServer } from './servers/common.js';
import { startVulnerableServer, type ShopServer } from './servers/vulnerable.js';

const BUDGET = 300;

let servers: Servers;
/** The vulnerable shop over HTTPS still offering TLS 1.0/1.1: the probes that need an https target fire there. */
let vulnerableTls: ShopServer;
const HTTPS_ONLY = new Set(['tls-legacy-version-accepted']);
const results = new Map<string, { result: LiveResult; received: number }>();

/** Routes of the vulnerable server that redirect to the canary (directly, protocol-relative, by another name of the host, through a chain), added to its inventory so probes call them. */
function adversarialEndpoints(canary: string) {
  return [
    liveEndpoint('GET', '/api/v1/orders', { needsAuth: true }),
    liveEndpoint('GET', '/docs/', { needsAuth: true }),
    liveEndpoint('GET', '/graphql/', { needsAuth: true }),
    liveEndpoint('GET', `/api/redirect?next=${encodeURIComponent(`${canary}/stolen`)}`, { needsAuth: true }),
  ];
}

async function runAll(name: string, server: StartedServer, ratePerSecond: number, adversarial: boolean): Promise<void> {
  server.requests.length = 0;
  const tokens = 'tokens' in server ? (server as StartedServer & { tokens: { a: string; b: string } }).tokens : servers.vulnerable.tokens;
  const result = await probe(server, allProbes, { tokens, active: true, budget: BUDGET, ratePerSecond, ...(adversarial ? { endpoints: adversarialEndpoints(servers.canary.url) } : {}) });
  results.set(name, { result, received: server.requests.length });
}

beforeAll(async () => {
  servers = await startServers();
  // The vulnerable run at the default rate (10 requests per second): its figures are the ones reported.
  await runAll('vulnerable', servers.vulnerable, 10, true);
  await runAll('hardened', servers.hardened, 100, false);
  await runAll('say-yes', servers.sayYes, 100, false);
  vulnerableTls = await startVulnerableServer({ legacyTls: true });
  const tls = await probe(vulnerableTls, allProbes.filter((p) => HTTPS_ONLY.has(p.id)), { tokens: vulnerableTls.tokens, active: true, budget: BUDGET, ratePerSecond: 100 });
  results.set('vulnerable-tls', { result: tls, received: vulnerableTls.requests.length });
}, 300_000);
afterAll(async () => {
  await servers.close();
  await vulnerableTls.close();
});

function get(name: string): { result: LiveResult; received: number } {
  const entry = results.get(name);
  if (!entry) throw new Error(`no run against ${name}`);
  return entry;
}

const byProbe = (findings: readonly Finding[]): Map<string, Finding[]> => {
  const map = new Map<string, Finding[]>();
  for (const finding of findings) map.set(finding.checkId, [...(map.get(finding.checkId) ?? []), finding]);
  return map;
};

describe('every probe against the four servers', () => {
  it('ran every probe, passive and active, to the end on each server, with no probe failing', () => {
    for (const name of ['vulnerable', 'hardened', 'say-yes']) {
      const { result } = get(name);
      expect(result.summary.mode).toBe('active');
      expect(result.summary.partial).toBe(false);
      expect(result.summary.probesSkipped).toEqual([]);
      expect(result.summary.probesRun).toEqual(allProbes.map((p) => p.id).sort());
      expect(result.diagnostics).toEqual([]);
    }
  });

  it.each(allProbes.map((p) => [p.id]))('%s fires on the vulnerable server', (id) => {
    const found = byProbe(get(HTTPS_ONLY.has(id) ? 'vulnerable-tls' : 'vulnerable').result.findings).get(id) ?? [];
    expect(found.length).toBeGreaterThan(0);
    for (const finding of found) {
      expect(finding.confirmedLive).toBe(true);
      if (HTTPS_ONLY.has(id)) {
        // A handshake is not an HTTP exchange: its evidence is the command that repeats it.
        expect(finding.evidence?.reproduce).toMatch(/^openssl s_client /);
        continue;
      }
      expect(finding.evidence?.request).toEqual(expect.any(String));
      expect(finding.evidence?.response).toEqual(expect.any(String));
      expect(finding.evidence?.curl).toMatch(/^curl /);
    }
  });

  it('finds nothing at medium or above on the hardened twin but its plaintext transport', () => {
    const serious = atLeast(get('hardened').result.findings, 'medium').filter((finding) => !(finding.checkId === 'transport-security-missing' && finding.evidence?.scheme === 'http'));
    expect(lines(serious)).toEqual([]);
  });

  it('finds nothing at all on the say-yes server', () => {
    expect(lines(get('say-yes').result.findings)).toEqual([]);
    expect(get('say-yes').result.summary.preflight.answersEverything).toBe(true);
  });

  it('never contacts the canary, though the vulnerable server redirects there five ways', () => {
    expect(servers.canary.requests).toEqual([]);
    const offOrigin = get('vulnerable').result.summary.offOriginRedirects;
    const canary = new URL(servers.canary.url);
    expect([...new Set(offOrigin)].sort()).toEqual(
      [
        `${canary.origin}/api/v1/orders`,
        `//${canary.host}/docs`,
        `${canary.origin}/stolen`,
        `${canary.origin}/swagger.json`,
        `http://localhost:${canary.port}/graphql`,
        // redirect-off-target's own foreign URL, sent back by the open redirect (a .invalid host: never resolvable).
        'https://apisec-redirect-probe.invalid/landing',
      ].sort(),
    );
  });

  it('stays within the budget, by the client\'s count and by the servers\'', () => {
    for (const name of ['vulnerable', 'hardened', 'say-yes']) {
      const { result, received } = get(name);
      expect(result.summary.budget).toBe(BUDGET);
      expect(result.summary.requests).toBeLessThanOrEqual(BUDGET);
      expect(received).toBeLessThanOrEqual(BUDGET);
      expect(received).toBe(result.summary.requests);
    }
  });

  it('masks the identities\' tokens everywhere in the findings', () => {
    const text = JSON.stringify(get('vulnerable').result);
    expect(text).not.toContain(servers.vulnerable.tokens.a);
    expect(text).not.toContain(servers.vulnerable.tokens.b);
  });

  it('prints the figures of the vulnerable run', () => {
    const { result } = get('vulnerable');
    const counts = new Map<string, number>();
    for (const finding of result.findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
    const summary = `vulnerable shop: ${result.summary.requests} requests (budget ${result.summary.budget}), ${result.summary.durationMs} ms at 10 requests/s, ${result.findings.length} findings (${[...counts].map(([severity, n]) => `${n} ${severity}`).join(', ')}) from ${byProbe(result.findings).size} of ${allProbes.length} probes`;
    console.info(summary);
    expect(result.findings.length).toBeGreaterThanOrEqual(allProbes.length);
  });

  it('each probe sends at most the requests it declares (maxRequests), on every server', async () => {
    const over: string[] = [];
    for (const server of [servers.vulnerable, servers.hardened, servers.sayYes]) {
      const tokens = 'tokens' in server ? (server as StartedServer & { tokens: { a: string; b: string } }).tokens : servers.vulnerable.tokens;
      const preflight = (await probe(server, [], { tokens })).summary.requests;
      for (const one of allProbes) {
        const sent = (await probe(server, [one], { tokens })).summary.requests - preflight;
        if (sent > (one.maxRequests ?? Infinity)) over.push(`${one.id} sent ${sent} > ${one.maxRequests ?? '∞'} to ${server === servers.sayYes ? 'say-yes' : server === servers.hardened ? 'hardened' : 'vulnerable'}`);
      }
    }
    expect(over).toEqual([]);
  }, 120_000);

  it('runs as a first-time user would (passive, no identity): no probe fails, the anonymous weaknesses are still found', async () => {
    const result = await probe(servers.vulnerable, allProbes, { tokens: null, active: false });
    expect(result.diagnostics).toEqual([]);
    expect(result.summary.probesSkipped.every((skipped) => skipped.reason.startsWith('active probe'))).toBe(true);
    const fired = new Set(result.findings.map((finding) => finding.checkId));
    for (const id of ['cors-untrusted-origin-allowed', 'error-details-leaked', 'graphql-introspection-open', 'api-docs-exposed', 'rate-limit-not-observed', 'http-methods-unrestricted']) expect(fired).toContain(id);
  });
});
