/**
 * Rails and Sinatra settings that answer errors with the developer exception page (stack trace,
 * source excerpt, request and environment values): `config.consider_all_requests_local = true` in
 * a deployed environment's file, and Sinatra `set :show_exceptions, true` / `enable :show_exceptions`
 * outside a `configure :development` block.
 */
import type { Node } from '../../parsing/parser.js';
import { callArgs, field, literal, walk } from '../../collectors/code/ruby/ast.js';
import type { SourceFile } from '../../engine/context.js';

/** `config/environments/production.rb`, `staging.rb` …: every environment file but the local ones. */
const DEPLOYED_ENVIRONMENT = /(^|\/)config\/environments\/(?!(?:development|test|dev|local|ci|cucumber)\.rb$)[\w-]+\.rb$/;

export interface RubyDebugHit {
  source: SourceFile;
  node: Node;
  kind: 'rails' | 'sinatra';
}

/** Inside `configure :development do … end` (or `:test`), or `if development?` / `if Rails.env.development?`. */
function developmentOnly(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'call' && field(up, 'method')?.text === 'configure') {
      const envs = callArgs(up).positional.map((arg) => literal(arg));
      if (envs.length > 0 && envs.every((env) => env === 'development' || env === 'test')) return true;
    }
    if ((up.type === 'if' || up.type === 'if_modifier') && /\b(development\?|Rails\.env\.(development|test)\?|local\?)/.test(field(up, 'condition')?.text ?? '')) return true;
  }
  return false;
}

export function rubyDebugSettings(sources: readonly SourceFile[]): RubyDebugHit[] {
  const hits: RubyDebugHit[] = [];
  for (const source of sources) {
    if (source.language !== 'ruby') continue;
    const railsEnvironment = DEPLOYED_ENVIRONMENT.test(source.file);
    if (!railsEnvironment && !/show_exceptions/.test(source.text)) continue;
    walk(source.tree.rootNode, (node) => {
      if (railsEnvironment && node.type === 'assignment') {
        const left = field(node, 'left')?.text.replace(/\s+/g, '') ?? '';
        if (/(^|\.)consider_all_requests_local$/.test(left) && field(node, 'right')?.type === 'true') hits.push({ source, node, kind: 'rails' });
        return false;
      }
      if (node.type === 'call' && !field(node, 'receiver')) {
        const method = field(node, 'method')?.text;
        const args = callArgs(node).positional;
        const name = literal(args[0]);
        const on = (method === 'set' && name === 'show_exceptions' && args[1]?.type === 'true') || (method === 'enable' && args.some((arg) => literal(arg) === 'show_exceptions'));
        if (on && !developmentOnly(node)) hits.push({ source, node, kind: 'sinatra' });
      }
      return true;
    });
  }
  return hits;
}
