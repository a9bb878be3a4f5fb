import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { propertyOf, stringValue, type CallSite } from '../../../analysis/code.js';
import { objectOf, option, resolveValue } from '../../../analysis/code-auth.js';
import type { OutboundCall, OutboundRequest } from '../../../analysis/outbound.js';
import type { HttpClientProvider } from '../plugin.js';

// Known libraries' methods: axios, got, superagent, needle, ky, node-fetch, undici, node's http(s), request.
const JS_HTTP_METHOD = /^(axios|got|superagent|needle|ky|node-fetch|undici|http|https|node:http|node:https|request)\.(get|post|put|patch|delete|head|options|request|fetch)$/;
// Request-shaped calls: the libraries' functions and methods, and clients named as such.
const JS_HTTP = /^(fetch|node-fetch|undici\.(fetch|request)|axios|got|superagent|needle|ky)(\.default)?(\.(get|post|put|patch|delete|head|request))?$|^(https?|http2)\.(get|request)$/;

function outboundCall(source: SourceFile, call: CallSite): OutboundCall | undefined {
  const c = call.callee;
  const first = call.args[0];
  let library: string | undefined;
  let url: Node | undefined;
  let options: Node | undefined;
  if (c === 'fetch' || c === 'node-fetch' || c === 'undici.fetch' || c === 'node-fetch.default' || c === 'globalThis.fetch') {
    library = c === 'fetch' || c === 'globalThis.fetch' ? 'fetch' : c.split('.')[0];
    url = first;
    options = call.args[1];
  } else if (c === 'axios' || c === 'got' || c === 'ky' || c === 'needle' || c === 'superagent' || c === 'request') {
    library = c;
    const resolved = resolveValue(source, first);
    if (resolved?.type === 'object') {
      options = resolved;
      url = propertyOf(resolved, 'url');
    } else {
      url = first;
      options = call.args[1];
    }
  } else if (JS_HTTP_METHOD.test(c)) {
    library = c.split('.')[0]?.replace(/^node:/, '');
    const method = c.split('.').at(-1);
    const resolved = resolveValue(source, first);
    if (library === 'axios' && method === 'request' && resolved?.type === 'object') {
      options = resolved;
      url = propertyOf(resolved, 'url');
    } else {
      url = first;
      options = library === 'axios' && /^(post|put|patch)$/.test(method ?? '') ? call.args[2] : call.args[1];
    }
  } else if (c === 'undici.request') {
    library = 'undici';
    url = first;
    options = call.args[1];
  }
  if (library === undefined || call.isNew) return undefined;
  const resolvedOptions = options ? resolveValue(source, options) : undefined;
  return { call, library, ...(url ? { url } : {}), ...(resolvedOptions?.type === 'object' ? { options: resolvedOptions } : {}) };
}

function methodFromName(name: string): string | undefined {
  const match = /\.(get|post|put|patch|delete|head)$/i.exec(name);
  return match?.[1]?.toUpperCase();
}

function outboundRequest(source: SourceFile, call: CallSite): OutboundRequest | undefined {
  const known = JS_HTTP.test(call.callee);
  const client = !known && /^(this\.)?(http|httpService|client|api|axiosInstance|httpClient)\.(get|post|put|patch|delete|request)$/i.test(call.written);
  if (!known && !client) return undefined;
  const options = objectOf(source, call.args[1]) ?? (call.args[0]?.type === 'object' ? call.args[0] : undefined);
  const fromOptions = stringValue(option(source, options, 'method'))?.toUpperCase();
  const written = methodFromName(call.callee);
  const method = written ?? fromOptions ?? (/^(fetch|node-fetch|undici|axios|got)/.test(call.callee) && !/\.request$/.test(call.callee) ? 'GET' : undefined);
  const url = call.args[0]?.type === 'object' ? option(source, call.args[0], 'url') : call.args[0];
  const dataOptions = written && ['POST', 'PUT', 'PATCH'].includes(written) ? (objectOf(source, call.args[2]) ?? options) : options;
  return { call, method, url, options: dataOptions };
}

/** JavaScript's HTTP clients: fetch, axios, got, superagent, needle, ky, node-fetch, undici, node's http(s), request. */
export const jsHttpClients: HttpClientProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call: outboundCall,
  request: outboundRequest,
};
