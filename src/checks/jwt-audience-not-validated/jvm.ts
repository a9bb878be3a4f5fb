/**
 * Java and Kotlin verifiers built without an audience (or issuer) check. None of the libraries
 * checks `aud` or `iss` unless told to: auth0 java-jwt `JWT.require(alg).withAudience(…)
 * .withIssuer(…)`, jjwt `requireAudience(…)` / `requireIssuer(…)` (or `require("aud", …)`),
 * nimbus `new DefaultJWTClaimsVerifier<>(audience, exactMatchClaims, requiredClaims)` (the
 * audience argument, or `audience(…)` / `issuer(…)` among the exact-match claims), and the decoders a
 * framework builds (the plugins' `tokenValidation.decoders`: Spring's `NimbusJwtDecoder`,
 * spring/jwt-decoder.ts). A class that reads the claims' audience or issuer itself (`getAudience()`,
 * `.audience`, `"aud"`, or a framework's reads) is taken to check it.
 * Tokens the same module signs itself (jjwt `Jwts.builder()…signWith`, java-jwt `JWT.create()…sign`,
 * nimbus `signedJwt.sign(signer)`) come from no identity provider serving other audiences: the service
 * is its own issuer, and is not reported. Spring Boot's auto-configured resource server is read by
 * spring/token-validation.ts (the plugin's `tokenValidation` section).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { jvmFile } from '../../collectors/code/jvm/ast.js';
import { callNameNode, chainOf } from '../../collectors/code/jvm/calls.js';
import { asJwtCall, importsAny, jvmJwtCalls, jwtSource, libraryOf, valueOf } from '../../collectors/code/jvm/jwt.js';
import { classAt, enclosingMethod } from '../../collectors/code/jvm/trace.js';
import { enclosingFunction } from '../../collectors/code/jvm/kotlin.js';
import { jvmTokenDecoders } from '../../collectors/code/plugins.js';

export interface JvmAudienceGap {
  source: SourceFile;
  node: Node;
  call: string;
  /** The library (`java-jwt`, `jjwt`, `nimbus`) or the framework whose decoder it is (`spring`). */
  library: string;
  audience: boolean;
  issuer: boolean;
}

const JJWT_KEYED = /^(setSigningKey|setSigningKeyResolver|verifyWith|keyLocator|setKeyLocator)$/;
/** The libraries' reads of the audience and the issuer; the frameworks' (`tokenValidation.decoders`) are joined to them. */
const AUD_READS = ['getAudience\\s*\\(', '\\.audience\\b', '"aud"', 'Claims\\.AUDIENCE', 'RegisteredClaims\\.AUDIENCE'];
const ISS_READS = ['getIssuer\\s*\\(', '\\.issuer\\b', '"iss"', 'Claims\\.ISSUER'];

/** A call that continues the chain above this one (`x.a().b()`: `a()` is inside `b()`). */
function continued(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'method_invocation' && parent.childForFieldName('object')?.id === node.id) return true;
  // Kotlin: `a().b()` is call_expression(navigation_expression(call_expression a, .b), call_suffix).
  return parent.type === 'navigation_expression' && parent.namedChildren[0]?.id === node.id && parent.parent?.type === 'call_expression';
}

/** The method around a node (the class for a field initialiser), without the verifier's own chain. */
function scopeText(source: SourceFile, node: Node): string {
  const scope = enclosingMethod(node) ?? enclosingFunction(node) ?? classAt(jvmFile(source), node)?.node ?? source.tree.rootNode;
  return scope.text.slice(0, node.startIndex - scope.startIndex) + scope.text.slice(node.endIndex - scope.startIndex);
}

/** The module (Gradle/Maven subproject) of a file: its path before `src/`. */
function moduleOf(source: SourceFile): string {
  const at = source.file.search(/(^|\/)src\//);
  return at < 0 ? '' : source.file.slice(0, at);
}

/** Whether a file signs JWTs: jjwt `Jwts.builder()…signWith(…)`, java-jwt `JWT.create()…sign(…)`, nimbus `x.sign(new MACSigner(…))`. */
function signsTokens(source: SourceFile): boolean {
  return jvmJwtCalls(source).some((call) => {
    if (call.name !== 'signWith' && call.name !== 'sign' && call.name !== 'compact') return false;
    const { root, calls } = chainOf(call.node);
    if (root?.text === 'Jwts' && calls[0]?.name === 'builder') return true;
    if (root?.text === 'JWT' && calls[0]?.name === 'create') return true;
    return call.name === 'sign' && call.args.some((arg) => /^(MACSigner|RSASSASigner|ECDSASigner|Ed25519Signer)$/.test(asJwtCall(valueOf(source, arg))?.name ?? ''));
  });
}

export function jvmAudienceGaps(sources: readonly SourceFile[]): JvmAudienceGap[] {
  const out: JvmAudienceGap[] = [];
  const decoders = jvmTokenDecoders();
  const frameworks = decoders.flatMap((each) => each.packages);
  const reads = {
    audience: new RegExp([...AUD_READS, ...decoders.flatMap((each) => each.audienceReads ?? [])].join('|')),
    issuer: new RegExp([...ISS_READS, ...decoders.flatMap((each) => each.issuerReads ?? [])].join('|')),
  };
  const issuing = new Set(sources.filter((source) => jwtSource(source, frameworks) && signsTokens(source)).map(moduleOf));
  for (const source of sources) {
    if (!jwtSource(source, frameworks) || issuing.has(moduleOf(source))) continue;
    const libraries = libraryOf(source);
    const imported = decoders.filter((each) => importsAny(source, each.packages));
    for (const call of jvmJwtCalls(source)) {
      if (continued(call.node)) continue;
      const { root, calls } = call.constructs ? { root: undefined, calls: [call] } : chainOf(call.node);
      const names = calls.map((each) => each.name);
      const first = calls[0];
      if (!first) continue;
      let gap: { audience: boolean; issuer: boolean } | undefined;
      let library = 'java-jwt';
      if (libraries.auth0 && root?.text === 'JWT' && first.name === 'require' && names.includes('build')) {
        gap = { audience: names.includes('withAudience'), issuer: names.includes('withIssuer') };
        library = 'java-jwt';
      } else if (libraries.jjwt && root?.text === 'Jwts' && /^parser(Builder)?$/.test(first.name) && names.some((name) => JJWT_KEYED.test(name)) && names.some((name) => /^(build|parseClaimsJws|parseSignedClaims|parse)$/.test(name))) {
        library = 'jjwt';
        const required = calls.filter((each) => each.name === 'require').map((each) => each.args[0]?.text ?? '');
        gap = {
          audience: names.includes('requireAudience') || required.some((claim) => /"aud"|AUDIENCE/.test(claim)),
          issuer: names.includes('requireIssuer') || required.some((claim) => /"iss"|ISSUER/.test(claim)),
        };
      } else if (libraries.nimbus && call.constructs && call.name === 'DefaultJWTClaimsVerifier') {
        library = 'nimbus';
        const args = call.args.map((arg) => valueOf(source, arg) ?? arg);
        const exact = args.length === 2 ? args[0] : args[1];
        gap = {
          audience: (args.length >= 3 && args[0] !== undefined && args[0].text !== 'null') || /\.audience\s*\(/.test(exact?.text ?? ''),
          issuer: /\.issuer\s*\(/.test(exact?.text ?? ''),
        };
      } else {
        // A framework's decoder (Spring's `NimbusJwtDecoder.withJwkSetUri(…)…build()`): the framework's plugin reads what it checks.
        for (const framework of imported) {
          gap = framework.audience?.(sources, source, call, { root, calls }, reads);
          if (gap) {
            library = framework.library;
            break;
          }
        }
      }
      if (!gap || (gap.audience && gap.issuer)) continue;
      const text = scopeText(source, call.node);
      gap.audience ||= reads.audience.test(text);
      gap.issuer ||= reads.issuer.test(text);
      if (gap.audience && gap.issuer) continue;
      const head = calls[0] ? callNameNode(calls[0]) : call.node;
      out.push({ source, node: head, call: call.constructs ? `new ${call.name}(…)` : `${root?.text ?? ''}.${first.name}(…)`, library, ...gap });
    }
  }
  return out;
}
