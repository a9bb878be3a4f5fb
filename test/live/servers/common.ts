/**
 * Shared plumbing of the test servers the live-probe tests start on 127.0.0.1 (plain `node:http`,
 * no framework): listening on an ephemeral port, recording requests, reading bodies, JSON replies
 * and a small RS256 JWT implementation on `node:crypto` (the servers issue and verify real tokens).
 */
import { createHash, createHmac, createSign, createVerify, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface StartedServer {
  /** `http://127.0.0.1:PORT`, or `https://api.staging.test:PORT` for a TLS server (resolve it to 127.0.0.1, trust `ca`). */
  url: string;
  /** A TLS server's certificate, to trust it. */
  ca?: string;
  port: number;
  /** Every request the server received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

const MAX_BODY = 1 << 20;

/** The test certificate of `api.staging.test` (src/live/fixtures/tls), for servers started with `tls`. */
export function testCertificate(): { cert: string; key: string } {
  const fixtures = new URL('../../../src/live/fixtures/tls/', import.meta.url);
  return { cert: readFileSync(new URL('api.staging.test.cert.pem', fixtures), 'utf8'), key: readFileSync(new URL('api.staging.test.key.pem', fixtures), 'utf8') };
}

/**
 * Starts `handler` on 127.0.0.1 on an ephemeral port; the body is read (up to 1 MiB) before the
 * handler runs. With `tls`, it serves HTTPS with the test certificate from `minVersion` up.
 */
export async function startServer(handler: Handler, tls?: { minVersion: SecureVersion }): Promise<StartedServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const certificate = tls === undefined ? undefined : testCertificate();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) {
        sendJson(res, 413, { error: 'payload too large' });
        return;
      }
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
        void err;
      });
    });
  };
  const server: Server =
    certificate === undefined || tls === undefined
      ? createServer(listener)
      : (createHttpsServer({ ...certificate, minVersion: tls.minVersion, ciphers: 'DEFAULT@SECLEVEL=0' }, listener) as unknown as Server);
  server.on(certificate === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: certificate === undefined ? `http://127.0.0.1:${port}` : `https://api.staging.test:${port}`,
    ...(certificate === undefined ? {} : { ca: certificate.cert }),
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, body: string, contentType: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The request path and query, parsed against a dummy base (the servers never trust the Host header). */
export function parseUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://server.invalid');
}

export function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S*)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// JWT (compact JWS) with RS256, enough for the servers to issue and check tokens.

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
  /** The signature segment as sent (empty when stripped). */
  signatureText: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Splits and decodes a compact JWS; undefined for anything that is not one. */
export function decodeJwt(token: string): JwtParts | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = asRecord(JSON.parse(Buffer.from(h, 'base64url').toString('utf8')));
    const payload = asRecord(JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
    if (!header || !payload) return undefined;
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url'), signatureText: s };
  } catch {
    return undefined;
  }
}

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  kid: string;
  jwks: { keys: Record<string, unknown>[] };
}

export function generateSigningKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const kid = createHash('sha256').update(publicKeyPem).digest('base64url').slice(0, 16);
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { privateKey, publicKey, publicKeyPem, kid, jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] } };
}

export function signRs256(payload: Record<string, unknown>, keys: SigningKeys): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: keys.kid }))}.${b64url(JSON.stringify(payload))}`;
  const signer = createSign('RSA-SHA256');
  signer.update(input);
  return `${input}.${b64url(signer.sign(keys.privateKey))}`;
}

export function verifyRs256Signature(parts: JwtParts, publicKey: KeyObject): boolean {
  const verifier = createVerify('RSA-SHA256');
  verifier.update(parts.signingInput);
  try {
    return verifier.verify(publicKey, parts.signature);
  } catch {
    return false;
  }
}

/** HMAC-SHA256 check keyed with `secret` (the vulnerable server keys it with its public key PEM). */
export function verifyHs256Signature(parts: JwtParts, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(parts.signingInput).digest();
  return expected.length === parts.signature.length && timingSafeEqual(expected, parts.signature);
}

