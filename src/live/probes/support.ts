import { randomBytes } from 'node:crypto';
import type { Exchange, LiveResponse } from '../http.js';
import type { Credentials, LiveEndpoint, ProbeContext } from '../probe.js';

/** Helpers the code probes share: reading JSON answers and choosing endpoints and credentials. */

export type JsonObject = Record<string, unknown>;

/** The body as JSON, or undefined when it is not JSON (or was truncated). */
export function jsonOf(response: LiveResponse): unknown {
  if (response.bodyTruncated) return undefined;
  const text = response.body.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isSuccess = (response: LiveResponse): boolean => response.status >= 200 && response.status < 300;
export const isDenied = (response: LiveResponse): boolean => response.status === 401 || response.status === 403;

/** Identity A when given, else anonymous. */
export function defaultCredentials(ctx: ProbeContext): Credentials {
  return ctx.identities.a ? 'a' : 'none';
}

/** A GET answer for `path`, from the cache when the pre-flight or an earlier probe fetched it. */
export async function getCached(ctx: ProbeContext, path: string, credentials: Credentials): Promise<Exchange> {
  return ctx.cached(path, credentials) ?? (await ctx.send({ method: 'GET', path }, credentials));
}

/** Endpoints with this method on the same path template as `item`. */
export function sibling(ctx: ProbeContext, item: LiveEndpoint, method: string): LiveEndpoint | undefined {
  return ctx.endpoints.find((other) => other.method === method && other.endpoint.path === item.endpoint.path && other.endpoint.apiId === item.endpoint.apiId);
}

/** A random marker a probe writes and looks for, so an answer that merely echoes nothing cannot match. */
export function marker(prefix: string): string {
  return `apisec-${prefix}-${randomBytes(4).toString('hex')}`;
}

export const JSON_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json', Accept: 'application/json' };
