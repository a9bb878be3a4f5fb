/**
 * Where a Django project keeps JWT keys (the plugin's `jwtSettings` section), for jwt-hardcoded-secret:
 * djangorestframework-simplejwt's `SIMPLE_JWT = {"SIGNING_KEY": …}`, and a key a JWT call reads from the settings
 * (`jwt.decode(token, settings.SECRET_KEY)` with `from django.conf import settings`).
 */
import type { Node } from 'web-tree-sitter';
import { isPython, objectOf, secretValue } from '../../../analysis/code-auth.js';
import { factsOf, propertyOf } from '../../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { JwtKeySetting, JwtSettingsProvider, SettingsJwtKey } from '../plugin.js';

const SETTINGS_MODULE = /(?:^|\/)settings(?:\/[\w-]+)?\.py$|(?:^|\/)settings_\w+\.py$/;
const NON_PRODUCTION_SETTINGS = /(?:^|[/_])(?:dev|development|local|test|tests|testing|ci)(?:\.py$|\/)/;

/** `SIMPLE_JWT = {"SIGNING_KEY": value}`. */
function assignment(source: SourceFile, node: Node): JwtKeySetting | undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right || left.type === 'subscript' || left.text !== 'SIMPLE_JWT') return undefined;
  const signing = propertyOf(objectOf(source, right), 'SIGNING_KEY');
  return signing ? { name: 'SIMPLE_JWT["SIGNING_KEY"]', value: signing, node: parentOf(signing) ?? signing } : undefined;
}

/**
 * `jwt.decode(token, settings.SECRET_KEY)` with `from django.conf import settings`: the key is the
 * settings module's `SECRET_KEY`; a literal there is hard-coded for every deployment of the code.
 */
function settingKey(ctx: CheckContext, source: SourceFile, key: Node | undefined): SettingsJwtKey | undefined {
  if (key?.type !== 'attribute' || key.childForFieldName('object')?.text !== 'settings') return undefined;
  if (!(factsOf(source).imports.get('settings') ?? '').endsWith('conf.settings')) return undefined;
  const name = key.childForFieldName('attribute')?.text;
  if (!name) return undefined;
  for (const other of ctx.sources) {
    if (!isPython(other) || !SETTINGS_MODULE.test(other.file) || NON_PRODUCTION_SETTINGS.test(other.file)) continue;
    for (const statement of other.tree.rootNode.namedChildren) {
      const assigned = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assigned?.type !== 'assignment' || assigned.childForFieldName('left')?.text !== name) continue;
      const secret = secretValue(other, assigned.childForFieldName('right') ?? undefined);
      if (secret) return { source: other, secret, name: `settings.${name}` };
    }
  }
  return undefined;
}

export const djangoJwtSettings: JwtSettingsProvider = { languages: ['python'], mentions: ['SIMPLE_JWT'], assignment, settingKey };
