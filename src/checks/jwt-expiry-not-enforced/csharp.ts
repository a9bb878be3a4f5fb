import type { Node } from 'web-tree-sitter';
import { isFalse, tokenSettings } from '../../collectors/code/aspnetcore/jwt.js';
import type { SourceFile } from '../../engine/context.js';

/**
 * `ValidateLifetime = false` (expired tokens pass) and `RequireExpirationTime = false` (tokens without `exp` pass) in the
 * parameters of the authentication handler. Parameters only given to the code's own `ValidateToken` call are left out:
 * that is the refresh idiom, reading the claims of the expired access token a refresh request carries.
 */
export function csharpLifetimeOff(source: SourceFile): { node: Node; setting: string; property: 'ValidateLifetime' | 'RequireExpirationTime' }[] {
  const out: { node: Node; setting: string; property: 'ValidateLifetime' | 'RequireExpirationTime' }[] = [];
  for (const setting of tokenSettings(source)) {
    if ((setting.property === 'ValidateLifetime' || setting.property === 'RequireExpirationTime') && isFalse(setting.value) && setting.handler) {
      out.push({ node: setting.node, setting: setting.node.text.replace(/\s+/g, ' '), property: setting.property });
    }
  }
  return out;
}
