/**
 * PHP handlers that send exception details to the caller: a `catch` of a broad exception type
 * (`\Exception`, `\Throwable`, `\Error`, `ErrorException`) or of a database one (`QueryException`,
 * `PDOException`, Doctrine DBAL exceptions), or a Laravel `render` / `renderable` callback for such a
 * type, whose response carries `$e->getMessage()`, `(string) $e` or the trace (`getTrace()`,
 * `getTraceAsString()`, `getFile()` / `getLine()`). Responses: `response(…)`, `response()->json(…)`,
 * `new JsonResponse(…)` / `new Response(…)`, `abort(…)`, and an array or string returned from a
 * controller action. A catch of the application's own exception types sends a message written for
 * the client and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callName, field, kids, walk } from '../../collectors/code/php/ast.js';
import { errorDetailsProviders } from '../../collectors/code/plugins.js';
import { descendantsOf } from '../../parsing/tree-index.js';

const BROAD = /^\\?(Exception|Throwable|Error|ErrorException|RuntimeException)$/;
const DATABASE = /(^|\\)(QueryException|PDOException|DBALException|DriverException)$|^\\?Doctrine\\DBAL\\Exception$/;
const STACK = /^(getTrace|getTraceAsString|getFile|getLine|getPrevious)$/;
const MESSAGE = /^(getMessage|__toString)$/;

const HANDLER_TYPES = ['catch_clause', 'anonymous_function_creation_expression', 'arrow_function'];

export interface PhpErrorLeak {
  node: Node;
  leak: 'message' | 'stack' | 'db';
  expression: string;
  name: string;
}

/** The expression is (inside) what goes to the client. */
function sentToClient(node: Node, scope: Node): boolean {
  for (let current = node.parent; current && current.id !== scope.id; current = current.parent) {
    if (current.type === 'function_call_expression' && /^(response|abort|json_encode)$/.test(field(current, 'function')?.text ?? '')) return true;
    if (current.type === 'member_call_expression' && /^(json|make|setContent|setData)$/.test(callName(current) ?? '') && /response\(\)|Response/.test(field(current, 'object')?.text ?? '')) return true;
    if (current.type === 'object_creation_expression' && /(^|\\)(Json)?Response$/.test(kids(current).find((child) => child.type === 'name' || child.type === 'qualified_name')?.text ?? '')) return true;
    if (current.type === 'scoped_call_expression' && /^Response$/.test(field(current, 'scope')?.text ?? '')) return true;
    if (current.type === 'return_statement') return inController(current);
  }
  return false;
}

function inController(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'anonymous_function_creation_expression' || current.type === 'arrow_function' || current.type === 'function_definition') return false;
    if (current.type === 'class_declaration') return /Controller$/.test(field(current, 'name')?.text ?? '');
  }
  return false;
}

function leaksIn(body: Node, variable: string, database: boolean, name: string, out: PhpErrorLeak[]): void {
  walk(body, (node) => {
    let leak: PhpErrorLeak['leak'] | undefined;
    if (node.type === 'member_call_expression' && field(node, 'object')?.text === variable) {
      const method = callName(node) ?? '';
      if (STACK.test(method)) leak = 'stack';
      else if (MESSAGE.test(method)) leak = database ? 'db' : 'message';
    } else if (node.type === 'cast_expression' && /^\(\s*string\s*\)/.test(node.text) && kids(node).at(-1)?.text === variable) {
      leak = database ? 'db' : 'message';
    }
    if (leak && sentToClient(node, body)) {
      out.push({ node, leak, expression: node.text, name });
      return false;
    }
    return true;
  });
}

let handlerCalls: { methods: ReadonlySet<string>; mentions: readonly RegExp[] } | undefined;

/** The frameworks' exception handler callbacks (their `errorDetails.phpHandlerCalls`: Laravel's `render` / `renderable`), once. */
function frameworkHandlers(): { methods: ReadonlySet<string>; mentions: readonly RegExp[] } {
  if (handlerCalls) return handlerCalls;
  const specs = errorDetailsProviders().flatMap((provider) => (provider.phpHandlerCalls ? [provider.phpHandlerCalls] : []));
  handlerCalls = { methods: new Set(specs.flatMap((spec) => spec.methods)), mentions: specs.map((spec) => spec.mentions) };
  return handlerCalls;
}

export function phpErrorLeaks(source: SourceFile): PhpErrorLeak[] {
  if (source.language !== 'php' || /(^|\/)(tests?|vendor)\//i.test(source.file)) return [];
  const handlers = frameworkHandlers();
  if (!/catch\s*\(/.test(source.text) && !handlers.mentions.some((pattern) => pattern.test(source.text))) return [];
  const out: PhpErrorLeak[] = [];
  // Catch clauses and closures in document order, from the tree's per-type lists (a walk visited every node for them).
  for (const node of descendantsOf(source.tree.rootNode, HANDLER_TYPES)) {
    if (node.type === 'catch_clause') {
      const types = kids(kids(node).find((child) => child.type === 'type_list') ?? node).map((type) => type.text.replace(/^\\/, ''));
      const variable = kids(node).find((child) => child.type === 'variable_name')?.text;
      const body = kids(node).find((child) => child.type === 'compound_statement');
      const database = types.some((type) => DATABASE.test(type));
      if (variable && body && (database || types.some((type) => BROAD.test(type)))) leaksIn(body, variable, database, types.join('|'), out);
      continue;
    }
    // A framework's handler callback: Laravel's `$exceptions->render(function (Throwable $e, Request $request) { … })`, `$this->renderable(fn (Exception $e) => …)`.
    if ((node.type === 'anonymous_function_creation_expression' || node.type === 'arrow_function') && node.parent?.parent?.parent && handlers.methods.has(callName(node.parent.parent.parent) ?? '')) {
      const parameter = kids(field(node, 'parameters') ?? node)[0];
      const type = parameter ? (field(parameter, 'type')?.text ?? '').replace(/^\\/, '') : '';
      const variable = parameter ? field(parameter, 'name')?.text : undefined;
      const body = field(node, 'body');
      const database = DATABASE.test(type);
      if (variable && body && (database || BROAD.test(type))) {
        const before = out.length;
        leaksIn(body, variable, database, type, out);
        // An arrow function's body is the response itself.
        if (out.length === before && node.type === 'arrow_function') leaksIn(node, variable, database, type, out);
      }
    }
  }
  return out;
}
