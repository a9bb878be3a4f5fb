/**
 * Shell commands built from request data in PHP: `exec`, `shell_exec`, `system`, `passthru`,
 * `popen`, `proc_open` given a command line, backticks, Symfony `Process::fromShellCommandline`, and
 * a framework's command facade given a string (its `phpCommands` section: Laravel's `Process::run` / `start` / `command`, which runs a string through the
 * shell). An argument list (`new Process(['convert', $in, $out])`, `proc_open([...])`,
 * `Process::run([...])`) runs without a shell and is reported only when request data picks the
 * program or is the script of `sh -c`. `escapeshellarg` / `escapeshellcmd` and integer casts make a
 * value safe.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { arrayEntries, field, literalString, walk } from '../../collectors/code/php/ast.js';
import { requestOrigin } from '../../collectors/code/php/requests.js';
import { chainRoot, phpCalls, resolveLocal, scopeName } from '../../collectors/code/php/sinks.js';
import { phpCommandProviders } from '../../collectors/code/plugins.js';

const SHELL_FUNCTIONS = new Set(['exec', 'shell_exec', 'system', 'passthru', 'popen', 'proc_open']);
const SHELLS = /^(\/(usr\/)?bin\/)?(sh|bash|zsh|dash|ksh|cmd|cmd\.exe|powershell|pwsh)$/i;
const SHELL_FLAGS = /^(-c|-lc|\/c|\/k|-Command)$/i;

export interface PhpCommandHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

/** `escapeshellarg($x)`, `escapeshellcmd($x)`: the shell sees one quoted word. */
function shellSafe(node: Node): boolean {
  return node.type === 'function_call_expression' && /^\\?(escapeshellarg|escapeshellcmd)$/.test(field(node, 'function')?.text ?? '');
}

function origin(node: Node): string | undefined {
  return requestOrigin(node, shellSafe);
}

/** An argument list: request data as the program, or as the script of `sh -c`. */
function listOrigin(items: readonly Node[]): string | undefined {
  const program = items[0];
  const texts = items.map((item) => literalString(item));
  if (program && texts[0] === undefined) {
    const found = origin(program);
    if (found) return found;
  }
  if (texts[0] === undefined || !SHELLS.test(texts[0].trim())) return undefined;
  const flag = texts.findIndex((text, index) => index > 0 && text !== undefined && SHELL_FLAGS.test(text.trim()));
  if (flag < 0) return undefined;
  return items.slice(flag + 1).map((item) => origin(item)).find(Boolean);
}

/** A command given as a string (through the shell) or as a list (no shell). */
function commandOrigin(arg: Node, use: Node): string | undefined {
  const value = resolveLocal(arg, use);
  const entries = arrayEntries(value);
  if (entries) return listOrigin(entries.map((entry) => entry.value));
  return origin(arg);
}

export function phpCommandInjections(sources: readonly SourceFile[]): PhpCommandHit[] {
  const out: PhpCommandHit[] = [];
  for (const source of sources) {
    if (source.language !== 'php') continue;
    if (!/exec|system|passthru|popen|proc_open|`|Process/.test(source.text)) continue;
    const root = source.tree.rootNode;
    walk(root, (node) => {
      if (node.type !== 'shell_command_expression') return true;
      const found = origin(node);
      if (found) out.push({ source, node, call: `\`${node.text.slice(1, 40)}\``, origin: found });
      return false;
    });
    // A framework's facade that runs commands (Laravel's `Process`), when the source uses it.
    const facades = phpCommandProviders().filter((provider) => provider.imports.test(source.text));
    for (const call of phpCalls(root)) {
      const first = call.args[0]?.value;
      if (!first) continue;
      let found: string | undefined;
      let written = call.name;
      if (call.kind === 'function' && SHELL_FUNCTIONS.has(call.name)) {
        found = call.name === 'proc_open' ? commandOrigin(first, call.node) : origin(first);
      } else if (call.kind === 'function' && call.name === 'pcntl_exec') {
        found = origin(first);
      } else if (call.kind === 'static' && call.name === 'fromShellCommandline') {
        written = `${scopeName(call)}::fromShellCommandline`;
        found = origin(first);
      } else if (call.kind === 'new' && call.name === 'Process') {
        written = 'new Process';
        // Symfony 4.2+ takes a list; a string (older Symfony) goes through the shell.
        found = commandOrigin(first, call.node);
      } else if ((call.kind === 'static' || call.kind === 'method') && facades.some((facade) => facade.runs.includes(call.name))) {
        const chain = chainRoot(call);
        const facade = facades.find((candidate) => candidate.facade === chain?.root && candidate.runs.includes(call.name));
        if (!chain || !facade) continue;
        written = `${facade.facade}::${chain.links.join('()->')}`;
        found = commandOrigin(first, call.node);
      }
      if (found) out.push({ source, node: call.node, call: written, origin: found });
    }
  }
  return out;
}
