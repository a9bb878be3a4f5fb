import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { factsOf } from '../../analysis/code.js';
import { isTestFile } from '../../analysis/code-transport.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import { tokenLifecycleProviders } from '../../collectors/code/plugins.js';
import type { TokenLifecycleFact, TokenLifecycleProvider } from '../../collectors/code/plugin.js';
import { proofOf, type LifecycleProof } from './handlers.js';

/**
 * Token libraries whose configuration decides rotation and revocation: the frameworks' token extensions
 * (the `tokenLifecycle` providers: djangorestframework-simplejwt, flask-jwt-extended, django-oauth-toolkit,
 * express-jwt `isRevoked` …) and the oauthlib / Authlib revocation endpoints (RFC 7009).
 */

export interface LibraryGap {
  kind: 'rotation-without-blacklist' | 'refresh-not-rotated';
  source: SourceFile;
  node: Node;
  detail: string;
}

export interface LibraryLifecycle {
  rotation: LifecycleProof[];
  revocation: LifecycleProof[];
  gaps: LibraryGap[];
}

function add(out: LibraryLifecycle, facts: readonly TokenLifecycleFact[]): void {
  for (const fact of facts) {
    if (fact.kind === 'rotation') out.rotation.push(proofOf(fact.source, fact.node, fact.detail));
    else if (fact.kind === 'revocation') out.revocation.push(proofOf(fact.source, fact.node, fact.detail));
    else out.gaps.push({ kind: fact.kind, source: fact.source, node: fact.node, detail: fact.detail });
  }
}

/** OAuth 2.0 revocation endpoints: a framework's OAuth provider mounted (its `oauthProvider`), else oauthlib's or Authlib's. */
function oauthProviders(providers: readonly TokenLifecycleProvider[], python: readonly SourceFile[], out: LibraryLifecycle): void {
  for (const source of python) {
    for (const call of factsOf(source).calls) {
      const mounted = providers.reduce<TokenLifecycleFact[] | undefined>((found, provider) => found ?? provider.oauthProvider?.(source, call, python), undefined);
      if (mounted) {
        add(out, mounted);
        continue;
      }
      if (/(^|\.)create_revocation_response$/.test(call.callee) || (/(^|\.)register_endpoint$/.test(call.callee) && /Revocation/.test(call.args[0]?.text ?? ''))) {
        out.revocation.push(proofOf(source, call.node, 'an OAuth 2.0 token revocation endpoint (RFC 7009)'));
      }
    }
  }
}

/** Python's providers first, then the OAuth endpoints, then JS's: the order the checklist lists the proofs in. */
export function libraryLifecycle(ctx: CheckContext): LibraryLifecycle {
  const out: LibraryLifecycle = { rotation: [], revocation: [], gaps: [] };
  const sources = ctx.sources.filter((source) => !isTestFile(source.file));
  const python = sources.filter((source) => isPython(source));
  const js = sources.filter((source) => !isPython(source) && /^(javascript|typescript|tsx)$/.test(source.language));
  const providers = tokenLifecycleProviders();
  for (const provider of providers) if (provider.languages.includes('python')) add(out, provider.configured?.(python) ?? []);
  oauthProviders(providers, python, out);
  for (const provider of providers) if (!provider.languages.includes('python')) add(out, provider.configured?.(js) ?? []);
  return out;
}
