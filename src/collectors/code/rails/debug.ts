/**
 * Rails' developer exception page in a deployed environment: `config.consider_all_requests_local = true` in
 * an environment file other than the local ones (`config/environments/production.rb`, `staging.rb` …).
 * Read by debug-mode-enabled through the plugin's `debug` section.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { DebugModeProvider, FrameworkFinding } from '../plugin.js';
import { field, walk } from '../ruby/ast.js';

/** `config/environments/production.rb`, `staging.rb` …: every environment file but the local ones. */
export const DEPLOYED_ENVIRONMENT = /(^|\/)config\/environments\/(?!(?:development|test|dev|local|ci|cucumber)\.rb$)[\w-]+\.rb$/;

export const railsDebug: DebugModeProvider = {
  messages: {
    railsLocal: '`{{expression}}` in {{file}} makes Rails answer every error with the developer exception page (stack trace, source, request and environment).',
  },
  settings(ctx: CheckContext): FrameworkFinding[] {
    const out: FrameworkFinding[] = [];
    for (const source of ctx.sources) {
      if (source.language !== 'ruby' || !DEPLOYED_ENVIRONMENT.test(source.file)) continue;
      walk(source.tree.rootNode, (node) => {
        if (node.type !== 'assignment') return true;
        const left = field(node, 'left')?.text.replace(/\s+/g, '') ?? '';
        if (/(^|\.)consider_all_requests_local$/.test(left) && field(node, 'right')?.type === 'true') {
          out.push({ messageId: 'railsLocal', data: { expression: node.text.split('\n')[0] ?? '', file: source.file }, source, node });
        }
        return false;
      });
    }
    return out;
  },
};
