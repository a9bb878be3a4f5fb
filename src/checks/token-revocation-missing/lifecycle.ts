import type { CheckContext } from '../../engine/context.js';
import { lifecycleHandlers, proofOf, usesStatelessTokens, type HandlerVerdict, type LifecycleProof } from './handlers.js';
import { libraryLifecycle, type LibraryGap } from './libraries.js';

/** Rotation and revocation of tokens, as the code shows them: proofs for seed 003's checklist, gaps for findings. */
export interface TokenLifecycle {
  /** A refresh that issues a new token and invalidates the one presented, or a library configured to. */
  rotation: LifecycleProof[];
  /** A logout or revoke that ends server-side state, or a deny list the authentication consults. */
  revocation: LifecycleProof[];
  /** Refresh handlers that issue tokens and invalidate nothing. */
  unrotated: HandlerVerdict[];
  /** Logout/revoke handlers that only clear cookies or answer, in a project of self-contained tokens. */
  clientOnly: HandlerVerdict[];
  libraryGaps: LibraryGap[];
  /** Refresh/revoke routes whose handlers could not be decided (a call apisec cannot follow). */
  undecided: HandlerVerdict[];
}

const cache = new WeakMap<CheckContext, TokenLifecycle>();

export function tokenLifecycle(ctx: CheckContext): TokenLifecycle {
  const cached = cache.get(ctx);
  if (cached) return cached;
  const libraries = libraryLifecycle(ctx);
  const out: TokenLifecycle = { rotation: [...libraries.rotation], revocation: [...libraries.revocation], unrotated: [], clientOnly: [], libraryGaps: libraries.gaps, undecided: [] };
  const stateless = usesStatelessTokens(ctx);
  for (const verdict of lifecycleHandlers(ctx)) {
    const label = `${verdict.endpoint.method} ${verdict.endpoint.path}`;
    if (verdict.kind === 'refresh') {
      if (verdict.invalidates && verdict.issues) {
        out.rotation.push(proofOf(verdict.invalidates.source, verdict.invalidates.call.node, `\`${label}\` issues new tokens and invalidates the presented one`));
      } else if (verdict.issues && !verdict.invalidates && verdict.opaque.length === 0) {
        out.unrotated.push(verdict);
      } else out.undecided.push(verdict);
      continue;
    }
    if (verdict.invalidates) {
      out.revocation.push(proofOf(verdict.invalidates.source, verdict.invalidates.call.node, `\`${label}\` invalidates server-side state`));
    } else if (verdict.opaque.length === 0 && stateless && !verdict.issues) {
      out.clientOnly.push(verdict);
    } else out.undecided.push(verdict);
  }
  cache.set(ctx, out);
  return out;
}
