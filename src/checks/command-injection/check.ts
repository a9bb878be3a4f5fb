import type { Node } from 'web-tree-sitter';
import { at, isPython, objectOf, resolveValue } from '../../analysis/code-auth.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import { callAt, hitData, taintedSinks, type SinkMatch } from '../../analysis/code-input.js';
import { callSiteAt, factsOf, literalValue, propertyOf, type CallSite } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { goCommandInjections } from './go.js';
import { javaCommandInjections } from './java.js';
import { kotlinCommandInjections } from './kotlin.js';
import { phpCommandInjections } from './php.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { goSite } from '../../analysis/go-taint.js';

const PY_SHELL_ALWAYS = /^(os\.system|os\.popen|os\.popen2|os\.popen3|subprocess\.getoutput|subprocess\.getstatusoutput|commands\.getoutput|asyncio\.create_subprocess_shell|pty\.spawn)$/;
const PY_SUBPROCESS = /^subprocess\.(run|call|check_call|check_output|Popen)$/;
const JS_SHELL_ALWAYS = /^(node:)?child_process\.(exec|execSync)$|^shelljs\.exec$|^execa\.(command|commandSync|execaCommand|execaCommandSync)$/;
const JS_SPAWN = /^(node:)?child_process\.(spawn|spawnSync|execFile|execFileSync)$/;

/** `const run = promisify(exec)` / `util.promisify(child_process.exec)`: the wrapped callee. */
function promisified(source: SourceFile, call: CallSite): string | undefined {
  const fn = call.node.childForFieldName('function');
  if (fn?.type !== 'identifier') return undefined;
  const value = resolveValue(source, fn);
  if (!value || value.id === fn.id || value.type !== 'call_expression') return undefined;
  const inner = callSiteAt(source, value);
  if (!inner || !/(^|\.)promisify$/.test(inner.callee)) return undefined;
  const wrapped = inner.args[0];
  const facts = factsOf(source);
  const name = wrapped ? (facts.imports.get(wrapped.text) ?? wrapped.text) : '';
  return name;
}

function shellOption(source: SourceFile, node: Node | undefined): boolean {
  const options = objectOf(source, node);
  const shell = propertyOf(options, 'shell');
  return shell !== undefined && literalValue(resolveValue(source, shell)) !== false;
}

function match(source: SourceFile, call: CallSite): SinkMatch | undefined {
  const first = call.args[0] ?? call.kwargs.get('args') ?? call.kwargs.get('cmd') ?? call.kwargs.get('command');
  if (!first) return undefined;
  if (isPython(source)) {
    if (PY_SHELL_ALWAYS.test(call.callee)) return { args: [first], what: call.written };
    if (PY_SUBPROCESS.test(call.callee) && literalValue(resolveValue(source, call.kwargs.get('shell'))) === true) return { args: [first], what: call.written };
    return undefined;
  }
  const callee = promisified(source, call) ?? call.callee;
  if (JS_SHELL_ALWAYS.test(callee)) return { args: [first], what: call.written };
  if (JS_SPAWN.test(callee)) {
    const options = call.args.find((arg, index) => index > 0 && objectOf(source, arg) !== undefined);
    if (shellOption(source, options)) return { args: call.args.slice(0, 2), what: call.written };
  }
  return undefined;
}

export default defineCheck({
  id: 'command-injection',
  title: 'Shell command built from request data',
  owasp: 'API8:2023',
  cwe: ['CWE-78'],
  severity: 'critical',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A command line that passes through a shell interprets `;`, `&&`, `$()` and backticks, so request data in it lets a caller run any program with the service\'s privileges.',
  remediation:
    'Run the program without a shell and pass arguments as a list: `subprocess.run(["convert", name, out], check=True)` (no `shell=True`), Node `execFile("convert", [name, out])` or `spawn(cmd, args)` without `shell: true`; validate arguments against an allowlist and put `--` before user-supplied file names; PHP: Symfony `new Process([\'convert\', $in, $out])` or Laravel `Process::run([\'git\', \'log\', $ref])` (a list, no shell) instead of `shell_exec` / `Process::fromShellCommandline`, and `escapeshellarg()` around every value a command string must carry.',
  messages: {
    direct: '`{{call}}` runs a shell command built from request data (`{{origin}}`).',
    wrapper: '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which runs it in a shell with `{{sink}}` at {{file}}:{{line}}.',
  },
  run(ctx, report) {
    for (const hit of taintedSinks(ctx, { kind: 'command', match })) {
      report({ messageId: hit.via ? 'wrapper' : 'direct', data: hitData(hit), ...callAt(ctx, hit.source, hit.call) });
    }
    for (const hit of goCommandInjections(ctx.sources)) {
      const data = { call: hit.written, origin: hit.origin };
      if (!hit.via) report({ messageId: 'direct', data, ...goSite(ctx, hit.source, hit.call) });
      else {
        const sink = { wrapper: hit.via.wrapper, sink: hit.via.sinkWritten, file: hit.via.source.file, line: hit.via.sink.startPosition.row + 1 };
        report({ messageId: 'wrapper', data: { ...data, ...sink }, ...goSite(ctx, hit.source, hit.call), confidence: 'medium' });
      }
    }
    for (const hit of javaCommandInjections(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.snippet) });
    }
    for (const hit of kotlinCommandInjections(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0] ?? '') });
    }
    for (const hit of phpCommandInjections(ctx.sources)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...at(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node)) });
    }
  },
});
