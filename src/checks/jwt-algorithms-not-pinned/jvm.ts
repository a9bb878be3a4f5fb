/**
 * Java and Kotlin: an HMAC verifier keyed with the bytes of a public key. The JVM libraries bind the
 * algorithm family to the key's type (collectors/code/jvm/jwt.ts): jjwt refuses an RSA key for
 * HS256, nimbus picks the verifier by key type, auth0 `JWT.require(Algorithm.RSA256(…))` rejects any
 * other `alg`, Spring's `NimbusJwtDecoder` accepts one algorithm. So a fixed key, a key resolver or a
 * `JWSVerificationKeySelector` is not algorithm confusion, and is not reported. Confusion needs the
 * code itself to make an HMAC key out of public material: `new MACVerifier(publicKey.getEncoded())`,
 * `Keys.hmacShaKeyFor(rsaKey.getEncoded())`, `Algorithm.HMAC256(publicKey.getEncoded())`,
 * `new SecretKeySpec(publicKey.getEncoded(), "HmacSHA256")`, jjwt `setSigningKey(publicKey.getEncoded())`
 * (bytes are an HMAC key in jjwt). Anyone holding the public key can then sign tokens it accepts.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { named } from '../../collectors/code/jvm/ast.js';
import { asJwtCall, declaredType, jvmJwtCalls, jwtSource, libraryOf, valueOf, type JvmJwtCall } from '../../collectors/code/jvm/jwt.js';
import { callNameNode } from '../../collectors/code/jvm/calls.js';
import { jvmTokenDecoders } from '../../collectors/code/plugins.js';

export interface JvmPublicKeySecret {
  source: SourceFile;
  node: Node;
  call: string;
}

const PUBLIC_TYPE = /^(RSA|EC|EdEC|DSA|XEC)?PublicKey$/;
const PUBLIC_GETTER = /^(getPublic|getPublicKey|toRSAPublicKey|toECPublicKey|toPublicKey|generatePublic|public|publicKey)$/;

/** The HMAC key argument of a call, when the call makes an HMAC key or verifier. */
function hmacKeyArgument(call: JvmJwtCall, libraries: ReturnType<typeof libraryOf>): Node | undefined {
  if (call.constructs && (call.name === 'MACVerifier' || call.name === 'SecretKeySpec')) return call.args[0];
  if (call.name === 'hmacShaKeyFor' && /(^|\.)Keys$/.test(call.receiver?.text ?? '')) return call.args[0];
  if (/^HMAC(256|384|512)$/.test(call.name) && /(^|\.)Algorithm$/.test(call.receiver?.text ?? '') && libraries.auth0) return call.args[0];
  if (call.name === 'setSigningKey' && libraries.jjwt && call.receiver) return call.args[0];
  return undefined;
}

/** An expression that holds a public key object. */
function publicKey(source: SourceFile, node: Node | undefined): boolean {
  const value = valueOf(source, node);
  if (!value) return false;
  if (value.type === 'identifier' || value.type === 'simple_identifier') return PUBLIC_TYPE.test(declaredType(source, value) ?? '');
  if (value.type === 'navigation_expression') {
    const last = named(value).at(-1)?.text.replace(/^\./, '') ?? '';
    return PUBLIC_GETTER.test(last);
  }
  const call = asJwtCall(value);
  return call !== undefined && PUBLIC_GETTER.test(call.name);
}

/** `key.getEncoded()` / `key.encoded` of a public key, directly or through a local. */
function publicMaterial(source: SourceFile, node: Node | undefined): boolean {
  const value = valueOf(source, node);
  if (!value) return false;
  if (value.type === 'navigation_expression') {
    const parts = named(value);
    return /^\.?encoded$/.test(parts.at(-1)?.text ?? '') && publicKey(source, parts[0]);
  }
  const call = asJwtCall(value);
  return call?.name === 'getEncoded' && call.args.length === 0 && publicKey(source, call.receiver);
}

export function jvmPublicKeySecrets(sources: readonly SourceFile[]): JvmPublicKeySecret[] {
  const out: JvmPublicKeySecret[] = [];
  const frameworks = jvmTokenDecoders().flatMap((decoders) => decoders.packages);
  for (const source of sources) {
    if (!jwtSource(source, frameworks)) continue;
    const libraries = libraryOf(source);
    for (const call of jvmJwtCalls(source)) {
      const key = hmacKeyArgument(call, libraries);
      if (!key || !publicMaterial(source, key)) continue;
      out.push({ source, node: call.constructs ? call.node : callNameNode(call), call: call.node.text.replace(/\s+/g, ' ').slice(0, 120) });
    }
  }
  return out;
}
