/**
 * Java tokens read without their signature being checked: jjwt `parseClaimsJwt` / `parsePlaintextJwt`
 * / `parseUnsecuredClaims` (they accept only unsigned tokens), a jjwt `parse(token)` on a parser given
 * no key at all, auth0 java-jwt `JWT.decode(token)` in a code base that never verifies a token with a
 * `JWTVerifier`, and nimbus-jose-jwt `SignedJWT.parse(token)` whose result is read in the method without
 * `verify(…)` and not handed on. Spring's `NimbusJwtDecoder` verifies and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { asCall, chainOf } from '../../collectors/code/jvm/calls.js';
import { classAt, enclosingMethod, fieldOf, localValue } from '../../collectors/code/jvm/trace.js';
import { jvmFile } from '../../collectors/code/jvm/ast.js';

export interface JavaUnverified {
  source: SourceFile;
  node: Node;
  kind: 'unsecured' | 'keyless' | 'decode' | 'nimbus';
  call: string;
}

const CALLS: ReadonlySet<string> = new Set(['method_invocation']);
const UNSECURED = new Set(['parseClaimsJwt', 'parsePlaintextJwt', 'parseUnsecuredClaims', 'parseUnsecuredContent']);
const KEYED = new Set(['setSigningKey', 'setSigningKeyResolver', 'verifyWith', 'keyLocator', 'decryptWith', 'setKeyLocator']);
const JJWT = /^import\s+io\.jsonwebtoken\b/m;
const AUTH0 = /^import\s+com\.auth0\.jwt\.(JWT|\*)\s*;/m;
const KOTLIN_AUTH0 = /^import\s+com\.auth0\.jwt\.(JWT|\*)\s*$/m;
const NIMBUS = /^import\s+com\.nimbusds\.jwt\.(SignedJWT|JWTParser|\*)\s*;/m;

/** The calls of a jjwt parser chain, through a local or a field holding the built parser. */
function parserChain(receiver: Node | undefined, source: SourceFile, depth = 0): ReturnType<typeof chainOf>['calls'] | undefined {
  if (!receiver || depth > 3) return undefined;
  if (receiver.type === 'method_invocation') {
    const { root, calls } = chainOf(receiver);
    if (root?.text === 'Jwts' && /^parser(Builder)?$/.test(calls[0]?.name ?? '')) return calls;
    if (root && (root.type === 'identifier' || root.type === 'field_access')) {
      const before = parserChain(root, source, depth + 1);
      return before ? [...before, ...calls] : undefined;
    }
    return undefined;
  }
  if (receiver.type === 'identifier' || (receiver.type === 'field_access' && field(receiver, 'object')?.type === 'this')) {
    const name = receiver.type === 'identifier' ? receiver.text : (field(receiver, 'field')?.text ?? '');
    const local = receiver.type === 'identifier' ? localValue(name, receiver) : undefined;
    if (local) return parserChain(local, source, depth + 1);
    const cls = classAt(jvmFile(source), receiver);
    const info = cls ? fieldOf(cls, name) : undefined;
    const written = info ? [...(info.initializer ? [info.initializer] : []), ...info.assignments] : [];
    return written.length === 1 ? parserChain(written[0], source, depth + 1) : undefined;
  }
  return undefined;
}

/** Whether the variable a `SignedJWT.parse` result is stored in is verified, returned or passed on in its method. */
function nimbusChecked(call: Node): boolean {
  const holder = call.parent;
  const name = holder?.type === 'variable_declarator' ? field(holder, 'name')?.text : holder?.type === 'assignment_expression' ? field(holder, 'left')?.text : undefined;
  // Not stored in a local: returned, passed as an argument or chained straight into a read.
  if (!name) return !(holder?.type === 'field_access' || (holder?.type === 'method_invocation' && field(holder, 'object')?.id === call.id));
  const method = enclosingMethod(call);
  if (!method) return true;
  for (const node of descendants(method, new Set(['method_invocation', 'return_statement', 'argument_list']))) {
    if (node.startIndex < call.endIndex) continue;
    if (node.type === 'method_invocation' && field(node, 'object')?.text === name && field(node, 'name')?.text === 'verify') return true;
    if (node.type === 'return_statement' && named(node).some((child) => child.text === name)) return true;
    if (node.type === 'argument_list' && named(node).some((child) => child.text === name)) return true;
  }
  return false;
}

export function javaUnverified(sources: readonly SourceFile[]): JavaUnverified[] {
  const java = sources.filter((source) => source.language === 'java' && !/(^|\/)src\/test\//.test(source.file));
  const kotlin = sources.filter((source) => source.language === 'kotlin' && KOTLIN_AUTH0.test(source.text) && !/(^|\/)src\/test\//.test(source.file));
  // auth0: a workspace that verifies tokens with a JWTVerifier decodes them afterwards to read claims.
  const verifies = [...java, ...kotlin].some((source) => (AUTH0.test(source.text) || KOTLIN_AUTH0.test(source.text)) && /JWT\s*\.\s*require\s*\(/.test(source.text));
  const out: JavaUnverified[] = [];
  if (!verifies) {
    for (const source of kotlin) {
      for (const node of descendants(source.tree.rootNode, new Set(['call_expression']))) {
        const call = asCall(node);
        if (call?.name === 'decode' && call.receiver?.text === 'JWT') out.push({ source, node, kind: 'decode', call: 'JWT.decode' });
      }
    }
  }
  for (const source of java) {
    const jjwt = JJWT.test(source.text);
    const auth0 = AUTH0.test(source.text);
    const nimbus = NIMBUS.test(source.text);
    if (!jjwt && !auth0 && !nimbus) continue;
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const name = field(node, 'name')?.text ?? '';
      const receiver = field(node, 'object');
      if (jjwt && (UNSECURED.has(name) || name === 'parse' || name === 'parseClaimsJws' || name === 'parseSignedClaims')) {
        const chain = parserChain(receiver, source);
        if (!chain) continue;
        if (UNSECURED.has(name)) out.push({ source, node, kind: 'unsecured', call: name });
        else if (name === 'parse' && !chain.some((call) => KEYED.has(call.name))) out.push({ source, node, kind: 'keyless', call: 'parse' });
      } else if (auth0 && name === 'decode' && receiver?.text === 'JWT' && !verifies) {
        out.push({ source, node, kind: 'decode', call: 'JWT.decode' });
      } else if (nimbus && name === 'parse' && /^(SignedJWT|JWTParser)$/.test(receiver?.text ?? '') && !nimbusChecked(node)) {
        out.push({ source, node, kind: 'nimbus', call: `${receiver?.text ?? ''}.parse` });
      }
    }
  }
  return out;
}
