import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { factsOf, stringValue } from '../../analysis/code.js';
import { isTestFile, settingValue, settingsOf } from '../../analysis/code-transport.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import { proofOf, type LifecycleProof } from './handlers.js';
import { descendantsOf } from '../../parsing/tree-index.js';

/**
 * Token libraries whose configuration decides rotation and revocation: djangorestframework-simplejwt
 * (`ROTATE_REFRESH_TOKENS`, `BLACKLIST_AFTER_ROTATION`, the `token_blacklist` app), flask-jwt-extended
 * (`token_in_blocklist_loader`), django-oauth-toolkit (its revoke endpoint, refresh tokens rotated unless
 * `ROTATE_REFRESH_TOKEN: False`), oauthlib / Authlib revocation endpoints, express-jwt `isRevoked`.
 */

export interface LibraryGap {
  kind: 'rotation-without-blacklist' | 'refresh-not-rotated';
  source: SourceFile;
  node: Node;
  detail: string;
}

export interface LibraryLifecycle {
  rotation: LifecycleProof[];
  revocation: LifecycleProof[];
  gaps: LibraryGap[];
}

function dictEntry(dict: Node | undefined, key: string): Node | undefined {
  if (dict?.type !== 'dictionary') return undefined;
  for (const pair of dict.namedChildren) {
    if (pair?.type === 'pair' && stringValue(pair.childForFieldName('key')) === key) return pair;
  }
  return undefined;
}

function isTrue(node: Node | null | undefined): boolean | undefined {
  if (!node) return undefined;
  if (node.type === 'true') return true;
  if (node.type === 'false') return false;
  return undefined;
}

function listHas(node: Node | undefined, value: string): boolean {
  if (!node) return false;
  return node.descendantsOfType('string').some((entry) => entry !== null && stringValue(entry) === value);
}

/** `path("token/refresh/", TokenRefreshView.as_view())` and friends: where simplejwt's refresh view is routed. */
function simplejwtRoutes(sources: readonly SourceFile[], view: RegExp): { source: SourceFile; node: Node }[] {
  const out: { source: SourceFile; node: Node }[] = [];
  for (const source of sources) {
    for (const call of factsOf(source).calls) {
      if (!/(^|\.)as_view$/.test(call.callee)) continue;
      const qualified = call.callee.replace(/\.as_view$/, '');
      if (view.test(qualified)) out.push({ source, node: call.node });
    }
  }
  return out;
}

function simplejwt(python: readonly SourceFile[], out: LibraryLifecycle): void {
  const refreshRoutes = simplejwtRoutes(python, /^rest_framework_simplejwt\.views\.(TokenRefreshView|TokenRefreshSlidingView)$/);
  const blacklistRoutes = simplejwtRoutes(python, /^rest_framework_simplejwt\.views\.TokenBlacklistView$/);
  const settings = python.filter((source) => settingsOf(source).has('SIMPLE_JWT') || settingsOf(source).has('INSTALLED_APPS'));
  const installed = settings.some((source) => listHas(settingValue(source, 'INSTALLED_APPS'), 'rest_framework_simplejwt.token_blacklist'));
  for (const route of blacklistRoutes) {
    if (installed) out.revocation.push(proofOf(route.source, route.node, "simplejwt's `TokenBlacklistView` blacklists the refresh token it is given"));
  }
  const configs = settings.filter((source) => settingsOf(source).has('SIMPLE_JWT'));
  const route = refreshRoutes[0];
  if (route && configs.length === 0 && settings.length > 0) {
    out.gaps.push({ kind: 'refresh-not-rotated', source: route.source, node: route.node, detail: "simplejwt's `TokenRefreshView` is routed and no `SIMPLE_JWT` setting turns `ROTATE_REFRESH_TOKENS` on (off by default), so one refresh token mints access tokens until it expires" });
    return;
  }
  for (const source of configs) {
    const dict = settingValue(source, 'SIMPLE_JWT');
    if (dict?.type !== 'dictionary') continue;
    const rotate = dictEntry(dict, 'ROTATE_REFRESH_TOKENS');
    const blacklist = dictEntry(dict, 'BLACKLIST_AFTER_ROTATION');
    const rotating = isTrue(rotate?.childForFieldName('value'));
    const blacklisting = isTrue(blacklist?.childForFieldName('value'));
    if (rotating === true && blacklisting === true && installed) {
      out.rotation.push(proofOf(source, rotate ?? dict, 'simplejwt rotates refresh tokens and blacklists the old one (`ROTATE_REFRESH_TOKENS`, `BLACKLIST_AFTER_ROTATION`, `token_blacklist` installed)'));
    } else if (rotating === true && blacklisting !== undefined) {
      const why = blacklisting ? 'the `rest_framework_simplejwt.token_blacklist` app is not installed' : '`BLACKLIST_AFTER_ROTATION` is off';
      out.gaps.push({ kind: 'rotation-without-blacklist', source, node: rotate ?? dict, detail: `simplejwt rotates refresh tokens but ${why}, so the old refresh token stays valid until it expires` });
    } else if (rotating === true && blacklist === undefined) {
      out.gaps.push({ kind: 'rotation-without-blacklist', source, node: rotate ?? dict, detail: 'simplejwt rotates refresh tokens but `BLACKLIST_AFTER_ROTATION` is not set (off by default), so the old refresh token stays valid until it expires' });
    } else if ((rotating === false || rotate === undefined) && route) {
      out.gaps.push({ kind: 'refresh-not-rotated', source: route.source, node: route.node, detail: `simplejwt's \`TokenRefreshView\` is routed and \`ROTATE_REFRESH_TOKENS\` is ${rotate === undefined ? 'not set (off by default)' : 'off'} (${source.file}), so one refresh token mints access tokens until it expires` });
    }
  }
}

function flaskJwtExtended(python: readonly SourceFile[], out: LibraryLifecycle): void {
  for (const source of python) {
    for (const decorator of descendantsOf(source.tree.rootNode, ['decorator'])) {
      if (!/\.(token_in_blocklist_loader|token_in_blacklist_loader)\b/.test(decorator.text)) continue;
      out.revocation.push(proofOf(source, decorator, 'flask-jwt-extended refuses tokens its `token_in_blocklist_loader` reports revoked'));
    }
  }
}

function oauthProviders(python: readonly SourceFile[], out: LibraryLifecycle): void {
  for (const source of python) {
    for (const call of factsOf(source).calls) {
      const first = /(^|\.)include$/.test(call.callee) ? stringValue(call.args[0]) : undefined;
      if (first !== undefined && /^oauth2_provider\.urls$/.test(first)) {
        const disabled = python.some((other) => {
          const options = settingValue(other, 'OAUTH2_PROVIDER');
          return isTrue(dictEntry(options, 'ROTATE_REFRESH_TOKEN')?.childForFieldName('value')) === false;
        });
        out.revocation.push(proofOf(source, call.node, "django-oauth-toolkit's `revoke_token/` endpoint revokes access and refresh tokens"));
        if (!disabled) out.rotation.push(proofOf(source, call.node, 'django-oauth-toolkit issues a new refresh token on each refresh and revokes the old one (`ROTATE_REFRESH_TOKEN` on by default)'));
        continue;
      }
      if (/(^|\.)create_revocation_response$/.test(call.callee) || (/(^|\.)register_endpoint$/.test(call.callee) && /Revocation/.test(call.args[0]?.text ?? ''))) {
        out.revocation.push(proofOf(source, call.node, 'an OAuth 2.0 token revocation endpoint (RFC 7009)'));
      }
    }
  }
}

function expressJwt(js: readonly SourceFile[], out: LibraryLifecycle): void {
  for (const source of js) {
    for (const call of factsOf(source).calls) {
      if (!/^express-jwt(\.|$)/.test(call.callee)) continue;
      const options = call.args[0];
      if (options?.type !== 'object') continue;
      const revoked = options.namedChildren.find((child) => (child?.type === 'pair' && child.childForFieldName('key')?.text === 'isRevoked') || (child?.type === 'shorthand_property_identifier' && child.text === 'isRevoked'));
      if (revoked) out.revocation.push(proofOf(source, revoked, 'express-jwt refuses tokens its `isRevoked` callback reports revoked'));
    }
  }
}

export function libraryLifecycle(ctx: CheckContext): LibraryLifecycle {
  const out: LibraryLifecycle = { rotation: [], revocation: [], gaps: [] };
  const sources = ctx.sources.filter((source) => !isTestFile(source.file));
  const python = sources.filter((source) => isPython(source));
  const js = sources.filter((source) => !isPython(source) && /^(javascript|typescript|tsx)$/.test(source.language));
  simplejwt(python, out);
  flaskJwtExtended(python, out);
  oauthProviders(python, out);
  expressJwt(js, out);
  return out;
}
