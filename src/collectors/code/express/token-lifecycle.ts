import { factsOf } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import type { TokenLifecycleFact, TokenLifecycleProvider } from '../plugin.js';

/** express-jwt's `isRevoked` option: a callback that refuses revoked tokens. */
function isRevokedOptions(js: readonly SourceFile[]): TokenLifecycleFact[] {
  const out: TokenLifecycleFact[] = [];
  for (const source of js) {
    for (const call of factsOf(source).calls) {
      if (!/^express-jwt(\.|$)/.test(call.callee)) continue;
      const options = call.args[0];
      if (options?.type !== 'object') continue;
      const revoked = options.namedChildren.find((child) => (child?.type === 'pair' && child.childForFieldName('key')?.text === 'isRevoked') || (child?.type === 'shorthand_property_identifier' && child.text === 'isRevoked'));
      if (revoked) out.push({ kind: 'revocation', source, node: revoked, detail: 'express-jwt refuses tokens its `isRevoked` callback reports revoked' });
    }
  }
  return out;
}

/** express-jwt verifies self-contained tokens, and refuses those its `isRevoked` callback reports revoked. */
export const expressTokenLifecycle: TokenLifecycleProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  statelessModules: ['express-jwt'],
  configured: isRevokedOptions,
};
