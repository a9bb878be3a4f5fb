import type { Node } from 'web-tree-sitter';
import { skipsSignature, tokenSettings } from '../../collectors/code/aspnetcore/jwt.js';
import type { SourceFile } from '../../engine/context.js';

/**
 * A `SignatureValidator` delegate that parses the token and returns it (`(token, _) => new JwtSecurityToken(token)`):
 * Microsoft.IdentityModel then skips its own signature check, so any signature passes.
 */
export function csharpSignatureSkipped(source: SourceFile): { node: Node }[] {
  return tokenSettings(source)
    .filter((setting) => setting.property === 'SignatureValidator' && skipsSignature(setting.value))
    .map((setting) => ({ node: setting.node }));
}
