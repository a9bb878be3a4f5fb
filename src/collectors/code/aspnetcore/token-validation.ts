/**
 * How ASP.NET Core's JWT bearer handler validates tokens (Microsoft.IdentityModel's `TokenValidationParameters`),
 * read by jwt-audience-not-validated through the plugin's `tokenValidation` section.
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { FrameworkFinding, TokenValidationProvider } from '../plugin.js';
import { isFalse, tokenSettings } from './jwt.js';

interface CsAudienceHit {
  node: Node;
  setting: string;
  /** The issuer check is turned off on the same parameters too. */
  issuerToo: boolean;
}

/** `TokenValidationParameters` with `ValidateAudience = false` (ASP.NET Core JWT bearer, Microsoft.IdentityModel). */
function csharpAudienceOff(source: SourceFile): CsAudienceHit[] {
  const settings = tokenSettings(source);
  return settings
    .filter((setting) => setting.property === 'ValidateAudience' && isFalse(setting.value))
    .map((setting) => ({
      node: setting.node,
      setting: setting.node.text.replace(/\s+/g, ' '),
      issuerToo: settings.some((other) => other.owner.id === setting.owner.id && other.property === 'ValidateIssuer' && isFalse(other.value)),
    }));
}

export const aspnetcoreTokenValidation: TokenValidationProvider = {
  messages: {
    csAudience: '`{{setting}}` turns off the audience check of the token validation parameters, so tokens issued for any other audience are accepted.',
    csNeither: '`{{setting}}` turns off the audience check, and the issuer check is off too, so tokens issued by any issuer for any audience are accepted.',
  },
  audience(ctx: CheckContext): FrameworkFinding[] {
    return ctx.sources.flatMap((source) => csharpAudienceOff(source).map((hit) => ({ messageId: hit.issuerToo ? 'csNeither' : 'csAudience', data: { setting: hit.setting }, source, node: hit.node })));
  },
};
