import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExhaustedError, LiveAbortedError, ProbeScopeError, ScopedClient, TargetUnreachableError } from './http.js';

interface Started {
  server: Server;
  port: number;
  hits: { path: string; host: string | undefined }[];
}

function listen(host: string, port: number, handler: (req: IncomingMessage, path: string) => [number, Record<string, string>, string]): Promise<Started> {
  const hits: Started['hits'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push({ path, host: req.headers.host });
    const [status, headers, body] = handler(req, path);
    res.writeHead(status, headers);
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({ server, port: (server.address() as AddressInfo).port, hits });
    });
  });
}

let canary: Started;
let target: Started;
let rebound: Started | undefined;

beforeAll(async () => {
  canary = await listen('127.0.0.1', 0, () => [200, {}, 'canary']);
  const canaryUrl = `http://127.0.0.1:${canary.port}`;
  target = await listen('127.0.0.1', 0, (_req, path) => {
    if (path === '/off') return [302, { location: `${canaryUrl}/stolen` }, ''];
    if (path === '/off-relative-scheme') return [301, { location: `//127.0.0.1:${canary.port}/x` }, ''];
    if (path === '/off-https') return [301, { location: `https://127.0.0.1:${target.port}/ok` }, ''];
    if (path === '/chain') return [302, { location: '/hop' }, ''];
    if (path === '/hop') return [307, { location: `${canaryUrl}/second-hop` }, ''];
    if (path === '/same') return [302, { location: '/ok' }, ''];
    if (path === '/loop') return [302, { location: '/loop' }, ''];
    if (path === '/big') return [200, {}, 'x'.repeat(10_000)];
    return [200, { 'x-seen': 'yes' }, 'ok'];
  });
  // The address a rebinding DNS answer would point to, on the same port (Linux routes all of 127/8 to lo).
  rebound = await listen('127.0.0.2', target.port, () => [200, {}, 'rebound']).catch(() => undefined);
});

afterAll(async () => {
  for (const started of [canary, target, rebound]) {
    if (started !== undefined) await new Promise((resolve) => started.server.close(resolve));
  }
});

function client(options: Partial<ConstructorParameters<typeof ScopedClient>[0]> = {}): ScopedClient {
  return new ScopedClient({ target: `http://127.0.0.1:${target.port}`, ratePerSecond: 0, ...options });
}

describe('ScopedClient', () => {
  it('records an off-origin redirect and never follows it', async () => {
    const live = client();
    try {
      for (const path of ['/off', '/off-relative-scheme', '/chain', '/off-https']) {
        const response = await live.send({ method: 'GET', path });
        expect(response.status).toBeGreaterThanOrEqual(300);
        const last = response.redirects.at(-1);
        expect(last?.offOrigin).toBe(true);
        expect(last?.followed).toBe(false);
      }
      expect(live.stats().offOriginRedirects).toHaveLength(4);
    } finally {
      await live.close();
    }
    expect(canary.hits).toEqual([]);
  });

  it('follows a redirect inside the origin and stops a loop', async () => {
    const live = client();
    try {
      const same = await live.send({ method: 'GET', path: '/same' });
      expect(same.status).toBe(200);
      expect(same.body).toBe('ok');
      expect(same.url).toBe(`http://127.0.0.1:${target.port}/ok`);
      const loop = await live.send({ method: 'GET', path: '/loop' });
      expect(loop.status).toBe(302);
      expect(loop.redirects).toHaveLength(5);
      const notFollowed = await live.send({ method: 'GET', path: '/same', followRedirects: false });
      expect(notFollowed.status).toBe(302);
    } finally {
      await live.close();
    }
  });

  it('refuses paths and URLs outside the origin before sending anything', async () => {
    const live = client();
    try {
      for (const path of [`//127.0.0.1:${canary.port}/x`, `http://127.0.0.1:${canary.port}/x`, 'relative', '']) {
        await expect(live.send({ method: 'GET', path })).rejects.toBeInstanceOf(ProbeScopeError);
      }
      await expect(live.send({ method: 'GET', path: '/', headers: { Host: `127.0.0.1:${canary.port}` } })).rejects.toBeInstanceOf(ProbeScopeError);
      expect(live.stats().sent).toBe(0);
    } finally {
      await live.close();
    }
    expect(canary.hits).toEqual([]);
  });

  it('never exceeds the budget under concurrency, redirect hops included', async () => {
    const before = target.hits.length;
    const live = client({ budget: 7, concurrency: 5 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => live.send({ method: 'GET', path: i % 2 === 0 ? '/same' : '/ok' })));
      const refused = results.filter((result) => result.status === 'rejected');
      for (const result of refused) expect(result.reason).toBeInstanceOf(BudgetExhaustedError);
      expect(live.stats().sent).toBe(7);
      expect(live.stats().stopped).toBe('budget');
      expect(refused.length).toBeGreaterThan(0);
    } finally {
      await live.close();
    }
    expect(target.hits.length - before).toBe(7);
  });

  it('resolves the host once and keeps connecting to that address (DNS rebinding)', async () => {
    const answers = ['127.0.0.1', '127.0.0.2', '127.0.0.2'];
    const asked: string[] = [];
    const before = target.hits.length;
    const live = new ScopedClient({
      target: `http://api.staging.test:${target.port}`,
      ratePerSecond: 0,
      resolve: (hostname) => {
        asked.push(hostname);
        return Promise.resolve({ address: answers[asked.length - 1] ?? '127.0.0.2', family: 4 });
      },
    });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await live.send({ method: 'GET', path: '/ok' });
        expect(response.body).toBe('ok');
      }
    } finally {
      await live.close();
    }
    expect(asked).toEqual(['api.staging.test']);
    expect(live.pinnedAddress?.address).toBe('127.0.0.1');
    const seen = target.hits.slice(before);
    expect(seen).toHaveLength(3);
    for (const hit of seen) expect(hit.host).toBe(`api.staging.test:${target.port}`);
    if (rebound !== undefined) expect(rebound.hits).toEqual([]);
  });

  it('stops on abort and says why', async () => {
    const controller = new AbortController();
    const live = client({ signal: controller.signal });
    try {
      expect((await live.send({ method: 'GET', path: '/ok' })).status).toBe(200);
      controller.abort();
      await expect(live.send({ method: 'GET', path: '/ok' })).rejects.toBeInstanceOf(LiveAbortedError);
      expect(live.stats()).toMatchObject({ sent: 1, stopped: 'interrupted' });
    } finally {
      await live.close();
    }
  });

  it('keeps at most maxBodyBytes of a body', async () => {
    const live = client({ maxBodyBytes: 100 });
    try {
      const response = await live.send({ method: 'GET', path: '/big' });
      expect(response.body).toHaveLength(100);
      expect(response.bodyTruncated).toBe(true);
    } finally {
      await live.close();
    }
  });

  it('refuses a target that is not http(s) or carries credentials', () => {
    expect(() => new ScopedClient({ target: 'ftp://127.0.0.1/' })).toThrow(ProbeScopeError);
    expect(() => new ScopedClient({ target: 'http://user:pass@127.0.0.1/' })).toThrow(ProbeScopeError);
    expect(() => new ScopedClient({ target: 'not a url' })).toThrow(ProbeScopeError);
  });
});

describe('ScopedClient over TLS', () => {
  const fixtures = new URL('./fixtures/tls/', import.meta.url);
  const cert = readFileSync(new URL('api.staging.test.cert.pem', fixtures), 'utf8');
  const key = readFileSync(new URL('api.staging.test.key.pem', fixtures), 'utf8');
  let tls: HttpsServer;
  let port: number;
  const names: string[] = [];

  beforeAll(async () => {
    tls = createHttpsServer({ cert, key }, (req, res) => {
      names.push(String((req.socket as TLSSocket & { servername?: unknown }).servername));
      res.writeHead(200);
      res.end('secure');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    port = (tls.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => tls.close(resolve));
  });

  const resolve = (): Promise<{ address: string; family: 4 }> => Promise.resolve({ address: '127.0.0.1', family: 4 });

  it('connects to the pinned address with the host name as TLS server name, and verifies the certificate against it', async () => {
    const live = new ScopedClient({ target: `https://api.staging.test:${port}`, ratePerSecond: 0, resolve, ca: cert });
    try {
      expect((await live.send({ method: 'GET', path: '/' })).body).toBe('secure');
    } finally {
      await live.close();
    }
    expect(names).toEqual(['api.staging.test']);
  });

  it('refuses a certificate it cannot verify, or one issued for another name', async () => {
    for (const options of [{ target: `https://api.staging.test:${port}` }, { target: `https://other.staging.test:${port}`, ca: cert }]) {
      const live = new ScopedClient({ ...options, ratePerSecond: 0, resolve, timeoutMs: 5000 });
      try {
        await expect(live.send({ method: 'GET', path: '/' })).rejects.toBeInstanceOf(TargetUnreachableError);
      } finally {
        await live.close();
      }
    }
  });
});
