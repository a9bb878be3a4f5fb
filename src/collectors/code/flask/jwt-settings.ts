/**
 * Flask-JWT-Extended's keys in a Flask app's configuration (the plugin's `jwtSettings` section), for
 * jwt-hardcoded-secret: `app.config["JWT_SECRET_KEY"] = "…"`, `JWT_PRIVATE_KEY`, and `app.config.update(JWT_SECRET_KEY=…)`
 * or `config.update({"JWT_SECRET_KEY": …})`.
 */
import type { Node } from 'web-tree-sitter';
import { objectOf, option } from '../../../analysis/code-auth.js';
import { stringValue, type CallSite } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { JwtKeySetting, JwtSettingsProvider } from '../plugin.js';

const FLASK_JWT_KEYS = new Set(['JWT_SECRET_KEY', 'JWT_PRIVATE_KEY']);

/** `app.config["JWT_SECRET_KEY"] = value`. */
function assignment(_source: SourceFile, node: Node): JwtKeySetting | undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return undefined;
  if (left.type !== 'subscript' || !/config$/.test(left.childForFieldName('value')?.text ?? '')) return undefined;
  const name = stringValue(left.childForFieldName('subscript')) ?? '';
  return FLASK_JWT_KEYS.has(name) ? { name, value: right, node } : undefined;
}

/** `app.config.update(JWT_SECRET_KEY=value)`, `config.update({"JWT_SECRET_KEY": value})`. */
function call(source: SourceFile, site: CallSite): JwtKeySetting[] {
  if (!/config\.update$/.test(site.written)) return [];
  const out: JwtKeySetting[] = [];
  for (const name of FLASK_JWT_KEYS) {
    const value = site.kwargs.get(name) ?? option(source, objectOf(source, site.args[0]), name);
    if (value) out.push({ name, value, node: parentOf(value) ?? value });
  }
  return out;
}

export const flaskJwtSettings: JwtSettingsProvider = { languages: ['python'], mentions: [...FLASK_JWT_KEYS], assignment, call };
