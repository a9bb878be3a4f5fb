/**
 * Commands run from request data in Kotlin (Spring handlers and Ktor routes): `Runtime.getRuntime().exec(text)`
 * given a command line built from request data, and `ProcessBuilder(…)` / `exec(arrayOf(…))` whose program is
 * request data or whose argument list goes through a shell (`"sh", "-c", …`, `"cmd", "/c", …`) with request
 * data in the script. An argument list without a shell (`ProcessBuilder("convert", name, out)`) passes request
 * data as one argument, not as shell syntax, and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, literalString } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint, type KotlinTaint } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';

export interface KotlinCommandHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const SHELLS = /^(sh|bash|zsh|ksh|dash|\/bin\/(ba|z|k|da)?sh|\/usr\/bin\/env|cmd|cmd\.exe|powershell|pwsh)$/;

/** The elements of `arrayOf(…)` / `listOf(…)` / `mutableListOf(…)`, or undefined for anything else. */
function elements(node: Node | undefined): Node[] | undefined {
  const call = asCall(kotlinBare(node));
  return call && !call.receiver && /^(arrayOf|listOf|mutableListOf|arrayListOf)$/.test(call.name) ? call.args : undefined;
}

/** Request data in an argument list: its program, or the script of a shell (`sh -c script`). */
function listOrigin(taint: KotlinTaint, items: readonly Node[]): string | undefined {
  const program = items[0] ? literalString(kotlinBare(items[0]) ?? items[0]) : undefined;
  if (program === undefined) return items[0] ? taint.origin(items[0]) : undefined;
  if (!SHELLS.test(program)) return undefined;
  const flag = items.findIndex((item, index) => index > 0 && /^(-c|\/c|-Command)$/i.test(literalString(kotlinBare(item) ?? item) ?? ''));
  if (flag < 0) return undefined;
  for (const item of items.slice(flag + 1)) {
    const origin = taint.origin(item);
    if (origin) return origin;
  }
  return undefined;
}

export function kotlinCommandInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinCommandHit[] {
  if (!sources.some((source) => source.language === 'kotlin' && /\b(exec|ProcessBuilder)\s*\(/.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinCommandHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !/\b(exec|ProcessBuilder)\s*\(/.test(fn.body.text)) continue;
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      if (!call || call.args.length === 0) continue;
      let origin: string | undefined;
      let written = '';
      if (call.name === 'exec' && /^Runtime\.getRuntime\(\)$/.test(kotlinBare(call.receiver)?.text ?? '')) {
        const items = elements(call.args[0]);
        origin = items ? listOrigin(taint, items) : taint.origin(call.args[0]);
        written = 'Runtime.getRuntime().exec';
      } else if (call.name === 'ProcessBuilder' && !call.receiver) {
        const items = call.args.length === 1 ? (elements(call.args[0]) ?? call.args) : call.args;
        origin = listOrigin(taint, items);
        written = 'ProcessBuilder';
      } else if (call.name === 'command' && call.receiver && /\bProcessBuilder\b/.test(call.receiver.text)) {
        const items = call.args.length === 1 ? (elements(call.args[0]) ?? call.args) : call.args;
        origin = listOrigin(taint, items);
        written = 'ProcessBuilder.command';
      }
      if (origin) out.push({ source: fn.file.source, node, call: written, origin });
    }
  }
  return out;
}
