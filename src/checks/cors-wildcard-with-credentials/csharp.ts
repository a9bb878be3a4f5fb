import type { Node } from 'web-tree-sitter';
import { alwaysTrue, delegateTarget, developmentOnly, isCsTestFile } from '../../collectors/code/csharp/flow.js';
import { field, invocationParts, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';

export interface CsCorsPolicy {
  node: Node;
  label: string;
  snippet: string;
}

/** The policy a builder call belongs to: the `p => …` / `delegate (CorsPolicyBuilder p) {…}` around it, or its own statement. */
export function policyScope(call: Node): Node {
  let top = call;
  for (let current = call.parent; current; current = current.parent) {
    if (current.type === 'lambda_expression' || current.type === 'anonymous_method_expression') return current;
    if (current.type === 'block' && (current.parent?.type === 'lambda_expression' || current.parent?.type === 'anonymous_method_expression')) return current.parent;
    if (current.type === 'block' || current.type === 'method_declaration' || current.type === 'compilation_unit') return top;
    top = current;
  }
  return top;
}

/** The variable a builder chain starts from (`policy` in `policy.A().B()`). */
export function chainRoot(node: Node): string {
  let current: Node | undefined = node;
  while (current) {
    const parts = invocationParts(current);
    if (parts) current = parts.receiver;
    else if (current.type === 'member_access_expression') current = field(current, 'expression');
    else return current.text;
  }
  return '';
}

/**
 * ASP.NET Core CORS policies that echo any origin back with `Access-Control-Allow-Credentials: true`:
 * `SetIsOriginAllowed(_ => true)` with `AllowCredentials()`. `AllowAnyOrigin()` (or `WithOrigins("*")`)
 * with `AllowCredentials()` is not one: CorsPolicyBuilder.Build() throws on it, so the app never serves it.
 */
export function csharpCorsPolicies(source: SourceFile): CsCorsPolicy[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !source.text.includes('SetIsOriginAllowed')) return [];
  const out: CsCorsPolicy[] = [];
  walk(source.tree.rootNode, (node) => {
    const parts = invocationParts(node);
    if (parts?.name !== 'SetIsOriginAllowed' || !alwaysTrue(delegateTarget(parts.args[0], source.tree.rootNode))) return true;
    const root = chainRoot(node);
    const policy = { credentials: false };
    walk(policyScope(node), (child) => {
      const name = invocationParts(child)?.name;
      if ((name === 'AllowCredentials' || name === 'DisallowCredentials') && chainRoot(child) === root) policy.credentials = name === 'AllowCredentials';
      return true;
    });
    const at = field(field(node, 'function') ?? node, 'name') ?? node;
    const written = `SetIsOriginAllowed(${parts.args[0]?.text.replace(/\s+/g, ' ') ?? ''})`;
    if (policy.credentials && !developmentOnly(source, node)) out.push({ node: at, snippet: source.text.split('\n')[at.startPosition.row]?.trim() ?? at.text, label: `${written.length > 70 ? 'SetIsOriginAllowed(…)' : written}.AllowCredentials()` });
    return true;
  });
  return out;
}
