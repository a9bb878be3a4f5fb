/**
 * How Spring Boot's auto-configured OAuth2 resource server validates tokens, read by jwt-audience-not-validated
 * through the plugin's `tokenValidation` section; the decoders Spring Security's code builds are ./jwt-decoder.ts.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { Location } from '../../../model/types.js';
import type { FrameworkFinding, TokenValidationProvider } from '../plugin.js';
import { JvmConfig, moduleOf as configModule } from '../jvm/config.js';
import { springJwtDecoders } from './jwt-decoder.js';

interface SpringBootAudienceGap {
  location: Location;
  setting: string;
  issuer: boolean;
}

const RESOURCE_SERVER = 'spring.security.oauth2.resourceserver.jwt.';

/**
 * Spring Boot's auto-configured resource server (`spring.security.oauth2.resourceserver.jwt.issuer-uri`,
 * `jwk-set-uri` or `public-key-location`) checks the timestamps, the issuer when `issuer-uri` is set, and
 * the audience only when `…jwt.audiences` lists it. A module whose code builds its own decoder
 * (`NimbusJwtDecoder`, `JwtDecoders`, a `JwtDecoder` implementation) is read from that code instead.
 */
function springBootAudienceGaps(ctx: CheckContext): SpringBootAudienceGap[] {
  const out: SpringBootAudienceGap[] = [];
  const config = new JvmConfig(ctx.infra);
  for (const [module, properties] of config.modules()) {
    const keys = ['issuer-uri', 'jwk-set-uri', 'public-key-location'].map((key) => properties.get(`${RESOURCE_SERVER}${key}`));
    const setting = keys.find((value) => value !== undefined);
    if (!setting || properties.has(`${RESOURCE_SERVER}audiences`)) continue;
    const ownDecoder = ctx.sources.some((source) => (source.language === 'java' || source.language === 'kotlin') && configModule(source.file) === module && /\bNimbus(Reactive)?JwtDecoder\b|\bJwtDecoders\.|\b(implements|:)\s*(Reactive)?JwtDecoder\b/.test(source.text));
    if (ownDecoder) continue;
    const name = ['issuer-uri', 'jwk-set-uri', 'public-key-location'][keys.indexOf(setting)] ?? '';
    out.push({ location: setting.where, setting: `${RESOURCE_SERVER}${name}=${setting.value}`, issuer: keys[0] !== undefined });
  }
  return out;
}

export const springTokenValidation: TokenValidationProvider = {
  messages: {
    springBoot: '`{{setting}}` configures Spring Boot\'s resource server without `spring.security.oauth2.resourceserver.jwt.audiences`, so tokens the provider issued for any other audience are accepted{{issuer}}.',
  },
  audience(ctx: CheckContext): FrameworkFinding[] {
    return springBootAudienceGaps(ctx).map((gap) => ({
      messageId: 'springBoot',
      data: { setting: gap.setting, issuer: gap.issuer ? '' : ' (and, without `issuer-uri`, from any issuer the keys sign for)' },
      location: gap.location,
      snippet: gap.setting,
    }));
  },
  decoders: springJwtDecoders,
};
