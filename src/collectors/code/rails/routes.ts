import type { SourceFile } from '../../../engine/context.js';
import type { Diagnostic } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { blockStatements, callArgs, callName, constantPath, field, literal, literalList, walk, type RubyArgs } from '../ruby/ast.js';
import { plural, singular } from '../ruby/inflect.js';

/** One route as `config/routes.rb` declares it. */
export interface RailsRoute {
  method: string;
  path: string;
  /** `api/v1/users`, when the route goes to a controller action. */
  controller?: string;
  action?: string;
  /** What serves the route when it is not a controller action (`redirect`, a Rack app …). */
  endpoint?: string;
  /** Devise's own controllers: the scope (`users`) and the module (`sessions`). */
  devise?: { scope: string; module: string };
  at: Node;
  file: SourceFile;
}

interface Resource {
  singular: boolean;
  /** Path of the collection (`/photos`) and of one member (`/photos/{id}`). */
  collection: string;
  member: string;
  /** The prefix nested resources get (`/photos/{photo_id}`). */
  nested: string;
  controller: string;
  /** The path of the member when the resource is shallow. */
  shallowMember?: string;
}

interface Scope {
  path: string;
  module: string;
  controller?: string;
  resource?: Resource;
  /** Inside `member`, `collection` or directly in a resource block. */
  on?: 'member' | 'collection' | 'nested';
  /** The path outside the enclosing resources, for `shallow`. */
  shallowPath: string;
  shallow: boolean;
}

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'match']);
const DESCEND = new Set(['constraints', 'defaults', 'with_options', 'authenticate', 'authenticated', 'unauthenticated', 'devise_scope', 'as']);

/** `/a` + `b/:id(.:format)` → `/a/b/{id}`: optional groups dropped, `:x` and `*x` become `{x}`. */
export function joinRails(...parts: readonly string[]): string {
  const joined = parts.join('/');
  let text = joined;
  for (let i = 0; i < 5 && /\([^()]*\)/.test(text); i += 1) text = text.replace(/\([^()]*\)/g, '');
  const segments = text
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'));
  return `/${segments.join('/')}`;
}

export class RailsRouteWalker {
  readonly routes: RailsRoute[] = [];
  /** Resources named in `devise_for`, whose `authenticate_<name>!` helpers Devise defines. */
  readonly deviseScopes = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly concerns = new Map<string, { block: Node; file: SourceFile }>();
  private readonly drawing: string[] = [];

  constructor(
    private readonly files: ReadonlyMap<string, SourceFile>,
    private readonly engines: (name: string) => { block: Node; file: SourceFile; module: string } | undefined,
  ) {}

  draw(file: SourceFile, block: Node, prefix = '', module = ''): void {
    if (this.drawing.includes(file.file) && this.drawing.length > 20) return;
    this.drawing.push(file.file);
    try {
      this.statements(file, blockStatements(block), { path: prefix, module, shallowPath: prefix, shallow: false });
    } finally {
      this.drawing.pop();
    }
  }

  private statements(file: SourceFile, statements: readonly Node[], scope: Scope): void {
    for (const statement of statements) this.statement(file, statement, scope);
  }

  private statement(file: SourceFile, node: Node, scope: Scope): void {
    if (node.type === 'if' || node.type === 'unless' || node.type === 'begin') {
      walk(node, (inner) => {
        if (inner === node) return true;
        if (inner.type === 'call') {
          this.statement(file, inner, scope);
          return false;
        }
        return true;
      });
      return;
    }
    if (node.type === 'if_modifier' || node.type === 'unless_modifier') {
      const body = field(node, 'body');
      if (body) this.statement(file, body, scope);
      return;
    }
    if (node.type !== 'call' && node.type !== 'identifier') return;
    if (node.type === 'call' && field(node, 'receiver')) return;
    const name = callName(node);
    if (!name) return;
    const args = callArgs(node);
    if (VERBS.has(name)) { this.verb(file, node, name, args, scope); return; }
    switch (name) {
      case 'root':
        { this.root(file, node, args, scope); return; }
      case 'resources':
      case 'resource':
        { this.resources(file, node, name === 'resource', args, scope); return; }
      case 'namespace':
        { this.namespace(file, args, scope); return; }
      case 'scope':
        { this.scope(file, args, scope); return; }
      case 'controller': {
        const controller = literal(args.positional[0]);
        if (controller) this.statements(file, blockStatements(args.block), { ...scope, controller: joinModule(scope.module, controller) });
        return;
      }
      case 'member':
      case 'collection':
        if (scope.resource) this.statements(file, blockStatements(args.block), { ...scope, on: name });
        return;
      case 'nested':
        this.statements(file, blockStatements(args.block), { ...scope, on: 'nested' });
        return;
      case 'shallow':
        this.statements(file, blockStatements(args.block), { ...scope, shallow: true });
        return;
      case 'concern': {
        const key = literal(args.positional[0]);
        if (key && args.block) this.concerns.set(key, { block: args.block, file });
        return;
      }
      case 'concerns':
        for (const arg of args.positional) this.concern(file, node, literal(arg), scope);
        return;
      case 'draw':
        { this.drawFile(file, node, literal(args.positional[0]), scope); return; }
      case 'mount':
        { this.mount(file, node, args, scope); return; }
      case 'devise_for':
        { this.devise(file, node, args, scope); return; }
      default:
        if (DESCEND.has(name) && args.block) this.statements(file, blockStatements(args.block), scope);
    }
  }

  private concern(file: SourceFile, at: Node, key: string | undefined, scope: Scope): void {
    const concern = key === undefined ? undefined : this.concerns.get(key);
    if (!concern) {
      this.diagnostics.push({ level: 'warning', source: 'collector:rails', file: file.file, line: at.startPosition.row + 1, message: `Routing concern ${key ?? at.text} is not defined before its use; its routes are not listed.` });
      return;
    }
    this.statements(concern.file, blockStatements(concern.block), scope.resource ? { ...scope, on: 'nested' } : scope);
  }

  private add(file: SourceFile, at: Node, methods: readonly string[], path: string, target: Omit<RailsRoute, 'method' | 'path' | 'at' | 'file'>): void {
    for (const method of methods) this.routes.push({ method, path, ...target, at, file });
  }

  private verb(file: SourceFile, node: Node, name: string, args: RubyArgs, scope: Scope): void {
    let methods: string[] = name === 'match' ? [] : [name.toUpperCase()];
    if (name === 'match') {
      const via = literalList(args.options.get('via'));
      methods = via.values.includes('all') ? ['ANY'] : via.values.map((verb) => verb.toUpperCase());
      if (methods.length === 0) methods = ['ANY'];
    }
    let rawPath: string | undefined;
    let to: Node | undefined = args.options.get('to');
    const arrow = args.arrows[0];
    const first = args.positional[0];
    if (arrow) {
      rawPath = literal(arrow.key);
      to = arrow.value;
    } else if (first) {
      rawPath = literal(first);
    }
    if (args.options.has('path')) rawPath = literal(args.options.get('path')) ?? rawPath;
    if (rawPath === undefined) {
      const written = arrow?.key ?? first;
      if (written) this.diagnostics.push({ level: 'info', source: 'collector:rails', file: file.file, line: node.startPosition.row + 1, message: `The route path ${written.text} is computed at run time; the route is not listed.` });
      return;
    }
    const isSymbol = first?.type === 'simple_symbol' && !arrow;
    const onOption = literal(args.options.get('on'));
    const on = onOption === 'member' || onOption === 'collection' ? onOption : scope.on;
    let base = scope.path;
    let controller = scope.controller;
    if (scope.resource) {
      controller = scope.resource.controller;
      if (on === 'member') base = scope.resource.member;
      else if (on === 'collection') base = scope.resource.collection;
      else base = scope.resource.nested;
    }
    const path = joinRails(base, rawPath);
    // What serves it.
    let action: string | undefined;
    if (args.options.has('controller')) {
      const value = literal(args.options.get('controller'));
      if (value) controller = joinModule(scope.module, value);
    }
    if (args.options.has('action')) action = literal(args.options.get('action'));
    if (to) {
      const target = literal(to);
      if (target === undefined) {
        this.add(file, node, methods, path, { endpoint: to.text.slice(0, 60) });
        return;
      }
      if (target.includes('#')) {
        const [c, a] = target.split('#');
        if (c) controller = joinModule(scope.module, c);
        action = a;
      } else action = target;
    }
    if (action === undefined) {
      if (isSymbol || scope.resource || controller) action = rawPath.replace(/^\//, '').split('/').pop()?.replace(/[(:*].*$/, '');
      else {
        const segments = rawPath.split('/').filter((s) => s && !/^[:*(]/.test(s));
        if (segments.length >= 2) {
          action = segments.pop();
          controller = joinModule(scope.module, segments.join('/'));
        }
      }
    }
    if (!controller || !action) {
      this.add(file, node, methods, path, {});
      return;
    }
    this.add(file, node, methods, path, { controller, action: action.replace(/-/g, '_') });
  }

  private root(file: SourceFile, node: Node, args: RubyArgs, scope: Scope): void {
    const target = literal(args.options.get('to') ?? args.positional[0]);
    const path = joinRails(scope.path);
    if (target?.includes('#')) {
      const [c, a] = target.split('#');
      this.add(file, node, ['GET'], path, { controller: joinModule(scope.module, c ?? ''), action: a ?? 'index' });
    } else this.add(file, node, ['GET'], path, {});
  }

  private resources(file: SourceFile, node: Node, isSingular: boolean, args: RubyArgs, scope: Scope): void {
    const names = args.positional.map((arg) => literal(arg)).filter((name): name is string => name !== undefined);
    const only = args.options.has('only') ? new Set(literalList(args.options.get('only')).values) : undefined;
    const except = new Set(literalList(args.options.get('except')).values);
    const shallow = scope.shallow || literal(args.options.get('shallow')) === 'true' || args.options.get('shallow')?.type === 'true';
    const moduleOption = literal(args.options.get('module'));
    const module = moduleOption ? joinModule(scope.module, moduleOption) : scope.module;
    const parentBase = nestingBase(scope);
    for (const name of names) {
      const segment = literal(args.options.get('path')) ?? name;
      const controllerName = literal(args.options.get('controller')) ?? (isSingular ? plural(name) : name);
      const controller = joinModule(module, controllerName);
      const param = literal(args.options.get('param')) ?? 'id';
      const collection = joinRails(parentBase, segment);
      const member = isSingular ? collection : joinRails(collection, `:${param}`);
      const shallowBase = joinRails(scope.shallowPath, segment);
      const shallowMember = isSingular ? shallowBase : joinRails(shallowBase, `:${param}`);
      const resource: Resource = {
        singular: isSingular,
        collection,
        member: shallow && scope.resource ? shallowMember : member,
        nested: isSingular ? collection : joinRails(collection, `:${singular(name)}_${param === 'id' ? 'id' : param}`),
        controller,
      };
      const wanted = (action: string): boolean => (only ? only.has(action) : true) && !except.has(action);
      const standard: [string, string[], string][] = isSingular
        ? [
            ['create', ['POST'], collection],
            ['new', ['GET'], joinRails(collection, 'new')],
            ['edit', ['GET'], joinRails(collection, 'edit')],
            ['show', ['GET'], collection],
            ['update', ['PATCH', 'PUT'], collection],
            ['destroy', ['DELETE'], collection],
          ]
        : [
            ['index', ['GET'], collection],
            ['create', ['POST'], collection],
            ['new', ['GET'], joinRails(collection, 'new')],
            ['edit', ['GET'], joinRails(resource.member, 'edit')],
            ['show', ['GET'], resource.member],
            ['update', ['PATCH', 'PUT'], resource.member],
            ['destroy', ['DELETE'], resource.member],
          ];
      const inner: Scope = { ...scope, module, resource, on: 'nested', shallowPath: shallow ? scope.shallowPath : scope.shallowPath, shallow };
      for (const concernName of literalList(args.options.get('concerns')).values) this.concern(file, node, concernName, inner);
      this.statements(file, blockStatements(args.block), inner);
      for (const [action, methods, path] of standard) if (wanted(action)) this.add(file, node, methods, path, { controller, action });
    }
  }

  private namespace(file: SourceFile, args: RubyArgs, scope: Scope): void {
    const name = literal(args.positional[0]);
    if (name === undefined) return;
    const path = literal(args.options.get('path')) ?? name;
    const module = literal(args.options.get('module')) ?? name;
    const next = joinRails(nestingBase(scope), path);
    this.statements(file, blockStatements(args.block), { path: next, module: joinModule(scope.module, module), shallowPath: joinRails(scope.shallowPath, path), shallow: scope.shallow, ...(scope.controller ? { controller: scope.controller } : {}) });
  }

  private scope(file: SourceFile, args: RubyArgs, scope: Scope): void {
    const path = literal(args.options.get('path')) ?? literal(args.positional[0]) ?? '';
    const module = literal(args.options.get('module'));
    const controller = literal(args.options.get('controller'));
    const base = nestingBase(scope);
    const next: Scope = {
      path: joinRails(base, path),
      module: module ? joinModule(scope.module, module) : scope.module,
      shallowPath: joinRails(scope.shallowPath, path),
      shallow: scope.shallow || args.options.get('shallow')?.type === 'true',
    };
    if (controller) next.controller = joinModule(next.module, controller);
    else if (scope.controller) next.controller = scope.controller;
    this.statements(file, blockStatements(args.block), next);
  }

  private drawFile(file: SourceFile, node: Node, name: string | undefined, scope: Scope): void {
    const dir = file.file.replace(/[^/]*$/, '');
    const target = name === undefined ? undefined : this.files.get(`${dir}routes/${name}.rb`) ?? this.files.get(`config/routes/${name}.rb`);
    if (!target) {
      this.diagnostics.push({ level: 'warning', source: 'collector:rails', file: file.file, line: node.startPosition.row + 1, message: `draw(${name ?? '…'}): the route file was not found; its routes are not listed.` });
      return;
    }
    if (this.drawing.includes(target.file)) return;
    this.drawing.push(target.file);
    try {
      this.statements(target, blockStatements(target.tree.rootNode), scope);
    } finally {
      this.drawing.pop();
    }
  }

  private mount(file: SourceFile, node: Node, args: RubyArgs, scope: Scope): void {
    let app: Node | undefined;
    let at: string | undefined;
    const arrow = args.arrows[0];
    if (arrow) {
      app = arrow.key;
      at = literal(arrow.value);
    } else {
      app = args.positional[0];
      at = literal(args.options.get('at'));
    }
    const name = constantPath(app);
    const engine = name ? this.engines(name) : undefined;
    const prefix = joinRails(scope.path, at ?? '');
    if (engine && !this.drawing.includes(engine.file.file)) {
      this.draw(engine.file, engine.block, prefix, engine.module);
      return;
    }
    this.diagnostics.push({
      level: 'info',
      source: 'collector:rails',
      file: file.file,
      line: node.startPosition.row + 1,
      message: `mount ${app?.text ?? '…'} at ${prefix}: the mounted application is not in the repository; its routes are not listed.`,
    });
  }

  private devise(file: SourceFile, node: Node, args: RubyArgs, scope: Scope): void {
    const modules = this.deviseModules ?? deviseModulesDefault;
    const skip = new Set(literalList(args.options.get('skip')).values);
    const only = args.options.has('only') ? new Set(literalList(args.options.get('only')).values) : undefined;
    const pathNames = new Map<string, string>();
    const names = args.options.get('path_names');
    if (names?.type === 'hash') for (const pair of names.namedChildren) {
      if (!pair || pair.type !== 'pair') continue;
      const key = literal(field(pair, 'key'));
      const value = literal(field(pair, 'value'));
      if (key && value !== undefined) pathNames.set(key, value);
    }
    for (const arg of args.positional) {
      const resource = literal(arg);
      if (!resource) continue;
      this.deviseScopes.add(resource);
      const base = joinRails(scope.path, literal(args.options.get('path')) ?? resource);
      const pn = (key: string, fallback: string): string => pathNames.get(key) ?? fallback;
      const enabled = modules(resource);
      const want = (mod: string): boolean => enabled.includes(mod) && !skip.has(mod) && (only ? only.has(mod) : true);
      const devise = (module: string): { scope: string; module: string } => ({ scope: resource, module });
      if (want('sessions')) {
        this.add(file, node, ['GET'], joinRails(base, pn('sign_in', 'sign_in')), { devise: devise('sessions'), action: 'new' });
        this.add(file, node, ['POST'], joinRails(base, pn('sign_in', 'sign_in')), { devise: devise('sessions'), action: 'create' });
        // `sign_out_via: [:post, :delete]` (Devise's default :delete).
        const via = literalList(args.options.get('sign_out_via')).values.map((verb) => verb.toUpperCase()).filter((verb) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(verb));
        this.add(file, node, via.length > 0 ? via : ['DELETE'], joinRails(base, pn('sign_out', 'sign_out')), { devise: devise('sessions'), action: 'destroy' });
      }
      if (want('passwords')) {
        const p = joinRails(base, pn('password', 'password'));
        this.add(file, node, ['GET'], joinRails(p, 'new'), { devise: devise('passwords'), action: 'new' });
        this.add(file, node, ['GET'], joinRails(p, 'edit'), { devise: devise('passwords'), action: 'edit' });
        this.add(file, node, ['PATCH', 'PUT'], p, { devise: devise('passwords'), action: 'update' });
        this.add(file, node, ['POST'], p, { devise: devise('passwords'), action: 'create' });
      }
      if (want('registrations')) {
        const p = joinRails(base, pn('registration', ''));
        this.add(file, node, ['GET'], joinRails(p, 'cancel'), { devise: devise('registrations'), action: 'cancel' });
        this.add(file, node, ['GET'], joinRails(p, pn('sign_up', 'sign_up')), { devise: devise('registrations'), action: 'new' });
        this.add(file, node, ['GET'], joinRails(p, 'edit'), { devise: devise('registrations'), action: 'edit' });
        this.add(file, node, ['PATCH', 'PUT'], p, { devise: devise('registrations'), action: 'update' });
        this.add(file, node, ['DELETE'], p, { devise: devise('registrations'), action: 'destroy' });
        this.add(file, node, ['POST'], p, { devise: devise('registrations'), action: 'create' });
      }
      if (want('confirmations')) {
        const p = joinRails(base, pn('confirmation', 'confirmation'));
        this.add(file, node, ['GET'], joinRails(p, 'new'), { devise: devise('confirmations'), action: 'new' });
        this.add(file, node, ['GET'], p, { devise: devise('confirmations'), action: 'show' });
        this.add(file, node, ['POST'], p, { devise: devise('confirmations'), action: 'create' });
      }
      // A devise_for that names its omniauth_callbacks controller shows the model is omniauthable, whatever its modules say.
      const callbacks = args.options.get('controllers');
      const namesCallbacks = callbacks?.type === 'hash' && callbacks.namedChildren.some((pair) => pair?.type === 'pair' && literal(field(pair, 'key')) === 'omniauth_callbacks');
      if (want('omniauth_callbacks') || (namesCallbacks && !skip.has('omniauth_callbacks') && (only ? only.has('omniauth_callbacks') : true))) {
        // Devise: `<base>/auth/:provider` (the request phase, POST only with OmniAuth 2) and `<base>/auth/:provider/callback`.
        if (this.omniauthProviders.length === 0) {
          this.diagnostics.push({ level: 'info', source: 'collector:rails', file: file.file, line: node.startPosition.row + 1, message: `devise_for :${resource} is omniauthable but no provider is configured (config.omniauth); its OmniAuth routes are not listed.` });
        }
        const p = joinRails(base, 'auth');
        for (const provider of this.omniauthProviders) {
          this.add(file, node, ['POST'], joinRails(p, provider), { devise: devise('omniauth_callbacks'), action: 'passthru' });
          this.add(file, node, ['GET', 'POST'], joinRails(p, provider, 'callback'), { devise: devise('omniauth_callbacks'), action: provider });
        }
      }
      if (want('unlocks')) {
        const p = joinRails(base, pn('unlock', 'unlock'));
        this.add(file, node, ['GET'], joinRails(p, 'new'), { devise: devise('unlocks'), action: 'new' });
        this.add(file, node, ['GET'], p, { devise: devise('unlocks'), action: 'show' });
        this.add(file, node, ['POST'], p, { devise: devise('unlocks'), action: 'create' });
      }
    }
  }

  /** `config.omniauth` providers of the Devise initializer; set by the collector. */
  omniauthProviders: readonly string[] = [];

  /** Devise modules per scope, from the model's `devise …` call; set by the collector. */
  deviseModules?: (resource: string) => string[];
}

/**
 * The path a `resources`, `namespace` or `scope` block nests under: the collection inside
 * `collection do … end` (`/submissions/init`), the member inside `member do … end`
 * (`/submissions/:id/x`), `/submissions/:submission_id` directly in the resource's block.
 */
function nestingBase(scope: Scope): string {
  if (!scope.resource) return scope.path;
  if (scope.on === 'collection') return scope.resource.collection;
  if (scope.on === 'member') return scope.resource.member;
  return scope.resource.nested;
}

function deviseModulesDefault(): string[] {
  return ['sessions', 'passwords', 'registrations'];
}

export function joinModule(module: string, controller: string): string {
  if (controller.startsWith('/')) return controller.slice(1);
  return module ? `${module}/${controller}` : controller;
}
