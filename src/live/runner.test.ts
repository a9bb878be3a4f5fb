import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defineProbe from './probe.js';
import { allProbes } from './probes/index.js';
import { concretePath, liveEndpoint, parseAuthHeader, productionWarning, runLive } from './runner.js';

let server: Server;
let target: string;
const seen: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url === '/private') {
      const ok = req.headers.authorization === 'Bearer token-of-alice-7f3a9c';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"user":"alice","echo":"Bearer token-of-alice-7f3a9c"}' : '{"error":"no"}');
      return;
    }
    if (req.url === '/' || req.url?.startsWith('/item')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const echo = defineProbe({
  id: 'echo-probe',
  title: 'Echo',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-200'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  rationale: 'Test.',
  remediation: 'Test.',
  targets: { kind: 'endpoints', filter: { needsAuth: true } },
  request: {},
  matchers: [{ type: 'status', status: [200] }, { type: 'body', regex: /"user":"(\w+)"/ }],
  message: '`{{method}} {{path}}` answered {{status}} with `{{match}}`.',
});

const spender = defineProbe({
  id: 'spender',
  title: 'Spends the budget',
  kind: 'passive',
  owasp: 'API4:2023',
  cwe: [],
  severity: 'info',
  confidence: 'low',
  section: 'rate-limiting',
  rationale: 'Test.',
  remediation: 'Test.',
  async run(ctx) {
    for (let i = 0; i < 100; i += 1) await ctx.send({ method: 'GET', path: `/item/${i}` });
  },
});

const activeOne = defineProbe({ ...spender, id: 'active-one', kind: 'active' });

describe('runLive', () => {
  it('runs a declarative probe with identity A, masks the credentials everywhere, and reports the pre-flight', async () => {
    const result = await runLive({
      target,
      probes: [echo],
      endpoints: [liveEndpoint('GET', '/private', { needsAuth: true }), liveEndpoint('GET', '/item/{id}')],
      authA: [{ name: 'Authorization', value: 'Bearer token-of-alice-7f3a9c' }],
      ratePerSecond: 0,
    });
    expect(result.summary.preflight).toMatchObject({ reachable: true, status: 200, tokenA: 'accepted', tokenB: 'not-given', answersEverything: false });
    expect(result.findings.map((finding) => finding.message)).toEqual(['`GET /private` answered 200 with `"user":"alice"`.']);
    const text = JSON.stringify(result);
    expect(text).not.toContain('token-of-alice-7f3a9c');
    expect(result.findings[0]?.evidence?.curl).toBe(`curl -i -X GET -H "$APISEC_AUTH_HEADER" '${target}/private'`);
    expect(result.findings[0]?.location).toEqual({ file: `${target}/private`, line: 0 });
  });

  it('stops at the budget and marks the run partial', async () => {
    const before = seen.length;
    const result = await runLive({ target, probes: [spender], budget: 12, ratePerSecond: 0 });
    expect(result.summary).toMatchObject({ partial: true, stoppedBy: 'budget', requests: 12, budget: 12, probesRun: ['spender'] });
    expect(seen.length - before).toBe(12);
  });

  it('stops on Ctrl-C (abort) and marks the run partial', async () => {
    const controller = new AbortController();
    const stopper = defineProbe({
      ...spender,
      id: 'stopper',
      async run(ctx) {
        await ctx.send({ method: 'GET', path: '/item/1' });
        controller.abort();
        await ctx.send({ method: 'GET', path: '/item/2' });
      },
    });
    const result = await runLive({ target, probes: [stopper, spender], signal: controller.signal, ratePerSecond: 0 });
    expect(result.summary).toMatchObject({ partial: true, stoppedBy: 'interrupted', probesRun: ['stopper'] });
  });

  it('runs active probes only when asked, and says so', async () => {
    const passive = await runLive({ target, probes: [activeOne], budget: 5, ratePerSecond: 0 });
    expect(passive.summary).toMatchObject({ mode: 'passive', probesRun: [], probesSkipped: [{ id: 'active-one', reason: 'active probe; run with --active' }] });
    const active = await runLive({ target, probes: [activeOne], budget: 5, ratePerSecond: 0, active: true });
    expect(active.summary).toMatchObject({ mode: 'active', probesRun: ['active-one'], partial: true });
  });

  it('reports an unreachable target without probing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runLive({ target: `http://127.0.0.1:${port}`, probes: [echo], timeoutMs: 2000 });
    expect(result.summary).toMatchObject({ partial: true, stoppedBy: 'unreachable', preflight: { reachable: false }, probesRun: [] });
  });
});

describe('helpers', () => {
  it('parses header lines as curl does, refusing values that would split a header', () => {
    expect(parseAuthHeader('Authorization: Bearer abc')).toEqual({ name: 'Authorization', value: 'Bearer abc' });
    expect(parseAuthHeader('X-Api-Key:k')).toEqual({ name: 'X-Api-Key', value: 'k' });
    expect(parseAuthHeader('Bearer abc')).toBeUndefined();
    expect(parseAuthHeader('Bad Name: v')).toBeUndefined();
    expect(parseAuthHeader('X: a\r\nHost: evil')).toBeUndefined();
  });

  it('fills path parameters and skips paths that cannot be called as written', () => {
    expect(liveEndpoint('GET', '/users/{userId}/orders/{orderUuid}').path).toBe('/users/1/orders/00000000-0000-4000-8000-000000000001');
    expect(concretePath(liveEndpoint('GET', '/files/*').endpoint)).toBeUndefined();
  });

  it('warns on targets that do not look like non-production', () => {
    expect(productionWarning(new URL('https://api.example.com'))).toMatch(/does not look like a non-production/);
    for (const url of ['https://staging.example.com', 'https://api-dev.example.com', 'http://127.0.0.1:8080', 'http://localhost:3000', 'https://qa2.shop.example', 'http://10.1.2.3']) {
      expect(productionWarning(new URL(url))).toBeUndefined();
    }
  });
});

describe('the probe registry', () => {
  it('lists every probe folder once, sorted by id, each with a test', () => {
    const dir = fileURLToPath(new URL('./probes', import.meta.url));
    const folders = readdirSync(dir).filter((entry) => statSync(`${dir}/${entry}`).isDirectory()).sort();
    expect(allProbes.map((probe) => probe.id)).toEqual(folders);
    for (const folder of folders) expect(readdirSync(`${dir}/${folder}`)).toContain('probe.test.ts');
  });
});
