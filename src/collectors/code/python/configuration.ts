import type { Node } from '../../../parsing/parser.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { callArgs, calleeName, field, kids, paramsOf, unwrap } from './ast.js';
import type { PyIndex, PyModule } from './project.js';

const LITERALS: ReadonlySet<string> = new Set(['true', 'false', 'none', 'integer', 'float']);
/** Calls that only convert a value: `bool(os.environ.get("X"))`. */
const CONVERSIONS: ReadonlySet<string> = new Set(['bool', 'int', 'str', 'float']);
/** Where a library keeps the process's configuration (read from a setting name, never from the request). */
const EXTERNAL_CONFIG = /^(?:django\.conf\.settings|os\.environ|os\.getenv|flask\.current_app\.config|decouple\.config|environ\.Env)\b/;

/**
 * Conditions on configuration rather than on the request (the Python side of js/configuration.ts): a guard that
 * runs only when such a condition holds (`if settings.PRIVATE_MODE: if not user.is_authenticated: raise …`)
 * lets anonymous requests through on the deployments configured otherwise. Configuration is what a condition can
 * read without the request: literals, `django.conf.settings`, `os.environ`, `current_app.config`, module-level
 * values of the project (settings objects, constants) and class attributes; a parameter, a local that is not
 * itself configuration, or a call other than a getter of configuration is not.
 */
export function readsConfigurationOnly(index: PyIndex, module: PyModule, expression: Node, depth = 0): boolean {
  if (depth > 6) return false;
  const current = unwrap(expression);
  if (LITERALS.has(current.type)) return true;
  switch (current.type) {
    case 'string':
      return !current.namedChildren.some((child) => child?.type === 'interpolation');
    case 'not_operator': {
      const argument = field(current, 'argument');
      return argument !== undefined && readsConfigurationOnly(index, module, argument, depth + 1);
    }
    case 'boolean_operator':
    case 'comparison_operator':
      return kids(current).every((child) => readsConfigurationOnly(index, module, child, depth + 1));
    case 'identifier':
    case 'attribute':
    case 'subscript':
      return reference(index, module, current, depth);
    case 'call': {
      const fn = field(current, 'function');
      const args = callArgs(current);
      if (!fn || ![...args.positional, ...args.keywords.values()].every((arg) => readsConfigurationOnly(index, module, arg, depth + 1))) return false;
      const name = calleeName(current) ?? '';
      if (CONVERSIONS.has(name)) return true;
      if (name === 'getattr') {
        const target = args.positional[0];
        return target !== undefined && readsConfigurationOnly(index, module, target, depth + 1);
      }
      // `os.environ.get("X")`, `current_app.config.get("X")`, `settings.FEATURES.get("x")`: a getter of configuration.
      if (fn.type === 'attribute' && field(fn, 'attribute')?.text === 'get') {
        const object = field(fn, 'object');
        return object !== undefined && readsConfigurationOnly(index, module, object, depth + 1);
      }
      const resolved = index.resolveExpr(module, fn);
      return resolved?.kind === 'external' && EXTERNAL_CONFIG.test(resolved.qualified);
    }
    default:
      return false;
  }
}

function reference(index: PyIndex, module: PyModule, node: Node, depth: number): boolean {
  let root = node;
  while (root.type === 'attribute' || root.type === 'subscript') {
    if (root.type === 'subscript') {
      const key = field(root, 'subscript');
      if (key && !readsConfigurationOnly(index, module, key, depth + 1)) return false;
    }
    const object = field(root, root.type === 'attribute' ? 'object' : 'value');
    if (!object) return false;
    root = unwrap(object);
  }
  if (root.type !== 'identifier') return false;
  const local = localValue(root);
  if (local === null) return false;
  if (local !== undefined) return readsConfigurationOnly(index, module, local, depth + 1);
  const whole = node.type === 'subscript' ? undefined : index.resolveExpr(module, node);
  const resolved = whole ?? index.resolveExpr(module, root);
  if (!resolved) return false;
  switch (resolved.kind) {
    case 'external':
      return EXTERNAL_CONFIG.test(resolved.qualified);
    case 'module':
      return true;
    case 'def':
      return resolved.node.type === 'class_definition' && resolved !== whole;
    case 'value': {
      // A module-level value or class attribute is fixed when the process starts; a werkzeug proxy is per request.
      return !/\bLocalProxy\b|\brequest\b/.test(unwrap(resolved.node).text);
    }
  }
}

/**
 * What a name means inside the function around `identifier`: `null` for a parameter or a name bound more than once
 * (request data, or something apisec does not follow), the single value assigned to a local, undefined for a
 * module-level name.
 */
function localValue(identifier: Node): Node | null | undefined {
  for (let fn = enclosingFunction(identifier); fn; fn = enclosingFunction(fn)) {
    if (paramsOf(fn).some((param) => param.name === identifier.text)) return null;
    const body = field(fn, 'body');
    if (!body) continue;
    const values: Node[] = [];
    const seen = { other: false };
    const visit = (node: Node): void => {
      for (const child of kids(node)) {
        if (child.type === 'function_definition' || child.type === 'class_definition' || child.type === 'lambda') continue;
        if (child.type === 'assignment' || child.type === 'augmented_assignment') {
          const left = field(child, 'left');
          const right = field(child, 'right');
          if (left?.type === 'identifier' && left.text === identifier.text) {
            if (right && child.type === 'assignment') values.push(right);
            else seen.other = true;
          } else if (left && left.type !== 'identifier' && left.type !== 'attribute' && left.type !== 'subscript' && left.text.split(/\W+/).includes(identifier.text)) seen.other = true;
        } else if ((child.type === 'for_statement' || child.type === 'with_item' || child.type === 'as_pattern') && child.text.split(/\W+/).includes(identifier.text)) {
          const left = field(child, 'left') ?? field(child, 'alias');
          if (left?.text.split(/\W+/).includes(identifier.text)) seen.other = true;
        }
        visit(child);
      }
    };
    visit(body);
    if (seen.other || values.length > 1) return null;
    if (values.length === 1) return values[0] ?? null;
  }
  return undefined;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let up = parentOf(node); up; up = parentOf(up)) if (up.type === 'function_definition' || up.type === 'lambda') return up;
  return undefined;
}

/** `condition` (or a part of it that must hold for it to be `when`) reads configuration only: its text. */
export function configurationPart(index: PyIndex, module: PyModule, condition: Node, when: boolean): string | undefined {
  const current = unwrap(condition);
  if (readsConfigurationOnly(index, module, current)) return current.text;
  if (current.type === 'not_operator') {
    const argument = field(current, 'argument');
    return argument ? configurationPart(index, module, argument, !when) : undefined;
  }
  if (current.type !== 'boolean_operator') return undefined;
  const operator = current.childForFieldName('operator')?.text;
  if ((operator === 'and' && when) || (operator === 'or' && !when)) {
    const left = field(current, 'left');
    const right = field(current, 'right');
    return (left ? configurationPart(index, module, left, when) : undefined) ?? (right ? configurationPart(index, module, right, when) : undefined);
  }
  return undefined;
}

/**
 * The configuration condition `node` runs under inside `root`: the nearest `if` / `elif` / `else` / conditional
 * expression between them whose condition (or a conjunct of it) reads configuration only, on the side `node` is on.
 */
export function configurationGate(index: PyIndex, module: PyModule, node: Node, root: Node): string | undefined {
  let child = node;
  for (let up = parentOf(node); up && child.id !== root.id; child = up, up = parentOf(up)) {
    let found: string | undefined;
    if (up.type === 'if_statement' || up.type === 'elif_clause') {
      const condition = field(up, 'condition');
      if (!condition || child.id === condition.id) continue;
      const consequence = field(up, 'consequence');
      found = configurationPart(index, module, condition, consequence !== undefined && child.id === consequence.id);
    } else if (up.type === 'conditional_expression') {
      const [yes, condition] = kids(up);
      if (!condition || child.id === condition.id) continue;
      found = configurationPart(index, module, condition, yes !== undefined && child.id === yes.id);
    }
    if (found !== undefined) return found;
  }
  return undefined;
}
