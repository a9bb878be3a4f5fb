/**
 * JWT verification in Java and Kotlin, for the JWT checks' JVM detections: jjwt, nimbus-jose-jwt and
 * auth0 java-jwt (the decoders a framework builds, Spring Security's `NimbusJwtDecoder`, are its plugin's
 * `tokenValidation.decoders`: spring/jwt-decoder.ts). Calls and constructor calls of both
 * languages in one shape, values followed through locals and fields of the same class.
 *
 * What the libraries do by default (their documentation and sources): every one binds the
 * algorithm family to the key's type (jjwt `SignatureAlgorithm.assertValidVerificationKey`, nimbus'
 * verifier factory, auth0 `JWT.require(Algorithm)` rejecting any other `alg`, Spring's decoder
 * accepting one algorithm, RS256 or HS256 by default), so a token cannot switch an RSA verifier to
 * HMAC unless the code itself turns public key bytes into an HMAC secret. All of them check `exp`
 * when the claim is present, unless the code widens the leeway, replaces nimbus' claims verifier
 * with one that checks nothing, or gives Spring's decoder validators without `JwtTimestampValidator`.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { descendants, field, jvmFile, named, simpleName } from './ast.js';
import { asCall, chainOf, isLambda, statementsOf, type JvmCall } from './calls.js';
import { kotlinBare, kotlinTypeOf } from './kotlin.js';
import { bare, classAt, enclosing, fieldOf, localValue, parameterOf } from './trace.js';

export interface JvmJwtCall extends JvmCall {
  /** `new X(…)` in Java, `X(…)` in Kotlin (a capitalised callee without receiver). */
  constructs: boolean;
}

const CALL_TYPES: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression', 'call_expression']);
const TEST_FILE = /(^|\/)src\/test\/|(^|\/)test\/|Tests?\.(java|kt)$/;

const LIBRARY_PACKAGES = ['io\\.jsonwebtoken', 'com\\.nimbusds', 'com\\.auth0\\.jwt'];
const importsOf = new WeakMap<readonly string[], RegExp>();

/** Whether a source imports one of the packages (regular-expression sources). */
export function importsAny(source: SourceFile, packages: readonly string[]): boolean {
  let imports = importsOf.get(packages);
  if (!imports) {
    imports = new RegExp(`^import\\s+(${packages.join('|')})\\b`, 'm');
    importsOf.set(packages, imports);
  }
  return imports.test(source.text);
}

const sourcePackages = new WeakMap<readonly string[], string[]>();
const NO_FRAMEWORKS: readonly string[] = [];

/** Java or Kotlin, not test code, importing one of the JWT libraries or the packages of a framework's decoders (`frameworks`, regular-expression sources). */
export function jwtSource(source: SourceFile, frameworks: readonly string[] = NO_FRAMEWORKS): boolean {
  if ((source.language !== 'java' && source.language !== 'kotlin') || TEST_FILE.test(source.file)) return false;
  let packages = sourcePackages.get(frameworks);
  if (!packages) {
    packages = [...LIBRARY_PACKAGES, ...frameworks];
    sourcePackages.set(frameworks, packages);
  }
  return importsAny(source, packages);
}

export function libraryOf(source: SourceFile): { jjwt: boolean; nimbus: boolean; auth0: boolean } {
  return {
    jjwt: /^import\s+io\.jsonwebtoken\b/m.test(source.text),
    nimbus: /^import\s+com\.nimbusds\b/m.test(source.text),
    auth0: /^import\s+com\.auth0\.jwt\b/m.test(source.text),
  };
}

export function asJwtCall(node: Node | undefined): JvmJwtCall | undefined {
  if (!node) return undefined;
  if (node.type === 'object_creation_expression') {
    const args = named(field(node, 'arguments')).filter((arg) => !/comment$/.test(arg.type));
    return { name: simpleName(field(node, 'type')?.text ?? ''), receiver: undefined, args, named: new Map(), lambda: undefined, node, constructs: true };
  }
  const call = asCall(node);
  if (!call) return undefined;
  return { ...call, args: call.args.map((arg) => kotlinBare(arg) ?? arg), constructs: node.type === 'call_expression' && !call.receiver && /^[A-Z]/.test(call.name) };
}

const callCache = new WeakMap<SourceFile, JvmJwtCall[]>();

/** Every call and constructor call of a file, in source order. */
export function jvmJwtCalls(source: SourceFile): JvmJwtCall[] {
  let calls = callCache.get(source);
  if (!calls) {
    calls = descendants(source.tree.rootNode, CALL_TYPES).flatMap((node) => asJwtCall(node) ?? []);
    callCache.set(source, calls);
  }
  return calls;
}

/** A Kotlin `val name = …` of the function (or class) around `at`, declared before it. */
function kotlinLocal(name: string, at: Node): Node | undefined {
  for (let scope = at.parent; scope; scope = scope.parent) {
    if (scope.type !== 'function_declaration' && scope.type !== 'class_body' && scope.type !== 'source_file' && scope.type !== 'lambda_literal') continue;
    let found: Node | undefined;
    for (const property of descendants(scope, new Set(['property_declaration']))) {
      if (scope.type !== 'function_declaration' && property.parent?.id !== scope.id && property.parent?.parent?.id !== scope.id) continue;
      const declared = named(named(property).find((child) => child.type === 'variable_declaration'))[0]?.text;
      if (declared !== name) continue;
      if (property.startIndex < at.startIndex || scope.type !== 'function_declaration') found = named(property).at(-1);
    }
    if (found && found.type !== 'variable_declaration') return found;
  }
  return undefined;
}

/** The value an identifier holds at a node: a local, or the one value a field of the class is given. */
export function valueOf(source: SourceFile, node: Node | undefined, depth = 0): Node | undefined {
  const current = source.language === 'kotlin' ? kotlinBare(node) : bare(node);
  if (!current || depth > 4) return current;
  if (current.type === 'simple_identifier') {
    const local = kotlinLocal(current.text, current);
    return local ? valueOf(source, local, depth + 1) : current;
  }
  const name = current.type === 'identifier' ? current.text : current.type === 'field_access' && field(current, 'object')?.type === 'this' ? field(current, 'field')?.text : undefined;
  if (!name || source.language !== 'java') return current;
  const local = current.type === 'identifier' ? localValue(name, current) : undefined;
  if (local) return valueOf(source, local, depth + 1);
  if (current.type === 'identifier' && parameterOf(name, current)) return current;
  const cls = classAt(jvmFile(source), current);
  const info = cls ? fieldOf(cls, name) : undefined;
  const written = info ? [...(info.initializer ? [info.initializer] : []), ...info.assignments] : [];
  return written.length === 1 ? valueOf(source, written[0], depth + 1) : current;
}

/** The declared type of the variable a name denotes (parameter, local or field), simple name. */
export function declaredType(source: SourceFile, node: Node): string | undefined {
  if (source.language === 'kotlin') return kotlinTypeOf(node.text, node, classAt(jvmFile(source), node));
  if (node.type !== 'identifier') return undefined;
  const param = parameterOf(node.text, node);
  if (param) return simpleName(field(param, 'type')?.text ?? '');
  const method = enclosing(node, new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']));
  if (method) {
    for (const declarator of descendants(method, new Set(['variable_declarator']))) {
      if (declarator.startIndex > node.startIndex) break;
      if (field(declarator, 'name')?.text === node.text && declarator.parent?.type === 'local_variable_declaration') return simpleName(field(declarator.parent, 'type')?.text ?? '');
    }
  }
  const cls = classAt(jvmFile(source), node);
  const info = cls ? fieldOf(cls, node.text) : undefined;
  return info?.type;
}

/** Seconds a leeway argument stands for, when it is written as constants: `Long.MAX_VALUE`, `60 * 60 * 24`, `TimeUnit.DAYS.toSeconds(30)`, `Duration.ofDays(7).getSeconds()`. */
export function seconds(source: SourceFile, node: Node | undefined, depth = 0): number | undefined {
  const value = valueOf(source, node);
  if (!value || depth > 4) return undefined;
  const text = value.text.replace(/\s+/g, '');
  if (/^(java\.lang\.)?(Long|Integer|Int)\.MAX_VALUE$/.test(text)) return Number.MAX_SAFE_INTEGER;
  if (/^\d[\d_]*[lL]?$/.test(text)) return Number(text.replace(/[_lL]/g, ''));
  if (value.type === 'binary_expression' || value.type === 'multiplicative_expression') {
    const [left, right] = named(value);
    const operator = value.children.find((child) => child !== null && !child.isNamed)?.text;
    const a = seconds(source, left, depth + 1);
    const b = seconds(source, right, depth + 1);
    if (a === undefined || b === undefined) return undefined;
    return operator === '*' ? a * b : operator === '+' ? a + b : operator === '/' && b !== 0 ? a / b : undefined;
  }
  const unit = /^(?:java\.util\.concurrent\.)?TimeUnit\.(DAYS|HOURS|MINUTES|SECONDS)\.toSeconds\((.+)\)$/.exec(text) ?? /^Duration\.of(Days|Hours|Minutes|Seconds)\((.+)\)\.(?:getSeconds\(\)|toSeconds\(\)|seconds|inWholeSeconds)$/.exec(text);
  if (unit) {
    const call = asJwtCall(value);
    const inner = call?.name === 'toSeconds' && call.receiver?.text.includes('TimeUnit') ? call.args[0] : asJwtCall(call?.receiver ?? (value.type === 'navigation_expression' ? named(value)[0] : undefined))?.args[0];
    const count = seconds(source, inner, depth + 1);
    const factor = { DAYS: 86400, Days: 86400, HOURS: 3600, Hours: 3600, MINUTES: 60, Minutes: 60, SECONDS: 1, Seconds: 1 }[unit[1] ?? ''] ?? 1;
    return count === undefined ? undefined : count * factor;
  }
  return undefined;
}

/** `a.b().c()` written as one chain: the calls in order and the chain's root. */
export function chain(node: Node): { root: Node | undefined; calls: JvmCall[] } {
  return chainOf(node);
}

/** A lambda (or SAM conversion `OAuth2TokenValidator { … }`) whose body does nothing, or only returns success. */
export function emptyLambda(node: Node | undefined): boolean {
  if (!node || !isLambda(node)) return false;
  const body = node.type === 'lambda_expression' ? field(node, 'body') : node;
  if (node.type === 'lambda_expression' && body?.type !== 'block') return false;
  return statementsOf(body).length === 0;
}

export function isLambdaNode(node: Node | undefined): boolean {
  return isLambda(node);
}
