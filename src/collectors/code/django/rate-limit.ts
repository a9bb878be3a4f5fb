import type { Node } from 'web-tree-sitter';
import { isPython, resolveValue } from '../../../analysis/code-auth.js';
import { callSiteAt, elementsOf, nodesOfType, propertyOf, stringValue } from '../../../analysis/code.js';
import { type LimitKey, type Limiter, type StoreKind, keyFromText, parseRate } from '../../../analysis/rate-limit/model.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { classAttribute, enclosingClass, pyDecorators } from '../python/rate-limit.js';
import { sharedFolders } from './folders.js';

/**
 * Django: DRF throttling (`REST_FRAMEWORK` `DEFAULT_THROTTLE_CLASSES` / `DEFAULT_THROTTLE_RATES`, a view's
 * `throttle_classes` / `throttle_scope`, `@throttle_classes([...])`), django-ratelimit (`@ratelimit(key=, rate=)`,
 * also through `@method_decorator`), and the Django cache both count in (`CACHES`; `LocMemCache` by default).
 */

interface DrfSettings {
  classes: string[];
  rates: Map<string, string>;
  node: Node;
  source: SourceFile;
}

const SETTINGS = {};
const STORE = {};

/** Every `REST_FRAMEWORK` setting of the workspace (one per Django project of a monorepo). */
function allDrfSettings(scope: RateLimitScope): DrfSettings[] {
  return scope.memo(SETTINGS, (): DrfSettings[] => {
    const found: DrfSettings[] = [];
    for (const source of scope.ctx.sources) {
      if (!isPython(source) || !source.text.includes('REST_FRAMEWORK')) continue;
      for (const node of nodesOfType(source, 'assignment')) {
        if (node.childForFieldName('left')?.text !== 'REST_FRAMEWORK') continue;
        const dict = resolveValue(source, node.childForFieldName('right') ?? undefined);
        const classes = elementsOf(propertyOf(dict, 'DEFAULT_THROTTLE_CLASSES')).map((element) => stringValue(element) ?? element.text);
        const rates = new Map<string, string>();
        const ratesNode = propertyOf(dict, 'DEFAULT_THROTTLE_RATES');
        for (const pair of ratesNode?.namedChildren ?? []) {
          if (pair?.type !== 'pair') continue;
          const key = stringValue(pair.childForFieldName('key'));
          const value = stringValue(pair.childForFieldName('value'));
          if (key !== undefined && value !== undefined) rates.set(key, value);
        }
        const at = parentOf(propertyOf(dict, 'DEFAULT_THROTTLE_CLASSES')) ?? node;
        found.push({ classes, rates, node: at, source });
      }
    }
    return found;
  });
}

/**
 * The DRF settings that govern a view: the settings module nearest to it in the folder tree (its own
 * project's, when a repository holds several Django projects), the last one read on a tie, as when one
 * setting was read for the whole workspace.
 */
function drfSettings(scope: RateLimitScope, file: string): DrfSettings | undefined {
  let best: DrfSettings | undefined;
  let bestShared = -1;
  for (const settings of allDrfSettings(scope)) {
    const shared = sharedFolders(settings.source.file, file);
    if (shared >= bestShared) {
      best = settings;
      bestShared = shared;
    }
  }
  return best;
}

/** The store Django's throttles and django-ratelimit count in. */
export function djangoCacheStore(scope: RateLimitScope): { store: StoreKind; detail: string } {
  return scope.memo(STORE, () => {
    let result: { store: StoreKind; detail: string } = { store: 'unknown', detail: 'the Django cache' };
    const settings = scope.ctx.sources.find((source) => isPython(source) && /^\s*INSTALLED_APPS\s*=/m.test(source.text));
    const caches = scope.ctx.sources.find((source) => isPython(source) && /^\s*CACHES\s*=/m.test(source.text));
    if (caches) {
      const backend = /['"]BACKEND['"]\s*:\s*['"]([^'"]+)['"]/.exec(caches.text)?.[1] ?? '';
      const store = /locmem|dummy/i.test(backend) ? 'memory' : backend ? 'shared' : 'unknown';
      result = { store, detail: backend ? `the Django cache \`${backend}\`` : 'the Django cache' };
    } else if (settings) result = { store: 'memory', detail: 'the default Django cache (`LocMemCache`, no `CACHES` setting)' };
    return result;
  });
}

function drfKey(classes: readonly string[]): LimitKey {
  if (classes.some((name) => /UserRateThrottle|ScopedRateThrottle/.test(name))) return 'user';
  if (classes.some((name) => /AnonRateThrottle/.test(name))) return 'ip';
  return 'custom';
}

function drfLimiter(scope: RateLimitScope, source: SourceFile, node: Node, classes: readonly string[], throttleScope: string | undefined, view: string): Limiter {
  const settings = drfSettings(scope, view);
  const rates = settings?.rates ?? new Map<string, string>();
  const relevant = throttleScope !== undefined ? [[throttleScope, rates.get(throttleScope)] as const] : [...rates.entries()];
  const described = relevant.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const limit = described.map(([name, rate]) => `${name} ${rate}`).join(', ');
  const rate = parseRate(described.map(([, value]) => value).join(';'));
  const store = djangoCacheStore(scope);
  return scope.limiter(source, node, {
    library: 'DRF throttling',
    ...(limit !== '' ? { limit } : {}),
    ...(rate !== undefined ? { perMinute: rate } : {}),
    key: drfKey(classes),
    keyDetail: classes.map((name) => `\`${name.split('.').pop() ?? name}\``).join(', '),
    store: store.store,
    storeDetail: store.detail,
  });
}

function isDrfView(handler: Node): boolean {
  const cls = enclosingClass(handler);
  if (cls) return /APIView|ViewSet|GenericAPIView/.test(cls.childForFieldName('superclasses')?.text ?? '');
  return pyDecorators(handler).some((d) => /(^|\.)api_view\b/.test(d.text));
}

export const djangoRateLimit: RateLimitProvider = {
  // django-ratelimit's and DRF's decorators may wrap any Python view; the settings and class attributes are Django's.
  languages: ['python'],
  decorator(scope, _endpoint, decorator, source, sink) {
    const django = decorator.type === 'call' ? callSiteAt(source, decorator) : undefined;
    const inner = django && /(^|\.)method_decorator$/.test(django.callee) ? django.args[0] : decorator;
    const site = inner?.type === 'call' ? callSiteAt(source, inner) : undefined;
    if (site && /(^|\.)ratelimit(\.decorators)?\.ratelimit$|^django_ratelimit\.decorators\.ratelimit$|^ratelimit$/.test(site.callee)) {
      const keyNode = site.kwargs.get('key');
      const keyText = stringValue(keyNode) ?? keyNode?.text ?? 'ip';
      const rateText = stringValue(site.kwargs.get('rate')) ?? site.kwargs.get('rate')?.text ?? '';
      const rate = parseRate(rateText);
      const store = djangoCacheStore(scope);
      sink.add({
        limiter: scope.limiter(source, inner ?? decorator, {
          library: 'django-ratelimit',
          ...(rateText !== '' ? { limit: rateText } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          key: /^ip$/.test(keyText) ? 'ip' : /user/.test(keyText) ? 'user' : /header/.test(keyText) ? 'key' : keyFromText(keyText, 'custom'),
          keyDetail: `\`key='${keyText}'\``,
          store: store.store,
          storeDetail: store.detail,
        }),
        level: 'route',
      });
      return 'handled';
    }
    if (site && /(^|\.)throttle_classes$/.test(site.callee)) {
      const classes = elementsOf(site.args[0]).map((element) => element.text);
      if (classes.length === 0) sink.exempt('`@throttle_classes([])`');
      else sink.add({ limiter: drfLimiter(scope, source, decorator, classes, undefined, source.file), level: 'route' });
      return 'stop';
    }
    return undefined;
  },
  /** A DRF view's own `throttle_classes` / `throttle_scope`, or the project's default throttles. */
  endpoint(scope, endpoint, sink) {
    const via = endpoint.sources.find((s) => s.kind === 'code')?.via ?? '';
    const handler = endpoint.handler;
    const source = handler ? scope.source(handler.file) : undefined;
    const fn = handler && source ? scope.nodeAt(source, handler) : undefined;
    if (via !== 'django' || !fn || !source || !isDrfView(fn)) return;
    const cls = enclosingClass(fn);
    const own = cls ? classAttribute(cls, 'throttle_classes') : undefined;
    const scopeNode = cls ? classAttribute(cls, 'throttle_scope') : undefined;
    const throttleScope = stringValue(scopeNode);
    if (own && cls) {
      const classes = elementsOf(own).map((element) => element.text);
      if (classes.length === 0 && own.type !== 'identifier') sink.exempt('`throttle_classes = []`');
      else if (classes.length === 0) sink.flag(`\`throttle_classes = ${own.text}\` could not be resolved`);
      else sink.add({ limiter: drfLimiter(scope, source, parentOf(own) ?? own, classes, classes.some((c) => /Scoped/.test(c)) ? throttleScope : undefined, source.file), level: 'route' });
    } else {
      const settings = drfSettings(scope, source.file);
      if (settings && settings.classes.length > 0) {
        const scoped = throttleScope !== undefined && settings.classes.some((c) => /Scoped/.test(c));
        sink.add({ limiter: drfLimiter(scope, settings.source, settings.node, settings.classes, scoped ? throttleScope : undefined, source.file), level: scoped ? 'route' : 'app' });
      }
    }
  },
};
