import type { Node } from 'web-tree-sitter';
import { factsOf, stringValue } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { settingValue, settingsOf } from '../python/transport.js';
import type { TokenLifecycleFact, TokenLifecycleProvider } from '../plugin.js';

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

/** djangorestframework-simplejwt: `ROTATE_REFRESH_TOKENS`, `BLACKLIST_AFTER_ROTATION`, the `token_blacklist` app, its refresh and blacklist views. */
function simplejwt(python: readonly SourceFile[]): TokenLifecycleFact[] {
  const out: TokenLifecycleFact[] = [];
  const refreshRoutes = simplejwtRoutes(python, /^rest_framework_simplejwt\.views\.(TokenRefreshView|TokenRefreshSlidingView)$/);
  const blacklistRoutes = simplejwtRoutes(python, /^rest_framework_simplejwt\.views\.TokenBlacklistView$/);
  const settings = python.filter((source) => settingsOf(source).has('SIMPLE_JWT') || settingsOf(source).has('INSTALLED_APPS'));
  const installed = settings.some((source) => listHas(settingValue(source, 'INSTALLED_APPS'), 'rest_framework_simplejwt.token_blacklist'));
  for (const route of blacklistRoutes) {
    if (installed) out.push({ kind: 'revocation', source: route.source, node: route.node, detail: "simplejwt's `TokenBlacklistView` blacklists the refresh token it is given" });
  }
  const configs = settings.filter((source) => settingsOf(source).has('SIMPLE_JWT'));
  const route = refreshRoutes[0];
  if (route && configs.length === 0 && settings.length > 0) {
    out.push({ kind: 'refresh-not-rotated', source: route.source, node: route.node, detail: "simplejwt's `TokenRefreshView` is routed and no `SIMPLE_JWT` setting turns `ROTATE_REFRESH_TOKENS` on (off by default), so one refresh token mints access tokens until it expires" });
    return out;
  }
  for (const source of configs) {
    const dict = settingValue(source, 'SIMPLE_JWT');
    if (dict?.type !== 'dictionary') continue;
    const rotate = dictEntry(dict, 'ROTATE_REFRESH_TOKENS');
    const blacklist = dictEntry(dict, 'BLACKLIST_AFTER_ROTATION');
    const rotating = isTrue(rotate?.childForFieldName('value'));
    const blacklisting = isTrue(blacklist?.childForFieldName('value'));
    if (rotating === true && blacklisting === true && installed) {
      out.push({ kind: 'rotation', source, node: rotate ?? dict, detail: 'simplejwt rotates refresh tokens and blacklists the old one (`ROTATE_REFRESH_TOKENS`, `BLACKLIST_AFTER_ROTATION`, `token_blacklist` installed)' });
    } else if (rotating === true && blacklisting !== undefined) {
      const why = blacklisting ? 'the `rest_framework_simplejwt.token_blacklist` app is not installed' : '`BLACKLIST_AFTER_ROTATION` is off';
      out.push({ kind: 'rotation-without-blacklist', source, node: rotate ?? dict, detail: `simplejwt rotates refresh tokens but ${why}, so the old refresh token stays valid until it expires` });
    } else if (rotating === true && blacklist === undefined) {
      out.push({ kind: 'rotation-without-blacklist', source, node: rotate ?? dict, detail: 'simplejwt rotates refresh tokens but `BLACKLIST_AFTER_ROTATION` is not set (off by default), so the old refresh token stays valid until it expires' });
    } else if ((rotating === false || rotate === undefined) && route) {
      out.push({ kind: 'refresh-not-rotated', source: route.source, node: route.node, detail: `simplejwt's \`TokenRefreshView\` is routed and \`ROTATE_REFRESH_TOKENS\` is ${rotate === undefined ? 'not set (off by default)' : 'off'} (${source.file}), so one refresh token mints access tokens until it expires` });
    }
  }
  return out;
}

/**
 * Django's `logout` ends the session; simplejwt's settings decide refresh-token rotation and blacklisting;
 * django-oauth-toolkit's URLs mount a revoke endpoint and rotate refresh tokens unless `ROTATE_REFRESH_TOKEN: False`.
 */
export const djangoTokenLifecycle: TokenLifecycleProvider = {
  languages: ['python'],
  logouts: ['django\\.contrib\\.auth\\.(logout|alogout)'],
  statelessModules: ['rest_framework_simplejwt'],
  configured: simplejwt,
  oauthProvider(source, call, python) {
    const first = /(^|\.)include$/.test(call.callee) ? stringValue(call.args[0]) : undefined;
    if (first === undefined || !/^oauth2_provider\.urls$/.test(first)) return undefined;
    const disabled = python.some((other) => {
      const options = settingValue(other, 'OAUTH2_PROVIDER');
      return isTrue(dictEntry(options, 'ROTATE_REFRESH_TOKEN')?.childForFieldName('value')) === false;
    });
    const out: TokenLifecycleFact[] = [{ kind: 'revocation', source, node: call.node, detail: "django-oauth-toolkit's `revoke_token/` endpoint revokes access and refresh tokens" }];
    if (!disabled) out.push({ kind: 'rotation', source, node: call.node, detail: 'django-oauth-toolkit issues a new refresh token on each refresh and revokes the old one (`ROTATE_REFRESH_TOKEN` on by default)' });
    return out;
  },
};
