import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { developmentOnly, enclosingFunction, isCsTestFile, localValue } from '../csharp/flow.js';
import { field, invocationParts, kids, typeName, walk } from '../csharp/project.js';

/** JWT bearer validation settings written in ASP.NET Core code (`TokenValidationParameters`). */

export interface TokenSetting {
  /** `ValidateAudience`, `ValidateLifetime`, `RequireSignedTokens`, `SignatureValidator` … */
  property: string;
  value: Node;
  /** The assignment, for the report. */
  node: Node;
  /** One `TokenValidationParameters` object: its `new` expression, or the function configuring `options.TokenValidationParameters`. */
  owner: Node;
  /**
   * The parameters configure the authentication handler (`options.TokenValidationParameters`), rather than a
   * `handler.ValidateToken(token, parameters, out _)` call of the code's own (reading an expired token to refresh it).
   */
  handler: boolean;
}

/** `x.TokenValidationParameters = value` or `TokenValidationParameters = value` in an options initializer. */
function assignedToOptions(value: Node): boolean {
  const parent = value.parent;
  if (parent?.type !== 'assignment_expression' || field(parent, 'right')?.id !== value.id) return false;
  const left = field(parent, 'left');
  return (left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text) === 'TokenValidationParameters';
}

/** True when a `new TokenValidationParameters` (or the local holding it) ends up in the handler's options, not in a `ValidateToken` call. */
function configuresHandler(creation: Node): boolean {
  if (assignedToOptions(creation)) return true;
  const declarator = creation.parent?.type === 'equals_value_clause' ? creation.parent.parent : undefined;
  const name = declarator?.type === 'variable_declarator' ? kids(declarator)[0]?.text : undefined;
  const fn = enclosingFunction(creation);
  if (!name || !fn) {
    // A factory method's `return new TokenValidationParameters { … }`, or an argument: used wherever it is called.
    return !(creation.parent?.type === 'argument' && /ValidateToken/.test(creation.parent.parent?.parent?.text.slice(0, 200) ?? ''));
  }
  const use = { handler: false, validated: false };
  walk(fn, (node) => {
    if (node.type === 'identifier' && node.text === name && node.startIndex > creation.startIndex) {
      if (assignedToOptions(node)) use.handler = true;
      const call = node.parent?.type === 'argument' ? node.parent.parent?.parent : undefined;
      const parts = call ? invocationParts(call) : undefined;
      if (parts && /^ValidateToken(?:Async)?$/.test(parts.name)) use.validated = true;
      else if (parts || node.parent?.type === 'return_statement' || node.parent?.type === 'arrow_expression_clause') use.handler = true;
    }
    return true;
  });
  return use.handler || !use.validated;
}

function isParametersObject(node: Node | undefined, use: Node): boolean {
  if (!node) return false;
  if (node.type === 'member_access_expression') return field(node, 'name')?.text === 'TokenValidationParameters';
  if (node.type === 'identifier') {
    const value = localValue(node.text, use);
    return value?.type === 'object_creation_expression' && typeName(field(value, 'type')?.text ?? '') === 'TokenValidationParameters';
  }
  return false;
}

/** Every `TokenValidationParameters` property set in the file, outside tests and development-only branches. */
export function tokenSettings(source: SourceFile): TokenSetting[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !source.text.includes('TokenValidationParameters')) return [];
  const out: TokenSetting[] = [];
  walk(source.tree.rootNode, (node) => {
    if (node.type === 'object_creation_expression' && typeName(field(node, 'type')?.text ?? '') === 'TokenValidationParameters') {
      const initializer = kids(node).find((child) => child.type === 'initializer_expression');
      for (const assignment of initializer ? kids(initializer).filter((child) => child.type === 'assignment_expression') : []) {
        const property = field(assignment, 'left')?.text;
        const value = field(assignment, 'right');
        if (property && value && !developmentOnly(source, assignment)) out.push({ property, value, node: assignment, owner: node, handler: configuresHandler(node) });
      }
      return true;
    }
    if (node.type === 'assignment_expression') {
      const left = field(node, 'left');
      const value = field(node, 'right');
      if (left?.type !== 'member_access_expression' || !value) return true;
      const property = field(left, 'name')?.text;
      if (!property || !isParametersObject(field(left, 'expression'), node) || developmentOnly(source, node)) return true;
      const target = field(left, 'expression');
      const creation = target?.type === 'identifier' ? localValue(target.text, node) : undefined;
      const owner = creation ?? enclosingFunction(node) ?? node;
      out.push({ property, value, node, owner, handler: creation ? configuresHandler(creation) : true });
    }
    return true;
  });
  return out;
}

/** True when a literal `false` (not an expression that depends on the environment). */
export function isFalse(node: Node): boolean {
  return node.type === 'boolean_literal' && node.text === 'false';
}

/**
 * A `SignatureValidator` that hands the token back without checking it: `(token, _) => new JwtSecurityToken(token)`,
 * `new JsonWebToken(token)`, `handler.ReadJwtToken(token)`.
 */
export function skipsSignature(value: Node): boolean {
  if (value.type !== 'lambda_expression' && value.type !== 'anonymous_method_expression') return false;
  const body = field(value, 'body') ?? kids(value).pop();
  if (!body) return false;
  const results: Node[] = [];
  if (body.type === 'block') {
    walk(body, (node) => {
      if (node.type === 'return_statement' && kids(node)[0]) results.push(kids(node)[0] as Node);
      return node.type !== 'lambda_expression';
    });
  } else results.push(body);
  const parsesOnly = (result: Node): boolean => {
    if (result.type === 'object_creation_expression') return /^(?:JwtSecurityToken|JsonWebToken)$/.test(typeName(field(result, 'type')?.text ?? ''));
    const parts = invocationParts(result);
    return parts !== undefined && /^(?:ReadJwtToken|ReadToken|ReadJsonWebToken)$/.test(parts.name);
  };
  return results.length > 0 && results.every((result) => parsesOnly(result) || (result.type === 'identifier' && body.type === 'block' && parsesOnly(localValue(result.text, result) ?? result)));
}
