import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import { isJs, isPython, resolveValue } from './code-auth.js';
import { enclosingFunction } from './code.js';
import { endpointAt } from './endpoints.js';
import type { Family } from './transport/model.js';
import { requestSourceProviders } from '../collectors/code/plugins.js';
import type { RequestSourceProvider } from '../collectors/code/plugin.js';

// Request input: values a client controls

interface InputPatterns {
  js: RegExp;
  python: RegExp;
  /** A Python handler parameter that is injected, not bound from the request. */
  injected: RegExp;
}

let patterns: InputPatterns | undefined;

/**
 * The generic request shapes (Express-style `req.query`, a Lambda `event.queryStringParameters`, the URL API's
 * `searchParams.get(`, destructured `query.x`; SQLAlchemy `Session` parameters) joined with the frameworks' (the
 * request providers' `traced`: Koa's `ctx.request.body`, Hono's `c.req.json`, Flask's `request.args`, Django's `request.GET`, FastAPI's `Depends(`).
 */
function inputPatterns(): InputPatterns {
  if (patterns) return patterns;
  const traced = (family: Family): NonNullable<RequestSourceProvider['traced']>[] => requestSourceProviders().flatMap((provider) => (provider.family === family && provider.traced ? [provider.traced] : []));
  const js = traced('js');
  const python = traced('python');
  const receivers = ['req', 'request', 'event', ...js.flatMap((entry) => entry.receivers ?? [])];
  const attributes = ['query', 'body', 'params', 'queryStringParameters', ...js.flatMap((entry) => entry.attributes ?? [])];
  patterns = {
    js: new RegExp(String.raw`^(${receivers.join('|')})\.(${attributes.join('|')})\b|\.searchParams\.get\(|^searchParams\.get\(|^(query|params|body)\.\w+$`),
    python: new RegExp([String.raw`^(self\.)?request\.(${python.flatMap((entry) => entry.attributes ?? []).join('|')})\b`, ...python.flatMap((entry) => entry.expressions ?? []).map((expression) => `^${expression}`)].join('|')),
    injected: new RegExp([...python.flatMap((entry) => entry.injected ?? []), 'Session'].join('|')),
  };
  return patterns;
}

function objectPatternSource(source: SourceFile, identifier: Node): Node | undefined {
  const scope = enclosingFunction(identifier) ?? source.tree.rootNode;
  for (const declarator of scope.descendantsOfType('variable_declarator')) {
    const name = declarator?.childForFieldName('name');
    if (name?.type !== 'object_pattern' || declarator?.startIndex === undefined || declarator.startIndex > identifier.startIndex) continue;
    if (name.namedChildren.some((part) => part?.text === identifier.text || part?.childForFieldName('value')?.text === identifier.text || part?.childForFieldName('left')?.text === identifier.text)) {
      return declarator.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** The FastAPI / Flask handler parameter `name` is bound from the request (a query, path or body parameter). */
function handlerParameter(ctx: CheckContext, source: SourceFile, identifier: Node): Node | undefined {
  const fn = enclosingFunction(identifier);
  if (!fn || fn.type !== 'function_definition') return undefined;
  const endpoint = endpointAt(ctx, source.file, fn.startPosition.row + 1);
  if (!endpoint) return undefined;
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param) continue;
    const name = param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.namedChildren[0]);
    if (name?.text !== identifier.text) continue;
    if (inputPatterns().injected.test(param.text)) return undefined;
    return param;
  }
  return undefined;
}

export interface InputTrace {
  /** The request expression the value comes from (`req.query.limit`, parameter `page_size`). */
  origin: Node;
  /** Every expression on the way, for sanitiser checks. */
  path: Node[];
}

/** Follows a value back through same-function assignments, casts and defaults to request input. */
export function traceInput(ctx: CheckContext, source: SourceFile, node: Node | undefined, depth = 0, path: Node[] = []): InputTrace | undefined {
  if (!node || depth > 8) return undefined;
  const steps = [...path, node];
  const text = node.text;
  if (isJs(source) ? inputPatterns().js.test(text) : inputPatterns().python.test(text)) return { origin: node, path: steps };
  switch (node.type) {
    case 'identifier': {
      if (isPython(source)) {
        const param = handlerParameter(ctx, source, node);
        const resolved = resolveValue(source, node);
        if (resolved && resolved.id !== node.id) return traceInput(ctx, source, resolved, depth + 1, steps);
        return param ? { origin: param, path: [...steps, param] } : undefined;
      }
      const resolved = resolveValue(source, node);
      if (resolved && resolved.id !== node.id) return traceInput(ctx, source, resolved, depth + 1, steps);
      const pattern = objectPatternSource(source, node);
      return pattern ? traceInput(ctx, source, pattern, depth + 1, steps) : undefined;
    }
    case 'call':
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      const name = fn?.text ?? '';
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
      if (/^(Number|parseInt|parseFloat|int|float|str|String|decodeURIComponent)$/.test(name)) return traceInput(ctx, source, args[0], depth + 1, steps);
      if (/\.(get|getlist|get_argument)$/.test(name) && fn) return traceInput(ctx, source, fn.childForFieldName('object') ?? undefined, depth + 1, steps);
      if (/\.(trim|strip|toString|lower|toLowerCase)$/.test(name) && fn) return traceInput(ctx, source, fn.childForFieldName('object') ?? undefined, depth + 1, steps);
      return undefined;
    }
    case 'binary_expression':
    case 'boolean_operator': {
      const operator = node.childForFieldName('operator')?.text ?? '';
      if (!['||', '??', 'or'].includes(operator)) return undefined;
      return traceInput(ctx, source, node.childForFieldName('left') ?? undefined, depth + 1, steps);
    }
    case 'member_expression':
    case 'attribute':
    case 'subscript':
    case 'subscript_expression':
      return traceInput(ctx, source, node.childForFieldName(node.type === 'subscript' ? 'value' : 'object') ?? undefined, depth + 1, steps);
    case 'parenthesized_expression':
    case 'await_expression':
    case 'as_expression':
    case 'non_null_expression':
    case 'keyword_argument':
      return traceInput(ctx, source, node.namedChildren[node.type === 'keyword_argument' ? 1 : 0] ?? undefined, depth + 1, steps);
    default:
      return undefined;
  }
}
