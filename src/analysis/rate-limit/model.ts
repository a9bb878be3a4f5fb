import type { Endpoint, Location, Presence } from '../../model/types.js';
import { lookupTable } from '../lookup.js';

/**
 * What apisec knows about rate limiting, whatever the language, framework or gateway: the limiters
 * found (`Limiter`), where each applies (`Applied`), and every endpoint's verdict (`Coverage`).
 * Framework plugins (src/collectors/code/plugin.ts) produce these; checks and the enricher read them.
 */

export type LimitKey = 'ip' | 'user' | 'key' | 'global' | 'custom';
export type LimitLevel = 'route' | 'router' | 'app' | 'gateway';
export type StoreKind = 'memory' | 'shared' | 'unknown';

export interface Limiter {
  library: string;
  location: Location;
  snippet: string;
  limit?: string;
  /** Requests allowed per minute, when the limit could be read. */
  perMinute?: number;
  key: LimitKey;
  /** How the key is chosen, for messages (`key_func=get_remote_address`). */
  keyDetail: string;
  store: StoreKind;
  storeDetail: string;
  /** Where to report an in-memory store: the constructor call. */
  storeLocation: Location;
}

export interface Applied {
  limiter: Limiter;
  level: LimitLevel;
}

export interface Coverage {
  state: Presence;
  applied: Applied[];
  /** The most specific limiter that applies. */
  effective?: Applied;
  /** Why nothing applies, or why it cannot be decided. */
  reason?: string;
}

export interface RateLimitAnalysis {
  limiters: Limiter[];
  coverage: Map<string, Coverage>;
  /** Endpoints each limiter covers. */
  covered: Map<Limiter, Endpoint[]>;
}

/** Most specific first: a route's own limit wins over its router's, the app's and the gateway's. */
export const LEVEL_RANK: Record<LimitLevel, number> = { route: 0, router: 1, app: 2, gateway: 3 };

/** Names that suggest a limiter apisec could not read: such a middleware or decorator makes coverage unknown, never missing. */
export const LIMITER_WORDS = /rate.?limit|limiter|throttl|slow.?down|ratelimit/i;

export function levelLabel(level: LimitLevel): string {
  return level === 'route' ? 'route' : level === 'router' ? 'controller/router' : level === 'app' ? 'app-wide' : 'gateway';
}

export function perMinute(count: number | undefined, windowSeconds: number | undefined): number | undefined {
  if (count === undefined || windowSeconds === undefined || windowSeconds <= 0) return undefined;
  return (count * 60) / windowSeconds;
}

export function humanWindow(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return seconds === size ? name : `${seconds / size} ${name}s`;
  }
  return `${seconds} seconds`;
}

const RATE_UNITS: Record<string, number> = lookupTable({ s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 });

/** `5/minute`, `5 per minute`, `100/15m`, `10/s`, `3/hour;100/day`: the strictest, in requests per minute. */
export function parseRate(rate: string): number | undefined {
  let best: number | undefined;
  for (const part of rate.split(/[;,]/)) {
    const match = /^\s*(\d+)\s*(?:\/|per)\s*(\d+)?\s*([a-z]+?)s?\s*$/i.exec(part);
    if (!match) continue;
    const unit = RATE_UNITS[(match[3] ?? '').toLowerCase()];
    if (unit === undefined) continue;
    const value = perMinute(Number(match[1]), unit * Number(match[2] ?? 1));
    if (value !== undefined && (best === undefined || value < best)) best = value;
  }
  return best;
}

/** The key a limiter counts by, read from the expression that chooses it (`keyGenerator`, `key_func`, `getTracker`). */
export function keyFromText(text: string, fallback: LimitKey): LimitKey {
  if (/user|account|sub\b|identity|member|customer|merchant|tenant|session/i.test(text)) return 'user';
  if (/api.?key|x-api|token|authorization|credential|consumer/i.test(text)) return 'key';
  if (/remote_addr|get_ipaddr|\.ip\b|\bip\b|x-forwarded-for|client\.host|address/i.test(text)) return 'ip';
  return fallback;
}

/** Shared (Redis, a database) or per-process memory, read from the store's expression or URI. */
export function storeFromText(text: string): StoreKind {
  if (/redis|memcache|mongo|postgres|mysql|dynamo|upstash|cluster|database|sql/i.test(text)) return 'shared';
  if (/memory|locmem/i.test(text)) return 'memory';
  return 'unknown';
}
