import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { blockStatements, callArgs, callName, constantPath, field, kids } from './ast.js';

/** A class or module as declared in one place (reopened ones are merged by name). */
export interface RubyScope {
  kind: 'class' | 'module';
  fqn: string;
  /** Enclosing module names, outermost first, for constant lookup. */
  nesting: string[];
  file: SourceFile;
  node: Node;
  /** The superclass as written (`Api::BaseController`). */
  superclass?: string;
  /** Instance methods by name. */
  methods: Map<string, { node: Node; file: SourceFile }>;
  /** Class-level call statements in order (`before_action …`), plus those of `included do … end` for concerns. */
  calls: { node: Node; file: SourceFile }[];
  /** `include X` as written. */
  includes: string[];
  /** Class methods by name: `def self.x`, and a concern's `class_methods do … end` (`skip_authentication(**options)`). */
  classMethods?: Map<string, { node: Node; file: SourceFile }>;
  /** Class-level statements that are a bare name (`skip_authentication`): a class macro called without arguments. */
  bare?: { node: Node; file: SourceFile }[];
}

/** Every class and module of the Ruby files, by fully qualified name. */
export class RubyProject {
  readonly scopes = new Map<string, RubyScope>();
  readonly files: SourceFile[];

  constructor(sources: readonly SourceFile[]) {
    this.files = sources.filter((source) => source.language === 'ruby');
    for (const file of this.files) this.visit(file, kids(file.tree.rootNode), []);
  }

  private visit(file: SourceFile, statements: readonly Node[], nesting: string[]): void {
    for (const statement of statements) {
      if (statement.type !== 'class' && statement.type !== 'module') continue;
      const name = constantPath(field(statement, 'name'));
      if (!name) continue;
      const fqn = [...nesting, name].join('::').replace(/^::/, '');
      const scope: RubyScope = this.scopes.get(fqn) ?? {
        kind: statement.type,
        fqn,
        nesting: [...nesting],
        file,
        node: statement,
        methods: new Map(),
        calls: [],
        includes: [],
      };
      if (statement.type === 'class') {
        const superclass = constantPath(kids(field(statement, 'superclass') ?? statement).find((n) => n.type === 'constant' || n.type === 'scope_resolution'));
        if (superclass && field(statement, 'superclass')) scope.superclass = superclass;
      }
      this.scopes.set(fqn, scope);
      const body = field(statement, 'body');
      const inner = body ? kids(body) : [];
      this.members(scope, file, inner);
      this.visit(file, inner, fqn.split('::'));
    }
  }

  private members(scope: RubyScope, file: SourceFile, statements: readonly Node[]): void {
    for (const statement of statements) {
      if (statement.type === 'method') {
        const name = field(statement, 'name')?.text;
        if (name) scope.methods.set(name, { node: statement, file });
        continue;
      }
      if (statement.type === 'singleton_method' && field(statement, 'object')?.type === 'self') {
        const name = field(statement, 'name')?.text;
        if (name) (scope.classMethods ??= new Map()).set(name, { node: statement, file });
        continue;
      }
      if (statement.type !== 'call' && statement.type !== 'identifier') continue;
      const name = callName(statement);
      const args = callArgs(statement);
      // `private def x`, `protected def y`
      const defined = args.positional.filter((arg) => arg.type === 'method');
      if (defined.length > 0) {
        this.members(scope, file, defined);
        continue;
      }
      if (name === 'include' && statement.type === 'call' && !field(statement, 'receiver')) {
        for (const arg of args.positional) {
          const included = constantPath(arg);
          if (included) scope.includes.push(included);
        }
        continue;
      }
      if (name === 'class_methods' && args.block) {
        for (const inner of blockStatements(args.block)) {
          const method = inner.type === 'method' ? field(inner, 'name')?.text : undefined;
          if (method) (scope.classMethods ??= new Map()).set(method, { node: inner, file });
        }
        continue;
      }
      if (name === 'included' && args.block) {
        for (const inner of blockStatements(args.block)) scope.calls.push({ node: inner, file });
        continue;
      }
      if (statement.type === 'call' && !field(statement, 'receiver')) scope.calls.push({ node: statement, file });
      else if (statement.type === 'identifier') (scope.bare ??= []).push({ node: statement, file });
    }
  }

  /** Resolves a constant as written inside `nesting` (innermost first, then top level). */
  resolve(name: string, nesting: readonly string[]): RubyScope | undefined {
    const bare = name.replace(/^::/, '');
    if (name.startsWith('::')) return this.scopes.get(bare);
    for (let depth = nesting.length; depth >= 0; depth -= 1) {
      const candidate = [...nesting.slice(0, depth), bare].join('::');
      const found = this.scopes.get(candidate);
      if (found) return found;
    }
    return undefined;
  }

  /** The class and its ancestors, root first, with included modules before the class that includes them. `unresolved` names the first parent not in the repository. */
  ancestry(scope: RubyScope): { chain: RubyScope[]; unresolved?: string } {
    const chain: RubyScope[] = [];
    const seen = new Set<string>();
    let current: RubyScope = scope;
    let unresolved: string | undefined;
    const lineage: RubyScope[] = [];
    while (!seen.has(current.fqn)) {
      seen.add(current.fqn);
      lineage.unshift(current);
      if (!current.superclass) break;
      const parent = this.resolve(current.superclass, current.fqn.split('::').slice(0, -1));
      if (!parent) {
        unresolved = current.superclass;
        break;
      }
      current = parent;
    }
    for (const member of lineage) {
      for (const included of member.includes) {
        const module = this.resolve(included, member.fqn.split('::'));
        if (module && module.kind === 'module' && !seen.has(module.fqn)) {
          seen.add(module.fqn);
          chain.push(module);
        }
      }
      chain.push(member);
    }
    return unresolved === undefined ? { chain } : { chain, unresolved };
  }

  /** The class method `name` as seen from the class: the nearest definition in its ancestry (concerns included). */
  findClassMethod(chain: readonly RubyScope[], name: string): { node: Node; file: SourceFile } | undefined {
    for (const scope of [...chain].reverse()) {
      const found = scope.classMethods?.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** The method `name` as seen from the class: the nearest definition in its ancestry. */
  findMethod(chain: readonly RubyScope[], name: string): { node: Node; file: SourceFile } | undefined {
    for (const scope of [...chain].reverse()) {
      const found = scope.methods.get(name);
      if (found) return found;
    }
    return undefined;
  }
}
