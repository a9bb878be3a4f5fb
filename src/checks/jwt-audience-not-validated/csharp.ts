import type { Node } from 'web-tree-sitter';
import { isFalse, tokenSettings } from '../../collectors/code/aspnetcore/jwt.js';
import type { SourceFile } from '../../engine/context.js';

export interface CsAudienceHit {
  node: Node;
  setting: string;
  /** The issuer check is turned off on the same parameters too. */
  issuerToo: boolean;
}

/** `TokenValidationParameters` with `ValidateAudience = false` (ASP.NET Core JWT bearer, Microsoft.IdentityModel). */
export function csharpAudienceOff(source: SourceFile): CsAudienceHit[] {
  const settings = tokenSettings(source);
  return settings
    .filter((setting) => setting.property === 'ValidateAudience' && isFalse(setting.value))
    .map((setting) => ({
      node: setting.node,
      setting: setting.node.text.replace(/\s+/g, ' '),
      issuerToo: settings.some((other) => other.owner.id === setting.owner.id && other.property === 'ValidateIssuer' && isFalse(other.value)),
    }));
}
