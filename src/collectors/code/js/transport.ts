import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import { objectOf, option, resolveValue } from '../../../analysis/code-auth.js';
import { type CallSite, factsOf, literalValue, propertyOf, stringValue } from '../../../analysis/code.js';
import { type CorsPolicy, type HeaderWrite, type OriginPolicy, listEntries, sourcesOf } from '../../../analysis/transport/model.js';
import type { TransportProvider } from '../plugin.js';
import { registeredPlugin } from '../fastify/register.js';

/**
 * JavaScript / TypeScript transport libraries any JS framework mounts: the `cors` middleware family
 * (cors, @koa/cors, koa2-cors, koa-cors; its options shape is shared by @fastify/cors and Nest's
 * `enableCors`), helmet and its Koa / Fastify ports, lusca and `secure`, the sslify redirects and
 * Node's own TLS servers. Framework-specific transport lives with its framework (express/, koa/,
 * fastify/, nestjs/ transport.ts).
 */

/** Always-true origin callbacks: `(origin, cb) => cb(null, true)`, `origin: () => true`. */
function alwaysAllows(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const text = body.text;
  if (/\bif\b|\?|\.includes\(|\.has\(|\.test\(|\.indexOf\(|===|==|\.match\(|\.some\(|\.find\(/.test(text)) return false;
  if (body.type !== 'statement_block') return body.type === 'true' || /^\w+\s*\(\s*null\s*,\s*(true|origin)\s*\)$/.test(text);
  return /\b\w+\s*\(\s*null\s*,\s*(true|origin)\s*\)|return\s+true\b/.test(text);
}

function jsOrigins(source: SourceFile, node: Node | undefined, defaultPolicy: OriginPolicy): OriginPolicy {
  if (!node) return defaultPolicy;
  const value = resolveValue(source, node) ?? node;
  const literal = literalValue(value);
  if (literal === '*') return { kind: 'wildcard' };
  if (literal === true) return { kind: 'reflect', how: '`origin: true`' };
  if (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function') {
    return alwaysAllows(value) ? { kind: 'reflect', how: 'an origin callback that allows every origin' } : { kind: 'unknown' };
  }
  const entries = listEntries(source, value, undefined);
  return entries ? { kind: 'list', entries } : { kind: 'unknown' };
}

/** A policy written with the `cors` package's options (`origin`, `credentials`); no options allow every origin. */
export function jsCorsPolicy(source: SourceFile, call: CallSite, options: Node | undefined, label: string): CorsPolicy {
  const object = objectOf(source, options);
  const originNode = propertyOf(object, 'origin');
  const origins = options && !object ? { kind: 'unknown' as const } : jsOrigins(source, originNode?.type === 'shorthand_property_identifier' ? option(source, object, 'origin') : originNode, { kind: 'wildcard' });
  return {
    source,
    node: call.node,
    line: call.node.startPosition.row + 1,
    label,
    origins,
    credentials: literalValue(option(source, object, 'credentials')) === true,
    global: true,
  };
}

const helmetCache = new WeakMap<CheckContext, { use: HelmetUse | undefined }>();

export interface HelmetUse {
  name: string;
  hsts: boolean;
  poweredBy: boolean;
}

/** Security-header middleware applied in the JS sources: helmet and its Fastify / Koa ports. */
export function helmetUse(ctx: CheckContext): HelmetUse | undefined {
  const cached = helmetCache.get(ctx);
  if (cached) return cached.use;
  const use = findHelmet(ctx);
  helmetCache.set(ctx, { use });
  return use;
}

function findHelmet(ctx: CheckContext): HelmetUse | undefined {
  for (const source of sourcesOf(ctx, 'js')) {
    for (const call of factsOf(source).calls) {
      const plugin = registeredPlugin(source, call);
      const name =
        /^(helmet|koa-helmet)(\.default)?$/.test(call.callee) ? call.callee.replace(/\.default$/, '') : plugin && /^(@fastify\/helmet|fastify-helmet)$/.test(plugin) ? plugin : undefined;
      if (!name) continue;
      const options = objectOf(source, plugin ? call.args[1] : call.args[0]);
      const off = (key: string): boolean => literalValue(option(source, options, key)) === false;
      return { name, hsts: !off('hsts') && !off('strictTransportSecurity'), poweredBy: !off('hidePoweredBy') && !off('xPoweredBy') };
    }
  }
  return undefined;
}

/** helmet and its Koa port, called as middleware. */
const HELMET = /^(helmet|koa-helmet)(\.default)?$/;
/** The standalone HSTS middleware: helmet's own (`helmet.hsts`, `helmet.strictTransportSecurity`) and the `hsts` package. */
const HSTS_MIDDLEWARE = /^(helmet|koa-helmet)(\.default)?\.(hsts|strictTransportSecurity)$|^hsts(\.default)?$/;

/** A `maxAge` option written as 0 turns HSTS off (browsers forget the host). */
function zeroMaxAge(source: SourceFile, options: Node | undefined): boolean {
  const value = literalValue(option(source, options, 'maxAge'));
  return value === 0 || value === '0';
}

/**
 * A helmet call or plugin registration with these options, for the checklist's HSTS evidence: HSTS is on unless
 * `hsts` / `strictTransportSecurity` is `false` or its `maxAge` is 0 (`null`: mounted with HSTS off).
 */
export function helmetHsts(source: SourceFile, call: CallSite, options: Node | undefined, name: string): { node: Node; detail: string } | null {
  const object = objectOf(source, options);
  const setting = option(source, object, 'hsts') ?? option(source, object, 'strictTransportSecurity');
  if (literalValue(setting) === false || zeroMaxAge(source, setting?.type === 'object' ? setting : undefined)) return null;
  return { node: call.node, detail: `\`${name}\` sends \`Strict-Transport-Security\`` };
}

/** `res.setHeader(name, value)`, `res.header(…)`, `res.set(…)`, `ctx.set(…)`, `headers.set(…)`, `res.writeHead(status, { … })` and objects of headers. */
function jsHeaderWrites(source: SourceFile): HeaderWrite[] {
  const out: HeaderWrite[] = [];
  for (const call of factsOf(source).calls) {
    if (!/\.(setHeader|header|set|append|writeHead|headers\.set)$/.test(call.written)) continue;
    const [first, second] = call.args;
    const name = stringValue(first);
    if (name !== undefined && second) out.push({ node: call.node, name, value: second });
    const object = objectOf(source, call.written.endsWith('writeHead') ? second : first);
    for (const pair of object?.namedChildren ?? []) {
      if (pair?.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      const keyText = key ? (stringValue(key) ?? key.text) : undefined;
      if (keyText && value) out.push({ node: pair, name: keyText, value });
    }
  }
  return out;
}

export const jsTransportLibraries: TransportProvider = {
  family: 'js',
  cors: {
    call(source, call) {
      if (!/^(cors|@koa\/cors|koa2-cors|koa-cors)(\.default)?$/.test(call.callee)) return undefined;
      return jsCorsPolicy(source, call, call.args[0], `${call.written}(…)`);
    },
    headerWrites: jsHeaderWrites,
    requestOrigin: /\b(req|request|ctx|c)\b[\w.]*\.(headers?\.origin|headers?\[['"]origin['"]\]|get\(\s*['"]origin['"]\s*\)|header\(\s*['"]origin['"]\s*\))/i,
  },
  https: {
    // helmet's HSTS (on unless turned off), the sslify redirects, Node's TLS servers.
    code: /helmet\.hsts\s*\(|\bstrictTransportSecurity\s*\(|\bhsts\s*\(|express-sslify|koa-sslify|express-enforces-ssl|https\.createServer\s*\(|http2\.createSecureServer\s*\(/i,
    enforced: (ctx) => helmetUse(ctx)?.hsts === true,
  },
  headers: {
    middleware: (ctx) => helmetUse(ctx)?.name,
    middlewareCode: /\blusca\s*\(|\bsecure\.Secure\s*\(/,
    alternatives: {
      'X-Frame-Options': /\bframeguard\b/,
      'Strict-Transport-Security': /helmet\.hsts\s*\(|\bstrictTransportSecurity\s*\(|\bhsts\s*\(/,
      'Referrer-Policy': /referrerPolicy\s*\(/,
      'Content-Security-Policy': /contentSecurityPolicy\s*\(/,
    },
    // helmet's older `hidePoweredBy()`, Node's `res.removeHeader('x-powered-by')`.
    poweredByOff: /hidePoweredBy\s*\(|removeHeader\(\s*['"]x-powered-by['"]\s*\)/i,
    hidesPoweredBy: (ctx) => helmetUse(ctx)?.poweredBy === true,
  },
  hsts: {
    // helmet / koa-helmet called as middleware; helmet's own HSTS middleware and the `hsts` package.
    call(source, call) {
      if (HELMET.test(call.callee)) return helmetHsts(source, call, call.args[0], call.callee.replace(/\.default$/, ''));
      if (!HSTS_MIDDLEWARE.test(call.callee)) return undefined;
      if (zeroMaxAge(source, objectOf(source, call.args[0]))) return null;
      return { node: call.node, detail: `\`${call.callee.replace(/\.default/, '')}\` sends \`Strict-Transport-Security\`` };
    },
  },
};
