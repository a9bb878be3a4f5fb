/**
 * Spring Security's password encoders that hash fast or not at all (deprecated, kept for legacy hashes), the
 * `NoOpPasswordEncoder.getInstance()` singleton, a `DelegatingPasswordEncoder`'s legacy ids registered with
 * `encoders.put(id, encoder)` (verified, never used for new hashes), the OAuth2 authorization server's
 * configurers whose encoder checks client secrets (machine credentials, not user passwords), and Spring's
 * `DigestUtils.md5DigestAsHex`. Read by weak-password-hashing through the plugin's `passwordHashing` section.
 */
import type { PasswordHashingProvider } from '../plugin.js';

export const springPasswordEncoders: PasswordHashingProvider = {
  jvmEncoders: {
    mentions: ['PasswordEncoder'],
    weak: {
      NoOpPasswordEncoder: 'no hashing at all',
      MessageDigestPasswordEncoder: 'a single salted digest',
      StandardPasswordEncoder: 'SHA-256 with 1,024 iterations',
      Md4PasswordEncoder: 'MD4',
      LdapShaPasswordEncoder: 'SHA-1',
      Md5PasswordEncoder: 'MD5',
      ShaPasswordEncoder: 'SHA',
    },
    instances: { NoOpPasswordEncoder: 'getInstance' },
    legacyRegistrations: ['put'],
    clientConfigurers: ['AuthorizationServerSecurityConfigurer', 'ClientDetailsServiceConfigurer'],
    digests: ['md5DigestAsHex', 'md5Digest'],
  },
};
