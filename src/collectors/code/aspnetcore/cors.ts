/**
 * ASP.NET Core's CORS policies (`AddCors` with `AddPolicy` / `AddDefaultPolicy`, `UseCors`, a `CorsPolicyBuilder`'s
 * `AllowAnyOrigin`, `WithOrigins`, `SetIsOriginAllowed`, `AllowCredentials`), read through the plugin's `csharpCors`
 * section by cors-wildcard-with-credentials and cors-wildcard-on-authenticated-api.
 */
import type { Node } from 'web-tree-sitter';
import { alwaysTrue, delegateTarget, developmentOnly, isCsTestFile, localValue } from '../csharp/flow.js';
import { CsProject, enclosingClass, field, invocationParts, kids, walk, type CsFile } from '../csharp/project.js';
import type { SourceFile } from '../../../engine/context.js';
import type { CsharpCorsPolicy, CsharpCorsProvider, CsharpWildcardPolicy } from '../plugin.js';

/** The policy a builder call belongs to: the `p => …` / `delegate (CorsPolicyBuilder p) {…}` around it, or its own statement. */
function policyScope(call: Node): Node {
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
function chainRoot(node: Node): string {
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
function csharpCorsPolicies(source: SourceFile): CsharpCorsPolicy[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !source.text.includes('SetIsOriginAllowed')) return [];
  const out: CsharpCorsPolicy[] = [];
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

/** The policy a `CorsPolicyBuilder` lambda configures: `UseCors(p => …)` (applied to every request), `AddDefaultPolicy`, or `AddPolicy(name, …)`. */
function policyOwner(scope: Node): { kind: 'use' | 'default' | 'named'; name?: Node } | undefined {
  const call = scope.parent?.type === 'argument' ? scope.parent.parent?.parent : undefined;
  const parts = call ? invocationParts(call) : undefined;
  if (parts?.name === 'UseCors') return { kind: 'use' };
  if (parts?.name === 'AddDefaultPolicy') return { kind: 'default' };
  if (parts?.name === 'AddPolicy' && parts.args[0]) return { kind: 'named', name: parts.args[0] };
  return undefined;
}

/** A policy name: a literal, a class constant, or a local `const string` of top-level statements. */
function policyName(project: CsProject, file: CsFile, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const direct = project.stringValue(node, enclosingClass(project, file, node));
  if (direct !== undefined || node.type !== 'identifier') return direct;
  return project.stringValue(localValue(node.text, node) ?? topLevelConstant(file, node.text));
}

function topLevelConstant(file: CsFile, name: string): Node | undefined {
  let found: Node | undefined;
  walk(file.source.tree.rootNode, (node) => {
    if (found || node.type === 'class_declaration' || node.type === 'method_declaration') return false;
    if (node.type === 'variable_declarator' && kids(node)[0]?.text === name) found = kids(kids(node).find((child) => child.type === 'equals_value_clause') ?? node)[0];
    return true;
  });
  return found;
}

/**
 * ASP.NET Core CORS policies that let every origin read the responses (`AllowAnyOrigin()`, `WithOrigins("*")`,
 * `SetIsOriginAllowed(_ => true)`) without credentials, applied to the whole app: `app.UseCors(p => …)`, the
 * default policy with `app.UseCors()`, or a named policy given to `app.UseCors(name)`.
 */
function csharpWildcardPolicies(sources: readonly SourceFile[]): CsharpWildcardPolicy[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file) && /UseCors|AddCors/.test(source.text));
  if (csharp.length === 0) return [];
  const project = new CsProject(csharp);
  const used = { bare: false, names: new Set<string>() };
  for (const file of project.files) {
    walk(file.source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      if (parts?.name !== 'UseCors' || developmentOnly(file.source, node)) return true;
      if (parts.args.length === 0) used.bare = true;
      const name = policyName(project, file, parts.args[0]);
      if (name !== undefined) used.names.add(name);
      return true;
    });
  }
  const out: CsharpWildcardPolicy[] = [];
  for (const file of project.files) {
    const source = file.source;
    walk(source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      if (!parts) return true;
      const wildcard =
        parts.name === 'AllowAnyOrigin' ||
        (parts.name === 'WithOrigins' && parts.args.some((arg) => arg.text === '"*"')) ||
        (parts.name === 'SetIsOriginAllowed' && alwaysTrue(delegateTarget(parts.args[0], source.tree.rootNode)));
      if (!wildcard || developmentOnly(source, node)) return true;
      const scope = policyScope(node);
      const root = chainRoot(node);
      const policy = { credentials: false };
      walk(scope, (child) => {
        if (invocationParts(child)?.name === 'AllowCredentials' && chainRoot(child) === root) policy.credentials = true;
        return true;
      });
      const owner = policyOwner(scope);
      if (policy.credentials || !owner) return true;
      const name = policyName(project, file, owner.name);
      const applied = owner.kind === 'use' || (owner.kind === 'default' && used.bare) || (name !== undefined && used.names.has(name));
      if (!applied) return true;
      const at = field(field(node, 'function') ?? node, 'name') ?? node;
      out.push({ source, node: at, label: `${parts.name}(${parts.args.map((arg) => arg.text).join(', ').slice(0, 40)})` });
      return true;
    });
  }
  return out;
}

export const aspnetcoreCors: CsharpCorsProvider = {
  wildcardWithCredentials: csharpCorsPolicies,
  wildcardApplied: csharpWildcardPolicies,
};
