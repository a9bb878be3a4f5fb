import type { Node } from 'web-tree-sitter';
import { parentOf } from '../../../parsing/tree-index.js';
import { callArgs, callee, descendants, field, isFunction, named, parameterNames, unwrap } from './ast.js';
import type { JsModule, ModuleGraph } from './modules.js';

/** Calls that only convert a value: `Boolean(process.env.X)`, `Number(config.limit)`. */
const CONVERSIONS: ReadonlySet<string> = new Set(['Boolean', 'Number', 'String', 'parseInt', 'parseFloat', 'JSON.parse']);
/** Packages whose default export is the application's configuration (node-config, nconf, convict). */
const CONFIG_PACKAGES: ReadonlySet<string> = new Set(['config', 'nconf', 'convict']);
const LITERALS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'undefined', 'number', 'string']);
const DECLARATORS: ReadonlySet<string> = new Set(['variable_declarator']);
const ASSIGNMENTS: ReadonlySet<string> = new Set(['assignment_expression', 'augmented_assignment_expression', 'update_expression']);
const PATTERN_NAMES: ReadonlySet<string> = new Set(['identifier', 'shorthand_property_identifier_pattern']);

/** The names a function binds: its parameters, its body's declarators (in document order) and the names its body assigns again. */
interface FunctionNames {
  parameters: Set<string>;
  body?: { declarators: Map<string, Node[]>; reassigned: Set<string> };
}

/**
 * Conditions on configuration rather than on the request: a check that runs only when such a condition holds
 * (`if (config.privateMode) { if (!req.user) return res.status(401)… }`, `if (process.env.X === 'true' && !user) throw …`)
 * leaves requests through on the deployments where it does not. Configuration is what a condition can read without
 * the request: literals, `process.env`, `import.meta.env`, module-level values of the workspace (settings objects,
 * constants) and packages that load configuration; a parameter, a local derived from one, or a call of anything
 * but a configuration getter is not.
 */
export class ConfigurationReader {
  constructor(private readonly graph: ModuleGraph) {}

  /** Whether `expression` reads configuration only. */
  only(module: JsModule, expression: Node, depth = 0): boolean {
    if (depth > 6) return false;
    const current = unwrap(expression);
    if (LITERALS.has(current.type)) return true;
    switch (current.type) {
      case 'template_string':
        return named(current).every((part) => part.type !== 'template_substitution' || named(part).every((inner) => this.only(module, inner, depth + 1)));
      case 'unary_expression': {
        const argument = field(current, 'argument');
        return argument !== undefined && this.only(module, argument, depth + 1);
      }
      case 'binary_expression': {
        const left = field(current, 'left');
        const right = field(current, 'right');
        return left !== undefined && right !== undefined && this.only(module, left, depth + 1) && this.only(module, right, depth + 1);
      }
      case 'ternary_expression':
        return ['condition', 'consequence', 'alternative'].every((name) => {
          const part = field(current, name);
          return part !== undefined && this.only(module, part, depth + 1);
        });
      case 'identifier':
      case 'member_expression':
      case 'subscript_expression':
        return this.reference(module, current, depth);
      case 'call_expression': {
        const fn = callee(current);
        if (!fn || !callArgs(current).every((arg) => this.only(module, arg, depth + 1))) return false;
        if (CONVERSIONS.has(fn.text)) return true;
        // `config.get('auth.required')`, `settings.has('x')`: a getter of a configuration object.
        if (fn.type === 'member_expression' && /^(?:get|has|isEnabled|enabled)$/.test(field(fn, 'property')?.text ?? '')) {
          const object = field(fn, 'object');
          return object !== undefined && this.only(module, object, depth + 1);
        }
        return false;
      }
      default:
        return false;
    }
  }

  /** An identifier or member chain: configuration when its root is `process.env`, a configuration package or a module-level value. */
  private reference(module: JsModule, node: Node, depth: number): boolean {
    if (/^(?:process\.env|import\.meta\.env)\b/.test(node.text.replace(/\s+/g, ''))) return true;
    let root = node;
    while (root.type === 'member_expression' || root.type === 'subscript_expression') {
      if (root.type === 'subscript_expression') {
        const index = field(root, 'index');
        if (index && !this.only(module, index, depth + 1)) return false;
      }
      const object = field(root, 'object');
      if (!object) return false;
      root = unwrap(object);
    }
    if (root.type !== 'identifier') return false;
    const local = this.local(root);
    if (local === null) return false;
    if (local !== undefined) return this.only(module, local, depth + 1);
    const resolved = this.graph.resolve(module, root);
    switch (resolved.kind) {
      case 'external':
        return resolved.path.length === 0 && CONFIG_PACKAGES.has(resolved.specifier);
      case 'namespace':
        return true;
      case 'unresolved':
        return false;
      case 'node': {
        const value = unwrap(resolved.node);
        if (isFunction(value) || value.type === 'class' || value.type === 'class_declaration' || value.type === 'function_declaration') return false;
        // A module-level value is fixed when the process starts: a settings object, a flag read from the environment.
        return enclosingFunction(resolved.node) === undefined;
      }
    }
  }

  private readonly scopes = new WeakMap<Node['tree'], Map<number, FunctionNames>>();

  /** A function's parameter names, and its body's declarators and reassigned names by name: read once per function, not once per name looked up. */
  private scopeOf(fn: Node): FunctionNames {
    let byId = this.scopes.get(fn.tree);
    if (!byId) this.scopes.set(fn.tree, (byId = new Map<number, FunctionNames>()));
    const known = byId.get(fn.id);
    if (known) return known;
    const parameters = new Set<string>();
    for (const name of parameterNames(fn)) if (name !== undefined) parameters.add(name);
    const params = field(fn, 'parameters') ?? field(fn, 'parameter');
    if (params) for (const id of descendants(params, PATTERN_NAMES)) parameters.add(id.text);
    const body = field(fn, 'body');
    const scope: FunctionNames = { parameters };
    if (body) {
      const declarators = new Map<string, Node[]>();
      for (const declarator of descendants(body, DECLARATORS)) {
        const name = field(declarator, 'name');
        if (!name) continue;
        const names = name.type === 'identifier' ? [name.text] : new Set(descendants(name, PATTERN_NAMES).map((id) => id.text));
        for (const written of names) {
          const list = declarators.get(written);
          if (list) list.push(declarator);
          else declarators.set(written, [declarator]);
        }
      }
      const reassigned = new Set<string>();
      for (const assignment of descendants(body, ASSIGNMENTS)) {
        const left = field(assignment, 'left');
        if (left !== undefined && unwrap(left).type === 'identifier') reassigned.add(unwrap(left).text);
      }
      scope.body = { declarators, reassigned };
    }
    byId.set(fn.id, scope);
    return scope;
  }

  /**
   * What a name means inside the function around `identifier`: `null` for a parameter (request data), the value it
   * was declared with for a local, undefined when no enclosing function declares it (a module-level name).
   */
  private local(identifier: Node): Node | null | undefined {
    const written = identifier.text;
    for (let fn = enclosingFunction(identifier); fn; fn = enclosingFunction(fn)) {
      const scope = this.scopeOf(fn);
      if (scope.parameters.has(written)) return null;
      if (!scope.body) continue;
      const declarators = scope.body.declarators.get(written) ?? [];
      if (declarators.length === 0) continue;
      // `let auth = null; … auth = await checkAuth(req)`: a local assigned again holds what the request brought.
      if (scope.body.reassigned.has(written)) return null;
      const only = declarators[0];
      const name = only ? field(only, 'name') : undefined;
      const value = only ? field(only, 'value') : undefined;
      return declarators.length === 1 && name?.type === 'identifier' && value ? value : null;
    }
    return undefined;
  }

  /**
   * The configuration condition under which `node` runs inside `scope`: the nearest `if`, ternary or `&&`/`||`
   * operand between them that is configuration only (or, on the side where it holds, a conjunction with such a part).
   */
  gate(module: JsModule, node: Node, scope: Node): string | undefined {
    let child = node;
    for (let up = parentOf(node); up && child.id !== scope.id; child = up, up = parentOf(up)) {
      let condition: Node | undefined;
      let when = true;
      if (up.type === 'if_statement' || up.type === 'ternary_expression') {
        condition = field(up, 'condition');
        const alternative = field(up, 'alternative');
        if (child.id === condition?.id) continue;
        when = !(alternative !== undefined && child.id === alternative.id);
      } else if (up.type === 'binary_expression') {
        const operator = field(up, 'operator')?.text;
        const right = field(up, 'right');
        if ((operator !== '&&' && operator !== '||') || child.id !== right?.id) continue;
        condition = field(up, 'left');
        when = operator === '&&';
      }
      const found = condition ? this.gating(module, condition, when) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** `condition` (or a part of it that must hold for it to be `when`) reads configuration only. */
  gating(module: JsModule, condition: Node, when: boolean): string | undefined {
    const current = unwrap(condition);
    if (this.only(module, current)) return current.text;
    if (current.type === 'unary_expression' && current.children[0]?.type === '!') {
      const argument = field(current, 'argument');
      return argument ? this.gating(module, argument, !when) : undefined;
    }
    if (current.type !== 'binary_expression') return undefined;
    const operator = field(current, 'operator')?.text;
    if ((operator === '&&' && when) || (operator === '||' && !when)) {
      const left = field(current, 'left');
      const right = field(current, 'right');
      return (left ? this.gating(module, left, when) : undefined) ?? (right ? this.gating(module, right, when) : undefined);
    }
    return undefined;
  }
}

function enclosingFunction(node: Node): Node | undefined {
  for (let up = parentOf(node); up; up = parentOf(up)) {
    if (isFunction(up) || up.type === 'function_declaration' || up.type === 'method_definition' || up.type === 'generator_function_declaration') return up;
  }
  return undefined;
}
