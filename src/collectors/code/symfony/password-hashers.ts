/**
 * Symfony's password hasher configuration, read by weak-password-hashing through the plugin's
 * `passwordHashing` section.
 */
import type { CheckContext, InfraFile, SourceFile } from '../../../engine/context.js';
import type { FrameworkFinding, PasswordHashingProvider } from '../plugin.js';
import { parseYaml, yString, yStrings } from '../php/config-files.js';
import { FAST_HASHES } from '../php/digests.js';

interface SymfonyWeakHasher {
  file: string;
  line: number;
  /** The setting as written (`algorithm: md5`, `cost: 4`). */
  setting: string;
  kind: 'scheme' | 'cost' | 'iterations';
  algorithm: string;
  value?: number;
}

/** Hashers that only ever hash users written in the configuration itself (the `in_memory` provider). */
const IN_MEMORY_USERS = /^\\?Symfony\\Component\\Security\\Core\\User\\(InMemoryUser|User)$/;
const SLOW = /^(auto|native|bcrypt|sodium|argon2i|argon2id)$/i;
const MIN_BCRYPT_COST = 10;

/**
 * Symfony `security.yaml`: `password_hashers:` (legacy `encoders:`) that store passwords in plain text,
 * with a message digest (`md5`, `sha1`, `sha512` …), with PBKDF2 under 100,000 iterations (Symfony's
 * default is 1,000) or with bcrypt under cost 10. `auto` / `native` / `bcrypt` / `sodium` / `argon2*`
 * are fine; a hasher named only in another's `migrate_from` verifies old hashes and re-hashes them
 * with the strong one; `when@test:` / `when@dev:` overrides and the in-memory user class are not read, nor a named
 * hasher (`MailToken:`) no user class selects with `getPasswordHasherName()`.
 */
function symfonyWeakHashers(infra: readonly InfraFile[], sources: readonly SourceFile[] = []): SymfonyWeakHasher[] {
  const out: SymfonyWeakHasher[] = [];
  if (!infra.some((file) => file.kind === 'symfony-security')) return out;
  // A named hasher (`MailToken: sha1`) hashes whatever the code gives it (tokens, keys): it stores passwords only
  // when a user class names it from `getPasswordHasherName()` / `getEncoderName()`.
  const passwordHashers = new Set<string>();
  for (const source of sources) {
    if (source.language !== 'php' || !/function\s+get(?:PasswordHasher|Encoder)Name/.test(source.text)) continue;
    for (const match of source.text.matchAll(/function\s+get(?:PasswordHasher|Encoder)Name\s*\([^)]*\)[^{]*\{([^}]*)\}/g)) {
      for (const returned of (match[1] ?? '').matchAll(/return\s+['"]([\w.-]+)['"]/g)) passwordHashers.add(returned[1] ?? '');
    }
  }
  for (const file of infra) {
    if (file.kind !== 'symfony-security' || /(^|\/)(tests?|vendor)\//i.test(file.file)) continue;
    const security = parseYaml(file.text).root?.map?.get('security');
    for (const key of ['password_hashers', 'encoders']) {
      const hashers = security?.map?.get(key)?.map;
      if (!hashers) continue;
      const migrated = new Set<string>();
      for (const hasher of hashers.values()) for (const name of yStrings(hasher.map?.get('migrate_from'))) migrated.add(name);
      for (const [name, hasher] of hashers) {
        if (IN_MEMORY_USERS.test(name) || migrated.has(name)) continue;
        if (!name.includes('\\') && !passwordHashers.has(name)) continue;
        const algorithmNode = hasher.map ? hasher.map.get('algorithm') : hasher;
        if (hasher.map?.has('id')) continue;
        const algorithm = yString(algorithmNode)?.toLowerCase();
        if (!algorithm || !algorithmNode) continue;
        const line = algorithmNode.keyLine ?? algorithmNode.line;
        const setting = hasher.map ? `algorithm: ${algorithm}` : `${name}: ${algorithm}`;
        if (algorithm === 'plaintext') out.push({ file: file.file, line, setting, kind: 'scheme', algorithm: 'plain text (no hashing)' });
        else if (FAST_HASHES.test(algorithm)) out.push({ file: file.file, line, setting, kind: 'scheme', algorithm: `${algorithm.toUpperCase()} (a fast message digest)` });
        else if (algorithm === 'pbkdf2') {
          const iterationsNode = hasher.map?.get('iterations');
          const iterations = iterationsNode === undefined ? 1000 : typeof iterationsNode.scalar === 'number' ? iterationsNode.scalar : undefined;
          if (iterations !== undefined && iterations < 100_000) {
            out.push({ file: file.file, line: iterationsNode ? (iterationsNode.keyLine ?? iterationsNode.line) : line, setting: iterationsNode ? `iterations: ${iterations}` : 'algorithm: pbkdf2', kind: 'iterations', algorithm: 'PBKDF2', value: iterations });
          }
        } else if (SLOW.test(algorithm)) {
          const costNode = hasher.map?.get('cost');
          const cost = typeof costNode?.scalar === 'number' ? costNode.scalar : undefined;
          if (costNode && cost !== undefined && cost < MIN_BCRYPT_COST) out.push({ file: file.file, line: costNode.keyLine ?? costNode.line, setting: `cost: ${cost}`, kind: 'cost', algorithm, value: cost });
        }
      }
    }
  }
  return out;
}

export const symfonyPasswordHashing: PasswordHashingProvider = {
  settings(ctx: CheckContext): FrameworkFinding[] {
    return symfonyWeakHashers(ctx.infra, ctx.sources).map((hit): FrameworkFinding => {
      const where = { location: { file: hit.file, line: hit.line }, snippet: hit.setting };
      if (hit.kind === 'iterations') return { messageId: 'iterations', data: { call: hit.setting, iterations: hit.value ?? 0 }, ...where };
      if (hit.kind === 'cost') return { messageId: 'cost', data: { setting: hit.setting, algorithm: hit.algorithm, cost: hit.value ?? 0 }, ...where };
      return { messageId: 'scheme', data: { setting: hit.setting, algorithm: hit.algorithm }, ...where };
    });
  },
};
