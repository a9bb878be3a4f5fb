/**
 * rack-cors (`Rack::Cors` in Rails' middleware stack or a Rack/Sinatra app): an `allow` block whose
 * `resource` allows credentials while `origins` accepts every origin through a pattern matching everything (`%r{.*}`) or a
 * block that returns true. rack-cors answers such a request with the caller's own origin, so any
 * site can read credentialed responses. `origins "*"` with `credentials: true` is not reported:
 * rack-cors refuses to start with it (CorsMisconfigurationError).
 */
import type { SourceFile } from '../../engine/context.js';
import type { Node } from '../../parsing/parser.js';
import { blockStatements, callArgs, callName, field, kids, walk } from '../../collectors/code/ruby/ast.js';
import { judgeOriginRegex } from '../../analysis/code-transport.js';

export interface RackCorsGap {
  source: SourceFile;
  node: Node;
  kind: 'regex' | 'block';
  pattern: string;
  label: string;
}

function credentialed(resource: Node): boolean {
  return callArgs(resource).options.get('credentials')?.type === 'true';
}

/** A block (`{ |source, env| true }`) whose only statement is `true`. */
function alwaysTrue(block: Node): boolean {
  const statements = blockStatements(block).filter((statement) => statement.type !== 'block_parameters');
  return statements.length === 1 && statements[0]?.type === 'true';
}

export function rackCorsGaps(sources: readonly SourceFile[]): RackCorsGap[] {
  const out: RackCorsGap[] = [];
  for (const source of sources) {
    if (source.language !== 'ruby' || !/\bRack::Cors\b/.test(source.text) || /(^|\/)config\/environments\/(development|test)\.rb$/.test(source.file)) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'call' || callName(node) !== 'allow' || field(node, 'receiver')) return true;
      const block = callArgs(node).block;
      if (!block) return true;
      const statements = blockStatements(block).filter((statement) => statement.type === 'call');
      if (!statements.some((statement) => callName(statement) === 'resource' && credentialed(statement))) return true;
      for (const origins of statements.filter((statement) => callName(statement) === 'origins')) {
        const args = callArgs(origins);
        for (const arg of args.positional) {
          if (arg.type !== 'regex') continue;
          const pattern = kids(arg).map((part) => part.text).join('');
          const flags = /\/([a-z]*)$/.exec(arg.text)?.[1] ?? '';
          if (judgeOriginRegex(pattern, flags, 'search')?.kind === 'any') out.push({ source, node: origins, kind: 'regex', pattern: arg.text, label: `rack-cors ${origins.text.split('\n')[0] ?? ''}` });
        }
        if (args.block && alwaysTrue(args.block)) out.push({ source, node: origins, kind: 'block', pattern: '', label: `rack-cors ${origins.text.split('\n')[0] ?? ''}` });
      }
      return true;
    });
  }
  return out;
}
