/**
 * How ASP.NET Core's JWT bearer handler validates tokens (Microsoft.IdentityModel's `TokenValidationParameters`),
 * read through the plugin's `tokenValidation` section by jwt-audience-not-validated (`ValidateAudience = false`),
 * jwt-none-algorithm-accepted (`RequireSignedTokens = false`), jwt-signature-not-verified (a `SignatureValidator`
 * that only parses) and jwt-expiry-not-enforced (`ValidateLifetime` / `RequireExpirationTime = false`).
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { FrameworkFinding, TokenSettingHit, TokenValidationProvider } from '../plugin.js';
import { isFalse, skipsSignature, tokenSettings } from './jwt.js';

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

/** `RequireSignedTokens = false`: Microsoft.IdentityModel then accepts a token with `alg: none` and no signature. */
function unsignedAccepted(source: SourceFile): TokenSettingHit[] {
  return tokenSettings(source)
    .filter((setting) => setting.property === 'RequireSignedTokens' && isFalse(setting.value))
    .map((setting) => ({ node: setting.node, setting: setting.node.text.replace(/\s+/g, ' ') }));
}

/**
 * A `SignatureValidator` delegate that parses the token and returns it (`(token, _) => new JwtSecurityToken(token)`):
 * Microsoft.IdentityModel then skips its own signature check, so any signature passes.
 */
function signatureSkipped(source: SourceFile): TokenSettingHit[] {
  return tokenSettings(source)
    .filter((setting) => setting.property === 'SignatureValidator' && skipsSignature(setting.value))
    .map((setting) => ({ node: setting.node, setting: setting.node.text.replace(/\s+/g, ' ') }));
}

/**
 * `ValidateLifetime = false` (expired tokens pass) and `RequireExpirationTime = false` (tokens without `exp` pass) in the
 * parameters of the authentication handler. Parameters only given to the code's own `ValidateToken` call are left out:
 * that is the refresh idiom, reading the claims of the expired access token a refresh request carries.
 */
function lifetimeOff(source: SourceFile): (TokenSettingHit & { accepts: 'expired' | 'without-exp' })[] {
  const out: (TokenSettingHit & { accepts: 'expired' | 'without-exp' })[] = [];
  for (const setting of tokenSettings(source)) {
    if ((setting.property === 'ValidateLifetime' || setting.property === 'RequireExpirationTime') && isFalse(setting.value) && setting.handler) {
      out.push({ node: setting.node, setting: setting.node.text.replace(/\s+/g, ' '), accepts: setting.property === 'ValidateLifetime' ? 'expired' : 'without-exp' });
    }
  }
  return out;
}

export const aspnetcoreTokenValidation: TokenValidationProvider = {
  messages: {
    csAudience: '`{{setting}}` turns off the audience check of the token validation parameters, so tokens issued for any other audience are accepted.',
    csNeither: '`{{setting}}` turns off the audience check, and the issuer check is off too, so tokens issued by any issuer for any audience are accepted.',
  },
  audience(ctx: CheckContext): FrameworkFinding[] {
    return ctx.sources.flatMap((source) => csharpAudienceOff(source).map((hit) => ({ messageId: hit.issuerToo ? 'csNeither' : 'csAudience', data: { setting: hit.setting }, source, node: hit.node })));
  },
  unsignedAccepted,
  signatureSkipped,
  lifetimeOff,
};
