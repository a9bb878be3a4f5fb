/**
 * Language-generic helpers of the debug-mode analysis, shared by the check (src/checks/debug-mode-enabled)
 * and the frameworks' `debug` sections (src/collectors/code/<framework>/debug.ts).
 */
import type { Node } from 'web-tree-sitter';
import { resolveValue } from './code-auth.js';
import { literalValue, stringValue } from './code.js';
import type { SourceFile } from '../engine/context.js';
import { parentOf } from '../parsing/tree-index.js';

const ENV_GUARD = /NODE_ENV|process\.env|environ|getenv|ENV\b|ENVIRONMENT|is_?dev|isDev|isDevelopment|development|DEBUG/i;

/** True when an `if` around the node consults the environment (a development-only branch). */
export function guarded(node: Node): boolean {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'if_statement') {
      const condition = current.childForFieldName('condition');
      if (condition && ENV_GUARD.test(condition.text) && !/__name__/.test(condition.text)) return true;
    }
    if (current.type === 'ternary_expression' || current.type === 'conditional_expression' || current.type === 'binary_expression' && /&&/.test(current.text.slice(0, 200))) {
      if (ENV_GUARD.test(current.text.slice(0, 200))) return true;
    }
  }
  return false;
}

/** True when a server's host argument (absent: the development server's default) is a loopback address. */
export function listensOnLoopback(source: SourceFile, host: Node | undefined): boolean {
  if (!host) return true;
  const value = stringValue(resolveValue(source, host));
  return value !== undefined && /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(value);
}

/** True when the node is (or resolves to) the literal `true` / `True`. */
export function isTrue(source: SourceFile, node: Node | undefined): boolean {
  return literalValue(resolveValue(source, node)) === true;
}
