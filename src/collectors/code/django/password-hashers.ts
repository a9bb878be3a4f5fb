/**
 * Django's password hashing choices, read by weak-password-hashing through the plugin's `passwordHashing`
 * section: a `PASSWORD_HASHERS` setting whose first hasher (the one new passwords get) is a message digest
 * or crypt, and `make_password(password, salt, hasher)` given such a hasher.
 */
import type { CheckContext } from '../../../engine/context.js';
import { isPython } from '../../../analysis/code-auth.js';
import { argument, elementsOf, factsOf, nodesOfType, stringValue } from '../../../analysis/code.js';
import type { FrameworkFinding, PasswordHashingProvider } from '../plugin.js';

const WEAK_HASHERS = /(MD5|SHA1|UnsaltedSHA1|UnsaltedMD5|Crypt)PasswordHasher$/;

function settings(ctx: CheckContext): FrameworkFinding[] {
  const out: FrameworkFinding[] = [];
  for (const source of ctx.sources) {
    if (!isPython(source)) continue;
    for (const call of factsOf(source).calls) {
      if (!/(^|\.)make_password$/.test(call.callee)) continue;
      const hasher = stringValue(argument(call, 2, 'hasher'));
      if (hasher && /md5|sha1|crypt/i.test(hasher)) out.push({ messageId: 'fastHash', data: { call: call.written, algorithm: hasher }, source, node: call.node });
    }
    for (const node of nodesOfType(source, 'assignment')) {
      if (node.childForFieldName('left')?.text !== 'PASSWORD_HASHERS') continue;
      const first = elementsOf(node.childForFieldName('right'))[0];
      const value = stringValue(first);
      if (first && value && WEAK_HASHERS.test(value)) out.push({ messageId: 'scheme', data: { setting: 'PASSWORD_HASHERS', algorithm: value.split('.').pop() ?? value }, source, node: first });
    }
  }
  return out;
}

export const djangoPasswordHashing: PasswordHashingProvider = { settings };
