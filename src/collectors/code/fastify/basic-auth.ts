import { factsOf, qualify, stringValue } from '../../../analysis/code.js';
import type { BasicAuthProvider } from '../plugin.js';

/** `@fastify/basic-auth` registered on an instance; `@fastify/helmet`; an instance created with `https: { key, cert }`. */
export const fastifyBasicAuth: BasicAuthProvider = {
  sites(source) {
    const sites = [];
    for (const call of factsOf(source).calls) {
      if (!/\.register$/.test(call.callee)) continue;
      const plugin = call.args[0];
      const required = plugin?.type === 'call_expression' ? stringValue(plugin.childForFieldName('arguments')?.namedChildren[0]) : undefined;
      if (/^@fastify\/basic-auth/.test(required ?? qualify(plugin, factsOf(source).imports) ?? '')) sites.push({ node: call.node, name: '@fastify/basic-auth' });
    }
    return sites;
  },
  tls: [String.raw`fastify\/helmet`, String.raw`https:\s*\{\s*(key|cert)`],
};
