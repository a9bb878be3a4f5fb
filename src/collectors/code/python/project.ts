import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { ancestorsOfType, nodesOfTypeIn, parentOf } from '../../../parsing/tree-index.js';
import {
  argument,
  assignmentsIn,
  bodyOf,
  callArgs,
  calleeName,
  field,
  isFString,
  kids,
  lastSegment,
  literalString,
  superclassNodes,
  unwrap,
  walk,
} from './ast.js';

type Binding = { kind: 'module'; module: string } | { kind: 'symbol'; module: string; name: string };

export interface PyModule {
  source: SourceFile;
  /** Dotted module name derived from the file path (`app/api/__init__.py` → `app.api`). */
  name: string;
  isPackage: boolean;
  imports: Map<string, Binding>;
  /** Module-level functions and classes. */
  defs: Map<string, Node>;
  /** Last module-level assignment of each name. */
  values: Map<string, Node>;
  /** Modules imported with `from x import *`. */
  starImports?: string[];
}

/** What a name or dotted expression refers to. */
export type Resolved =
  | { kind: 'def'; module: PyModule; node: Node }
  | { kind: 'value'; module: PyModule; node: Node }
  | { kind: 'module'; module: PyModule }
  | { kind: 'external'; qualified: string };

const MAX_DEPTH = 8;

/** An expression and the module it is written in. */
export interface Bound {
  module: PyModule;
  node: Node;
  /** Values of the parameters and loop variables used inside `node` (`settings.API_V1_STR + prefix`). */
  env?: ReadonlyMap<string, Bound>;
}
const MODULE_NODE_TYPES = ['call', 'decorator', 'assignment'];

/** Calls, decorators and assignments of a module, in document order. */
export interface ModuleNodes {
  calls: Node[];
  decorators: Node[];
  assignments: Node[];
}

function moduleNameOf(file: string): { name: string; isPackage: boolean } {
  const parts = file.replace(/\.py$/, '').split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { name: parts.join('.'), isPackage };
}

/** Imports, definitions and module-level values of every Python file, resolved across modules. */
export class PyIndex {
  readonly modules: PyModule[] = [];
  private readonly byName = new Map<string, PyModule>();
  private readonly bySuffix = new Map<string, PyModule[]>();
  private readonly byFile = new Map<string, PyModule>();
  private readonly moduleCache = new Map<string, PyModule | undefined>();
  /** Per-run memo for analyses keyed by file and node position (see guards.ts). */
  readonly memo = new Map<string, unknown>();

  constructor(sources: readonly SourceFile[]) {
    for (const source of sources) {
      if (source.language !== 'python') continue;
      const { name, isPackage } = moduleNameOf(source.file);
      const module: PyModule = { source, name, isPackage, imports: new Map(), defs: new Map(), values: new Map() };
      this.modules.push(module);
      this.byName.set(name, module);
      this.byFile.set(source.file, module);
      const parts = name.split('.');
      for (let start = 0; start < parts.length; start++) {
        const suffix = parts.slice(start).join('.');
        const list = this.bySuffix.get(suffix);
        if (list) list.push(module);
        else this.bySuffix.set(suffix, [module]);
      }
    }
    for (const module of this.modules) this.scan(module);
  }

  private readonly nodeCache = new Map<string, ModuleNodes>();

  /** Listed once per module, shared by every Python collector of the run (walking whole trees is the slow part). */
  nodes(module: PyModule): ModuleNodes {
    const cached = this.nodeCache.get(module.source.file);
    if (cached) return cached;
    // The tree's shared node lists (one walk for every analysis), not a query pass of its own.
    const byType = nodesOfTypeIn(module.source.tree, MODULE_NODE_TYPES);
    const found: ModuleNodes = { calls: [...(byType.get('call') ?? [])], decorators: [...(byType.get('decorator') ?? [])], assignments: [...(byType.get('assignment') ?? [])] };
    this.nodeCache.set(module.source.file, found);
    return found;
  }

  moduleOf(file: string): PyModule | undefined {
    return this.byFile.get(file);
  }

  private scan(module: PyModule): void {
    const statements = kids(module.source.tree.rootNode);
    const visit = (list: readonly Node[]): void => {
      for (const statement of list) {
        if (statement.type === 'import_statement') this.scanImport(module, statement);
        else if (statement.type === 'import_from_statement') this.scanFromImport(module, statement);
        else if (statement.type === 'function_definition' || statement.type === 'class_definition') {
          const name = field(statement, 'name');
          if (name) module.defs.set(name.text, statement);
        } else if (statement.type === 'decorated_definition') {
          const def = field(statement, 'definition');
          const name = def ? field(def, 'name') : undefined;
          if (def && name) module.defs.set(name.text, def);
        } else if (statement.type === 'if_statement' || statement.type === 'try_statement') {
          // `try: import x except ImportError` and `if TYPE_CHECKING:` blocks still bind names.
          for (const block of kids(statement)) {
            if (block.type === 'block') visit(kids(block));
            else if (block.type !== 'comment') {
              const inner = kids(block).find((child) => child.type === 'block');
              if (inner) visit(kids(inner));
            }
          }
        }
      }
      for (const { name, value } of assignmentsIn(list)) module.values.set(name, value);
    };
    visit(statements);
  }

  private scanImport(module: PyModule, statement: Node): void {
    for (const child of kids(statement)) {
      if (child.type === 'dotted_name') {
        const full = child.text;
        const head = full.split('.')[0] ?? full;
        module.imports.set(head, { kind: 'module', module: head });
      } else if (child.type === 'aliased_import') {
        const name = field(child, 'name');
        const alias = field(child, 'alias');
        if (name && alias) module.imports.set(alias.text, { kind: 'module', module: name.text });
      }
    }
  }

  private scanFromImport(module: PyModule, statement: Node): void {
    const source = field(statement, 'module_name');
    if (!source) return;
    const from = this.absoluteModule(module, source);
    if (from === undefined) return;
    // `from .dependencies import *`: names not bound here are looked up there.
    if (kids(statement).some((child) => child.type === 'wildcard_import')) (module.starImports ??= []).push(from);
    for (const child of statement.childrenForFieldName('name')) {
      if (!child) continue;
      if (child.type === 'dotted_name') module.imports.set(child.text, { kind: 'symbol', module: from, name: child.text });
      else if (child.type === 'aliased_import') {
        const name = field(child, 'name');
        const alias = field(child, 'alias');
        if (name && alias) module.imports.set(alias.text, { kind: 'symbol', module: from, name: name.text });
      }
    }
  }

  private absoluteModule(module: PyModule, source: Node): string | undefined {
    if (source.type !== 'relative_import') return source.text;
    const prefix = kids(source).find((child) => child.type === 'import_prefix')?.text ?? '.';
    const rest = kids(source).find((child) => child.type === 'dotted_name')?.text;
    const parts = module.name.split('.');
    if (!module.isPackage) parts.pop();
    for (let level = 1; level < prefix.length; level++) parts.pop();
    if (rest) parts.push(rest);
    return parts.join('.');
  }

  /** A module by absolute dotted name; falls back to path suffixes (`src/` layouts, monorepos). */
  resolveModule(name: string, near?: PyModule): PyModule | undefined {
    const exact = this.byName.get(name);
    if (exact) return exact;
    const candidates = this.bySuffix.get(name);
    if (!candidates || candidates.length === 0) return undefined;
    if (candidates.length === 1 || !near) return candidates[0];
    const dir = near.source.file.slice(0, near.source.file.lastIndexOf('/') + 1);
    const key = `${name}\u0000${dir}`;
    if (this.moduleCache.has(key)) return this.moduleCache.get(key);
    let best = candidates[0];
    let bestShared = -1;
    for (const candidate of candidates) {
      const a = candidate.source.file.split('/');
      const b = near.source.file.split('/');
      let shared = 0;
      while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
      if (shared > bestShared) {
        bestShared = shared;
        best = candidate;
      }
    }
    this.moduleCache.set(key, best);
    return best;
  }

  /**
   * The object a collector registered at the node `expression` refers to: a module-local name
   * first (`router = APIRouter()` in this file), then wherever imports and assignments lead.
   * Registries are keyed `file:startIndex` of the creating node.
   */
  registered<T>(module: PyModule, expression: Node, registry: ReadonlyMap<string, T>, local?: ReadonlyMap<string, T>): T | undefined {
    const target = unwrap(expression);
    if (target.type === 'identifier') {
      const found = local?.get(target.text);
      if (found) return found;
    }
    let resolved = target.type === 'call' ? this.resolveCall(module, target) : this.resolveExpr(module, target);
    for (let hop = 0; resolved?.kind === 'value' && hop < 3; hop++) {
      const node = unwrap(resolved.node);
      const found = registry.get(`${resolved.module.source.file}:${node.startIndex}`);
      if (found) return found;
      // `app = create_app()`: the object the factory returns.
      resolved = node.type === 'call' ? this.resolveCall(resolved.module, node) : undefined;
      if (resolved?.kind === 'value' && unwrap(resolved.node).id === node.id) return undefined;
    }
    return undefined;
  }

  /**
   * What a call evaluates to, when the project says: an instance for a project class (the call itself),
   * the value a project function returns on every path (`return Settings()`, `return app` with
   * `app = FastAPI()` in its body). Undefined for anything else.
   */
  resolveCall(module: PyModule, call: Node, depth = 0): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const fn = field(call, 'function');
    const callee = fn ? this.resolveExpr(module, fn, depth + 1) : undefined;
    if (callee?.kind !== 'def') return undefined;
    if (callee.node.type === 'class_definition') return { kind: 'value', module, node: call };
    const returned = returnedExpressions(callee.node);
    if (returned.length === 0) return undefined;
    const outcomes = returned.map((value) => this.localValue(callee.module, callee.node, value, depth + 1));
    const first = outcomes[0];
    if (first?.kind !== 'value') return undefined;
    const same = outcomes.every((other) => other?.kind === 'value' && other.module === first.module && unwrap(other.node).id === unwrap(first.node).id);
    return same ? first : undefined;
  }

  /** A returned expression seen from its function: a name assigned in the body, else a module-level name. */
  private localValue(module: PyModule, fn: Node, value: Node, depth: number): Resolved | undefined {
    const target = unwrap(value);
    if (target.type === 'call') {
      const callee = field(target, 'function');
      const resolved = callee ? this.resolveExpr(module, callee, depth + 1) : undefined;
      if (resolved?.kind === 'def' && resolved.node.type === 'function_definition') return this.resolveCall(module, target, depth + 1);
      return { kind: 'value', module, node: target };
    }
    if (target.type === 'identifier') {
      let assigned: Node | undefined;
      const body = field(fn, 'body');
      if (body) {
        walk(body, (node) => {
          if (node.type === 'function_definition' || node.type === 'class_definition') return false;
          if (node.type === 'assignment' && field(node, 'left')?.text === target.text && node.startIndex < target.startIndex) assigned = field(node, 'right') ?? assigned;
          return true;
        });
      }
      if (assigned) return this.localValue(module, fn, assigned, depth + 1);
    }
    return this.resolveExpr(module, target, depth + 1);
  }

  /**
   * The alternatives a group of expressions written at one place can stand for: a parameter of the
   * enclosing function becomes the argument of each call site (`def register(app): app.include_router(…)`
   * called as `register(app)`), a loop variable each element of a literal iterable
   * (`for router in (a.router, b.router)`). Names bound together (two parameters of one function) are
   * substituted from the same call site. Expressions that are neither come back as they are; a
   * parameter with no call site found stays itself (the caller then reports it unresolved).
   */
  expandBindings(module: PyModule, nodes: readonly (Node | undefined)[], depth = 0): (Bound | undefined)[][] {
    return this.expandItems(nodes.map((node) => (node ? { module, node } : undefined)), depth);
  }

  private expandItems(items: (Bound | undefined)[], depth: number): (Bound | undefined)[][] {
    if (depth > 4) return [items];
    for (const item of items) {
      if (!item) continue;
      const bound = boundNames(item);
      const first = bound[0];
      if (!first) continue;
      const binder = first.binder;
      const environments = binder.kind === 'param' ? this.callEnvironments(item.module, binder.node) : this.loopEnvironments(item.module, binder.node);
      if (environments.length === 0) continue;
      const out: (Bound | undefined)[][] = [];
      for (const env of environments) {
        const next = items.map((other): Bound | undefined => {
          if (!other || other.module !== item.module) return other;
          const names = boundNames(other).filter((name) => name.binder.node.id === binder.node.id);
          if (names.length === 0) return other;
          const target = unwrap(other.node);
          // A bare name is replaced by what the call site gives; a larger expression keeps the values beside it.
          if (target.type === 'identifier') return env.get(target.text) ?? { ...other, env: new Map([...(other.env ?? []), [target.text, UNBOUND(other)]]) };
          const merged = new Map(other.env ?? []);
          for (const { identifier } of names) merged.set(identifier.text, env.get(identifier.text) ?? UNBOUND(other));
          return { ...other, env: merged };
        });
        out.push(...this.expandItems(next, depth + 1));
      }
      return out;
    }
    return [items];
  }

  private readonly callSiteCache = new Map<string, Map<string, Bound>[]>();

  /** Per call site of `fn`: parameter name → the argument given there (or the parameter's default). */
  private callEnvironments(module: PyModule, fn: Node): Map<string, Bound>[] {
    const key = `${module.source.file}:${fn.startIndex}`;
    const cached = this.callSiteCache.get(key);
    if (cached) return cached;
    const out: Map<string, Bound>[] = [];
    this.callSiteCache.set(key, out);
    const name = field(fn, 'name')?.text;
    if (name === undefined) return out;
    const holder = parentOf(fn)?.type === 'decorated_definition' ? parentOf(fn) : fn;
    const isMethod = parentOf(holder)?.type === 'block' && parentOf(parentOf(holder))?.type === 'class_definition';
    const params = parameterNames(fn);
    const positional = isMethod ? params.slice(1) : params;
    const mention = new RegExp(`\\b${name}\\b`);
    for (const caller of this.modules) {
      if (!mention.test(caller.source.text)) continue;
      for (const call of this.nodes(caller).calls) {
        const callee = field(call, 'function');
        if (!callee || (callee.type === 'identifier' ? callee.text : callee.type === 'attribute' ? field(callee, 'attribute')?.text : undefined) !== name) continue;
        const resolved = this.resolveExpr(caller, callee);
        if (resolved?.kind !== 'def' || resolved.node.id !== fn.id || resolved.module !== module) continue;
        const args = callArgs(call);
        const env = new Map<string, Bound>();
        positional.forEach((param, index) => {
          const given = args.keywords.get(param.name) ?? args.positional[index];
          if (given) env.set(param.name, { module: caller, node: given });
          else if (param.value) env.set(param.name, { module, node: param.value });
        });
        out.push(env);
      }
    }
    return out;
  }

  /** Per element of a literal iterable (a list, tuple or set, or a module-level name bound to one; `dict.items()`): loop variable → value. */
  private loopEnvironments(module: PyModule, loop: Node): Map<string, Bound>[] {
    const left = field(loop, 'left');
    const right = field(loop, 'right');
    if (!left || !right) return [];
    let iterable = unwrap(right);
    let from = module;
    let pairs = false;
    if (iterable.type === 'call' && field(iterable, 'function')?.type === 'attribute' && field(field(iterable, 'function') as Node, 'attribute')?.text === 'items') {
      iterable = unwrap(field(field(iterable, 'function') as Node, 'object') as Node);
      pairs = true;
    }
    if (iterable.type === 'identifier' || iterable.type === 'attribute') {
      const resolved = this.resolveExpr(module, iterable);
      if (resolved?.kind !== 'value') return [];
      iterable = unwrap(resolved.node);
      from = resolved.module;
    }
    const rows: Node[][] = [];
    if (pairs) {
      if (iterable.type !== 'dictionary') return [];
      for (const pair of kids(iterable)) {
        const k = field(pair, 'key');
        const v = field(pair, 'value');
        if (pair.type === 'pair' && k && v) rows.push([k, v]);
      }
    } else {
      if (!['list', 'tuple', 'set'].includes(iterable.type)) return [];
      for (const element of kids(iterable)) {
        if (element.type === 'comment') continue;
        const inner = unwrap(element);
        rows.push(inner.type === 'tuple' || inner.type === 'list' ? kids(inner).filter((child) => child.type !== 'comment') : [element]);
      }
    }
    const targets = left.type === 'identifier' ? [left] : kids(left).filter((child) => child.type === 'identifier');
    if (targets.length === 0) return [];
    return rows.map((row) => {
      const env = new Map<string, Bound>();
      if (targets.length === 1 && left.type === 'identifier') {
        const only = targets[0] as Node;
        const value = row.length === 1 ? row[0] : undefined;
        if (value) env.set(only.text, { module: from, node: value });
      } else {
        targets.forEach((target, index) => {
          const value = row[index];
          if (value) env.set(target.text, { module: from, node: value });
        });
      }
      return env;
    });
  }

  /** A Django setting from the settings modules (those defining INSTALLED_APPS or ROOT_URLCONF), when they agree. */
  private djangoSetting(name: string): Resolved | undefined {
    const found = this.modules
      .filter((module) => module.values.has(name) && (module.values.has('INSTALLED_APPS') || module.values.has('ROOT_URLCONF')))
      .map((module) => ({ module, node: module.values.get(name) as Node }));
    const first = found[0];
    if (!first || found.some((other) => other.node.text !== first.node.text)) return undefined;
    return { kind: 'value', module: first.module, node: first.node };
  }

  /** What `name` means at module level in `module`. */
  resolveName(module: PyModule, name: string, depth = 0): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const def = module.defs.get(name);
    const value = module.values.get(name);
    // The later binding wins when a name is both defined and assigned.
    if (def && (!value || def.startIndex > value.startIndex)) return { kind: 'def', module, node: def };
    if (value) return { kind: 'value', module, node: value };
    const binding = module.imports.get(name);
    if (binding) return this.resolveBinding(module, binding, depth);
    for (const star of module.starImports ?? []) {
      const target = this.resolveModule(star, module);
      const found = target && target !== module ? this.resolveName(target, name, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private resolveBinding(module: PyModule, binding: Binding, depth: number): Resolved | undefined {
    if (binding.kind === 'module') {
      const target = this.resolveModule(binding.module, module);
      return target ? { kind: 'module', module: target } : { kind: 'external', qualified: binding.module };
    }
    const from = this.resolveModule(binding.module, module);
    if (!from) {
      // A namespace package (no `__init__.py`, legal since Python 3.3) still has submodules.
      const namespaced = this.resolveModule(`${binding.module}.${binding.name}`, module);
      return namespaced ? { kind: 'module', module: namespaced } : { kind: 'external', qualified: `${binding.module}.${binding.name}` };
    }
    const inner = this.resolveName(from, binding.name, depth + 1);
    if (inner) return inner;
    const submodule = this.resolveModule(`${from.name}.${binding.name}`, module);
    if (submodule) return { kind: 'module', module: submodule };
    return undefined;
  }

  /** Imports written inside functions, by file and function start. */
  private readonly functionImports = new Map<string, Map<number, Map<string, Binding>>>();

  /**
   * An import written inside the function around `identifier`: application factories
   * (`def create_app(): from .auth import bp; app.register_blueprint(bp)`) import this way to avoid cycles.
   */
  private functionImport(module: PyModule, identifier: Node): Binding | undefined {
    let byStart = this.functionImports.get(module.source.file);
    if (!byStart) {
      byStart = new Map();
      this.functionImports.set(module.source.file, byStart);
    }
    for (const scope of ancestorsOfType(identifier, ['function_definition'])) {
      let bindings = byStart.get(scope.startIndex);
      if (!bindings) {
        const imports = new Map<string, Binding>();
        const body = field(scope, 'body');
        const visit = (node: Node): void => {
          for (const child of kids(node)) {
            if (child.type === 'function_definition' || child.type === 'class_definition') continue;
            if (child.type === 'import_statement' || child.type === 'import_from_statement') {
              const probe: PyModule = { ...module, imports };
              if (child.type === 'import_statement') this.scanImport(probe, child);
              else this.scanFromImport(probe, child);
            } else visit(child);
          }
        };
        if (body) visit(body);
        bindings = imports;
        byStart.set(scope.startIndex, bindings);
      }
      const found = bindings.get(identifier.text);
      if (found) return found;
    }
    return undefined;
  }

  /** What an identifier or attribute chain refers to, seen from `module`. */
  resolveExpr(module: PyModule, node: Node, depth = 0): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const target = unwrap(node);
    if (target.type === 'identifier') {
      const local = this.functionImport(module, target);
      return local ? this.resolveBinding(module, local, depth + 1) : this.resolveName(module, target.text, depth + 1);
    }
    if (target.type !== 'attribute') return undefined;
    const objectNode = field(target, 'object');
    const attribute = field(target, 'attribute')?.text;
    if (!objectNode || attribute === undefined) return undefined;
    // `get_settings().API_V1_STR`: a member of what a project factory returns.
    const object = unwrap(objectNode).type === 'call' ? this.resolveCall(module, unwrap(objectNode), depth + 1) : this.resolveExpr(module, objectNode, depth + 1);
    if (!object) return undefined;
    if (object.kind === 'external') {
      // `from django.conf import settings; settings.BASE_PATH`: the project's settings module says.
      if (object.qualified === 'django.conf.settings') {
        const setting = this.djangoSetting(attribute);
        if (setting) return setting;
      }
      return { kind: 'external', qualified: `${object.qualified}.${attribute}` };
    }
    if (object.kind === 'module') {
      const inner = this.resolveName(object.module, attribute, depth + 1);
      if (inner) return inner;
      const submodule = this.resolveModule(`${object.module.name}.${attribute}`, module);
      return submodule ? { kind: 'module', module: submodule } : undefined;
    }
    const cls = this.classBehind(object, depth + 1);
    if (!cls) return undefined;
    const member = this.classMember(cls.module, cls.node, attribute, depth + 1);
    return member;
  }

  /** The class a resolved def or value stands for: the class itself, or the class an instance was built from. */
  classBehind(resolved: Resolved, depth = 0): { module: PyModule; node: Node } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (resolved.kind === 'def') return resolved.node.type === 'class_definition' ? resolved : undefined;
    if (resolved.kind !== 'value') return undefined;
    const value = unwrap(resolved.node);
    if (value.type !== 'call') return undefined;
    const fn = field(value, 'function');
    const callee = fn ? this.resolveExpr(resolved.module, fn, depth + 1) : undefined;
    return callee ? this.classBehind(callee, depth + 1) : undefined;
  }

  /** A class body's own members by name (the first def, the first assignment), read once per class: views ask per route. */
  private readonly classMembers = new Map<Node['tree'], Map<number, { defs: Map<string, Node>; values: Map<string, Node> }>>();

  private membersOf(classDef: Node): { defs: Map<string, Node>; values: Map<string, Node> } {
    let byClass = this.classMembers.get(classDef.tree);
    if (!byClass) {
      byClass = new Map();
      this.classMembers.set(classDef.tree, byClass);
    }
    let members = byClass.get(classDef.id);
    if (!members) {
      members = { defs: new Map(), values: new Map() };
      for (const statement of bodyOf(classDef)) {
        const def = statement.type === 'decorated_definition' ? field(statement, 'definition') : statement;
        const defName = def?.type === 'function_definition' || def?.type === 'class_definition' ? field(def, 'name')?.text : undefined;
        if (def && defName !== undefined && !members.defs.has(defName)) members.defs.set(defName, def);
      }
      for (const assignment of assignmentsIn(bodyOf(classDef))) if (!members.values.has(assignment.name)) members.values.set(assignment.name, assignment.value);
      byClass.set(classDef.id, members);
    }
    return members;
  }

  classMember(module: PyModule, classDef: Node, name: string, depth = 0): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const members = this.membersOf(classDef);
    const def = members.defs.get(name);
    if (def) return { kind: 'def', module, node: def };
    const value = members.values.get(name);
    if (value) return { kind: 'value', module, node: value };
    for (const base of superclassNodes(classDef)) {
      if (base.type !== 'identifier' && base.type !== 'attribute') continue;
      const resolved = this.resolveExpr(module, base, depth + 1);
      if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') {
        const inherited = this.classMember(resolved.module, resolved.node, name, depth + 1);
        if (inherited) return inherited;
      }
    }
    return undefined;
  }

  /**
   * A string expression's value: literals, concatenation, f-strings and names bound to constants
   * (across modules and settings objects). `os.getenv("X", "/d")` yields its default.
   */
  evalString(module: PyModule, node: Node, depth = 0, env?: ReadonlyMap<string, Bound>): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const target = unwrap(node);
    if (env && target.type === 'identifier') {
      const bound = env.get(target.text);
      if (bound) return bound.node === UNBOUND_NODE ? undefined : this.evalString(bound.module, bound.node, depth + 1, bound.env);
    }
    switch (target.type) {
      case 'string': {
        const fString = isFString(target);
        let out = '';
        for (const part of kids(target)) {
          if (part.type === 'string_content') out += fString ? part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : part.text;
          else if (part.type === 'interpolation') {
            const expression = field(part, 'expression') ?? part.firstNamedChild;
            const value = expression ? this.evalString(module, expression, depth + 1, env) : undefined;
            if (value === undefined) return undefined;
            out += value;
          }
        }
        return out;
      }
      case 'concatenated_string': {
        let out = '';
        for (const part of kids(target)) {
          const value = this.evalString(module, part, depth + 1, env);
          if (value === undefined) return undefined;
          out += value;
        }
        return out;
      }
      case 'binary_operator': {
        const operator = target.childForFieldName('operator')?.text;
        const left = field(target, 'left');
        const right = field(target, 'right');
        if (operator !== '+' || !left || !right) return undefined;
        const a = this.evalString(module, left, depth + 1, env);
        const b = a === undefined ? undefined : this.evalString(module, right, depth + 1, env);
        return a === undefined || b === undefined ? undefined : a + b;
      }
      case 'identifier':
      case 'attribute': {
        const resolved = this.resolveExpr(module, target, depth + 1);
        if (resolved?.kind !== 'value') return undefined;
        return this.evalString(resolved.module, resolved.node, depth + 1);
      }
      case 'call': {
        const name = calleeName(target);
        if (name === 'os.getenv' || name === 'os.environ.get' || name === 'getenv' || name === 'environ.get') {
          const fallback = argument(callArgs(target), 1, 'default');
          return fallback ? this.evalString(module, fallback, depth + 1) : undefined;
        }
        // pydantic `Field("/api", ...)` / `Field(default="/api")`; django-environ, environs and decouple defaults.
        const last = name === undefined ? '' : lastSegment(name);
        if (last === 'Field' || (name !== undefined && /^(env|env\.str|config|decouple\.config|environ\.Env\(\)\.str)$/.test(name))) {
          const args = callArgs(target);
          const fallback = args.keywords.get('default') ?? (last === 'Field' ? args.positional[0] : undefined);
          return fallback ? this.evalString(module, fallback, depth + 1) : undefined;
        }
        if (name === 'str') {
          const inner = callArgs(target).positional[0];
          return inner ? this.evalString(module, inner, depth + 1, env) : undefined;
        }
        // `getattr(configuration, "BASE_PATH", "")`: the default.
        if (name === 'getattr') {
          const fallback = callArgs(target).positional[2];
          return fallback ? this.evalString(module, fallback, depth + 1, env) : undefined;
        }
        const fn = field(target, 'function');
        if (fn?.type === 'attribute' && /^(strip|lstrip|rstrip|lower|upper)$/.test(last)) {
          const object = field(fn, 'object');
          const value = object ? this.evalString(module, object, depth + 1, env) : undefined;
          const charsNode = callArgs(target).positional[0];
          const chars = charsNode ? literalString(charsNode) : undefined;
          if (value === undefined || (charsNode && chars === undefined)) return undefined;
          return stringMethod(value, last, chars);
        }
        return this.evalProjectCall(module, target, depth, env);
      }
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = kids(target);
        if (!whenTrue || !condition || !whenFalse) return undefined;
        const tested = this.evalString(module, condition, depth + 1, env);
        if (tested === undefined) return undefined;
        return this.evalString(module, tested !== '' ? whenTrue : whenFalse, depth + 1, env);
      }
      default:
        return literalString(target);
    }
  }

  /**
   * `if settings.MULTI_ORG: return f"/<org_slug>{rule}"` then `return rule` (or `else: return rule`): the return
   * the default configuration takes, when the condition is a setting whose default is known; else undefined.
   */
  private branchTaken(module: PyModule, statements: readonly Node[], depth: number): Node | undefined {
    const [test, after] = statements;
    if (test?.type !== 'if_statement' || statements.length > 2) return undefined;
    const consequence = field(test, 'consequence');
    const alternatives = kids(test).filter((child) => child.type === 'else_clause' || child.type === 'elif_clause');
    const elseBody = alternatives.length === 1 && alternatives[0]?.type === 'else_clause' ? field(alternatives[0], 'body') : undefined;
    if (!consequence || alternatives.length > (elseBody ? 1 : 0) || (elseBody ? after !== undefined : after === undefined)) return undefined;
    const onlyReturn = (block: Node | undefined): Node | undefined => {
      const body = block ? kids(block).filter((child) => child.type !== 'comment') : [];
      return body.length === 1 && body[0]?.type === 'return_statement' ? body[0] : undefined;
    };
    const condition = field(test, 'condition');
    const taken = condition ? this.evalCondition(module, condition, depth + 1) : undefined;
    if (taken === undefined) return undefined;
    return taken ? onlyReturn(consequence) : elseBody ? onlyReturn(elseBody) : after;
  }

  /**
   * A condition on settings under the default configuration: a boolean setting (see `evalBool`), or a string
   * setting compared with a literal (`settings.AUTHENTICATION_METHOD == "django"`, `!=`). Undefined when unknown.
   */
  evalCondition(module: PyModule, node: Node, depth = 0): boolean | undefined {
    const target = unwrap(node);
    if (target.type === 'comparison_operator') {
      const [left, right] = [target.namedChildren[0], target.namedChildren[1]];
      const operator = target.children.find((child) => child?.type === '==' || child?.type === '!=')?.type;
      if (!left || !right || !operator || target.namedChildren.length !== 2) return undefined;
      const a = this.evalString(module, left, depth + 1);
      const b = a === undefined ? undefined : this.evalString(module, right, depth + 1);
      if (a === undefined || b === undefined) return undefined;
      return operator === '==' ? a === b : a !== b;
    }
    return this.evalBool(module, target, depth);
  }

  /** A boolean setting's default: `True`/`False`, `not x`, a name bound to one, `parse_boolean(os.environ.get("X", "false"))`, `env.bool("X", default=False)`. */
  private evalBool(module: PyModule, node: Node, depth: number): boolean | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const target = unwrap(node);
    if (target.type === 'true') return true;
    if (target.type === 'false' || target.type === 'none') return false;
    if (target.type === 'not_operator') {
      const inner = field(target, 'argument');
      const value = inner ? this.evalBool(module, inner, depth + 1) : undefined;
      return value === undefined ? undefined : !value;
    }
    if (target.type === 'identifier' || target.type === 'attribute') {
      const resolved = this.resolveExpr(module, target, depth + 1);
      return resolved?.kind === 'value' ? this.evalBool(resolved.module, resolved.node, depth + 1) : undefined;
    }
    if (target.type !== 'call') return undefined;
    const name = calleeName(target) ?? '';
    const args = callArgs(target);
    if (/^(?:env|environ\.Env\(\))\.bool$/.test(name) || name === 'config' || name === 'decouple.config') {
      const fallback = args.keywords.get('default') ?? args.positional[1];
      return fallback ? this.evalBool(module, fallback, depth + 1) : undefined;
    }
    // A conversion of an environment variable whose default is a boolean word (`parse_boolean`, `strtobool`, `bool(int(…))`).
    const inner = args.positional[0];
    if (args.positional.length !== 1 || !inner) return undefined;
    const innerTarget = unwrap(inner);
    const innerName = innerTarget.type === 'call' ? calleeName(innerTarget) : undefined;
    if (innerName && /^(?:os\.getenv|os\.environ\.get|getenv|environ\.get)$/.test(innerName)) {
      const fallback = argument(callArgs(innerTarget), 1, 'default');
      const word = fallback ? literalString(unwrap(fallback))?.trim().toLowerCase() : undefined;
      if (word === undefined) return undefined;
      if (['true', 'yes', 'on', '1'].includes(word)) return true;
      if (['false', 'no', 'off', '0', ''].includes(word)) return false;
      return undefined;
    }
    return innerTarget.type === 'call' ? this.evalBool(module, innerTarget, depth + 1) : undefined;
  }

  /** A project function whose body is one `return <string expression>` (`def trailing_slash(value): return ...`), called with evaluable arguments. */
  private evalProjectCall(module: PyModule, call: Node, depth: number, env: ReadonlyMap<string, Bound> | undefined): string | undefined {
    const fn = field(call, 'function');
    const callee = fn ? this.resolveExpr(module, fn, depth + 1) : undefined;
    if (callee?.kind !== 'def' || callee.node.type !== 'function_definition') return undefined;
    const statements = bodyOf(callee.node).filter((statement) => statement.type !== 'comment' && !(statement.type === 'expression_statement' && statement.firstNamedChild?.type === 'string'));
    const only = statements[0]?.type === 'if_statement' ? this.branchTaken(callee.module, statements, depth) : statements.length === 1 ? statements[0] : undefined;
    if (only?.type !== 'return_statement' || !only.firstNamedChild) return undefined;
    const args = callArgs(call);
    const bound = new Map<string, Bound>();
    const params = field(callee.node, 'parameters');
    let index = 0;
    for (const param of params ? kids(params) : []) {
      const name = param.type === 'identifier' ? param : field(param, 'name') ?? kids(param).find((child) => child.type === 'identifier');
      if (!name || name.type !== 'identifier') return undefined;
      const given = args.keywords.get(name.text) ?? args.positional[index];
      index++;
      const fallback = field(param, 'value');
      if (given) bound.set(name.text, { module, node: given, ...(env ? { env } : {}) });
      else if (fallback) bound.set(name.text, { module: callee.module, node: fallback });
      else return undefined;
    }
    return this.evalString(callee.module, only.firstNamedChild, depth + 1, bound);
  }
}

const cache = new WeakMap<readonly SourceFile[], PyIndex>();

/** One index per set of sources, shared by the Python collectors of a run. */
export function pythonIndex(sources: readonly SourceFile[]): PyIndex {
  let index = cache.get(sources);
  if (!index) {
    index = new PyIndex(sources);
    cache.set(sources, index);
  }
  return index;
}

/** The expressions a function returns (`return x`), nested functions and classes excluded. */
function returnedExpressions(fn: Node): Node[] {
  const out: Node[] = [];
  const body = field(fn, 'body');
  if (!body) return out;
  walk(body, (node) => {
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
    if (node.type === 'return_statement') {
      const value = node.firstNamedChild;
      if (value) out.push(value);
      return false;
    }
    return true;
  });
  return out;
}

/** The nearest function parameter or `for` target that binds `identifier`, if any. */
function binderOf(identifier: Node): { kind: 'param' | 'loop'; node: Node } | undefined {
  const name = identifier.text;
  let child = identifier;
  for (let scope = parentOf(identifier); scope; child = scope, scope = parentOf(scope)) {
    if (scope.type === 'for_statement' && field(scope, 'body')?.id === child.id) {
      const left = field(scope, 'left');
      const names = left?.type === 'identifier' ? [left.text] : left ? kids(left).map((node) => node.text) : [];
      if (names.includes(name)) return { kind: 'loop', node: scope };
    }
    if (scope.type === 'function_definition') {
      if (parameterNames(scope).some((param) => param.name === name)) return assignedIn(scope, name) ? undefined : { kind: 'param', node: scope };
      if (assignedIn(scope, name)) return undefined;
    }
    if (scope.type === 'class_definition' || scope.type === 'lambda') return undefined;
  }
  return undefined;
}

function parameterNames(fn: Node): { name: string; value?: Node }[] {
  const list = field(fn, 'parameters');
  if (!list) return [];
  const out: { name: string; value?: Node }[] = [];
  for (const param of kids(list)) {
    if (param.type === 'identifier') out.push({ name: param.text });
    else if (param.type === 'typed_parameter') {
      const name = kids(param).find((child) => child.type === 'identifier');
      if (name) out.push({ name: name.text });
    } else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
      const name = field(param, 'name');
      const value = field(param, 'value');
      if (name) out.push({ name: name.text, ...(value ? { value } : {}) });
    }
  }
  return out;
}

/** Whether the function body rebinds `name` (then it is not simply the parameter any more). */
function assignedIn(fn: Node, name: string): boolean {
  let found = false;
  const body = field(fn, 'body');
  if (!body) return false;
  walk(body, (node) => {
    if (found || node.type === 'function_definition' || node.type === 'class_definition') return false;
    if (node.type === 'assignment' && field(node, 'left')?.text === name) found = true;
    return !found;
  });
  return found;
}

/** Placeholder for a bound name whose value the call site does not give: evaluates to nothing. */
const UNBOUND_NODE = {} as Node;
const UNBOUND = (at: Bound): Bound => ({ module: at.module, node: UNBOUND_NODE });

/** Identifiers inside an expression that a parameter or loop binds (not attribute or keyword names, not names the item already has values for). */
function boundNames(item: Bound): { identifier: Node; binder: { kind: 'param' | 'loop'; node: Node } }[] {
  const out: { identifier: Node; binder: { kind: 'param' | 'loop'; node: Node } }[] = [];
  walk(unwrap(item.node), (node) => {
    if (node.type === 'lambda' || node.type === 'function_definition') return false;
    if (node.type !== 'identifier' || item.env?.has(node.text)) return true;
    const parent = parentOf(node);
    if (parent?.type === 'attribute' && field(parent, 'attribute')?.id === node.id) return true;
    if (parent?.type === 'keyword_argument' && field(parent, 'name')?.id === node.id) return true;
    const binder = binderOf(node);
    if (binder) out.push({ identifier: node, binder });
    return true;
  });
  return out;
}

function stringMethod(value: string, method: string, chars: string | undefined): string {
  if (method === 'lower') return value.toLowerCase();
  if (method === 'upper') return value.toUpperCase();
  const set = chars ?? ' \t\n\r';
  let start = 0;
  let end = value.length;
  if (method !== 'rstrip') while (start < end && set.includes(value[start] ?? '')) start++;
  if (method !== 'lstrip') while (end > start && set.includes(value[end - 1] ?? '')) end--;
  return value.slice(start, end);
}
