/**
 * Request data in Ruby web code (Rails, Sinatra, Grape): `params[:q]`, `params.require(:user)`,
 * `request.params`, `request.raw_post`, and locals assigned from them in the same method.
 * Conversions that leave no SQL text (`to_i`, `Integer(…)`, `connection.quote`, `sanitize_sql_like`)
 * and boolean tests (`params[:x].present?`, `a == params[:x]`) are not request text.
 */
import type { Node } from '../../../parsing/parser.js';
import { field, kids, walk } from './ast.js';

/** Methods whose result no longer carries the caller's text into SQL. */
const NEUTRALISING = new Set([
  'to_i', 'to_f', 'to_d', 'to_r', 'to_c', 'to_date', 'to_time', 'to_datetime', 'to_b', 'to_bool',
  'quote', 'quote_string', 'quote_column_name', 'quote_table_name', 'sanitize_sql', 'sanitize_sql_array', 'sanitize_sql_like',
  'sanitize_sql_for_conditions', 'sanitize_sql_for_order', 'sanitize_sql_hash_for_assignment',
  'present?', 'blank?', 'nil?', 'empty?', 'any?', 'include?', 'in?', 'key?', 'has_key?', 'start_with?', 'end_with?', 'match?',
  'size', 'length', 'count', 'id', 'abs', 'round', 'ceil', 'floor', 'clamp', 'hash',
]);
/** `Integer(params[:page])`, `Float(…)`, `Date.parse(…)` without a receiver. */
const CONVERTERS = new Set(['Integer', 'Float', 'Rational', 'BigDecimal']);
const BOOLEAN_OPERATORS = new Set(['==', '!=', '===', '=~', '!~', '<', '>', '<=', '>=', '<=>', '&&', '||', 'and', 'or']);
const REQUEST_METHODS = new Set(['params', 'query_parameters', 'request_parameters', 'GET', 'POST', 'raw_post', 'body', 'query_string', 'path_parameters']);

/** The `def` (or `define_method` block, Grape/Sinatra route block) around a node. */
export function enclosingMethod(node: Node): Node | undefined {
  for (let up: Node | null = node.parent; up; up = up.parent) {
    if (up.type === 'method' || up.type === 'singleton_method') return up;
    if ((up.type === 'do_block' || up.type === 'block') && up.parent?.type === 'call') {
      const name = field(up.parent, 'method')?.text ?? '';
      if (/^(get|post|put|patch|delete|route|define_method|helpers)$/.test(name)) return up;
    }
  }
  return undefined;
}

/** The names a method takes as parameters (`def index(params)` shadows the request's `params`). */
function parameterNames(method: Node | undefined): Set<string> {
  const out = new Set<string>();
  const list = method ? (field(method, 'parameters') ?? kids(method).find((child) => child.type === 'block_parameters')) : undefined;
  if (!list) return out;
  for (const param of kids(list)) {
    const name = param.type === 'identifier' ? param.text : field(param, 'name')?.text;
    if (name) out.add(name);
  }
  return out;
}

/** `params` (the controller/route helper), `request.params`, `request.raw_post`, `env['rack.input']`. */
export function isRequestRoot(node: Node): boolean {
  if (node.type === 'identifier' && node.text === 'params') return !parameterNames(enclosingMethod(node)).has('params') && !assignedLocally(node);
  if (node.type === 'call' && !field(node, 'receiver') && field(node, 'method')?.text === 'params' && !field(node, 'arguments')) return true;
  if (node.type === 'call') {
    const receiver = field(node, 'receiver');
    const method = field(node, 'method')?.text ?? '';
    if (receiver?.type === 'identifier' && receiver.text === 'request' && REQUEST_METHODS.has(method)) return true;
  }
  return false;
}

/** `params = {...}` earlier in the method makes `params` a local, not the request's. */
function assignedLocally(node: Node): boolean {
  const method = enclosingMethod(node);
  if (!method) return false;
  let found = false;
  walk(method, (child) => {
    if (found || child.startIndex >= node.startIndex) return false;
    if (child.type === 'assignment' && field(child, 'left')?.text === node.text) found = true;
    return !found;
  });
  return found;
}

/** The value a local variable holds at `use`: its last plain assignment earlier in the same method. */
export function localValue(variable: Node, use: Node): Node | undefined {
  const method = enclosingMethod(use);
  if (!method) return undefined;
  let value: Node | undefined;
  walk(method, (child) => {
    if (child.startIndex >= use.startIndex) return false;
    if ((child.type === 'assignment' || child.type === 'operator_assignment') && field(child, 'left')?.type === 'identifier' && field(child, 'left')?.text === variable.text) {
      value = field(child, 'right');
    }
    return true;
  });
  return value;
}

function neutralised(node: Node): boolean {
  if (node.type === 'call') {
    const method = field(node, 'method')?.text ?? '';
    if (NEUTRALISING.has(method)) return true;
    if (!field(node, 'receiver') && CONVERTERS.has(method)) return true;
  }
  if (node.type === 'binary') return BOOLEAN_OPERATORS.has(field(node, 'operator')?.text ?? '');
  if (node.type === 'unary') return true;
  return false;
}

/**
 * The first request-derived expression inside `node` (its text, e.g. `params[:q]`), following locals
 * assigned in the same method (up to three hops); undefined when none. Branches of `a ? b : c` and
 * `case` are followed, their conditions are not (`ALLOWED.include?(x) ? x : 'id'` is an allowlist).
 */
export function requestOrigin(node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 3) return undefined;
  let found: string | undefined;
  const visit = (current: Node): boolean => {
    if (found) return false;
    if (neutralised(current)) return false;
    if (current.type === 'conditional') {
      if (allowlisted(current)) return false;
      for (const branch of [field(current, 'consequence'), field(current, 'alternative')]) if (branch && !found) walk(branch, visit);
      return false;
    }
    if (current.type === 'case') {
      for (const branch of kids(current).filter((child) => child.type === 'when' || child.type === 'else')) {
        const body = field(branch, 'body') ?? kids(branch).filter((child) => child.type !== 'pattern').at(-1);
        if (body && !found) walk(body, visit);
      }
      return false;
    }
    if (current.type === 'if' || current.type === 'unless' || current.type === 'if_modifier' || current.type === 'unless_modifier') {
      for (const branch of [field(current, 'consequence'), field(current, 'alternative'), field(current, 'body')]) if (branch && !found) walk(branch, visit);
      return false;
    }
    if (isRequestRoot(current)) {
      found = outermostAccess(current).text;
      return false;
    }
    if (current.type === 'identifier' && current.parent?.type !== 'call' && !(current.parent?.type === 'assignment' && field(current.parent, 'left')?.id === current.id)) {
      const value = localValue(current, current);
      if (value && value.id !== node.id) {
        const inner = requestOrigin(value, depth + 1);
        if (inner) found = inner;
      }
      return false;
    }
    if (current.type === 'identifier' && current.parent?.type === 'call' && field(current.parent, 'receiver')?.id === current.id) {
      const value = localValue(current, current);
      const inner = value ? requestOrigin(value, depth + 1) : undefined;
      if (inner) found = inner;
      return false;
    }
    return true;
  };
  walk(node, visit);
  return found;
}

/** `ALLOWED.include?(x) ? x : 'created_at'`: the request value only passes through an allowlist test. */
function allowlisted(conditional: Node): boolean {
  const condition = field(conditional, 'condition');
  if (!condition) return false;
  let tested = false;
  walk(condition, (child) => {
    if (child.type === 'call' && /^(include\?|in\?|key\?|has_key\?|member\?|match\?)$/.test(field(child, 'method')?.text ?? '')) tested = true;
    if (child.type === 'binary' && /^(==|=~|===)$/.test(field(child, 'operator')?.text ?? '')) tested = true;
    return !tested;
  });
  return tested;
}

/** `params` → `params[:user][:name]`, `params.require(:user).permit(…)`: the whole access chain. */
function outermostAccess(node: Node): Node {
  let current = node;
  for (let up = current.parent; up; up = up.parent) {
    if (up.type === 'element_reference' && field(up, 'object')?.id === current.id) current = up;
    else if (up.type === 'call' && field(up, 'receiver')?.id === current.id && /^(require|permit|fetch|dig|\[\]|to_s|to_h|to_unsafe_h|strip|downcase|upcase|squish)$/.test(field(up, 'method')?.text ?? '')) current = up;
    else break;
  }
  return current;
}
