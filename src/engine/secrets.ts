import type { Node } from 'web-tree-sitter';
import { jwtCalls, secretValue } from '../analysis/code-auth.js';
import type { CheckContext, SourceFile } from './context.js';
import { knownSecrets, type KnownSecrets } from './mask.js';

/**
 * The hard-coded keys the code hands to a JWT library (`jwt.sign(payload, 'k3y…')`, a constant or
 * an env fallback it resolves to), whatever the variable is called: known from the syntax tree, so
 * every finding that quotes the line masks them, not only the check that reports the key.
 */
export function collectKnownSecrets(ctx: CheckContext): KnownSecrets {
  // A unit's checks, their silent evidence run and its analysis each ask for the same trees' secrets.
  const known = bySources.get(ctx.sources);
  if (known !== undefined) return known;
  const values: string[] = [];
  for (const source of ctx.sources) {
    for (const jwt of jwtCalls(source)) {
      const candidates: (Node | undefined)[] = [jwt.key, jwt.raw('secret'), jwt.raw('secretOrKey'), jwt.raw('privateKey'), jwt.raw('key')];
      for (const node of candidates) {
        const secret = secretValue(source, node);
        if (secret !== undefined) values.push(secret.value);
      }
    }
  }
  const found = knownSecrets(values);
  bySources.set(ctx.sources, found);
  return found;
}

/** What each list of parsed sources gave (a list is made once per parse and never changed). */
const bySources = new WeakMap<readonly SourceFile[], KnownSecrets>();
