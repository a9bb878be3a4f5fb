import { isPython, resolveValue } from '../../../analysis/code-auth.js';
import { callSiteAt, factsOf, locationOf, snippetOf, stringValue } from '../../../analysis/code.js';
import { type Limiter, type StoreKind, keyFromText, parseRate, storeFromText } from '../../../analysis/rate-limit/model.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { strings } from '../python/rate-limit.js';

/**
 * flask-limiter and slowapi (its port to Starlette / FastAPI: the same `Limiter(key_func, default_limits,
 * storage_uri)`, `@limiter.limit("5/minute")`, `@limiter.exempt`). Default limits apply to every route once
 * the limiter is attached: `Limiter(app=app)` / `limiter.init_app(app)` (Flask), `SlowAPIMiddleware` (slowapi).
 * The fastapi plugin shares this provider.
 */

const PY_LIMITER = /^(slowapi|slowapi\.extension|flask_limiter|flask_limiter\.extension)\.Limiter$/;

interface PyLimiter {
  limiter: Limiter;
  names: Set<string>;
  /** Default limits apply to every route of the app. */
  appWide: boolean;
}

const LIMITERS = {};

function findMiddleware(source: SourceFile): boolean {
  return factsOf(source).calls.some((call) => /\.add_middleware$/.test(call.written) && /SlowAPI(ASGI)?Middleware$/.test(call.args[0]?.text ?? ''));
}

function pyLimiters(scope: RateLimitScope): PyLimiter[] {
  return scope.memo(LIMITERS, () => {
    const out: PyLimiter[] = [];
    const all = scope.ctx.sources.filter(isPython);
    const slowapiMiddleware = all.some((source) => findMiddleware(source));
    const configuredStorage = all.find((source) => /RATELIMIT_STORAGE_UR[IL]/.test(source.text));
    for (const source of all) {
      for (const call of factsOf(source).calls) {
        if (!PY_LIMITER.test(call.callee)) continue;
        const library = call.callee.startsWith('slowapi') ? 'slowapi' : 'flask-limiter';
        const first = call.args[0];
        const keyFunc = call.kwargs.get('key_func') ?? (first && !/^(app|application|flask_app)$/.test(first.text) ? first : undefined);
        const defaults = [...strings(source, call.kwargs.get('default_limits')), ...strings(source, call.kwargs.get('application_limits'))];
        const storage = call.kwargs.get('storage_uri');
        const storageValue = storage ? (stringValue(resolveValue(source, storage)) ?? resolveValue(source, storage)?.text ?? storage.text) : undefined;
        const names = new Set<string>();
        const parent = parentOf(call.node);
        if (parent?.type === 'assignment') names.add(parent.childForFieldName('left')?.text ?? '');
        const name = [...names][0] ?? 'limiter';
        const attached =
          library === 'slowapi'
            ? slowapiMiddleware
            : call.kwargs.has('app') || (first !== undefined && /^(app|application|flask_app)$/.test(first.text)) || all.some((s) => s.text.includes(`${name}.init_app(`));
        let store: StoreKind = 'memory';
        let storeDetail = 'no `storage_uri` (in-memory storage)';
        if (storageValue !== undefined) {
          store = storageValue.startsWith('memory://') ? 'memory' : storeFromText(storageValue);
          storeDetail = `\`storage_uri=${storageValue.startsWith('memory') || store === 'shared' ? `"${storageValue}"` : storage?.text ?? ''}\``;
        } else if (configuredStorage) {
          store = 'unknown';
          storeDetail = 'storage configured in app settings';
        }
        const limit = defaults.join(', ');
        const rate = defaults.length > 0 ? parseRate(defaults.join(';')) : undefined;
        const limiter = scope.limiter(source, call.node, {
          library,
          ...(limit !== '' ? { limit } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          key: keyFunc ? keyFromText(keyFunc.text, 'custom') : 'ip',
          keyDetail: keyFunc ? `\`key_func=${keyFunc.text}\`` : 'the client IP',
          store,
          storeDetail,
        });
        out.push({ limiter, names, appWide: attached && defaults.length > 0 });
      }
    }
    return out;
  });
}

export const limitsFamilyRateLimit: RateLimitProvider = {
  languages: ['python'],
  decoratorLimits: { libraries: ['flask-limiter', 'slowapi'], decorator: /^\s*@\w+\.(?:limit|shared_limit)\(/m },
  /** `@limiter.limit("5/minute")`, `@limiter.shared_limit(…)`, `@limiter.exempt` on any Python view. */
  decorator(scope, _endpoint, decorator, source, sink) {
    const limiters = pyLimiters(scope);
    const text = decorator.text;
    const match = /^([\w.]+)\.(limit|shared_limit|exempt)\b/.exec(text);
    if (!match) return undefined;
    const owner = limiters.find((l) => l.names.has(match[1]?.split('.').pop() ?? '')) ?? (/limiter/i.test(match[1] ?? '') ? limiters[0] : undefined);
    if (match[2] === 'exempt' && (owner || /limiter/i.test(match[1] ?? ''))) {
      sink.exempt(`\`@${text}\``);
      return 'stop';
    }
    if (owner && decorator.type === 'call') {
      const call = callSiteAt(source, decorator);
      const rates = call ? strings(source, call.args[0] ?? call.kwargs.get('limit_value')) : [];
      const rate = parseRate(rates.join(';'));
      const limiter = scope.remember({
        ...owner.limiter,
        location: locationOf(source, decorator),
        snippet: `@${snippetOf(decorator)}`,
        ...(rates.length > 0 ? { limit: rates.join(', ') } : {}),
        ...(rate !== undefined ? { perMinute: rate } : {}),
        ...(call?.kwargs.get('key_func') ? { key: keyFromText(call.kwargs.get('key_func')?.text ?? '', 'custom'), keyDetail: `\`key_func=${call.kwargs.get('key_func')?.text ?? ''}\`` } : {}),
      });
      sink.add({ limiter, level: 'route' });
      return 'handled';
    }
    if (!owner && /limit/i.test(match[1] ?? '')) {
      sink.flag(`\`@${snippetOf(decorator, 60)}\` may limit requests`);
      return 'handled';
    }
    return undefined;
  },
  /** Default limits of an attached limiter cover every route of the app. */
  endpoint(scope, endpoint, sink) {
    // Read for every Python route, so that the limiters are known (declaredLimiters) whatever framework serves it.
    const limiters = pyLimiters(scope);
    const via = endpoint.sources.find((s) => s.kind === 'code')?.via ?? '';
    if (via !== 'fastapi' && via !== 'flask' && via !== 'starlette') return;
    const library = via === 'flask' ? 'flask-limiter' : 'slowapi';
    for (const entry of limiters) if (entry.appWide && entry.limiter.library === library) sink.add({ limiter: entry.limiter, level: 'app' });
  },
};
