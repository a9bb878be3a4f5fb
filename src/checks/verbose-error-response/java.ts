/**
 * Java applications that send exception details to the caller: an exception handler (the plugins'
 * `errorDetails.handlerAnnotations`: Spring's `@ExceptionHandler`) for `Exception`, `RuntimeException` or
 * `Throwable` (so for every unexpected failure, database errors with their SQL included) whose response
 * carries `e.getMessage()`, `e.toString()` or the stack trace. The frameworks' error-response settings are
 * the plugins' `errorDetails.settings` (Spring Boot's, spring/error-details.ts).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { annotation, descendants, field, jvmFile, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { errorDetailsProviders } from '../../collectors/code/plugins.js';

export interface JavaErrorLeak {
  source: SourceFile;
  node: Node;
  leak: 'message' | 'stack';
  expression: string;
  name: string;
}

const BROAD = /^(Exception|RuntimeException|Throwable|Error)$/;
const MESSAGE = /^(getMessage|getLocalizedMessage|toString)$/;
const STACK = /^(getStackTrace|getStackTraceAsString|getFullStackTrace|printStackTrace)$/;
const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);

/** Whether a node sits in what the handler sends: its return value or a response write. */
function inResponse(node: Node, method: Node): boolean {
  for (let current = node.parent; current && current.id !== method.id; current = current.parent) {
    if (current.type === 'return_statement') return true;
    if (current.type === 'method_invocation' && /^(info|debug|warn|error|trace)$/.test(field(current, 'name')?.text ?? '') && /^(log|logger|LOG|LOGGER|Log|logs)$/.test(field(current, 'object')?.text ?? '')) return false;
    if (current.type === 'method_invocation' && /^(write|print|println|sendError)$/.test(field(current, 'name')?.text ?? '')) return true;
  }
  return false;
}

let handlerAnnotations: string[] | undefined;

/** The annotations that make a method an exception handler, from the plugins' `errorDetails` sections. */
export function exceptionHandlerAnnotations(): readonly string[] {
  handlerAnnotations ??= errorDetailsProviders().flatMap((provider) => provider.handlerAnnotations ?? []);
  return handlerAnnotations;
}

export function javaErrorLeaks(source: SourceFile): JavaErrorLeak[] {
  const annotations = exceptionHandlerAnnotations();
  if (source.language !== 'java' || !annotations.some((name) => source.text.includes(name)) || /(^|\/)src\/test\//.test(source.file)) return [];
  const out: JavaErrorLeak[] = [];
  for (const cls of jvmFile(source).classes) {
    for (const method of cls.methods) {
      const handler = annotation(method.annotations, ...annotations);
      if (!handler || !method.body) continue;
      const handled = (handler.args.get('value') ?? []).map((node) => simpleName(node.text.replace(/\.class$/, '')));
      const param = method.parameters.find((item) => /(Exception|Throwable|Error)$/.test(item.type));
      const types = handled.length > 0 ? handled : param ? [param.type] : [];
      if (!param || !types.some((type) => BROAD.test(type))) continue;
      for (const call of descendants(method.body, INVOCATIONS)) {
        const name = field(call, 'name')?.text ?? '';
        const receiver = field(call, 'object');
        const args = named(field(call, 'arguments'));
        let leak: 'message' | 'stack' | undefined;
        if (receiver?.text === param.name && MESSAGE.test(name)) leak = 'message';
        else if ((receiver?.text === param.name && STACK.test(name) && name !== 'printStackTrace') || (STACK.test(name) && args.some((arg) => arg.text === param.name))) leak = 'stack';
        if (!leak || !inResponse(call, method.body)) continue;
        out.push({ source, node: call, leak, expression: call.text, name: types.join(', ') });
        break;
      }
    }
  }
  return out;
}
