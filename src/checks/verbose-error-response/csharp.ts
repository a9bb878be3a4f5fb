import type { Node } from 'web-tree-sitter';
import { developmentOnly, enclosingFunction, isCsTestFile, localValue } from '../../collectors/code/csharp/flow.js';
import { field, invocationParts, kids, typeName, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import { errorDetailsProviders } from '../../collectors/code/plugins.js';

/** Exception types that stand for "anything went wrong". */
const BROAD = /^(?:Exception|SystemException|AggregateException)$/;

/**
 * The frameworks' response helpers, result types, body writers and exception-handler features (the plugins'
 * `errorDetails.csharpResponses`: ASP.NET Core's controller helpers, `Results`/`TypedResults`, `ObjectResult`,
 * `Response.WriteAsync`, `IExceptionHandlerFeature`).
 */
let responseList: { helpers: ReadonlySet<string>; factories: ReadonlySet<string>; types: ReadonlySet<string>; writers: readonly { methods: ReadonlySet<string>; receiver: RegExp }[]; feature: RegExp } | undefined;
function responses(): NonNullable<typeof responseList> {
  if (!responseList) {
    const specs = errorDetailsProviders().flatMap((provider) => (provider.csharpResponses ? [provider.csharpResponses] : []));
    const features = specs.flatMap((spec) => spec.exceptionFeatures);
    responseList = {
      helpers: new Set(specs.flatMap((spec) => spec.helpers)),
      factories: new Set(specs.flatMap((spec) => spec.factories)),
      types: new Set(specs.flatMap((spec) => spec.resultTypes)),
      writers: specs.map((spec) => ({ methods: new Set(spec.writers.methods), receiver: spec.writers.receiver })),
      // No provider: a pattern that matches nothing.
      feature: features.length > 0 ? new RegExp(features.join('|')) : /(?!)/,
    };
  }
  return responseList;
}

export interface CsErrorLeak {
  node: Node;
  leak: 'stack' | 'message';
  name: string;
  expression: string;
}

/** Names bound to a caught or handled exception in scope at `node`, with whether the type is broad. */
function exceptionNames(node: Node): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'catch_clause') {
      const declaration = kids(current).find((child) => child.type === 'catch_declaration');
      const type = declaration ? field(declaration, 'type')?.text : undefined;
      const name = declaration ? field(declaration, 'name')?.text : undefined;
      if (name && type && !names.has(name)) names.set(name, BROAD.test(typeName(type)));
    }
    if (current.type === 'method_declaration' || current.type === 'local_function_statement' || current.type === 'lambda_expression') {
      const list = field(current, 'parameters');
      for (const parameter of list ? kids(list).filter((child) => child.type === 'parameter') : []) {
        const type = typeName(field(parameter, 'type')?.text ?? '');
        const name = field(parameter, 'name')?.text;
        if (name && /Exception$/.test(type) && !names.has(name)) names.set(name, BROAD.test(type));
      }
    }
  }
  return names;
}

/** `var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;` inside an exception handler. */
function handlerFeature(identifier: Node): boolean {
  const value = localValue(identifier.text, identifier);
  const text = value?.text.replace(/\s+/g, '') ?? '';
  if (!value || !/\??\.Error$/.test(text)) return false;
  if (responses().feature.test(text)) return true;
  const feature = kids(value)[0];
  return feature?.type === 'identifier' && responses().feature.test(localValue(feature.text, feature)?.text ?? '');
}

/** True when `node` ends up in a response: an argument of a result helper, a result object or `Response.WriteAsync`, directly or through one local. */
function inResponse(node: Node, depth = 0): boolean {
  for (let current: Node | null = node.parent; current; current = current.parent) {
    if (current.type === 'invocation_expression') {
      const parts = invocationParts(current);
      if (!parts) continue;
      const receiver = parts.receiver?.text ?? '';
      if (responses().helpers.has(parts.name) && (receiver === '' || receiver === 'this' || responses().factories.has(receiver))) return true;
      if (responses().writers.some((writer) => writer.methods.has(parts.name) && writer.receiver.test(receiver))) return true;
      // Text kept by formatting and serialisation; handed to a logger, a tracer or a wrapper, it is not the response.
      if (!KEEPS_TEXT.has(parts.name) && current.parent?.type !== 'member_access_expression') return false;
    }
    if (current.type === 'object_creation_expression' && responses().types.has(typeName(field(current, 'type')?.text ?? ''))) return true;
    if (current.type === 'variable_declarator' && depth === 0) {
      const name = kids(current)[0]?.text;
      const fn = enclosingFunction(current);
      if (!name || !fn) return false;
      let used = false;
      walk(fn, (child) => {
        if (!used && child.type === 'identifier' && child.text === name && child.startIndex > current.endIndex && inResponse(child, depth + 1)) used = true;
        return !used;
      });
      return used;
    }
    if (current.type === 'expression_statement' || current.type === 'block' || FUNCTION_LIKE.has(current.type)) return false;
  }
  return false;
}

const KEEPS_TEXT = new Set(['ToString', 'Serialize', 'SerializeObject', 'Format', 'Concat', 'Join', 'Replace', 'Trim', 'Substring']);
const FUNCTION_LIKE = new Set(['method_declaration', 'local_function_statement', 'lambda_expression', 'anonymous_method_expression']);

/** Inside `env.IsDevelopment() ? ex.ToString() : null` (the development side of a conditional). */
function developmentSide(node: Node): boolean {
  for (let child = node, parent = node.parent; parent && !FUNCTION_LIKE.has(parent.type); child = parent, parent = parent.parent) {
    if (parent.type !== 'conditional_expression') continue;
    const condition = field(parent, 'condition')?.text ?? '';
    if (/IsDevelopment\s*\(\s*\)/.test(condition) && field(parent, /^!/.test(condition.trim()) ? 'alternative' : 'consequence')?.id === child.id) return true;
  }
  return false;
}

/** ASP.NET Core code that puts an exception's stack trace, or the message of any exception, into the response. */
export function csharpErrorLeaks(source: SourceFile): CsErrorLeak[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !/Exception/.test(source.text)) return [];
  const out: CsErrorLeak[] = [];
  walk(source.tree.rootNode, (node) => {
    let target: Node | undefined;
    let member = '';
    if (node.type === 'member_access_expression' && node.parent?.type !== 'invocation_expression') {
      target = field(node, 'expression');
      member = field(node, 'name')?.text ?? '';
    } else if (node.type === 'conditional_access_expression') {
      // `error?.StackTrace`
      target = kids(node)[0];
      const binding = kids(node)[1];
      member = binding?.type === 'member_binding_expression' ? (kids(binding).pop()?.text ?? '') : '';
    } else if (node.type === 'invocation_expression') {
      const parts = invocationParts(node);
      if (parts?.name === 'ToString' && parts.args.length === 0) {
        target = parts.receiver;
        member = 'ToString';
      }
    }
    if (target?.type !== 'identifier' || !/^(?:StackTrace|ToString|Message)$/.test(member)) return true;
    if (node.type === 'member_access_expression' && node.parent?.type === 'member_access_expression' && field(node.parent, 'expression')?.id !== node.id) return true;
    const names = exceptionNames(node);
    const broad = names.get(target.text) ?? (handlerFeature(target) ? true : undefined);
    if (broad === undefined) return true;
    const leak = member === 'Message' ? 'message' : 'stack';
    if (leak === 'message' && !broad) return true;
    if (!inResponse(node) || developmentOnly(source, node) || developmentSide(node)) return true;
    out.push({ node, leak, name: target.text, expression: node.text.replace(/\s+/g, ' ').slice(0, 80) });
    return true;
  });
  return out;
}
