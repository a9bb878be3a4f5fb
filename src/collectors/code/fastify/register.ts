import type { SourceFile } from '../../../engine/context.js';
import { type CallSite, factsOf, qualify, stringValue } from '../../../analysis/code.js';

/** The module a `fastify.register(plugin, opts)` call registers, when it is written as an import, `require` or `await import`. */
export function registeredPlugin(source: SourceFile, call: CallSite): string | undefined {
  if (!/(^|\.)register$/.test(call.callee)) return undefined;
  const plugin = call.args[0];
  if (!plugin) return undefined;
  if (plugin.type === 'call_expression' && plugin.childForFieldName('function')?.text === 'require') {
    return stringValue(plugin.childForFieldName('arguments')?.namedChildren[0]);
  }
  if (plugin.type === 'await_expression') {
    const inner = plugin.namedChildren[0];
    if (inner?.type === 'call_expression' && inner.childForFieldName('function')?.text === 'import') {
      return stringValue(inner.childForFieldName('arguments')?.namedChildren[0]);
    }
  }
  return qualify(plugin, factsOf(source).imports)?.replace(/\.default$/, '');
}
