/**
 * Java and Kotlin verifiers that let expired tokens through. Each library checks `exp` by default
 * when the claim is present (see collectors/code/jvm/jwt.ts); the code turns that off by:
 * - auth0 java-jwt `acceptExpiresAt(n)` / `acceptLeeway(n)`, jjwt `setAllowedClockSkewSeconds(n)` /
 *   `clockSkewSeconds(n)`, nimbus `DefaultJWTClaimsVerifier.setMaxClockSkew(n)` with n of a day or more;
 * - nimbus `processor.setJWTClaimsSetVerifier(null)` or a verifier lambda with an empty body (the
 *   processor then checks no claim at all), unless the processor is handed to Spring's
 *   `NimbusJwtDecoder`, whose own validators check the timestamps;
 * - Spring `decoder.setJwtValidator(v)` where `v` is built here from validators none of which is a
 *   `JwtTimestampValidator` or one of `JwtValidators.createDefault*` (the call replaces the default
 *   validator, which was the only timestamp check).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { asJwtCall, emptyLambda, isLambdaNode, jvmJwtCalls, jwtSource, libraryOf, seconds, valueOf, type JvmJwtCall } from '../../collectors/code/jvm/jwt.js';
import { classAt } from '../../collectors/code/jvm/trace.js';
import { jvmFile } from '../../collectors/code/jvm/ast.js';
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
const DEFAULT_VALIDATORS = /^createDefault(WithIssuer|WithValidators)?$|^createAtJwtValidator$/;
/** Spring's validators that check something else than the timestamps. */
const OTHER_VALIDATORS = new Set(['JwtIssuerValidator', 'JwtClaimValidator', 'JwtAudienceValidator', 'JwtTypeValidator', 'X509CertificateThumbprintValidator']);

function span(value: number): string {
  if (value >= Number.MAX_SAFE_INTEGER) return 'forever';
  const days = Math.round(value / DAY);
  return days >= 365 ? `${Math.round(days / 365)} year(s)` : `${days} day(s)`;
}

/** Whether a validator expression is known to include, to exclude, or not known to check the timestamps. */
function timestampChecked(source: SourceFile, node: Node | undefined, projectClasses: ReadonlyMap<string, string>, depth = 0): boolean | undefined {
  const value = valueOf(source, node);
  if (!value || depth > 4) return undefined;
  if (isLambdaNode(value)) return false;
  const call = asJwtCall(value);
  if (!call) return undefined;
  if (call.name === 'JwtTimestampValidator') return true;
  if (DEFAULT_VALIDATORS.test(call.name) && /JwtValidators$/.test(call.receiver?.text ?? '')) return true;
  if (call.name === 'DelegatingOAuth2TokenValidator' || ((call.name === 'of' || call.name === 'asList' || call.name === 'listOf') && call.receiver?.text !== 'JwtValidators')) {
    const parts = call.args.map((arg) => timestampChecked(source, arg, projectClasses, depth + 1));
    if (parts.some((part) => part === true)) return true;
    return parts.length > 0 && parts.every((part) => part === false) ? false : undefined;
  }
  // `OAuth2TokenValidator<Jwt> { … }` (Kotlin SAM conversion) checks what its lambda checks.
  if (call.name === 'OAuth2TokenValidator' && call.lambda) return false;
  if (call.constructs && OTHER_VALIDATORS.has(call.name)) return false;
  if (call.constructs) {
    const text = projectClasses.get(call.name);
    if (text === undefined) return undefined;
    return /JwtTimestampValidator|getExpiresAt|expiresAt|"exp"|JwtClaimNames\.EXP/.test(text) ? true : false;
  }
  return undefined;
}

/** The processor a nimbus call runs on is given to Spring's decoder in the same class. */
function handedToSpring(source: SourceFile, call: JvmJwtCall): boolean {
  const receiver = call.receiver?.text;
  if (!receiver) return false;
  const cls = classAt(jvmFile(source), call.node);
  const scope = cls?.node ?? source.tree.rootNode;
  return jvmJwtCalls(source).some(
    (other) => /^Nimbus(Reactive)?JwtDecoder$/.test(other.name) && other.constructs && other.node.startIndex >= scope.startIndex && other.node.endIndex <= scope.endIndex && other.args.some((arg) => arg.text === receiver),
  );
}

export function jvmExpiryOff(sources: readonly SourceFile[]): JvmExpiryOff[] {
  const out: JvmExpiryOff[] = [];
  const projectClasses = new Map<string, string>();
  for (const source of sources) {
    if (source.language !== 'java' && source.language !== 'kotlin') continue;
    if (!/OAuth2TokenValidator/.test(source.text)) continue;
    for (const cls of jvmFile(source).classes) projectClasses.set(cls.name, cls.node.text);
  }
  for (const source of sources) {
    if (!jwtSource(source)) continue;
    const libraries = libraryOf(source);
    for (const call of jvmJwtCalls(source)) {
      const library = LEEWAY[call.name];
      if (library && call.receiver && libraries[library]) {
        const value = seconds(source, call.args[0]);
        if (value !== undefined && value >= DAY) out.push({ source, node: callNameNode(call), kind: 'leeway', call: `${call.name}(${call.args[0]?.text ?? ''})`, span: span(value) });
        continue;
      }
      if (call.name === 'setJWTClaimsSetVerifier' && libraries.nimbus && call.args.length === 1) {
        const arg = valueOf(source, call.args[0]);
        if ((arg?.type === 'null_literal' || arg?.text === 'null' || emptyLambda(arg)) && !handedToSpring(source, call)) {
          out.push({ source, node: callNameNode(call), kind: 'claimsVerifier', call: `setJWTClaimsSetVerifier(${call.args[0]?.text.replace(/\s+/g, ' ') ?? ''})` });
        }
        continue;
      }
      if (call.name === 'setJwtValidator' && libraries.spring && call.args.length === 1) {
        if (timestampChecked(source, call.args[0], projectClasses) === false) {
          out.push({ source, node: callNameNode(call), kind: 'validator', call: `setJwtValidator(${call.args[0]?.text.split('\n')[0] ?? ''})` });
        }
      }
    }
  }
  return out;
}
