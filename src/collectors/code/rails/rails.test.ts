import { describe, expect, it } from 'vitest';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import { parse } from '../../../parsing/parser.js';
import { camelize, underscore } from '../ruby/ast.js';
import { plural, singular } from '../ruby/inflect.js';
import { RubyProject } from '../ruby/project.js';
import { railsCollector } from './collector.js';
import { joinRails } from './routes.js';

async function ruby(file: string, text: string): Promise<SourceFile> {
  const tree = await parse('ruby', text);
  if (!tree) throw new Error('parse failed');
  return { file, language: 'ruby', text, tree };
}

const PROJECT: ProjectInfo = { root: '/x', languages: ['ruby'], frameworks: ['rails'], dependencies: { rubygems: ['rails', 'devise'] } };

async function collect(files: Record<string, string>): Promise<ReturnType<typeof railsCollector.collect>> {
  const sources = await Promise.all(Object.entries(files).map(([file, text]) => ruby(file, text)));
  return railsCollector.collect(sources, PROJECT);
}

function routes(result: ReturnType<typeof railsCollector.collect>): string[] {
  return result.endpoints.map((e) => `${e.method} ${e.path} ${e.auth.state}`);
}

describe('Rails paths and names', () => {
  it('drops optional groups and turns :params and *globs into {params}', () => {
    expect(joinRails('/top(/:length(/page/:page))')).toBe('/top');
    expect(joinRails('/api', 'files/*path(.:format)')).toBe('/api/files/{path}');
    expect(joinRails('', '/~:username/standing')).toBe('/~{username}/standing');
    expect(joinRails('')).toBe('/');
  });

  it('inflects resource names and constant paths', () => {
    expect(singular('categories')).toBe('category');
    expect(singular('addresses')).toBe('address');
    expect(plural('profile')).toBe('profiles');
    expect(plural('person')).toBe('people');
    expect(camelize('api/v1/user_sessions')).toBe('Api::V1::UserSessions');
    expect(underscore('Api::V1::HTTPClients')).toBe('api/v1/http_clients');
  });
});

describe('Rails routes', () => {
  it('expands shallow nesting, scope module/controller, path-inferred actions and match via: :all', async () => {
    const result = await collect({
      'config/routes.rb': `Rails.application.routes.draw do
  resources :projects, only: [:index] do
    resources :tasks, only: [:index, :show], shallow: true
  end
  scope module: "public", path: "p" do
    get "photos/search"
  end
  scope "/ops", controller: :ops do
    get "ping"
  end
  match "/hook" => "hooks#receive", via: :all
  get path_from_config => "x#y"
end
`,
    });
    expect(routes(result).map((r) => r.replace(/ \w+$/, '')).sort()).toEqual([
      'GET /projects',
      'GET /projects/{project_id}/tasks',
      'GET /tasks/{id}',
      'GET /p/photos/search',
      'GET /ops/ping',
      'ANY /hook',
    ].sort());
    expect(result.diagnostics.some((d) => d.line === 12 && /computed at run time/.test(d.message))).toBe(true);
  });

  it('survives hostile route files: a concern used before it is defined, self-drawing files, deep nesting', async () => {
    const deep = `${'namespace :a do\n'.repeat(300)}get "x" => "c#a"\n${'end\n'.repeat(300)}`;
    const result = await collect({
      'config/routes.rb': `Rails.application.routes.draw do\n  concerns :missing\n  draw :loop\n${deep}end\n`,
      'config/routes/loop.rb': 'draw :loop\nget "loop" => "l#i"\n',
    });
    expect(result.endpoints.some((e) => e.path === '/loop')).toBe(true);
    expect(result.endpoints.some((e) => e.path.startsWith('/a/a/a'))).toBe(true);
    expect(result.diagnostics.some((d) => /concern :missing|missing/.test(d.message))).toBe(true);
  });
});

describe('Rails callbacks', () => {
  const routesFile = `Rails.application.routes.draw do
  devise_for :users
  resources :notes, only: [:index, :show, :create, :update, :destroy]
end
`;
  const collectController = async (controller: string): Promise<Record<string, string>> => {
    const result = await collect({ 'config/routes.rb': routesFile, 'app/controllers/notes_controller.rb': controller });
    return Object.fromEntries(result.endpoints.filter((e) => e.path.startsWith('/notes')).map((e) => [`${e.method} ${e.path}`, e.auth.state]));
  };

  it('a conditional skip leaves the action undecided; a redeclared before_action replaces the earlier one', async () => {
    const states = await collectController(`class NotesController < ActionController::Base
  before_action :authenticate_user!
  before_action :authenticate_user!, except: [:show]
  skip_before_action :authenticate_user!, only: :index, if: -> { request.format.rss? }
  def index; end
  def show; end
end
`);
    expect(states['GET /notes']).toBe('unknown');
    expect(states['GET /notes/{id}']).toBe('unprotected');
    expect(states['POST /notes']).toBe('protected');
  });

  it('filters that raise, render 404 or call the auth helper only under a condition are not proof; a loader and a record check that reads no identity are not auth', async () => {
    const states = await collectController(`class NotesController < ActionController::API
  before_action :must_exist, only: :show
  before_action :token_or_raise, only: :create
  before_action :maybe_login, only: :update
  before_action :set_note, only: :destroy

  def index; end
  def show; end
  def create; end
  def update; end
  def destroy; end

  private

  def must_exist
    render json: { error: "missing" }, status: :not_found unless Note.exists?(params[:id])
  end

  def token_or_raise
    raise ActionController::BadRequest unless request.headers["X-Token"]
  end

  def maybe_login
    authenticate_user! if request.format.html?
  end

  def set_note
    @note = Note.find(params[:id])
  end
end
`);
    expect(states['GET /notes']).toBe('unprotected');
    expect(states['GET /notes/{id}']).toBe('unprotected');
    expect(states['POST /notes']).toBe('unknown');
    expect(states['PATCH /notes/{id}']).toBe('unknown');
    expect(states['DELETE /notes/{id}']).toBe('unprotected');
  });

  it('a filter that delegates to a proven one unconditionally, and http_basic_authenticate_with, protect', async () => {
    const states = await collectController(`class NotesController < ActionController::Base
  http_basic_authenticate_with name: "ops", password: ENV["OPS_PASSWORD"], only: :destroy
  before_action :require_member, except: :destroy

  def index; end
  def show; end
  def create; end
  def update; end
  def destroy; end

  private

  def require_member
    authenticate_user!
    head :forbidden unless current_user.member?
  end
end
`);
    expect(new Set(Object.values(states))).toEqual(new Set(['protected']));
  });

  it('resolves parents through nesting and leaves an unknown parent undecided', async () => {
    const project = new RubyProject([
      await ruby('a.rb', 'module Api\n  class BaseController < ActionController::API; end\n  module V1\n    class UsersController < BaseController; end\n  end\nend\n'),
    ]);
    const users = project.scopes.get('Api::V1::UsersController');
    expect(users && project.ancestry(users).chain.map((s) => s.fqn)).toEqual(['Api::BaseController', 'Api::V1::UsersController']);
    const states = await collectController('class NotesController < Vendor::SecureController\n  def index; end\nend\n');
    expect(states['GET /notes']).toBe('unknown');
  });
});
