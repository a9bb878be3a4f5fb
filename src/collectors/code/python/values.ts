import { posix } from 'node:path';
import type { Node } from '../../../parsing/parser.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { bodyOf, callArgs, calleeName, field, isFString, kids, unwrap, walk } from './ast.js';
import type { Bound, PyIndex } from './project.js';

/** Most alternatives one expression may stand for before it counts as unknown. */
const LIMIT = 32;
const MAX_DEPTH = 14;

/**
 * What an expression may stand for at the place it is written, where the plain evaluator of the
 * index stops: loop variables over any iterable (a parameter, a local, `a + b`, a tuple of imported
 * names), parameters through every call site, locals assigned in the function (every assignment
 * counts: `if not blueprints: blueprints = DEFAULT else: blueprints = blueprints + DEFAULT`),
 * attributes an instance sets on itself (`self.api_urls = [...]` in `__init__` of a settings class),
 * methods that return a string, `os.path.join` and integers in f-strings. Every answer is a set of
 * possibilities: empty means unknown, never a guess.
 */
export class PyValues {
  private readonly active = new Set<string>();

  constructor(private readonly index: PyIndex) {}

  /** Every string `at` may evaluate to; empty when any part is unknown. */
  strings(at: Bound, depth = 0): string[] {
    if (depth > MAX_DEPTH || !isNode(at.node)) return [];
    const plain = this.index.evalString(at.module, at.node, 0, at.env);
    if (plain !== undefined) return [plain];
    return this.guard(at, 's', () => this.stringsOf(at, depth), []);
  }

  /** The element expressions of an iterable (`(a_bp, b_bp)`, `blueprints + DEFAULT`, a name bound to one); undefined when unknown. */
  elements(at: Bound, depth = 0): Bound[] | undefined {
    if (depth > MAX_DEPTH || !isNode(at.node)) return undefined;
    return this.guard(at, 'e', () => this.elementsOf(at, depth), undefined);
  }

  /**
   * The expressions a name or attribute written at `at` stands for (a loop variable: each element;
   * a parameter: each call site's argument; a local: each assignment); `[at]` when it is none of these.
   */
  alternatives(at: Bound, depth = 0): Bound[] {
    if (depth > MAX_DEPTH || !isNode(at.node)) return [];
    return this.guard(at, 'a', () => this.alternativesOf(at, depth), [at]);
  }

  private guard<T>(at: Bound, kind: string, run: () => T, fallback: T): T {
    const key = `${kind}:${at.module.source.file}:${at.node.startIndex}:${at.node.endIndex}:${at.env ? [...at.env.keys()].join(',') : ''}`;
    if (this.active.has(key)) return fallback;
    this.active.add(key);
    try {
      return run();
    } finally {
      this.active.delete(key);
    }
  }

  private stringsOf(at: Bound, depth: number): string[] {
    const target = unwrap(at.node);
    const sub = (node: Node): string[] => this.strings({ ...at, node }, depth + 1);
    switch (target.type) {
      case 'integer':
        return [target.text];
      case 'string': {
        if (!isFString(target)) return [];
        let out = [''];
        for (const part of kids(target)) {
          let values: string[] = [];
          if (part.type === 'string_content') values = [part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}')];
          else if (part.type === 'interpolation') {
            const expression = field(part, 'expression') ?? part.firstNamedChild;
            values = expression ? sub(expression) : [];
          } else continue;
          out = product(out, values);
          if (out.length === 0) return [];
        }
        return out;
      }
      case 'concatenated_string':
        return kids(target).reduce<string[]>((acc, part) => product(acc, sub(part)), ['']);
      case 'binary_operator': {
        const left = field(target, 'left');
        const right = field(target, 'right');
        if (target.childForFieldName('operator')?.text !== '+' || !left || !right) return [];
        return product(sub(left), sub(right));
      }
      case 'conditional_expression': {
        const [whenTrue, , whenFalse] = kids(target);
        if (!whenTrue || !whenFalse) return [];
        const a = sub(whenTrue);
        const b = sub(whenFalse);
        return a.length === 0 || b.length === 0 ? [] : unique([...a, ...b]);
      }
      case 'call': {
        const name = calleeName(target) ?? '';
        if (/^(os\.path\.join|path\.join|posixpath\.join|join)$/.test(name)) {
          const parts = callArgs(target).positional.map(sub);
          if (parts.length === 0 || parts.some((values) => values.length === 0)) return [];
          return parts.reduce<string[]>((acc, values) => (acc.length === 0 ? values : cap(acc.flatMap((a) => values.map((b) => (b.startsWith('/') ? b : posix.join(a, b)))))), []);
        }
        return this.returned(at, target, depth).flatMap((value) => this.strings(value, depth + 1));
      }
      case 'identifier':
      case 'attribute': {
        const options = this.alternatives(at, depth + 1).filter((option) => option.node.id !== target.id || option.module !== at.module);
        if (options.length === 0) return [];
        const values: string[] = [];
        for (const option of options) {
          const found = this.strings(option, depth + 1);
          if (found.length === 0) return [];
          values.push(...found);
        }
        return cap(unique(values));
      }
      default:
        return [];
    }
  }

  private elementsOf(at: Bound, depth: number): Bound[] | undefined {
    const target = unwrap(at.node);
    if (target.type === 'list' || target.type === 'tuple' || target.type === 'set') {
      const out: Bound[] = [];
      for (const child of kids(target)) {
        if (child.type === 'comment') continue;
        if (child.type === 'list_splat' || child.type === 'starred_expression') {
          const inner = child.firstNamedChild;
          const spread = inner ? this.elements({ ...at, node: inner }, depth + 1) : undefined;
          if (!spread) return undefined;
          out.push(...spread);
        } else out.push({ ...at, node: child });
      }
      return out;
    }
    if (target.type === 'binary_operator') {
      const left = field(target, 'left');
      const right = field(target, 'right');
      if (target.childForFieldName('operator')?.text !== '+' || !left || !right) return undefined;
      const a = this.elements({ ...at, node: left }, depth + 1);
      const b = a ? this.elements({ ...at, node: right }, depth + 1) : undefined;
      return a && b ? [...a, ...b] : undefined;
    }
    if (target.type === 'call' && /^(list|tuple|set)$/.test(calleeName(target) ?? '')) {
      const inner = callArgs(target).positional[0];
      return inner ? this.elements({ ...at, node: inner }, depth + 1) : [];
    }
    if (target.type !== 'identifier' && target.type !== 'attribute') return undefined;
    const options = this.alternatives(at, depth + 1).filter((option) => option.node.id !== target.id || option.module !== at.module);
    if (options.length === 0) return undefined;
    const out: Bound[] = [];
    for (const option of options) {
      // `blueprints=None` as a default, tested before use: no elements, not unknown.
      if (unwrap(option.node).type === 'none') continue;
      const found = this.elements(option, depth + 1);
      if (!found) return undefined;
      out.push(...found);
    }
    return dedupe(out);
  }

  private alternativesOf(at: Bound, depth: number): Bound[] {
    const target = unwrap(at.node);
    if (target.type === 'identifier') {
      const bound = at.env?.get(target.text);
      if (bound) return isNode(bound.node) ? [bound] : [];
      return this.nameAt(at, target, depth);
    }
    if (target.type === 'attribute') {
      const members = this.instanceMember(at, target, depth);
      if (members) return members;
    }
    const resolved = this.index.resolveExpr(at.module, target);
    return resolved?.kind === 'value' ? [{ module: resolved.module, node: resolved.node }] : [at];
  }

  /** A name seen from where it is written: loop variable, locals assigned in the function, parameter, then module level. */
  private nameAt(at: Bound, name: Node, depth: number): Bound[] {
    const fn = enclosing(name, 'function_definition');
    for (let scope = parentOf(name); scope && scope !== fn; scope = parentOf(scope)) {
      if (scope.type !== 'for_statement' && scope.type !== 'for_in_clause') continue;
      const left = field(scope, 'left');
      if (left?.type !== 'identifier' || left.text !== name.text || left.id === name.id) continue;
      const right = field(scope, 'right');
      const items = right ? this.elements({ ...at, node: right }, depth + 1) : undefined;
      return items ?? [];
    }
    if (!fn) {
      const resolved = this.index.resolveExpr(at.module, name);
      return resolved?.kind === 'value' ? [{ module: resolved.module, node: resolved.node }] : [at];
    }
    const out: Bound[] = [];
    const body = field(fn, 'body');
    if (body) {
      walk(body, (node) => {
        if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
        if (node.type !== 'assignment' || node.startIndex > name.startIndex) return true;
        const left = field(node, 'left');
        const right = field(node, 'right');
        // Not the assignment being evaluated (`blueprints = blueprints + DEFAULT`'s own right side).
        if (left?.type === 'identifier' && left.text === name.text && right && !(right.startIndex <= name.startIndex && name.endIndex <= right.endIndex)) out.push({ module: at.module, node: right });
        return true;
      });
    }
    const params = field(fn, 'parameters');
    const isParam = params ? kids(params).some((param) => (param.type === 'identifier' ? param : (field(param, 'name') ?? param.firstNamedChild))?.text === name.text) : false;
    if (isParam) out.push(...this.callSiteArguments(at.module, fn, name.text));
    if (out.length > 0 || isParam) return cap(out);
    const resolved = this.index.resolveExpr(at.module, name);
    return resolved?.kind === 'value' ? [{ module: resolved.module, node: resolved.node }] : [at];
  }

  /** The argument each call site of `fn` gives for `param` (or the parameter's default), even when the body rebinds it. */
  private callSiteArguments(module: Bound['module'], fn: Node, param: string): Bound[] {
    const name = field(fn, 'name')?.text;
    const list = field(fn, 'parameters');
    if (name === undefined || !list) return [];
    const params = kids(list).filter((node) => node.type !== 'comment' && node.type !== ',');
    const holder = parentOf(fn)?.type === 'decorated_definition' ? parentOf(fn) : fn;
    const isMethod = holder ? enclosing(holder, 'class_definition') !== undefined && parentOf(parentOf(holder) ?? holder)?.type === 'class_definition' : false;
    const names = params.map((node) => (node.type === 'identifier' ? node : (field(node, 'name') ?? kids(node).find((child) => child.type === 'identifier')))?.text);
    const position = names.indexOf(param) - (isMethod ? 1 : 0);
    const declared = params[names.indexOf(param)];
    const fallback = declared ? field(declared, 'value') : undefined;
    if (position < 0) return [];
    const out: Bound[] = [];
    const mention = new RegExp(`\\b${name}\\b`);
    for (const caller of this.index.modules) {
      if (!mention.test(caller.source.text)) continue;
      for (const call of this.index.nodes(caller).calls) {
        const callee = field(call, 'function');
        const called = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' ? field(callee, 'attribute')?.text : undefined;
        if (!callee || called !== name) continue;
        const resolved = this.index.resolveExpr(caller, callee);
        if (resolved?.kind !== 'def' || resolved.node.id !== fn.id || resolved.module !== module) continue;
        const args = callArgs(call);
        const given = args.keywords.get(param) ?? args.positional[position];
        if (given) out.push({ module: caller, node: given });
        else if (fallback) out.push({ module, node: fallback });
      }
    }
    return out;
  }

  /**
   * `self.api_urls` in a class, `config.api_urls` on an instance: what the class assigns to the
   * attribute. When the instance may be of several classes (a settings factory choosing by
   * environment), each must give the attribute, else it is unknown.
   */
  private instanceMember(at: Bound, attribute: Node, depth: number): Bound[] | undefined {
    const object = field(attribute, 'object');
    const name = field(attribute, 'attribute')?.text;
    if (!object || name === undefined) return undefined;
    const classes = this.classesOf({ ...at, node: object }, depth);
    if (classes.length === 0) return undefined;
    const all: Bound[] = [];
    for (const cls of classes) {
      const found = this.memberOf(cls, name);
      if (!found) return undefined;
      all.push(...found);
    }
    return dedupe(all);
  }

  private memberOf(cls: { module: Bound['module']; node: Node }, name: string): Bound[] | undefined {
    const out: Bound[] = [];
    for (const statement of bodyOf(cls.node)) {
      const def = statement.type === 'decorated_definition' ? field(statement, 'definition') : statement;
      if (def?.type !== 'function_definition') continue;
      walk(def, (node) => {
        if (node.type !== 'assignment') return true;
        const left = field(node, 'left');
        const right = field(node, 'right');
        if (left?.type === 'attribute' && field(left, 'object')?.text === 'self' && field(left, 'attribute')?.text === name && right) out.push({ module: cls.module, node: right });
        return true;
      });
    }
    if (out.length > 0) return out;
    const member = this.index.classMember(cls.module, cls.node, name);
    if (member?.kind === 'value') return [{ module: member.module, node: member.node }];
    // A `@property` (or cached property) stands for what it returns.
    if (member?.kind === 'def' && member.node.type === 'function_definition' && isProperty(member.node)) {
      const returned: Bound[] = [];
      const body = field(member.node, 'body');
      if (body) {
        walk(body, (node) => {
          if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
          if (node.type === 'return_statement' && node.firstNamedChild) returned.push({ module: member.module, node: node.firstNamedChild });
          return true;
        });
      }
      return returned.length > 0 ? returned : undefined;
    }
    return undefined;
  }

  /** The project class an expression is an instance of, when there is exactly one. */
  private classOf(at: Bound, depth: number): { module: Bound['module']; node: Node } | undefined {
    const classes = this.classesOf(at, depth);
    return classes.length === 1 ? classes[0] : undefined;
  }

  /**
   * The project classes an expression may be an instance of: `self` inside one, `Config(...)`, a
   * name bound to one, what a project factory returns (`return Settings()`, `return config()` with
   * `config = environments[env]` choosing among the classes of a dict). Empty when any is unknown.
   */
  private classesOf(at: Bound, depth: number): { module: Bound['module']; node: Node }[] {
    if (depth > MAX_DEPTH) return [];
    const target = unwrap(at.node);
    if (target.type === 'identifier' && target.text === 'self') {
      const cls = enclosing(target, 'class_definition');
      return cls ? [{ module: at.module, node: cls }] : [];
    }
    const candidates = target.type === 'call' ? [{ ...at, node: target }] : this.alternatives(at, depth + 1);
    const out: { module: Bound['module']; node: Node }[] = [];
    for (const candidate of candidates) {
      const node = unwrap(candidate.node);
      if (node.type !== 'call') return [];
      const cls = this.index.classBehind({ kind: 'value', module: candidate.module, node });
      if (cls) {
        out.push(cls);
        continue;
      }
      const found = this.calledClasses(candidate, node, depth + 1);
      if (found.length === 0) return [];
      out.push(...found);
    }
    const unique = new Map(out.map((cls) => [`${cls.module.source.file}:${cls.node.startIndex}`, cls]));
    return unique.size > LIMIT ? [] : [...unique.values()];
  }

  /** The classes a call instantiates through a project factory (its returned values) or a name bound to classes. */
  private calledClasses(at: Bound, call: Node, depth: number): { module: Bound['module']; node: Node }[] {
    const returned = this.returned(at, call, depth);
    if (returned.length > 0) {
      const out: { module: Bound['module']; node: Node }[] = [];
      for (const value of returned) {
        const found = this.classesOf(value, depth + 1);
        if (found.length === 0) return [];
        out.push(...found);
      }
      return out;
    }
    // `config()` with `config = environments[app_env]`: every class the mapping holds.
    const fn = field(call, 'function');
    if (fn?.type !== 'identifier') return [];
    const out: { module: Bound['module']; node: Node }[] = [];
    for (const option of this.alternatives({ ...at, node: fn }, depth + 1)) {
      const value = unwrap(option.node);
      const classes = value.type === 'subscript' ? this.mappedClasses(option, value, depth + 1) : this.classNamed(option);
      if (classes.length === 0) return [];
      out.push(...classes);
    }
    return out;
  }

  /** `mapping[key]` where `mapping` is a dict literal whose values are all project classes. */
  private mappedClasses(at: Bound, subscript: Node, depth: number): { module: Bound['module']; node: Node }[] {
    const mapping = field(subscript, 'value');
    if (!mapping) return [];
    const out: { module: Bound['module']; node: Node }[] = [];
    const options = mapping.type === 'dictionary' ? [{ ...at, node: mapping }] : this.alternatives({ ...at, node: mapping }, depth + 1);
    for (const option of options) {
      const dict = unwrap(option.node);
      if (dict.type !== 'dictionary') return [];
      for (const pair of kids(dict)) {
        if (pair.type === 'comment') continue;
        const value = pair.type === 'pair' ? field(pair, 'value') : undefined;
        const classes = value ? this.classNamed({ module: option.module, node: value }) : [];
        if (classes.length === 0) return [];
        out.push(...classes);
      }
    }
    return out;
  }

  private classNamed(at: Bound): { module: Bound['module']; node: Node }[] {
    const target = unwrap(at.node);
    if (target.type !== 'identifier' && target.type !== 'attribute') return [];
    const resolved = this.index.resolveExpr(at.module, target);
    return resolved?.kind === 'def' && resolved.node.type === 'class_definition' ? [{ module: resolved.module, node: resolved.node }] : [];
  }

  /** What a project function or method returns (`self._build_api_path()`), each return statement one alternative. */
  private returned(at: Bound, call: Node, depth: number): Bound[] {
    const fn = field(call, 'function');
    if (!fn) return [];
    let def: { module: Bound['module']; node: Node } | undefined;
    if (fn.type === 'attribute') {
      const object = field(fn, 'object');
      const name = field(fn, 'attribute')?.text;
      const cls = object && name !== undefined ? this.classOf({ ...at, node: object }, depth) : undefined;
      const member = cls && name !== undefined ? this.index.classMember(cls.module, cls.node, name) : undefined;
      if (member?.kind === 'def') def = member;
    }
    if (!def) {
      const resolved = this.index.resolveExpr(at.module, fn);
      if (resolved?.kind === 'def') def = resolved;
    }
    if (def?.node.type !== 'function_definition') return [];
    // Only calls without arguments: the returned expression then needs no binding of parameters.
    const args = callArgs(call);
    if (args.positional.length > 0 || args.keywords.size > 0) return [];
    const out: Bound[] = [];
    const body = field(def.node, 'body');
    if (body) {
      walk(body, (node) => {
        if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
        if (node.type === 'return_statement' && node.firstNamedChild) out.push({ module: def.module, node: node.firstNamedChild });
        return true;
      });
    }
    return out;
  }
}

function isProperty(fn: Node): boolean {
  const holder = parentOf(fn);
  if (holder?.type !== 'decorated_definition') return false;
  return kids(holder).some((child) => child.type === 'decorator' && /^@(?:functools\.)?(?:property|cached_property)\s*$/.test(child.text));
}

function isNode(node: Node | undefined): node is Node {
  return node !== undefined && typeof (node as { type?: unknown }).type === 'string';
}

function enclosing(node: Node, type: string): Node | undefined {
  for (let scope = parentOf(node); scope; scope = parentOf(scope)) if (scope.type === type) return scope;
  return undefined;
}

function product(a: readonly string[], b: readonly string[]): string[] {
  return cap(a.flatMap((x) => b.map((y) => x + y)));
}

function cap(values: string[]): string[];
function cap(values: Bound[]): Bound[];
function cap<T>(values: T[]): T[] {
  return values.length > LIMIT ? [] : values;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function dedupe(values: readonly Bound[]): Bound[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = `${value.module.source.file}:${value.node.startIndex}:${value.node.endIndex}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const memo = new WeakMap<PyIndex, PyValues>();

/** One evaluator per index (per run). */
export function pyValues(index: PyIndex): PyValues {
  let values = memo.get(index);
  if (!values) {
    values = new PyValues(index);
    memo.set(index, values);
  }
  return values;
}
