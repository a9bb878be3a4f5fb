import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../engine/context.js';
import { callsAnsweredBy, factsOf, type CallSite } from './code.js';
import { httpClientProviders } from '../collectors/code/plugins.js';

/**
 * Outbound HTTP requests the code makes, one facility per language: the client libraries (requests,
 * httpx, urllib, aiohttp; fetch, axios, got, undici, node's http(s) …) live in the language folders'
 * HTTP client providers (src/collectors/code/python/http-clients.ts, js/http-clients.ts, listed in
 * src/collectors/code/plugins.ts). Two views of the same calls:
 * - `outboundCalls`: requests through a known client library (module functions, client instances it
 *   built), with the library, the URL and the options object located (input-validation checks);
 * - `outboundRequests`: every call shaped like a request, clients known by their receiver's name
 *   included, with the HTTP method when it is written (transport and webhook checks).
 */

export interface OutboundCall {
  call: CallSite;
  library: string;
  /** The URL argument, when the call has one. */
  url?: Node;
  /** JS options/config object argument (resolved), when there is one. */
  options?: Node;
}

export interface OutboundRequest {
  call: CallSite;
  /** Upper-case HTTP method when it is written; undefined when it is not known. */
  method: string | undefined;
  url: Node | undefined;
  /** JS options object / Python call (kwargs hold the options). */
  options: Node | undefined;
}

const outboundCache = new WeakMap<SourceFile, OutboundCall[]>();

/** Requests through a known HTTP client library, from the providers of the file's language. */
export function outboundCalls(source: SourceFile): OutboundCall[] {
  const cached = outboundCache.get(source);
  if (cached) return cached;
  const out = callsAnsweredBy(source, httpClientProviders());
  outboundCache.set(source, out);
  return out;
}

const outboundById = new WeakMap<SourceFile, Map<number, OutboundCall>>();

/** The request through a known HTTP client that `call` makes, if any (indexed by call node once per file). */
export function outboundCallOf(source: SourceFile, call: CallSite): OutboundCall | undefined {
  let byId = outboundById.get(source);
  if (!byId) {
    byId = new Map();
    for (const candidate of outboundCalls(source)) if (!byId.has(candidate.call.node.id)) byId.set(candidate.call.node.id, candidate);
    outboundById.set(source, byId);
  }
  return byId.get(call.node.id);
}

/** Every call shaped like an outbound request (known libraries and clients named as such), with its method when written. */
export function outboundRequests(source: SourceFile): OutboundRequest[] {
  const out: OutboundRequest[] = [];
  const providers = httpClientProviders().filter((provider) => provider.languages.includes(source.language));
  if (providers.length === 0) return out;
  for (const call of factsOf(source).calls) {
    for (const provider of providers) {
      const found = provider.request(source, call);
      if (found) {
        out.push(found);
        break;
      }
    }
  }
  return out;
}
