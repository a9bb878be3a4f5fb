import type { Node } from 'web-tree-sitter';
import { stringValue, factsOf, qualify } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { jsJwtCall } from '../js/jwt.js';
import type { JwtProvider } from '../plugin.js';

function isFastifyJwtPlugin(source: SourceFile, node: Node | undefined): boolean {
  const name = qualify(node, factsOf(source).imports) ?? '';
  const required = node?.type === 'call_expression' && node.childForFieldName('function')?.text === 'require' ? stringValue(node.childForFieldName('arguments')?.namedChildren[0]) : undefined;
  return /^(@fastify\/jwt|fastify-jwt)(\.default)?$/.test(required ?? name);
}

/** `fastify.register(fastifyJwt, { secret, sign, verify })`: the plugin signs and verifies with its options. */
export const fastifyJwt: JwtProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call(source, call) {
    if (/\.register$/.test(call.callee) && isFastifyJwtPlugin(source, call.args[0])) {
      return { ...jsJwtCall(source, call, '@fastify/jwt', 'verify', 1), name: `${call.written}(${call.args[0]?.text ?? ''}, …)`, keyOptions: ['secret'], nestedOptions: { sign: 'sign', verify: 'verify' }, alsoSigns: true, lifetimeOptions: { options: 'sign', numbersInMs: true } };
    }
    return undefined;
  },
};
