import type { Node } from 'web-tree-sitter';
import { factsOf, locationOf, snippetOf, stringValue } from '../analysis/code.js';
import { dependencyScanning, type DependencyScanning } from '../analysis/dependency-scanning.js';
import { oauthClients } from '../analysis/oauth-clients.js';
import { apiKeyLifecycle, type ApiKeyLifecycle } from '../checks/api-key-stored-in-plaintext/lifecycle.js';
import { issuedAccessTokens, type IssuedAccessToken } from '../checks/jwt-long-lived-token/check.js';
import { requestIdProviders, transportProviders } from '../collectors/code/plugins.js';
import type { TransportProvider } from '../collectors/code/plugin.js';
import type { Family } from '../analysis/transport/model.js';
import { handlerKind } from '../checks/token-revocation-missing/handlers.js';
import { tokenLifecycle, type TokenLifecycle } from '../checks/token-revocation-missing/lifecycle.js';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { Endpoint, Location } from '../model/types.js';

/** Positive evidence for seed 003's checklist: what the code and configuration show is in place. */

export interface Proof {
  location: Location;
  /** What was seen, as written (first line, short). */
  snippet: string;
  detail: string;
}

export interface ChecklistEvidence {
  scanning: DependencyScanning;
  accessTokens: IssuedAccessToken[];
  correlationIds: Proof[];
  /** Middleware or settings that send `Strict-Transport-Security` with a positive max-age. */
  hsts: Proof[];
  /** OAuth authorization-code clients found in code, with whether PKCE is on. */
  oauthClients: (Proof & { pkce: boolean })[];
  /** Endpoints that revoke or rotate credentials (tokens, sessions, API keys), found by their paths: leads only. */
  revocation: Endpoint[];
  /** What refresh and logout/revoke handlers and token libraries do to server-side token state. */
  tokens: Pick<TokenLifecycle, 'rotation' | 'revocation'> & { undecided: { endpoint: Endpoint; opaque: string[] }[] };
  /** The models that hold API keys, with their digest, scope, environment and prefix columns, and key prefixes generated. */
  apiKeys: { stores: KeyStoreEvidence[]; prefixes: ApiKeyLifecycle['prefixes'] };
}

/**
 * A model that holds API keys, as data: what the checklist reads of it. Evidence crosses threads
 * (engine/units.ts), so it holds no syntax node or source file.
 */
export type KeyStoreEvidence = Omit<ApiKeyLifecycle['stores'][number], 'generatedPlaintext' | 'lookups'> & {
  generatedPlaintext?: { location: Location; snippet: string };
  lookups: { hashed: boolean; lookup: { column: string } }[];
};

/** Libraries whose middleware gives every request an id that the logs carry, whatever the framework (its own in its `requestIds` section). */
const JS_REQUEST_ID_LIBRARIES = ['cls-rtracer', 'correlation-id'];
/** pino-http logs `req.id` on every line: the id is a per-process counter unless `genReqId` gives one (the frameworks' wrappers in their `requestIds` sections). */
const PINO_HTTP_LIBRARIES = ['pino-http'];
const PY_REQUEST_ID_LIBRARIES = ['request_id'];
/** Names a request or correlation id goes by in log context (`requestId`, `request_id`, `correlationId`, `reqId`, `traceId`). */
const ID_FIELD = /^(x_?)?(req(uest)?|correlation|trace)_?id$/i;
const REQUEST_ID_HEADER = /^(x-(request|correlation|trace)-id|request-id|x-amzn-trace-id|traceparent)$/i;
const HEADER_SETTERS = /(^|\.)(set|setHeader|header|headers\.set|append)$/;

/** A module pattern: one of the sources, from the start of a qualified name up to a `.` or its end. */
function modulePattern(sources: readonly string[]): RegExp {
  return new RegExp(`^(${sources.join('|')})(\\.|$)`);
}

let requestIdPatterns: { js: RegExp; pino: RegExp; python: RegExp } | undefined;

function patterns(): { js: RegExp; pino: RegExp; python: RegExp } {
  if (requestIdPatterns) return requestIdPatterns;
  const providers = requestIdProviders();
  requestIdPatterns = {
    js: modulePattern([...JS_REQUEST_ID_LIBRARIES, ...providers.flatMap((provider) => provider.jsModules ?? [])]),
    pino: modulePattern([...PINO_HTTP_LIBRARIES, ...providers.flatMap((provider) => provider.pinoHttp ?? [])]),
    python: modulePattern([...PY_REQUEST_ID_LIBRARIES, ...providers.flatMap((provider) => provider.pythonModules ?? [])]),
  };
  return requestIdPatterns;
}

function proof(source: SourceFile, node: Node, detail: string): Proof {
  return { location: locationOf(source, node), snippet: snippetOf(node, 100), detail };
}

function keysOf(object: Node | undefined): string[] {
  if (!object) return [];
  return object.namedChildren.flatMap((child) => {
    if (child?.type === 'shorthand_property_identifier') return [child.text];
    if (child?.type === 'pair') return [stringValue(child.childForFieldName('key')) ?? child.childForFieldName('key')?.text ?? ''];
    if (child?.type === 'method_definition') return [child.childForFieldName('name')?.text ?? ''];
    return [];
  });
}

function hasKey(object: Node | undefined, key: string): boolean {
  if (!object) return false;
  if (keysOf(object).includes(key)) return true;
  return object.namedChildren.some((child) => child?.type === 'pair' && hasKey(child.childForFieldName('value')?.type === 'object' ? (child.childForFieldName('value') ?? undefined) : undefined, key));
}

function correlationIds(sources: readonly SourceFile[]): Proof[] {
  const out: Proof[] = [];
  const providers = requestIdProviders();
  const jsCallers = providers.filter((provider) => provider.jsCall !== undefined);
  const { js: JS_REQUEST_ID, pino: PINO_HTTP, python: PY_REQUEST_ID } = patterns();
  for (const source of sources) {
    const facts = factsOf(source);
    const python = source.language === 'python';
    const used = new Set<string>();
    // The names calls use are only asked about for a module that imports a request-id library.
    const tracksNames = python && [...facts.imports.values()].some((qualified) => PY_REQUEST_ID.test(qualified));
    for (const call of facts.calls) {
      if (!python && JS_REQUEST_ID.test(call.callee)) {
        out.push(proof(source, call.node, `request ids from \`${call.callee.split('.')[0] ?? call.callee}\``));
        continue;
      }
      if (!python && PINO_HTTP.test(call.callee)) {
        const module = call.callee.split('.')[0] ?? call.callee;
        const options = call.args[0]?.type === 'object' ? call.args[0] : undefined;
        out.push(proof(source, call.node, hasKey(options, 'genReqId') ? `\`${module}\` with \`genReqId\` (every line carries the request id)` : `\`${module}\` (every line carries \`req.id\`)`));
        continue;
      }
      // A request-scoped child logger: winston / pino / bunyan `logger.child({ requestId })`, structlog `bind_contextvars(request_id=…)`.
      if (!python && /(^|\.)child$/.test(call.callee) && call.args[0]?.type === 'object' && keysOf(call.args[0]).some((key) => ID_FIELD.test(key))) {
        out.push(proof(source, call.node, 'a request-scoped child logger carries the request id'));
        continue;
      }
      if (python && /(^|\.)(bind_contextvars|bind|new)$/.test(call.callee) && /structlog|contextvars|log/.test(call.callee) && [...call.kwargs.keys()].some((key) => ID_FIELD.test(key))) {
        out.push(proof(source, call.node, `\`${call.callee.split('.').slice(-2).join('.')}\` binds the request id to every log line`));
        continue;
      }
      if (python && /(^|\.)LoggerAdapter$/.test(call.callee) && call.args[1]?.type === 'dictionary' && call.args[1].namedChildren.some((pair) => pair?.type === 'pair' && ID_FIELD.test(stringValue(pair.childForFieldName('key')) ?? ''))) {
        out.push(proof(source, call.node, 'a `LoggerAdapter` carries the request id'));
        continue;
      }
      // A framework's own logger that writes a per-request id on every line (Fastify's `logger` option).
      const logged = python ? undefined : jsCallers.reduce<string | undefined>((found, provider) => found ?? provider.jsCall?.(call), undefined);
      if (logged !== undefined) {
        out.push(proof(source, call.node, logged));
        continue;
      }
      const first = call.args[0];
      const header = first ? stringValue(first) : undefined;
      if (header !== undefined && REQUEST_ID_HEADER.test(header) && HEADER_SETTERS.test(call.callee) && call.args.length >= 2) {
        out.push(proof(source, call.node, `sets the \`${header}\` response header`));
        continue;
      }
      if (tracksNames) {
        for (const arg of [...call.args, ...call.kwargs.values()]) used.add(arg.text);
        used.add(call.written.split('(')[0] ?? '');
        // Django: MIDDLEWARE = ["django_guid.middleware.guid_middleware", …] is a list, not a call: see below.
      }
    }
    if (python) {
      // A hook that stores the id where the log format finds it (Flask's `before_request`).
      for (const provider of providers) {
        for (const { node, detail } of provider.hooks?.(source, sources, ID_FIELD) ?? []) out.push(proof(source, node, detail));
      }
      for (const [local, qualified] of facts.imports) {
        if (PY_REQUEST_ID.test(qualified) && used.has(local)) {
          const call = facts.calls.find((site) => site.written.startsWith(local) || [...site.args, ...site.kwargs.values()].some((arg) => arg.text === local));
          if (call) out.push(proof(source, call.node, `request ids from \`${qualified.split('.')[0] ?? qualified}\``));
        }
      }
      // Settings that mount request-id middleware (Django's `MIDDLEWARE` list).
      for (const provider of providers) {
        for (const { node, detail } of provider.settings?.(source) ?? []) out.push(proof(source, node, detail));
      }
    }
  }
  return out;
}

type HstsReading = NonNullable<TransportProvider['hsts']>;
let hstsReaders: { python: HstsReading[]; js: HstsReading[] } | undefined;

/** The transport providers' HSTS readings (helmet, Flask-Talisman, Django's settings …), by the family of sources they read. */
function hstsProviders(): { python: HstsReading[]; js: HstsReading[] } {
  if (!hstsReaders) {
    const of = (family: Family): HstsReading[] =>
      [...new Set(transportProviders().flatMap(({ provider }) => (provider.family === family && provider.hsts ? [provider.hsts] : [])))];
    hstsReaders = { python: of('python'), js: of('js') };
  }
  return hstsReaders;
}

function hsts(sources: readonly SourceFile[]): Proof[] {
  const out: Proof[] = [];
  const readers = hstsProviders();
  for (const source of sources) {
    const facts = factsOf(source);
    if (source.language === 'python') {
      // The frameworks' calls (Flask-Talisman's `Talisman(app)`), then their settings (Django's `SECURE_HSTS_SECONDS`).
      for (const call of facts.calls) {
        for (const reader of readers.python) {
          const found = reader.call?.(source, call);
          if (found) out.push(proof(source, found.node, found.detail));
        }
      }
      for (const reader of readers.python) {
        for (const { node, detail } of reader.file?.(source) ?? []) out.push(proof(source, node, detail));
      }
      continue;
    }
    calls: for (const call of facts.calls) {
      // helmet, its ports and the HSTS middleware, as the providers read them (`null`: mounted with HSTS off).
      for (const reader of readers.js) {
        const found = reader.call?.(source, call);
        if (found === undefined) continue;
        if (found) out.push(proof(source, found.node, found.detail));
        continue calls;
      }
      // `res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')`.
      const header = stringValue(call.args[0]);
      const value = stringValue(call.args[1]);
      if (header?.toLowerCase() === 'strict-transport-security' && HEADER_SETTERS.test(call.callee) && value !== undefined) {
        const maxAge = /max-age\s*=\s*"?(\d+)/i.exec(value);
        if (maxAge && Number(maxAge[1]) > 0) out.push(proof(source, call.node, 'sets the `Strict-Transport-Security` response header'));
      }
    }
  }
  return out;
}

/** Routes whose paths say they refresh or revoke credentials (`/auth/refresh`, `/logout`, `DELETE /tokens`): leads only. */
function revocationEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.filter((endpoint) => handlerKind(endpoint) !== undefined);
}

export function gatherEvidence(ctx: CheckContext): ChecklistEvidence {
  return {
    scanning: dependencyScanning(ctx),
    accessTokens: issuedAccessTokens(ctx.sources),
    correlationIds: correlationIds(ctx.sources),
    hsts: hsts(ctx.sources),
    oauthClients: oauthClients(ctx.sources).map(({ location, snippet, detail, pkce }) => ({ location, snippet, detail, pkce })),
    revocation: revocationEndpoints(ctx.inventory.endpoints),
    tokens: tokensOf(tokenLifecycle(ctx)),
    apiKeys: apiKeysOf(apiKeyLifecycle(ctx)),
  };
}

function tokensOf({ rotation, revocation, undecided }: TokenLifecycle): ChecklistEvidence['tokens'] {
  return { rotation, revocation, undecided: undecided.map(({ endpoint, opaque }) => ({ endpoint, opaque })) };
}

function apiKeysOf({ stores, prefixes }: ApiKeyLifecycle): ChecklistEvidence['apiKeys'] {
  return {
    stores: stores.map((store) => {
      const { generatedPlaintext, lookups, ...columns } = store;
      // The default that fills the key column is told by its place; its syntax node stays behind.
      const generated = generatedPlaintext === undefined ? {} : { generatedPlaintext: { location: generatedPlaintext.location, snippet: generatedPlaintext.snippet } };
      return { ...columns, ...generated, lookups: lookups.map(({ hashed, lookup }) => ({ hashed, lookup: { column: lookup.column } })) };
    }),
    prefixes,
  };
}

/** The evidence of several analysis units (engine/units.ts), in unit order; configuration-level parts come from the first. */
export function mergeEvidence(parts: readonly ChecklistEvidence[]): ChecklistEvidence {
  const [first] = parts;
  if (first === undefined) throw new Error('mergeEvidence needs at least one unit');
  if (parts.length === 1) return first;
  return {
    scanning: first.scanning,
    accessTokens: parts.flatMap((part) => part.accessTokens),
    correlationIds: parts.flatMap((part) => part.correlationIds),
    hsts: parts.flatMap((part) => part.hsts),
    oauthClients: parts.flatMap((part) => part.oauthClients),
    revocation: parts.flatMap((part) => part.revocation),
    tokens: {
      rotation: parts.flatMap((part) => part.tokens.rotation),
      revocation: parts.flatMap((part) => part.tokens.revocation),
      undecided: parts.flatMap((part) => part.tokens.undecided),
    },
    apiKeys: { stores: parts.flatMap((part) => part.apiKeys.stores), prefixes: parts.flatMap((part) => part.apiKeys.prefixes) },
  };
}
