import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { argument, factsOf, stringValue, type CallSite } from '../../../analysis/code.js';
import { resolveValue } from '../../../analysis/code-auth.js';
import type { OutboundCall, OutboundRequest } from '../../../analysis/outbound.js';
import type { HttpClientProvider } from '../plugin.js';

// Known libraries: module functions and the clients they build (requests, httpx, urllib, aiohttp).
const PY_HTTP_MODULE = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$/;
const PY_CLIENT_CTOR = /^(requests\.Session|requests\.session|httpx\.Client|httpx\.AsyncClient|aiohttp\.ClientSession)$/;
const PY_CLIENT_NAME = /^(client|session|http_?client|http|sess|async_client|s)$/i;

// Request-shaped calls: the libraries' functions and constructors, and clients named as such.
const PY_HTTP = /^(requests|httpx)(\.(api|sessions?))?\.(get|post|put|patch|delete|head|options|request)$|^(requests|httpx)\.(Session|Client|AsyncClient)$|^urllib\.request\.(urlopen|Request)$|^urllib3\.(PoolManager|request)$|^aiohttp\.(ClientSession|request)$/;
const PY_CLIENT_METHOD = /\.(get|post|put|patch|delete|head|request|send|urlopen)$/;

/** The library of a client instance: built by a known constructor, or named like a client in a module that imports one. */
function pyClientInstance(source: SourceFile, receiver: Node | null | undefined): string | undefined {
  if (!receiver) return undefined;
  const facts = factsOf(source);
  const resolved = resolveValue(source, receiver);
  if (resolved && (resolved.type === 'call')) {
    const ctor = facts.callsById.get(resolved.id)?.callee ?? '';
    if (PY_CLIENT_CTOR.test(ctor)) return ctor.split('.')[0];
  }
  if (PY_CLIENT_NAME.test(receiver.text)) {
    const imported = [...facts.imports.values()].find((value) => /^(httpx|requests|aiohttp)(\.|$)/.test(value));
    if (imported !== undefined) return imported.split('.')[0];
  }
  return undefined;
}

const CLIENT_METHOD_END = /(?:get|post|put|patch|delete|head|options|request|stream)$/;

function outboundCall(source: SourceFile, call: CallSite): OutboundCall | undefined {
  const c = call.callee;
  if (PY_HTTP_MODULE.test(c)) {
    const method = c.split('.').at(-1);
    const url = method === 'request' || method === 'stream' ? argument(call, 1, 'url') : argument(call, 0, 'url');
    return { call, library: c.split('.')[0] ?? c, ...(url ? { url } : {}) };
  }
  if (/^urllib\.request\.(urlopen|Request)$|^urllib2\.urlopen$/.test(c)) {
    const url = argument(call, 0, 'url');
    return { call, library: 'urllib', ...(url ? { url } : {}) };
  }
  // A client method's name ends the callee as written (`self.session.get`): other calls are not read further.
  if (!CLIENT_METHOD_END.test(call.written)) return undefined;
  const fn = call.node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (!method || !/^(get|post|put|patch|delete|head|options|request|stream)$/.test(method)) return undefined;
  const library = pyClientInstance(source, fn?.childForFieldName('object'));
  if (!library) return undefined;
  const url = method === 'request' || method === 'stream' ? argument(call, 1, 'url') : argument(call, 0, 'url');
  return { call, library, ...(url ? { url } : {}) };
}

function methodFromName(name: string): string | undefined {
  const match = /\.(get|post|put|patch|delete|head)$/i.exec(name);
  return match?.[1]?.toUpperCase();
}

function outboundRequest(_source: SourceFile, call: CallSite): OutboundRequest | undefined {
  const known = PY_HTTP.test(call.callee);
  const client = !known && PY_CLIENT_METHOD.test(call.written) && /(session|client|http|requests|httpx|api)\w*\.\w+$/i.test(call.written);
  if (!known && !client) return undefined;
  const method = methodFromName(call.callee) ?? (/\.request$/.test(call.callee) ? stringValue(call.args[0])?.toUpperCase() : undefined);
  const url = /\.request$/.test(call.callee) ? (call.kwargs.get('url') ?? call.args[1]) : (call.kwargs.get('url') ?? call.args[0]);
  return { call, method, url, options: call.node };
}

/** Python's HTTP clients: requests, httpx, urllib, urllib3, aiohttp. */
export const pythonHttpClients: HttpClientProvider = {
  languages: ['python'],
  call: outboundCall,
  request: outboundRequest,
};
