import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { stringLiteral } from '../../collectors/code/go/ast.js';
import { goTaintedSinks, taintedFor, type GoCall, type GoFunctionTaint, type GoSinkHit } from '../../analysis/go-taint.js';

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|zsh|dash|ash|ksh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$/;

/**
 * `exec.Command("sh", "-c", script)` with request data in the script, or a program name taken from
 * the request. A fixed program with request data as separate arguments (`exec.Command("git",
 * "clone", "--", url)`) runs no shell and is not reported.
 */
function match(call: GoCall, taint: GoFunctionTaint): Node[] | undefined {
  if (call.callee !== 'os/exec.Command' && call.callee !== 'os/exec.CommandContext') return undefined;
  const args = call.callee === 'os/exec.Command' ? call.args : call.args.slice(1);
  const [program, ...rest] = args;
  if (!program) return undefined;
  const name = stringLiteral(program);
  if (name === undefined) return taintedFor(taint, 'command', [program]);
  if (!SHELLS.test(name)) return undefined;
  const flag = rest.findIndex((arg) => /^(?:-c|\/c|\/C|-Command|-command)$/.test(stringLiteral(arg) ?? ''));
  if (flag < 0) {
    // `exec.Command("sh", args...)` with a spread list built from request data.
    const spread = rest.find((arg) => arg.nextSibling?.type === '...');
    return spread ? taintedFor(taint, 'command', [spread]) : undefined;
  }
  return taintedFor(taint, 'command', [rest[flag + 1]]);
}

export function goCommandInjections(sources: readonly SourceFile[]): GoSinkHit[] {
  return goTaintedSinks(sources, match, { kind: 'command' });
}
