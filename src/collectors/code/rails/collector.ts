import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, Diagnostic, RateLimitEvidence } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { callArgs, callName, camelize, constantPath, field, literal, locate, underscore, walk } from '../ruby/ast.js';
import { singular } from '../ruby/inflect.js';
import { RubyProject } from '../ruby/project.js';
import { RailsFilters } from './filters.js';
import { rackAttackThrottles, throttleFor } from './rack-attack.js';
import { RailsRouteWalker, type RailsRoute } from './routes.js';

const FRAMEWORK = 'rails';
const IGNORED = /^(vendor|node_modules|spec|test|tmp)\//;
const DEVISE_MODULES: Record<string, string> = {
  database_authenticatable: 'sessions',
  // Strategies of devise-two-factor and devise_ldap_authenticatable replace database_authenticatable: `Devise.add_module(…, route: :session)`.
  two_factor_authenticatable: 'sessions',
  ldap_authenticatable: 'sessions',
  recoverable: 'passwords',
  registerable: 'registrations',
  confirmable: 'confirmations',
  lockable: 'unlocks',
  omniauthable: 'omniauth_callbacks',
};

/** The column each Devise module needs (Devise's generated migration): its presence shows the module is on. */
const DEVISE_COLUMNS: readonly [string, string][] = [
  ['passwords', 'reset_password_token'],
  ['confirmations', 'confirmation_token'],
  ['unlocks', 'unlock_token'],
];

/**
 * The columns `db/schema.rb` and the migrations give a table: `t.string "reset_password_token"` inside its
 * `create_table "users"` / `change_table :users` block, and `add_column :users, :reset_password_token`.
 */
function tableColumns(files: readonly SourceFile[], table: string): Set<string> {
  const columns = new Set<string>();
  for (const file of files) {
    if (!/^db\//.test(file.file) || !file.text.includes(table)) continue;
    walk(file.tree.rootNode, (node) => {
      if (node.type !== 'call') return true;
      const name = callName(node);
      const [first, second] = callArgs(node).positional;
      if (name === 'add_column' && first && literal(first) === table && second && literal(second)) columns.add(literal(second) ?? '');
      if ((name === 'create_table' || name === 'change_table') && first && literal(first) === table) {
        walk(node, (inner) => {
          if (inner.type !== 'call' || inner === node || field(inner, 'receiver')?.type !== 'identifier') return true;
          const column = callArgs(inner).positional[0];
          const value = column ? literal(column) : undefined;
          if (value) columns.add(value);
          return true;
        });
        return false;
      }
      return true;
    });
  }
  return columns;
}

/** `config.omniauth :github, …` in the Devise initializer: the providers `devise_for` routes for omniauthable models. */
function omniauthProviders(files: readonly SourceFile[]): string[] {
  const providers = new Set<string>();
  for (const file of files) {
    if (IGNORED.test(file.file) || !file.text.includes('omniauth')) continue;
    walk(file.tree.rootNode, (node) => {
      if (node.type !== 'call' || callName(node) !== 'omniauth' || field(node, 'receiver')?.text !== 'config') return true;
      const provider = callArgs(node).positional[0];
      const name = provider?.type === 'simple_symbol' || provider?.type === 'string' ? literal(provider) : undefined;
      if (name && /^\w+$/.test(name)) providers.add(name);
      return false;
    });
  }
  return [...providers].sort();
}

/** `X.routes.draw do … end` calls: the application's and the engines'. */
function drawCalls(files: readonly SourceFile[]): { app: { file: SourceFile; block: Node }[]; engines: Map<string, { file: SourceFile; block: Node }> } {
  const app: { file: SourceFile; block: Node }[] = [];
  const engines = new Map<string, { file: SourceFile; block: Node }>();
  for (const file of files) {
    if (IGNORED.test(file.file) || !file.text.includes('routes.draw')) continue;
    walk(file.tree.rootNode, (node) => {
      if (node.type !== 'call' || callName(node) !== 'draw') return true;
      const routes = field(node, 'receiver');
      const block = field(node, 'block');
      if (!routes || !block || routes.type !== 'call' || callName(routes) !== 'routes') return true;
      const owner = field(routes, 'receiver');
      if (!owner) return true;
      const constant = constantPath(owner);
      if (owner.type === 'call' && callName(owner) === 'application') app.push({ file, block });
      else if (constant && /(^|::)Application$/.test(constant)) app.push({ file, block });
      else if (constant) engines.set(constant, { file, block });
      return false;
    });
  }
  return { app, engines };
}

function railsEnabled(project: { dependencies: Record<string, string[]> }, sources: readonly SourceFile[]): boolean {
  const gems = project.dependencies['rubygems'] ?? [];
  if (gems.includes('rails') || gems.includes('railties') || gems.includes('actionpack')) return true;
  return sources.some((source) => source.language === 'ruby' && /\.routes\.draw\b/.test(source.text));
}

export const railsCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['ruby'],
  enablers: ['rails', 'railties'],
  isEnabled: railsEnabled,
  collect(sources, project) {
    const rubyFiles = sources.filter((source) => source.language === 'ruby');
    // Two applications in one repository (a storefront and a back office, each with its config/routes.rb) declare
    // classes of the same name (ApplicationController, ProductsController): each application reads its own files,
    // and the files outside every application (shared lib/, engines at the top) are read by all.
    const roots = [...new Set(drawCalls(rubyFiles).app.map(({ file }) => appRoot(file.file)))].sort();
    if (roots.length <= 1) return collectApp(rubyFiles, project);
    const owner = (file: string): string | undefined => roots.filter((root) => file.startsWith(root)).sort((a, b) => b.length - a.length)[0];
    // Each file's application, found once (was: every root's test of every file, once per application).
    const owners = rubyFiles.map((file) => owner(file.file));
    const endpoints: CollectedEndpoint[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const root of roots) {
      const result = collectApp(rubyFiles.filter((_file, index) => owners[index] === root || owners[index] === undefined), project);
      endpoints.push(...result.endpoints);
      diagnostics.push(...result.diagnostics);
    }
    return { endpoints: sortEndpoints(endpoints), diagnostics };
  },
};

/** The folder of the application a routes file belongs to: `storefront/` of `storefront/config/routes.rb`, `` at the top. */
function appRoot(file: string): string {
  const at = file.lastIndexOf('config/');
  return at >= 0 && (at === 0 || file[at - 1] === '/') ? file.slice(0, at) : file.slice(0, file.lastIndexOf('/') + 1);
}

function collectApp(rubyFiles: SourceFile[], project: { dependencies: Record<string, string[]> }): { endpoints: CollectedEndpoint[]; diagnostics: Diagnostic[] } {
  {
    const project_ = new RubyProject(rubyFiles.filter((file) => !IGNORED.test(file.file)));
    const byPath = new Map(rubyFiles.map((file) => [file.file, file]));
    const { app, engines } = drawCalls(rubyFiles);
    const gems = project.dependencies['rubygems'] ?? [];
    const engineFor = (name: string): { block: Node; file: SourceFile; module: string } | undefined => {
      for (const [fqn, draw] of engines) {
        if (fqn === name || fqn.endsWith(`::${name}`) || name.endsWith(`::${fqn}`)) {
          const scope = project_.scopes.get(fqn);
          const isolated = scope?.calls.some(({ node }) => callName(node) === 'isolate_namespace');
          return { ...draw, module: isolated ? underscore(fqn.replace(/::Engine$/, '')) : '' };
        }
      }
      return undefined;
    };
    const walker = new RailsRouteWalker(byPath, engineFor);
    const providers = omniauthProviders(rubyFiles);
    walker.omniauthProviders = providers;
    walker.deviseModules = (resource) => {
      const model = project_.scopes.get(camelize(singular(resource)));
      const call = model?.calls.find(({ node }) => callName(node) === 'devise');
      if (!call) return ['sessions', 'passwords', 'registrations'];
      const args = callArgs(call.node).positional;
      // `devise :database_authenticatable, :registerable, *(:confirmable if ENV['REQUIRE_CONFIRMED_EMAIL'] == 'true')`:
      // the literal modules are on; the ones a splat adds under a condition are off in the default configuration.
      const conditional = args.filter((arg) => literal(arg) === undefined);
      if (conditional.length > 0 && conditional.every((arg) => arg.type === 'splat_argument' && /^\*\s*\(?\s*\[?\s*:\w+/.test(arg.text) && /\b(if|unless)\b|\?/.test(arg.text))) {
        walker.diagnostics.push({ level: 'info', source: 'collector:rails', file: call.file.file, line: call.node.startPosition.row + 1, message: `Devise modules of ${model?.fqn ?? resource} added under a condition (${conditional.map((arg) => arg.text).join(', ')}) are off in the default configuration; their routes are not listed.` });
        return args.map((arg) => DEVISE_MODULES[literal(arg) ?? '']).filter((m): m is string => m !== undefined);
      }
      if (conditional.length > 0) {
        // `devise(*Config.modules)`: the modules are chosen at run time. Sign-in (database_authenticatable) is the one every
        // form login has; a module whose column the model or the schema declares (`field :reset_password_token`,
        // `t.string "reset_password_token"`) is on, and so is omniauthable when the initializer configures providers.
        const fields = new Set(model?.calls.filter(({ node }) => callName(node) === 'field').map(({ node }) => literal(callArgs(node).positional[0] ?? node) ?? '') ?? []);
        const columns = tableColumns(rubyFiles, resource);
        const modules = ['sessions', ...DEVISE_COLUMNS.filter(([, column]) => fields.has(column) || columns.has(column)).map(([module]) => module)];
        walker.diagnostics.push({ level: 'info', source: 'collector:rails', file: call.file.file, line: call.node.startPosition.row + 1, message: `The Devise modules of ${model?.fqn ?? resource} are computed at run time; devise_for :${resource} is listed with the modules its columns and configuration show (${modules.join(', ')}); registrations cannot be told from them and are not listed.` });
        return modules;
      }
      return args.map((arg) => DEVISE_MODULES[literal(arg) ?? '']).filter((m): m is string => m !== undefined);
    };
    for (const draw of app) walker.draw(draw.file, draw.block);
    const deviseHelpers = new Set<string>();
    if (gems.includes('devise') || walker.routes.some((route) => route.devise)) {
      for (const route of walker.routes) if (route.devise) deviseHelpers.add(`authenticate_${singular(route.devise.scope)}!`);
      walker.deviseScopes.forEach((scope) => deviseHelpers.add(`authenticate_${singular(scope)}!`));
    }
    const sessionIdentities = new Set<string>();
    for (const helper of deviseHelpers) {
      const scope = helper.replace(/^authenticate_/, '').replace(/!$/, '');
      sessionIdentities.add(`current_${scope}`).add(`${scope}_signed_in?`);
      // Pretender (`impersonates :user`): `true_user` is the signed-in user behind an impersonation.
      if (gems.includes('pretender')) sessionIdentities.add(`true_${scope}`);
    }
    if (gems.includes('authie') || gems.includes('sorcery')) sessionIdentities.add('logged_in?').add('current_user');
    if (gems.includes('clearance')) sessionIdentities.add('signed_in?').add('current_user');
    const filters = new RailsFilters(project_, { deviseHelpers, doorkeeper: gems.includes('doorkeeper') || gems.includes('doorkeeper-openid_connect'), sessionIdentities });
    const throttles = rackAttackThrottles(rubyFiles.filter((file) => !IGNORED.test(file.file)));
    const endpoints: CollectedEndpoint[] = [];
    const seen = new Set<string>();
    for (const route of walker.routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const decision = decideRoute(route, project_, filters);
      const endpoint = makeEndpoint({
        framework: FRAMEWORK,
        method: route.method,
        path: route.path,
        location: locate(route.file.file, route.at),
        auth: decision.auth,
        ...(decision.handler ? { handler: decision.handler } : {}),
        appFile: app[0]?.file.file ?? route.file.file,
      });
      if (decision.authorization) endpoint.authorization = decision.authorization;
      const rateLimit: RateLimitEvidence | undefined = throttleFor(throttles, route.method, route.path) ?? controllerRateLimit(route, project_, filters);
      if (rateLimit) endpoint.rateLimit = rateLimit;
      endpoints.push(endpoint);
    }
    return { endpoints: sortEndpoints(endpoints), diagnostics: walker.diagnostics };
  }
}

/** Rails 8's `rate_limit` in the route's controller (or an ancestor) covering its action. */
function controllerRateLimit(route: RailsRoute, project: RubyProject, filters: RailsFilters): RateLimitEvidence | undefined {
  if (!route.controller || !route.action) return undefined;
  const fqn = `${camelize(route.controller)}Controller`;
  const controller = project.scopes.get(fqn) ?? [...project.scopes.values()].find((scope) => scope.kind === 'class' && scope.fqn.toLowerCase() === fqn.toLowerCase());
  return controller ? filters.rateLimit(controller, route.action) : undefined;
}

function decideRoute(route: RailsRoute, project: RubyProject, filters: RailsFilters): ReturnType<RailsFilters['decide']> {
  if (route.devise) {
    const { module, scope } = route.devise;
    const action = route.action ?? '';
    if (module === 'registrations' && ['edit', 'update', 'destroy'].includes(action)) {
      return { auth: { state: 'protected', mechanisms: ['session'], where: locate(route.file.file, route.at), scope: 'route', detail: `Devise registrations#${action} authenticates the ${singular(scope)} (authenticate_scope!)` } };
    }
    return { auth: { state: 'public', mechanisms: ['none'], where: locate(route.file.file, route.at), scope: 'route', detail: `Devise ${module}#${action} is open by design (sign-in, sign-up, password reset)` } };
  }
  if (!route.controller || !route.action) {
    // `get "/old", to: redirect("/new")`: the router answers with a redirect, no controller or callback runs
    // (unless a Devise `authenticate` block or a request constraint wraps the route).
    if (route.endpoint?.startsWith('redirect(') && !guardedByRouting(route.at)) {
      return { auth: { state: 'unprotected', mechanisms: ['none'], where: locate(route.file.file, route.at), scope: 'route', detail: `served by ${route.endpoint}: a routing redirect, no authentication runs` } };
    }
    const auth: AuthEvidence = { state: 'unknown', mechanisms: ['unknown'], detail: route.endpoint ? `served by ${route.endpoint}, not a controller action` : 'the controller action could not be read from the route' };
    return { auth };
  }
  const fqn = `${camelize(route.controller)}Controller`;
  // Zeitwerk acronyms (`inflect.acronym "API"`) make `legacy_api` LegacyAPI: the same letters, other case.
  const controller = project.scopes.get(fqn) ?? [...project.scopes.values()].find((scope) => scope.kind === 'class' && scope.fqn.toLowerCase() === fqn.toLowerCase());
  if (!controller) {
    // Rails' own controllers (`get "up" => "rails/health#show"`, the PWA manifest and service worker) inherit
    // ActionController::Base, not the application's controller: none of the application's callbacks run, and they
    // check nothing themselves — unless the route sits inside a routing-level `authenticate`/`constraints` block.
    if (RAILS_OWN_CONTROLLERS.has(fqn) && !guardedByRouting(route.at))
      return { auth: { state: 'unprotected', mechanisms: ['none'], where: locate(route.file.file, route.at), scope: 'route', detail: `${fqn} is Rails' own controller (ActionController::Base): no authentication callback of the application applies` } };
    return { auth: { state: 'unknown', mechanisms: ['unknown'], detail: `${fqn} is not in the repository` } };
  }
  return filters.decide(controller, route.action);
}

/** Controllers Rails itself provides for routes an application draws, with no callback of their own (railties). */
const RAILS_OWN_CONTROLLERS: ReadonlySet<string> = new Set(['Rails::HealthController', 'Rails::PwaController']);

/** Inside `authenticate :user do … end` / `authenticated do … end` or a `constraints` block given a lambda or object: the router may refuse the request. */
function guardedByRouting(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type !== 'call') continue;
    const name = callName(up);
    if (name === 'authenticate' || name === 'authenticated' || name === 'unauthenticated') return true;
    if (name === 'constraints' && callArgs(up).positional.some((arg) => arg.type === 'lambda' || arg.type === 'call' || arg.type === 'constant' || arg.type === 'scope_resolution')) return true;
  }
  return false;
}
