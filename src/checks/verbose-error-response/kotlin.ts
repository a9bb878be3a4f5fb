/**
 * Kotlin services that send exception details to the caller: an exception handler the plugins' `errorDetails`
 * declare — a handler lambda (`kotlinHandlers`: Ktor's StatusPages `exception<Throwable> { call, cause -> … }`,
 * the project generator's `call.respondText("500: $cause", …)`) or an annotated method (`handlerAnnotations`:
 * Spring's `@ExceptionHandler`) — for `Throwable` / `Exception` / `RuntimeException`, whose response carries
 * the exception (`"$cause"`, `cause.message`, `cause.localizedMessage`, `cause.toString()`) or its stack trace
 * (`cause.stackTraceToString()`). Logging it is fine.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { annotation, descendants, firstOfType, jvmFile, named } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { errorDetailsProviders } from '../../collectors/code/plugins.js';
import { exceptionHandlerAnnotations, type JavaErrorLeak } from './java.js';

const BROAD = /^(Throwable|Exception|RuntimeException|kotlin\.Exception|java\.lang\.Exception)$/;
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const LOGGING = /^(error|warn|warning|info|debug|trace|log|println|print|printStackTrace|captureException)$/;

/** How `name` reaches text in `node`: its stack trace, or its message / string form. */
function leakOf(node: Node, name: string): 'stack' | 'message' | undefined {
  const text = node.text;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`\\b${escaped}\\s*\\.\\s*(stackTraceToString\\(\\)|stackTrace\\b)`).test(text)) return 'stack';
  if (new RegExp(`\\$\\{?${escaped}\\b(?!\\s*\\.\\s*(javaClass|::class|class\\b))|\\b${escaped}\\s*\\.\\s*(message|localizedMessage|toString\\(\\)|cause)\\b`).test(text)) return 'message';
  return undefined;
}

/** The innermost non-logging call in `body` that hands the exception to the response. */
function responseLeak(body: Node, name: string): { node: Node; leak: 'stack' | 'message' } | undefined {
  const calls = descendants(body, CALLS).filter((node) => {
    const call = asCall(node);
    if (!call || LOGGING.test(call.name) || /\b(log|logger|LOG|LOGGER)\b/.test(call.receiver?.text ?? '')) return false;
    return call.args.some((arg) => leakOf(arg, name) !== undefined);
  });
  // Innermost: a call none of whose descendants is also a leaking call.
  const inner = calls.find((node) => !calls.some((other) => other.id !== node.id && node.startIndex <= other.startIndex && other.endIndex <= node.endIndex));
  if (!inner) return undefined;
  const call = asCall(inner);
  const arg = call?.args.find((item) => leakOf(item, name) !== undefined);
  const leak = arg ? leakOf(arg, name) : undefined;
  return leak ? { node: inner, leak } : undefined;
}

let handlers: { lambdas: Map<string, number>; mentions: RegExp } | undefined;

/** The plugins' Kotlin handler lambdas (call name → the exception's parameter) and the words that make a source worth reading. */
function kotlinHandlers(): { lambdas: Map<string, number>; mentions: RegExp } {
  if (handlers) return handlers;
  const specs = errorDetailsProviders().flatMap((provider) => provider.kotlinHandlers ?? []);
  const words = [...specs.map((spec) => spec.mention), ...exceptionHandlerAnnotations()];
  handlers = { lambdas: new Map(specs.map((spec) => [spec.call, spec.exceptionParameter])), mentions: words.length > 0 ? new RegExp(`\\b(${words.join('|')})\\b`) : /(?!)/ };
  return handlers;
}

export function kotlinErrorLeaks(source: SourceFile): JavaErrorLeak[] {
  const { lambdas, mentions } = kotlinHandlers();
  if (source.language !== 'kotlin' || /(^|\/)src\/test\//.test(source.file) || !mentions.test(source.text)) return [];
  const out: JavaErrorLeak[] = [];
  // A handler lambda: `install(StatusPages) { exception<Throwable> { call, cause -> … } }`.
  for (const node of descendants(source.tree.rootNode, CALLS)) {
    const call = asCall(node);
    const index = call ? lambdas.get(call.name) : undefined;
    if (!call || index === undefined || call.receiver || !call.lambda) continue;
    const typeArg = firstOfType(firstOfType(named(node)[0] ?? node, 'call_suffix') ?? node, 'type_arguments') ?? descendants(node, new Set(['type_arguments']))[0];
    const type = typeArg?.text.replace(/^<|>$/g, '').trim() ?? '';
    if (!BROAD.test(type)) continue;
    const params = named(firstOfType(call.lambda, 'lambda_parameters')).map((param) => firstOfType(param, 'simple_identifier')?.text ?? param.text);
    const name = params[index] ?? (params.length === 0 ? 'it' : undefined);
    if (!name) continue;
    const found = responseLeak(call.lambda, name);
    if (found) out.push({ source, node: found.node, leak: found.leak, expression: found.node.text.split('\n')[0] ?? '', name: type });
  }
  // An annotated handler: `@ExceptionHandler(Exception::class) fun handle(e: Exception) = ResponseEntity.status(500).body(e.message)`.
  const annotations = exceptionHandlerAnnotations();
  const file = jvmFile(source);
  for (const cls of file.classes) {
    for (const method of cls.methods) {
      const handler = annotation(method.annotations, ...annotations);
      if (!handler || !method.body) continue;
      const declared = [...handler.node.text.matchAll(/(\w+)::class/g)].map((match) => match[1] ?? '');
      const param = method.parameters.find((item) => BROAD.test(item.type)) ?? (declared.some((type) => BROAD.test(type)) ? method.parameters[0] : undefined);
      if (!param || (declared.length > 0 && !declared.some((type) => BROAD.test(type)))) continue;
      const found = responseLeak(method.body, param.name);
      if (found) out.push({ source, node: found.node, leak: found.leak, expression: found.node.text.split('\n')[0] ?? '', name: param.type || declared[0] || 'Exception' });
    }
  }
  return out;
}
