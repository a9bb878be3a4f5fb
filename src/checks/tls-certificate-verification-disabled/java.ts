/**
 * Java and Kotlin code that accepts any server certificate or host name: an `X509TrustManager`
 * whose `checkServerTrusted` does nothing, a `HostnameVerifier` (class, anonymous class or lambda
 * handed to `setHostnameVerifier` / `hostnameVerifier` / `setSSLHostnameVerifier`) that returns
 * `true`, Apache HttpClient `NoopHostnameVerifier` / `ALLOW_ALL_HOSTNAME_VERIFIER` /
 * `TrustAllStrategy`, and Netty's `InsecureTrustManagerFactory`.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { asCall, callNameNode } from '../../collectors/code/jvm/calls.js';

export interface JvmTlsSite {
  node: Node;
  what: string;
}

const NODES: ReadonlySet<string> = new Set(['method_declaration', 'function_declaration', 'method_invocation', 'call_expression', 'field_access', 'navigation_expression', 'object_creation_expression', 'identifier', 'simple_identifier']);
const VERIFIER_SETTERS = /^(setHostnameVerifier|setDefaultHostnameVerifier|hostnameVerifier|setSSLHostnameVerifier|setHostNameVerifier)$/;
const INSECURE_CONSTANTS = /^(NoopHostnameVerifier|TrustAllStrategy|InsecureTrustManagerFactory)\.INSTANCE$|^(SSLConnectionSocketFactory|SSLSocketFactory)\.ALLOW_ALL_HOSTNAME_VERIFIER$/;
const INSECURE_TYPES = /^(NoopHostnameVerifier|AllowAllHostnameVerifier|TrustAllStrategy)$/;

/** A body with no statement (comments aside), `{}`, `= Unit`. */
function emptyBody(body: Node | undefined): boolean {
  if (!body) return false;
  const statements = named(body).flatMap((child) => (child.type === 'block' || child.type === 'statements' ? named(child) : [child]));
  return statements.every((child) => /comment$/.test(child.type) || (child.type === 'return_statement' && named(child).length === 0) || child.text === 'Unit');
}

/** A body whose only statement returns `true`, or a lambda whose value is `true`. */
function returnsTrue(body: Node | undefined): boolean {
  if (!body) return false;
  if (body.text.trim() === 'true') return true;
  const statements = named(body).flatMap((child) => (child.type === 'block' || child.type === 'statements' ? named(child) : [child])).filter((child) => !/comment$/.test(child.type));
  if (statements.length !== 1) return false;
  const only = statements[0];
  if (!only) return false;
  if (only.type === 'return_statement' || only.type === 'jump_expression') return named(only)[0]?.text === 'true';
  return only.text.trim() === 'true';
}

function parametersText(method: Node): string {
  return (field(method, 'parameters') ?? named(method).find((child) => child.type === 'function_value_parameters'))?.text ?? '';
}

function methodName(method: Node): string {
  return (field(method, 'name') ?? named(method).find((child) => child.type === 'simple_identifier'))?.text ?? '';
}

function bodyOf(method: Node): Node | undefined {
  return field(method, 'body') ?? named(method).find((child) => child.type === 'function_body');
}

export function jvmTlsSites(source: SourceFile): JvmTlsSite[] {
  if ((source.language !== 'java' && source.language !== 'kotlin') || /(^|\/)src\/test\//.test(source.file)) return [];
  if (!/TrustManager|HostnameVerifier|TrustAllStrategy|ALLOW_ALL_HOSTNAME_VERIFIER|InsecureTrustManagerFactory/.test(source.text)) return [];
  const out: JvmTlsSite[] = [];
  const seen = new Set<number>();
  const push = (node: Node, what: string): void => {
    if (seen.has(node.startPosition.row)) return;
    seen.add(node.startPosition.row);
    out.push({ node, what });
  };
  for (const node of descendants(source.tree.rootNode, NODES)) {
    if (node.type === 'method_declaration' || node.type === 'function_declaration') {
      const name = methodName(node);
      const params = parametersText(node);
      if (name === 'checkServerTrusted' && /X509Certificate/.test(params) && emptyBody(bodyOf(node))) push(field(node, 'name') ?? node, 'checkServerTrusted that accepts every certificate chain');
      else if (name === 'verify' && /SSLSession/.test(params) && returnsTrue(bodyOf(node))) push(field(node, 'name') ?? node, 'HostnameVerifier.verify returning true');
      continue;
    }
    if (node.type === 'method_invocation' || node.type === 'call_expression') {
      const call = asCall(node);
      if (!call || !VERIFIER_SETTERS.test(call.name)) continue;
      // `setHostnameVerifier((h, s) -> true)`, Kotlin `hostnameVerifier { _, _ -> true }` and `HostnameVerifier { _, _ -> true }`.
      const candidates = [call.lambda, ...call.args, ...call.args.map((arg) => asCall(arg)?.lambda)];
      const lambda = candidates.find((arg) => arg?.type === 'lambda_expression' || arg?.type === 'lambda_literal');
      if (!lambda) continue;
      const body = field(lambda, 'body') ?? named(lambda).find((child) => child.type === 'statements');
      if (returnsTrue(body)) push(callNameNode(call), `${call.name}((host, session) -> true)`);
      continue;
    }
    if (node.type === 'object_creation_expression') {
      const type = field(node, 'type')?.text ?? '';
      if (INSECURE_TYPES.test(type)) push(node, `new ${type}()`);
      continue;
    }
    if ((node.type === 'field_access' || node.type === 'navigation_expression') && INSECURE_CONSTANTS.test(node.text.replace(/\s+/g, ''))) push(node, node.text.replace(/\s+/g, ''));
  }
  return out;
}
