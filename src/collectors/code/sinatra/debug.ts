/**
 * Sinatra's exception page outside development: `set :show_exceptions, true` / `enable :show_exceptions`
 * outside a `configure :development` block (or `if development?`). Read by debug-mode-enabled through the
 * plugin's `debug` section.
 */
import type { Node } from '../../../parsing/parser.js';
import type { CheckContext } from '../../../engine/context.js';
import type { DebugModeProvider, FrameworkFinding } from '../plugin.js';
import { callArgs, field, literal, walk } from '../ruby/ast.js';
import { DEPLOYED_ENVIRONMENT } from '../rails/debug.js';

/** Inside `configure :development do … end` (or `:test`), or `if development?` / `if Rails.env.development?`. */
function developmentOnly(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'call' && field(up, 'method')?.text === 'configure') {
      const envs = callArgs(up).positional.map((arg) => literal(arg));
      if (envs.length > 0 && envs.every((env) => env === 'development' || env === 'test')) return true;
    }
    if ((up.type === 'if' || up.type === 'if_modifier') && /\b(development\?|Rails\.env\.(development|test)\?|local\?)/.test(field(up, 'condition')?.text ?? '')) return true;
  }
  return false;
}

export const sinatraDebug: DebugModeProvider = {
  messages: {
    sinatraShowExceptions: '`{{expression}}` makes Sinatra answer errors with its exception page (backtrace, environment) outside development.',
  },
  settings(ctx: CheckContext): FrameworkFinding[] {
    const out: FrameworkFinding[] = [];
    for (const source of ctx.sources) {
      if (source.language !== 'ruby' || !/show_exceptions/.test(source.text)) continue;
      // A deployed Rails environment file's assignments are Rails settings (rails/debug.ts), not read for calls.
      const railsEnvironment = DEPLOYED_ENVIRONMENT.test(source.file);
      walk(source.tree.rootNode, (node) => {
        if (railsEnvironment && node.type === 'assignment') return false;
        if (node.type === 'call' && !field(node, 'receiver')) {
          const method = field(node, 'method')?.text;
          const args = callArgs(node).positional;
          const name = literal(args[0]);
          const on = (method === 'set' && name === 'show_exceptions' && args[1]?.type === 'true') || (method === 'enable' && args.some((arg) => literal(arg) === 'show_exceptions'));
          if (on && !developmentOnly(node)) out.push({ messageId: 'sinatraShowExceptions', data: { expression: node.text.split('\n')[0] ?? '', file: source.file }, source, node });
        }
        return true;
      });
    }
    return out;
  },
};
