import type { Node } from 'web-tree-sitter';
import { isFalse, tokenSettings } from '../../collectors/code/aspnetcore/jwt.js';
import type { SourceFile } from '../../engine/context.js';

/** `RequireSignedTokens = false`: Microsoft.IdentityModel then accepts a token with `alg: none` and no signature. */
export function csharpUnsignedAccepted(source: SourceFile): { node: Node; setting: string }[] {
  return tokenSettings(source)
    .filter((setting) => setting.property === 'RequireSignedTokens' && isFalse(setting.value))
    .map((setting) => ({ node: setting.node, setting: setting.node.text.replace(/\s+/g, ' ') }));
}
