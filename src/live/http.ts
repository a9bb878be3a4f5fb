import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { ApisecError } from '../metapowers/errors.js';

/**
 * The only way apisec talks to the network: a client bound to one origin (scheme, host, port).
 *
 * - Every request goes through an undici interceptor that refuses any other origin, so a probe that
 *   builds a URL wrong (`//evil.example/x`, an absolute URL, a Location header) cannot leave it.
 * - Redirects are followed by hand, only inside the origin; an off-origin `Location` is recorded on
 *   the response and never followed.
 * - The host name is resolved once (`pin()`); every connection goes to that address with the
 *   original Host header and TLS server name, so a DNS answer that changes later (rebinding) is
 *   never used.
 * - A request budget (every hop counts, redirects included), a concurrency cap, a rate cap, a
 *   per-request timeout and a total deadline; an AbortSignal (Ctrl-C) stops everything.
 */

export const DEFAULT_BUDGET = 300;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RATE = 10;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 5 * 60_000;
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A request outside the target's origin was refused (nothing was sent). */
export class ProbeScopeError extends ApisecError {
  override name = 'ProbeScopeError';
}

/** The request budget is spent; nothing more is sent. */
export class BudgetExhaustedError extends ApisecError {
  override name = 'BudgetExhaustedError';
}

/** The run was stopped (Ctrl-C) or ran past its total deadline; nothing more is sent. */
export class LiveAbortedError extends ApisecError {
  override name = 'LiveAbortedError';
  constructor(
    readonly reason: 'interrupted' | 'deadline',
    options: { cause?: unknown } = {},
  ) {
    super(reason === 'deadline' ? 'The live probes ran past their total deadline.' : 'The live probes were interrupted.', options);
  }
}

/** The target could not be reached at all (DNS, connection refused, TLS, timeout). */
export class TargetUnreachableError extends ApisecError {
  override name = 'TargetUnreachableError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress>;

export interface ScopeOptions {
  /** The user's `--target`: its origin is the only one requests may go to. */
  target: string;
  /** Maximum number of requests sent, redirect hops included (`--budget`). */
  budget?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests started per second at most (`--rate`). */
  ratePerSecond?: number;
  /** Time one request (headers and body) may take (`--timeout`, ms). */
  timeoutMs?: number;
  /** Time the whole live run may take (ms). */
  deadlineMs?: number;
  /** Bytes of a response body kept; the rest is discarded unread. */
  maxBodyBytes?: number;
  /** Aborts everything (Ctrl-C). */
  signal?: AbortSignal;
  /** Resolves the target's host once (tests inject one; default `dns.lookup`). */
  resolve?: Resolver;
  /** Sent on every request unless the request sets it. */
  userAgent?: string;
  /** Certificate authorities trusted for an https target, instead of the system's (an internal CA, tests). */
  ca?: string;
}

export interface LiveRequest {
  method: string;
  /** Path and query on the target's origin, starting with `/`. */
  path: string;
  /** Header names as the probe writes them; `host` is refused. */
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Follow same-origin redirects (default true). Off-origin ones are never followed. */
  followRedirects?: boolean;
}

export interface RedirectHop {
  from: string;
  status: number;
  location: string;
  /** The Location points outside the target's origin: recorded, not followed. */
  offOrigin: boolean;
  followed: boolean;
}

export interface LiveResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, ` (`set-cookie` with a newline). */
  headers: Record<string, string>;
  /** The body as UTF-8, at most `maxBodyBytes`. */
  body: string;
  bodyTruncated: boolean;
  /** The URL that answered (after same-origin redirects). */
  url: string;
  redirects: RedirectHop[];
  durationMs: number;
}

/** One request and its answer: what a probe reports as evidence. */
export interface Exchange {
  /** `credentials`: which identity the runner added (`a`, `b`, `malformed`: A's with a broken token, `none`). */
  request: LiveRequest & { url: string; credentials?: 'none' | 'a' | 'b' | 'malformed' };
  response: LiveResponse;
}

export interface ClientStats {
  /** Requests sent (every hop). */
  sent: number;
  budget: number;
  /** Requests refused because they left the origin (nothing sent). */
  refused: number;
  /** Requests that failed (timeout, connection error). */
  failed: number;
  /** Off-origin redirect targets seen and not followed. */
  offOriginRedirects: string[];
  /** Why the run stopped early, if it did. */
  stopped?: 'interrupted' | 'deadline' | 'budget';
}

function defaultResolver(hostname: string): Promise<ResolvedAddress> {
  return dnsLookup(hostname, { verbatim: true }).then(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

/** `https://host:port` normalised: default ports dropped, host lower-cased. */
export function originOf(url: string | URL): string {
  return new URL(url).origin;
}

/** Parses and validates `--target`: http(s), no credentials in it. */
export function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch (cause) {
    throw new ProbeScopeError(`The target ${JSON.stringify(target)} is not a URL.`, {
      cause,
      attempted: 'read --target',
      hint: 'Pass the base URL of the deployment to probe, e.g. --target https://staging.example.com.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeScopeError(`The target ${JSON.stringify(target)} is not an http or https URL.`, { attempted: 'read --target' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new ProbeScopeError('The target URL carries credentials; pass them with --auth-header instead.', { attempted: 'read --target' });
  }
  return url;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = Array.isArray(value) ? value.join(key === 'set-cookie' ? '\n' : ', ') : value;
  }
  return out;
}

/** An undici interceptor that refuses every request whose origin is not `allowed`. */
export function scopeInterceptor(allowed: string, onRefused: (origin: string) => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = opts.origin === undefined ? '' : originOf(opts.origin);
    if (origin !== allowed) {
      onRefused(origin);
      throw new ProbeScopeError(`Request to ${origin || '(no origin)'} refused: only ${allowed} may be contacted.`);
    }
    return dispatch(opts, handler);
  };
}

/** The scope-guarded client. One per live run. */
export class ScopedClient {
  readonly target: URL;
  readonly origin: string;
  private readonly budget: number;
  private readonly concurrency: number;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly resolver: Resolver;
  private readonly userAgent: string;
  private readonly ca: string | undefined;
  private readonly signal: AbortSignal;
  private readonly deadline: AbortController;
  private readonly deadlineTimer: NodeJS.Timeout;
  private pinned: ResolvedAddress | undefined;
  private pinning: Promise<ResolvedAddress> | undefined;
  private dispatcher: Dispatcher | undefined;
  private agent: Agent | undefined;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStart = 0;
  private readonly counters: ClientStats;

  constructor(options: ScopeOptions) {
    this.target = parseTarget(options.target);
    this.origin = this.target.origin;
    this.budget = Math.max(0, Math.floor(options.budget ?? DEFAULT_BUDGET));
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    const rate = options.ratePerSecond ?? DEFAULT_RATE;
    this.intervalMs = rate > 0 ? 1000 / rate : 0;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.resolver = options.resolve ?? defaultResolver;
    this.userAgent = options.userAgent ?? 'apisec-live-probe';
    this.ca = options.ca;
    this.deadline = new AbortController();
    this.deadlineTimer = setTimeout(() => {
      this.deadline.abort(new LiveAbortedError('deadline'));
    }, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    this.deadlineTimer.unref();
    this.signal = options.signal === undefined ? this.deadline.signal : AbortSignal.any([options.signal, this.deadline.signal]);
    this.counters = { sent: 0, budget: this.budget, refused: 0, failed: 0, offOriginRedirects: [] };
  }

  /** Resolves the target's host once; every later connection goes to this address. */
  pin(): Promise<ResolvedAddress> {
    if (this.pinned !== undefined) return Promise.resolve(this.pinned);
    this.pinning ??= (async () => {
      const hostname = this.target.hostname.replace(/^\[|\]$/g, '');
      const literal = isIP(hostname);
      const resolved: ResolvedAddress =
        literal !== 0
          ? { address: hostname, family: literal === 6 ? 6 : 4 }
          : await this.resolver(hostname).catch((cause: unknown) => {
              throw new TargetUnreachableError(`The target's host ${hostname} could not be resolved.`, { cause, attempted: 'resolve the target' });
            });
      this.pinned = resolved;
      const pinnedLookup = (
        host: string,
        opts: { all?: boolean },
        callback: (error: Error | null, address: string | ResolvedAddress[], family?: number) => void,
      ): void => {
        if (host.toLowerCase() !== hostname.toLowerCase()) {
          callback(new ProbeScopeError(`Connection to ${host} refused: only ${hostname} may be contacted.`), '', 0);
          return;
        }
        if (opts.all === true) callback(null, [resolved]);
        else callback(null, resolved.address, resolved.family);
      };
      this.agent = new Agent({
        connections: this.concurrency,
        pipelining: 1,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // The TLS server name stays the target's host name: the certificate is checked against it, not the pinned address.
        connect: { lookup: pinnedLookup as never, timeout: this.timeoutMs, ...(literal === 0 ? { servername: hostname } : {}), ...(this.ca === undefined ? {} : { ca: this.ca }) },
      });
      this.dispatcher = this.agent.compose(
        scopeInterceptor(this.origin, () => {
          this.counters.refused += 1;
        }),
      );
      return resolved;
    })();
    return this.pinning;
  }

  get pinnedAddress(): ResolvedAddress | undefined {
    return this.pinned;
  }

  stats(): ClientStats {
    return { ...this.counters, offOriginRedirects: [...this.counters.offOriginRedirects] };
  }

  remaining(): number {
    return Math.max(0, this.budget - this.counters.sent);
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** The absolute URL of `path` on the target, or a ProbeScopeError when it would leave the origin. */
  urlOf(path: string): URL {
    const url = path.startsWith('/') && !path.startsWith('//') ? new URL(path, this.origin) : undefined;
    if (url === undefined || url.origin !== this.origin) {
      this.counters.refused += 1;
      throw new ProbeScopeError(`Request to ${JSON.stringify(path)} refused: probes address paths on ${this.origin} only.`);
    }
    return url;
  }

  /** Sends one request (and its same-origin redirects). Throws ProbeScopeError, BudgetExhaustedError, LiveAbortedError. */
  async send(request: LiveRequest): Promise<LiveResponse> {
    let url = this.urlOf(request.path);
    for (const name of Object.keys(request.headers ?? {})) {
      if (name.toLowerCase() === 'host') throw new ProbeScopeError('A probe may not set the Host header.');
    }
    await this.pin();
    const started = performance.now();
    const redirects: RedirectHop[] = [];
    let method = request.method.toUpperCase();
    let body = request.body;
    for (let hop = 0; ; hop += 1) {
      const response = await this.sendOnce(method, url, request.headers ?? {}, body);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined || request.followRedirects === false || hop >= MAX_REDIRECTS) {
        return { ...response, url: url.href, redirects, durationMs: Math.round(performance.now() - started) };
      }
      let next: URL | undefined;
      try {
        next = new URL(location, url);
      } catch {
        next = undefined;
      }
      const offOrigin = next === undefined || next.origin !== this.origin;
      redirects.push({ from: url.href, status: response.status, location, offOrigin, followed: !offOrigin });
      if (offOrigin || next === undefined) {
        this.counters.offOriginRedirects.push(location);
        return { ...response, url: url.href, redirects, durationMs: Math.round(performance.now() - started) };
      }
      url = next;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  private checkAborted(): void {
    if (!this.signal.aborted) return;
    const reason: unknown = this.signal.reason;
    const error = reason instanceof LiveAbortedError ? reason : new LiveAbortedError('interrupted', { cause: reason });
    this.counters.stopped ??= error.reason;
    throw error;
  }

  /**
   * Whether the https target completes a TLS handshake limited to one protocol version (a legacy one,
   * to see whether it is still offered). One handshake costs one request of the budget; it goes to
   * the pinned address with the target's host name as server name, and sends no application data.
   * The certificate is not checked here: only the version the server agrees to matters.
   */
  async handshake(version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'): Promise<{ accepted: boolean; protocol?: string; reason?: string }> {
    if (this.target.protocol !== 'https:') throw new ProbeScopeError('TLS handshakes are made with https targets only.');
    const address = await this.pin();
    await this.acquire();
    try {
      await this.reserve();
      const hostname = this.target.hostname.replace(/^\[|\]$/g, '');
      const port = Number(this.target.port === '' ? 443 : this.target.port);
      return await new Promise((resolve) => {
        const socket = tlsConnect({
          host: address.address,
          port,
          ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
          minVersion: version,
          maxVersion: version,
          // Legacy versions need the legacy cipher suites OpenSSL 3 hides by default.
          ciphers: 'DEFAULT@SECLEVEL=0',
          rejectUnauthorized: false,
        });
        const done = (result: { accepted: boolean; protocol?: string; reason?: string }): void => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(result);
        };
        const onAbort = (): void => { done({ accepted: false, reason: 'stopped' }); };
        const timer = setTimeout(() => { done({ accepted: false, reason: 'timeout' }); }, this.timeoutMs);
        this.signal.addEventListener('abort', onAbort, { once: true });
        socket.once('secureConnect', () => { done({ accepted: true, protocol: socket.getProtocol() ?? version }); });
        socket.once('error', (error: NodeJS.ErrnoException) => { done({ accepted: false, reason: error.code ?? error.message }); });
      });
    } finally {
      this.release();
    }
  }

  /**
   * Takes one unit of the budget (reserved before any await: concurrent sends can never overshoot
   * it) and waits for the rate cap's next slot. Call with a concurrency slot held.
   */
  private async reserve(): Promise<void> {
    this.checkAborted();
    if (this.counters.sent >= this.budget) {
      this.counters.stopped ??= 'budget';
      throw new BudgetExhaustedError(`The request budget (${this.budget}) is spent.`, { hint: 'Raise it with --budget N.' });
    }
    this.counters.sent += 1;
    const now = performance.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    if (start > now) {
      try {
        await sleep(start - now, this.signal);
      } catch {
        this.checkAborted();
      }
    }
  }

  private async acquire(): Promise<void> {
    this.checkAborted();
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
  }

  private release(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }

  private async sendOnce(
    method: string,
    url: URL,
    headers: Readonly<Record<string, string>>,
    body: string | undefined,
  ): Promise<Omit<LiveResponse, 'url' | 'redirects' | 'durationMs'>> {
    await this.acquire();
    try {
      await this.reserve();
      const dispatcher = this.dispatcher;
      if (dispatcher === undefined) throw new Error('ScopedClient.pin() did not run');
      const signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]);
      try {
        const response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: method as Dispatcher.HttpMethod,
          headers: { 'user-agent': this.userAgent, ...headers },
          ...(body === undefined ? {} : { body }),
          signal,
        });
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          const room = this.maxBodyBytes - kept;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            truncated = true;
            break;
          }
          chunks.push(chunk);
          kept += chunk.length;
        }
        if (truncated) response.body.destroy();
        return {
          status: response.statusCode,
          headers: flattenHeaders(response.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          bodyTruncated: truncated,
        };
      } catch (error) {
        if (error instanceof ProbeScopeError) throw error;
        this.checkAborted();
        this.counters.failed += 1;
        throw new TargetUnreachableError(`${method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}.`, {
          cause: error,
          attempted: `send ${method} ${url.href}`,
        });
      }
    } finally {
      this.release();
    }
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    clearTimeout(this.deadlineTimer);
    await this.agent?.close().catch(() => undefined);
  }
}
