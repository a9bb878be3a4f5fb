/**
 * Commands run from request data in Java: `Runtime.getRuntime().exec(text)` given a command line
 * built from request data, and `ProcessBuilder` / `exec(String[])` whose program is request data or
 * whose argument list goes through a shell (`"sh", "-c", …` / `"cmd", "/c", …`) with request data in
 * the script. An argument list without a shell (`new ProcessBuilder("convert", name, out)`) passes
 * request data as one argument, not as shell syntax, and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, literalString, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { bare, classAt, enclosingMethod, localValue } from '../../collectors/code/jvm/trace.js';
import { javaSinkCandidates, sharedAnalysis, type JavaSinkHit, type JavaTaint } from '../../collectors/code/jvm/taint.js';

export type JavaCommandHit = JavaSinkHit;

const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression']);
const SHELLS = /^(\/(usr\/)?bin\/)?(sh|bash|zsh|ksh|dash|cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/i;
const SHELL_FLAGS = /^(-c|\/c|\/k|-Command|-lc)$/i;

/** The elements of an argument list: `new String[] {…}`, `Arrays.asList(…)`, `List.of(…)`, or a local holding one. */
function elements(start: Node | undefined, depth = 0): Node[] | undefined {
  const node = bare(start);
  if (!node || depth > 3) return undefined;
  if (node.type === 'array_creation_expression') {
    const init = named(node).find((child) => child.type === 'array_initializer');
    return init ? named(init) : undefined;
  }
  if (node.type === 'array_initializer') return named(node);
  if (node.type === 'method_invocation' && /^(asList|of|newArrayList|listOf)$/.test(field(node, 'name')?.text ?? '')) return named(field(node, 'arguments'));
  if (node.type === 'identifier') {
    const value = bare(localValue(node.text, node));
    // `List<String> args = new ArrayList<>(); args.add("ls"); args.add(dir);`
    if (value?.type === 'object_creation_expression' && named(field(value, 'arguments')).length === 0) {
      const method = enclosingMethod(node);
      const adds = method ? descendants(method, CALLS).filter((call) => call.type === 'method_invocation' && call.startIndex < node.startIndex && field(call, 'object')?.text === node.text && field(call, 'name')?.text === 'add') : [];
      return adds.map((call) => named(field(call, 'arguments')).at(-1)).filter((arg): arg is Node => !!arg);
    }
    return elements(value, depth + 1);
  }
  return undefined;
}

/** Request data in a command given as elements: the program itself, or the script after a shell flag. */
function listOrigin(taint: JavaTaint, items: readonly Node[]): string | undefined {
  const texts = items.map((item) => literalString(bare(item) ?? item));
  const program = items[0];
  if (program && texts[0] === undefined) {
    const origin = taint.origin(program);
    if (origin) return origin;
  }
  const first = texts[0];
  const shell = first !== undefined && SHELLS.test(first.trim());
  if (!shell) return undefined;
  const flag = texts.findIndex((text, index) => index > 0 && text !== undefined && SHELL_FLAGS.test(text.trim()));
  if (flag < 0) return undefined;
  return items.slice(flag + 1).map((item) => taint.origin(item)).find(Boolean);
}

export function javaCommandInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaCommandHit[] {
  const candidates = javaSinkCandidates(sources, /\b(exec|ProcessBuilder)\b/);
  if (candidates.length === 0) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  let taint: JavaTaint | undefined;
  const out: JavaCommandHit[] = [];
  for (const source of candidates) {
    const file = tracer.program.files.find((candidate) => candidate.source === source);
    if (!file) continue;
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const args = named(field(node, 'arguments'));
      let call: string | undefined;
      let items: Node[] | undefined;
      let single: Node | undefined;
      if (node.type === 'method_invocation') {
        const name = field(node, 'name')?.text ?? '';
        const receiver = field(node, 'object');
        if (!receiver) continue;
        if (name === 'exec') {
          const runtime = receiver.type === 'method_invocation' ? field(receiver, 'name')?.text === 'getRuntime' && field(receiver, 'object')?.text === 'Runtime' : tracer.typeOf(receiver, classAt(file, node)) === 'Runtime';
          if (!runtime || !args[0]) continue;
          call = `${receiver.text}.exec`;
          items = elements(args[0]);
          if (!items) single = args[0];
        } else if (name === 'command') {
          const type = receiver.type === 'object_creation_expression' ? simpleName(field(receiver, 'type')?.text ?? '') : tracer.typeOf(receiver, classAt(file, node));
          if (type !== 'ProcessBuilder' || args.length === 0) continue;
          call = `${receiver.text.split('\n')[0] ?? ''}.command`;
          items = args.length === 1 ? (elements(args[0]) ?? args) : args;
        } else continue;
      } else {
        if (simpleName(field(node, 'type')?.text ?? '') !== 'ProcessBuilder' || args.length === 0) continue;
        call = 'new ProcessBuilder';
        items = args.length === 1 ? (elements(args[0]) ?? args) : args;
      }
      taint ??= analysis.taint();
      // `exec(String)` splits on whitespace without a shell: request data there still picks the program and its options.
      const origin = single ? taint.origin(single) : items ? listOrigin(taint, items) : undefined;
      if (origin) out.push({ source, node, snippet: node.text.split('\n')[0] ?? '', call, origin });
    }
  }
  return out;
}
