/**
 * JWT keys written in the code or committed in the Spring configuration, for jjwt
 * (`Jwts.parser().setSigningKey(…)`, `parserBuilder()`, `verifyWith`, `signWith`), auth0 java-jwt
 * (`Algorithm.HMAC256(…)`), nimbus-jose-jwt (`new MACSigner(…)`, `new MACVerifier(…)`) and the
 * decoders a framework builds (the plugins' `tokenValidation.decoders`: Spring's
 * `NimbusJwtDecoder.withSecretKey(…)`). The key is followed back through `getBytes()`, Base64
 * decoding, `Keys.hmacShaKeyFor`, `new SecretKeySpec`, locals, fields and their one assignment,
 * `@Value("${…}")` and `@ConfigurationProperties` beans to a literal or a configuration value.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, jvmFile, literalString, named } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import type { JvmTracer, Origin } from '../../collectors/code/jvm/trace.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { jvmTokenDecoders } from '../../collectors/code/plugins.js';
import type { JvmTokenDecoders } from '../../collectors/code/plugin.js';

export interface JavaSecret {
  source: SourceFile;
  /** The call or constructor that takes the key. */
  sink: Node;
  written: string;
  origin: Origin;
}

/** The JWT libraries' packages; the frameworks' decoders add theirs. */
const LIBRARIES = ['io\\.jsonwebtoken', 'com\\.auth0\\.jwt', 'com\\.nimbusds\\.jose'];
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
function keyArgument(node: Node, decoders: readonly JvmTokenDecoders[]): Node | undefined {
  const args = named(field(node, 'arguments'));
  if (node.type === 'object_creation_expression') {
    return /^(MACSigner|MACVerifier)$/.test(field(node, 'type')?.text ?? '') ? args[0] : undefined;
  }
  const name = field(node, 'name')?.text ?? '';
  const receiver = field(node, 'object')?.text ?? '';
  if (/^HMAC(256|384|512)$/.test(name) && /(^|\.)Algorithm$/.test(receiver)) return args[0];
  for (const decoder of decoders) {
    const key = decoder.secretKey?.(node);
    if (key) return key;
  }
  if (name === 'setSigningKey' || name === 'verifyWith' || name === 'decryptWith') return args[0];
  if (name === 'signWith') return args.find((arg) => !ALGORITHM_ARG.test(arg.text));
  return undefined;
}

const PUBLIC_MATERIAL = /^\s*-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/;

/** JWT keys that are literals, constants or committed configuration values. */
const KOTLIN_LIBRARIES = /^import\s+(io\.jsonwebtoken|com\.auth0\.jwt|com\.nimbusds\.jose)\b/m;
const KOTLIN_THROUGH = /^(toByteArray|toCharArray|trim|decode|hmacShaKeyFor|encodeToByteArray)$/;

/** A Kotlin key: a literal, `"…".toByteArray()`, a local `val`, or a constant the program knows. */
function kotlinKey(node: Node | undefined, tracer: JvmTracer, file: ReturnType<typeof jvmFile>, depth = 0): { node: Node; value: string; name?: string } | undefined {
  if (!node || depth > 5) return undefined;
  const literal = literalString(node);
  if (literal !== undefined) return { node, value: literal };
  const call = asCall(node);
  if (call && KOTLIN_THROUGH.test(call.name)) return kotlinKey(call.receiver && call.args.length === 0 ? call.receiver : call.args[0], tracer, file, depth + 1);
  if (call && /^(SecretKeySpec|MACSigner|MACVerifier)$/.test(call.name)) return kotlinKey(call.args[0], tracer, file, depth + 1);
  if (node.type === 'simple_identifier') {
    // A `val` of the enclosing function, declared before the use.
    for (let scope = node.parent; scope; scope = scope.parent) {
      if (scope.type !== 'function_declaration' && scope.type !== 'lambda_literal' && scope.type !== 'anonymous_initializer') continue;
      for (const declaration of descendants(scope, new Set(['property_declaration']))) {
        if (declaration.startIndex > node.startIndex) break;
        const kids = named(declaration);
        const variable = kids.find((child) => child.type === 'variable_declaration');
        if (named(variable)[0]?.text !== node.text) continue;
        const value = kids.at(-1);
        if (value && value !== variable) return kotlinKey(value, tracer, file, depth + 1);
      }
      if (scope.type === 'function_declaration') break;
    }
    // A `const val` of the enclosing object or class, or of the file: reported at its declaration.
    for (const owner of file.classes) {
      const declared = owner.node.startIndex <= node.startIndex && owner.node.endIndex >= node.endIndex ? owner.constants.get(node.text) : undefined;
      const value = declared ? literalString(declared) : undefined;
      if (declared && value !== undefined) return { node: declared, value, name: node.text };
    }
    const top = file.constants.get(node.text);
    const topValue = top ? literalString(top) : undefined;
    if (top && topValue !== undefined) return { node: top, value: topValue, name: node.text };
    const cls = file.classes.find((candidate) => candidate.node.startIndex <= node.startIndex && candidate.node.endIndex >= node.endIndex);
    const constant = tracer.program.strings(node, { file, cls })?.[0];
    return constant === undefined ? undefined : { node, value: constant, name: node.text };
  }
  return undefined;
}

function kotlinSecrets(source: SourceFile, tracer: JvmTracer): JavaSecret[] {
  const file = jvmFile(source);
  const out: JavaSecret[] = [];
  for (const node of descendants(source.tree.rootNode, new Set(['call_expression']))) {
    const call = asCall(node);
    if (!call) continue;
    const receiver = call.receiver?.text ?? '';
    let key: Node | undefined;
    if (/^HMAC(256|384|512)$/.test(call.name) && /(^|\.)Algorithm$/.test(receiver)) key = call.args[0];
    else if (call.name === 'setSigningKey' || call.name === 'verifyWith') key = call.args[0];
    else if (call.name === 'signWith') key = call.args.find((arg) => !ALGORITHM_ARG.test(arg.text));
    else if (/^(MACSigner|MACVerifier)$/.test(call.name) && !call.receiver) key = call.args[0];
    const found = kotlinKey(key, tracer, file);
    if (!found || found.value.trim() === '' || PUBLIC_MATERIAL.test(found.value)) continue;
    const origin: Origin = found.name ? { kind: 'constant', node: found.node, value: found.value, name: found.name } : { kind: 'literal', node: found.node, value: found.value };
    out.push({ source, sink: node, written: call.name, origin });
  }
  return out;
}

export function javaSecrets(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaSecret[] {
  const decoders = jvmTokenDecoders();
  const libraries = new RegExp(`^import\\s+(static\\s+)?(${[...LIBRARIES, ...decoders.flatMap((each) => each.packages)].join('|')})\\b`, 'm');
  const using = sources.filter((source) => source.language === 'java' && libraries.test(source.text) && !/(^|\/)src\/test\//.test(source.file));
  const kotlin = sources.filter((source) => source.language === 'kotlin' && KOTLIN_LIBRARIES.test(source.text) && !/(^|\/)src\/test\//.test(source.file));
  if (using.length === 0 && kotlin.length === 0) return [];
  const { tracer } = sharedAnalysis(sources, infra);
  const out: JavaSecret[] = kotlin.flatMap((source) => kotlinSecrets(source, tracer));
  for (const source of using) {
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const key = keyArgument(node, decoders);
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
