/**
 * The JWT decoders Spring Security's code builds (`NimbusJwtDecoder`), read by the JWT checks' Java and
 * Kotlin detections through the plugin's `tokenValidation.decoders` (the JWT libraries' own verifiers,
 * jjwt, java-jwt and nimbus, are the checks').
 *
 * - A decoder built `NimbusJwtDecoder.withJwkSetUri(…)` / `withPublicKey` / `withSecretKey` /
 *   `withIssuerLocation(…)…build()` checks the timestamps only (the issuer too when built from the issuer
 *   location), unless `setJwtValidator` in the same class gives it validators that check the audience or
 *   the issuer (`JwtClaimValidator` on `JwtClaimNames.AUD`, a project's `OAuth2TokenValidator` class).
 * - `decoder.setJwtValidator(v)` replaces the default validator, which was the only timestamp check: `v`
 *   built here from validators none of which is a `JwtTimestampValidator` or one of
 *   `JwtValidators.createDefault*` lets expired tokens through.
 * - A nimbus JWT processor handed to `NimbusJwtDecoder` is checked by the decoder's own validators.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import type { JvmTokenDecoders } from '../plugin.js';
import { field, jvmFile, named } from '../jvm/ast.js';
import { asJwtCall, isLambdaNode, jvmJwtCalls, valueOf, type JvmJwtCall } from '../jvm/jwt.js';
import { classAt } from '../jvm/trace.js';

const DECODER_BUILDERS = /^(withJwkSetUri|withPublicKey|withSecretKey|withIssuerLocation)$/;
const DEFAULT_VALIDATORS = /^createDefault(WithIssuer|WithValidators)?$|^createAtJwtValidator$/;
/** Spring's validators that check something else than the timestamps. */
const OTHER_VALIDATORS = new Set(['JwtIssuerValidator', 'JwtClaimValidator', 'JwtAudienceValidator', 'JwtTypeValidator', 'X509CertificateThumbprintValidator']);

const validatorClasses = new WeakMap<readonly SourceFile[], Map<string, string>>();

/** The project's validator classes (in files that name `OAuth2TokenValidator`), by name, with their text: a decoder given one checks what its text checks. */
function projectValidators(sources: readonly SourceFile[]): ReadonlyMap<string, string> {
  let classes = validatorClasses.get(sources);
  if (!classes) {
    classes = new Map();
    for (const source of sources) {
      if ((source.language === 'java' || source.language === 'kotlin') && /OAuth2TokenValidator/.test(source.text)) {
        for (const cls of jvmFile(source).classes) classes.set(cls.name, cls.node.text);
      }
    }
    validatorClasses.set(sources, classes);
  }
  return classes;
}

/** A decoder's `setJwtValidator` (in the same class) decides; the default checks neither claim (the issuer when built from the issuer). */
function decoderChecks(source: SourceFile, node: Node, fromIssuer: boolean, validators: ReadonlyMap<string, string>, reads: { audience: RegExp; issuer: RegExp }): { audience: boolean; issuer: boolean } | undefined {
  const cls = classAt(jvmFile(source), node)?.node ?? source.tree.rootNode;
  const set = jvmJwtCalls(source).filter((call) => call.name === 'setJwtValidator' && call.node.startIndex >= cls.startIndex && call.node.endIndex <= cls.endIndex);
  if (set.length === 0) return { audience: false, issuer: fromIssuer };
  let text = '';
  for (const call of set) {
    const value = valueOf(source, call.args[0]);
    if (!value) return undefined;
    text += value.text;
    // Validators written elsewhere in the method (locals joined into a DelegatingOAuth2TokenValidator).
    for (const arg of asJwtCall(value)?.args ?? []) text += ` ${(valueOf(source, arg) ?? arg).text}`;
  }
  for (const [name, body] of validators) if (new RegExp(`\\b${name}\\b`).test(text)) text += ` ${body}`;
  return { audience: reads.audience.test(text), issuer: fromIssuer || reads.issuer.test(text) };
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

export const springJwtDecoders: JvmTokenDecoders = {
  library: 'spring',
  packages: ['org\\.springframework\\.security\\.oauth2\\.jwt'],
  secretKey(call: Node): Node | undefined {
    if (field(call, 'name')?.text === 'withSecretKey' && /(^|\.)NimbusJwtDecoder$/.test(field(call, 'object')?.text ?? '')) return named(field(call, 'arguments'))[0];
    return undefined;
  },
  audienceReads: ['JwtClaimNames\\.AUD', 'JwtAudienceValidator'],
  issuerReads: ['JwtClaimNames\\.ISS', 'JwtIssuerValidator', 'createDefaultWithIssuer'],
  audience(sources, source, call, chain, reads) {
    const first = chain.calls[0];
    if (chain.root?.text !== 'NimbusJwtDecoder' || !first || !DECODER_BUILDERS.test(first.name) || !chain.calls.some((each) => each.name === 'build')) return undefined;
    return decoderChecks(source, call.node, first.name === 'withIssuerLocation', projectValidators(sources), reads);
  },
  timestampsOff(sources, source, call) {
    return call.name === 'setJwtValidator' && call.args.length === 1 && timestampChecked(source, call.args[0], projectValidators(sources)) === false;
  },
  claimsChecked(source: SourceFile, call: JvmJwtCall): boolean {
    const receiver = call.receiver?.text;
    if (!receiver) return false;
    const cls = classAt(jvmFile(source), call.node);
    const scope = cls?.node ?? source.tree.rootNode;
    return jvmJwtCalls(source).some(
      (other) => /^Nimbus(Reactive)?JwtDecoder$/.test(other.name) && other.constructs && other.node.startIndex >= scope.startIndex && other.node.endIndex <= scope.endIndex && other.args.some((arg) => arg.text === receiver),
    );
  },
};
