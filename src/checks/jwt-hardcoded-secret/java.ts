/**
 * JWT keys written in the code or committed in the Spring configuration, for jjwt
 * (`Jwts.parser().setSigningKey(…)`, `parserBuilder()`, `verifyWith`, `signWith`), auth0 java-jwt
 * (`Algorithm.HMAC256(…)`), nimbus-jose-jwt (`new MACSigner(…)`, `new MACVerifier(…)`) and Spring's
 * `NimbusJwtDecoder.withSecretKey(…)`. The key is followed back through `getBytes()`, Base64
 * decoding, `Keys.hmacShaKeyFor`, `new SecretKeySpec`, locals, fields and their one assignment,
 * `@Value("${…}")` and `@ConfigurationProperties` beans to a literal or a configuration value.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { JvmTracer, type Origin } from '../../collectors/code/jvm/trace.js';

export interface JavaSecret {
  source: SourceFile;
  /** The call or constructor that takes the key. */
  sink: Node;
  written: string;
  origin: Origin;
}

const LIBRARIES = /^import\s+(static\s+)?(io\.jsonwebtoken|com\.auth0\.jwt|com\.nimbusds\.jose|org\.springframework\.security\.oauth2\.jwt)\b/m;
const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression']);
/** Calls a key passes through unchanged: bytes, Base64, key objects. Value: which part holds the key. */
const THROUGH: Record<string, 'receiver' | 'arg'> = {
  getBytes: 'receiver',
  toCharArray: 'receiver',
  trim: 'receiver',
  decode: 'arg',
  decodeBase64: 'arg',
  parseBase64Binary: 'arg',
  hmacShaKeyFor: 'arg',
  encode: 'arg',
  encodeToString: 'arg',
  copyOf: 'arg',
  wrap: 'arg',
};
const KEY_TYPES = /^(SecretKeySpec|MACSigner|MACVerifier|OctetSequenceKey|String)$/;
const ALGORITHM_ARG = /^(SignatureAlgorithm|Jwts\.SIG|MacAlgorithm|JWSAlgorithm)\b|\bSignatureAlgorithm\.|Jwts\.SIG\./;

export function unwrapKey(node: Node): Node | undefined {
  if (node.type === 'method_invocation') {
    const how = THROUGH[field(node, 'name')?.text ?? ''];
    if (how === 'receiver') return field(node, 'object');
    if (how === 'arg') return named(field(node, 'arguments'))[0];
    return undefined;
  }
  if (node.type === 'object_creation_expression' && KEY_TYPES.test(field(node, 'type')?.text ?? '')) return named(field(node, 'arguments'))[0];
  return undefined;
}

/** The key argument of a call that signs or verifies a token with a shared secret. */
function keyArgument(node: Node): Node | undefined {
  const args = named(field(node, 'arguments'));
  if (node.type === 'object_creation_expression') {
    return /^(MACSigner|MACVerifier)$/.test(field(node, 'type')?.text ?? '') ? args[0] : undefined;
  }
  const name = field(node, 'name')?.text ?? '';
  const receiver = field(node, 'object')?.text ?? '';
  if (/^HMAC(256|384|512)$/.test(name) && /(^|\.)Algorithm$/.test(receiver)) return args[0];
  if (name === 'withSecretKey' && /(^|\.)NimbusJwtDecoder$/.test(receiver)) return args[0];
  if (name === 'setSigningKey' || name === 'verifyWith' || name === 'decryptWith') return args[0];
  if (name === 'signWith') return args.find((arg) => !ALGORITHM_ARG.test(arg.text));
  return undefined;
}

const PUBLIC_MATERIAL = /^\s*-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/;

/** JWT keys that are literals, constants or committed configuration values. */
export function javaSecrets(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaSecret[] {
  const using = sources.filter((source) => source.language === 'java' && LIBRARIES.test(source.text) && !/(^|\/)src\/test\//.test(source.file));
  if (using.length === 0) return [];
  const tracer = new JvmTracer(sources, infra);
  const out: JavaSecret[] = [];
  for (const source of using) {
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const key = keyArgument(node);
      if (!key) continue;
      const origin = tracer.origin(key, unwrapKey);
      if (!origin) continue;
      const value = origin.kind === 'config' ? origin.config.value : origin.value;
      if (value.trim() === '' || PUBLIC_MATERIAL.test(value)) continue;
      const written = node.type === 'object_creation_expression' ? `new ${field(node, 'type')?.text ?? ''}` : (field(node, 'name')?.text ?? '');
      out.push({ source, sink: node, written, origin });
    }
  }
  return out;
}
