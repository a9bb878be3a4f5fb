/**
 * Java and Kotlin verifiers that let expired tokens through. Each library checks `exp` by default
 * when the claim is present (see collectors/code/jvm/jwt.ts); the code turns that off by:
 * - auth0 java-jwt `acceptExpiresAt(n)` / `acceptLeeway(n)`, jjwt `setAllowedClockSkewSeconds(n)` /
 *   `clockSkewSeconds(n)`, nimbus `DefaultJWTClaimsVerifier.setMaxClockSkew(n)` with n of a day or more;
 * - nimbus `processor.setJWTClaimsSetVerifier(null)` or a verifier lambda with an empty body (the
 *   processor then checks no claim at all), unless the processor is handed to a framework's decoder
 *   whose own validators check the timestamps (Spring's `NimbusJwtDecoder`);
 * - a framework's decoder given validators none of which checks the timestamps (the plugins'
 *   `tokenValidation.decoders`: Spring's `decoder.setJwtValidator(v)`, spring/jwt-decoder.ts).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { emptyLambda, importsAny, jvmJwtCalls, jwtSource, libraryOf, seconds, valueOf } from '../../collectors/code/jvm/jwt.js';
import { jvmTokenDecoders } from '../../collectors/code/plugins.js';
import { callNameNode } from '../../collectors/code/jvm/calls.js';

export interface JvmExpiryOff {
  source: SourceFile;
  node: Node;
  kind: 'leeway' | 'claimsVerifier' | 'validator';
  call: string;
  /** For a leeway: how long, in words. */
  span?: string;
}

const DAY = 86400;
const LEEWAY: Record<string, 'auth0' | 'jjwt' | 'nimbus'> = {
  acceptExpiresAt: 'auth0',
  acceptLeeway: 'auth0',
  setAllowedClockSkewSeconds: 'jjwt',
  clockSkewSeconds: 'jjwt',
  setMaxClockSkew: 'nimbus',
};

function span(value: number): string {
  if (value >= Number.MAX_SAFE_INTEGER) return 'forever';
  const days = Math.round(value / DAY);
  return days >= 365 ? `${Math.round(days / 365)} year(s)` : `${days} day(s)`;
}

export function jvmExpiryOff(sources: readonly SourceFile[]): JvmExpiryOff[] {
  const out: JvmExpiryOff[] = [];
  const decoders = jvmTokenDecoders();
  const frameworks = decoders.flatMap((each) => each.packages);
  for (const source of sources) {
    if (!jwtSource(source, frameworks)) continue;
    const libraries = libraryOf(source);
    const imported = decoders.filter((each) => importsAny(source, each.packages));
    for (const call of jvmJwtCalls(source)) {
      const library = LEEWAY[call.name];
      if (library && call.receiver && libraries[library]) {
        const value = seconds(source, call.args[0]);
        if (value !== undefined && value >= DAY) out.push({ source, node: callNameNode(call), kind: 'leeway', call: `${call.name}(${call.args[0]?.text ?? ''})`, span: span(value) });
        continue;
      }
      if (call.name === 'setJWTClaimsSetVerifier' && libraries.nimbus && call.args.length === 1) {
        const arg = valueOf(source, call.args[0]);
        if ((arg?.type === 'null_literal' || arg?.text === 'null' || emptyLambda(arg)) && !decoders.some((each) => each.claimsChecked?.(source, call))) {
          out.push({ source, node: callNameNode(call), kind: 'claimsVerifier', call: `setJWTClaimsSetVerifier(${call.args[0]?.text.replace(/\s+/g, ' ') ?? ''})` });
        }
        continue;
      }
      if (imported.some((each) => each.timestampsOff?.(sources, source, call))) {
        out.push({ source, node: callNameNode(call), kind: 'validator', call: `${call.name}(${call.args[0]?.text.split('\n')[0] ?? ''})` });
      }
    }
  }
  return out;
}
