import type { Node } from 'web-tree-sitter';
import type { AuthEvidence } from '../../../model/types.js';
import { callArgs, callee, field, isFunction, locate, named, parameterNames, returnedValues, stringValue, unwrap } from '../js/ast.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';

/** What one interceptor does for requests to a service method. */
export interface InterceptorVerdict {
  /** `protected`: it throws Unauthenticated/PermissionDenied unless the request carries a credential that a verifier accepted. */
  decide(typeName: string, method: string): AuthEvidence | undefined;
}

const REJECT_CODES = /^Code\.(?:Unauthenticated|PermissionDenied)$/;

/**
 * A ConnectRPC interceptor `(next) => async (req) => { … return next(req); }` read statement by statement. It
 * protects a method when, before `return next(req)`, it has thrown `ConnectError(…, Code.Unauthenticated)` both
 * when the credential read from a request header is missing and when the verifier given that credential rejects
 * it. `if (req.service.typeName === "…") return next(req);` first exempts a service (a public one). Anything
 * else (other branches, loops, a `next` call elsewhere) leaves the interceptor undecided: no verdict.
 */
export function readInterceptor(graph: ModuleGraph, module: JsModule, node: Node): { verdict: InterceptorVerdict; file: string } | undefined {
  const found = interceptorFunction(graph, module, node);
  if (!found) return undefined;
  const { outer, inner, module: at } = found;
  const nextName = parameterNames(outer)[0];
  const reqName = parameterNames(inner)[0];
  const body = field(inner, 'body');
  if (!nextName || !reqName || body?.type !== 'statement_block') return undefined;
  const credentials = new Set<string>();
  const verified = new Set<string>();
  const exempt: { services: Set<string>; methods: Set<string> } = { services: new Set(), methods: new Set() };
  let present = false;
  let valid = false;
  let where: Node | undefined;
  const isNextCall = (value: Node | undefined): boolean => {
    const current = value ? unwrap(value) : undefined;
    return current?.type === 'call_expression' && callee(current)?.text === nextName && callArgs(current)[0]?.text === reqName;
  };
  const readsHeader = (value: Node): boolean => /^(?:await\s+)?\w+\.header\.get\(/.test(unwrap(value).text) && unwrap(value).text.startsWith(`${reqName}.header.get(`);
  const mentions = (cond: Node, names: ReadonlySet<string>): boolean => [...names].some((name) => new RegExp(`(?:^|[^\\w.$])${name.replace(/\$/g, '\\$')}\\b`).test(cond.text));
  for (const statement of named(body)) {
    if (statement.type === 'lexical_declaration' || statement.type === 'variable_declaration') {
      for (const declarator of named(statement)) {
        const name = field(declarator, 'name');
        const value = field(declarator, 'value');
        if (!name || !value) continue;
        const bound = name.type === 'identifier' ? [name.text] : named(name).map((part) => (part.type === 'pair_pattern' ? field(part, 'value')?.text : part.text)).filter((text): text is string => text !== undefined);
        if (readsHeader(value)) bound.forEach((item) => credentials.add(item));
        else if (unwrap(value).type === 'call_expression' && callArgs(unwrap(value)).some((arg) => credentials.has(arg.text))) bound.forEach((item) => verified.add(item));
      }
      continue;
    }
    if (statement.type === 'if_statement') {
      const condition = field(statement, 'condition');
      const consequence = field(statement, 'consequence');
      if (!condition || !consequence || field(statement, 'alternative')) return undefined;
      const action = consequence.type === 'statement_block' ? named(consequence) : [consequence];
      const only = action.length === 1 ? action[0] : undefined;
      if (only?.type === 'throw_statement') {
        if (!rejectsAuth(only)) continue;
        if (credentials.size > 0 && /^!/.test(unwrap(condition).text) && mentions(condition, credentials)) present = true;
        if (present && mentions(condition, verified)) {
          valid = true;
          where ??= statement;
        }
        continue;
      }
      if (only?.type === 'return_statement' && isNextCall(named(only)[0])) {
        if (present) return undefined;
        const listed = exemption(condition, reqName);
        if (!listed) return undefined;
        listed.services.forEach((name) => exempt.services.add(name));
        listed.methods.forEach((name) => exempt.methods.add(name));
        continue;
      }
      // Other branches (logging, a metric) may not return or call next.
      if (containsNext(consequence, nextName) || /\breturn\b/.test(consequence.text)) return undefined;
      continue;
    }
    if (statement.type === 'return_statement') {
      if (!isNextCall(named(statement)[0])) return undefined;
      const protects = present && valid;
      const file = at.file;
      const site = where;
      return {
        file,
        verdict: {
          decide(typeName, method) {
            if (exempt.services.has(typeName) || exempt.methods.has(method)) {
              return { state: 'public', mechanisms: ['none'], where: locate(file, inner), scope: 'router', detail: `the authentication interceptor lets ${typeName} through without a credential` };
            }
            if (!protects || !site) return undefined;
            return { state: 'protected', mechanisms: ['api-key'], where: locate(file, site), scope: 'router', detail: 'ConnectRPC interceptor throws Unauthenticated without a verified credential' };
          },
        },
      };
    }
    if (containsNext(statement, nextName)) return undefined;
  }
  return undefined;
}

function rejectsAuth(statement: Node): boolean {
  const thrown = named(statement)[0];
  const value = thrown ? unwrap(thrown) : undefined;
  if (value?.type !== 'new_expression' || !/(?:^|\.)ConnectError$/.test(field(value, 'constructor')?.text ?? '')) return false;
  return callArgs(value).some((arg) => REJECT_CODES.test(arg.text));
}

function containsNext(node: Node, nextName: string): boolean {
  return new RegExp(`\\b${nextName}\\s*\\(`).test(node.text);
}

/** `req.service.typeName === "pkg.Service"` (or `req.method.name === "Check"`), joined by `||`. */
function exemption(condition: Node, reqName: string): { services: string[]; methods: string[] } | undefined {
  const current = unwrap(condition);
  if (current.type === 'binary_expression') {
    const operator = field(current, 'operator')?.text;
    const left = field(current, 'left');
    const right = field(current, 'right');
    if (!left || !right) return undefined;
    if (operator === '||') {
      const a = exemption(left, reqName);
      const b = a ? exemption(right, reqName) : undefined;
      return a && b ? { services: [...a.services, ...b.services], methods: [...a.methods, ...b.methods] } : undefined;
    }
    if (operator !== '===' && operator !== '==') return undefined;
    const value = stringValue(unwrap(right));
    if (value === undefined) return undefined;
    const subject = left.text.replace(/\s+/g, '');
    if (subject === `${reqName}.service.typeName`) return { services: [value], methods: [] };
    if (subject === `${reqName}.method.name`) return { services: [], methods: [value] };
  }
  return undefined;
}

/** `authInterceptor()` (a factory returning the interceptor), or an interceptor bound to a name or written inline. */
function interceptorFunction(graph: ModuleGraph, module: JsModule, node: Node, depth = 0): { outer: Node; inner: Node; module: JsModule } | undefined {
  if (depth > 4) return undefined;
  const current = unwrap(node);
  if (current.type === 'call_expression') {
    const fn = callee(current);
    const resolved = fn ? graph.resolve(module, fn) : undefined;
    if (resolved?.kind !== 'node') return undefined;
    const factory = resolved.node.type === 'variable_declarator' ? field(resolved.node, 'value') : resolved.node;
    if (!factory || !(isFunction(factory) || factory.type === 'function_declaration')) return undefined;
    const body = field(factory, 'body');
    const returned = body ? (body.type === 'statement_block' ? returnedValues(body) : [body]) : [];
    if (returned.length !== 1 || !returned[0]) return undefined;
    return interceptorFunction(graph, resolved.module, returned[0], depth + 1);
  }
  if (current.type === 'identifier') {
    const resolved = graph.resolve(module, current);
    if (resolved.kind !== 'node' || resolved.node.startIndex === current.startIndex) return undefined;
    return interceptorFunction(graph, resolved.module, resolved.node, depth + 1);
  }
  if (!isFunction(current)) return undefined;
  const body = field(current, 'body');
  const inner = body ? (body.type === 'statement_block' ? returnedValues(body)[0] : body) : undefined;
  const innerFn = inner ? unwrap(inner) : undefined;
  if (!innerFn || !isFunction(innerFn)) return undefined;
  return { outer: current, inner: innerFn, module };
}
