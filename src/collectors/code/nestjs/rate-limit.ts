import type { Node } from 'web-tree-sitter';
import { durationSeconds, isJs, objectOf, option, resolveValue } from '../../../analysis/code-auth.js';
import { elementsOf, factsOf, literalValue, locationOf, snippetOf } from '../../../analysis/code.js';
import { type LimitKey, type LimitLevel, type Limiter, humanWindow, keyFromText, perMinute, storeFromText } from '../../../analysis/rate-limit/model.js';
import type { Location } from '../../../model/types.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { type JsVerdict, classifyJs, jsGraph } from '../js/rate-limit.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';

/**
 * @nestjs/throttler: `ThrottlerModule.forRoot(…)` options, `ThrottlerGuard` (or a subclass) as `APP_GUARD`,
 * `useGlobalGuards` or `@UseGuards`, `@Throttle` overrides and `@SkipThrottle`; and Express limiter
 * middleware installed on the Nest application (`app.use(rateLimit(…))`).
 */

interface NestGlobal {
  module?: Limiter;
  guard: Location | undefined;
  guardKey?: LimitKey;
}

const GLOBAL = {};
const APP = {};

function nestGlobal(scope: RateLimitScope): NestGlobal {
  return scope.memo(GLOBAL, () => {
    const out: NestGlobal = { guard: undefined };
    const guardClasses = new Set(['ThrottlerGuard']);
    let guardKey: LimitKey | undefined;
    for (const source of scope.ctx.sources) {
      if (!isJs(source) || !source.text.includes('ThrottlerGuard')) continue;
      for (const match of source.text.matchAll(/class\s+(\w+)\s+extends\s+ThrottlerGuard\b/g)) {
        if (match[1]) guardClasses.add(match[1]);
        if (/getTracker/.test(source.text)) guardKey = keyFromText(/getTracker[\s\S]{0,400}/.exec(source.text)?.[0] ?? '', 'custom');
      }
    }
    if (guardKey) out.guardKey = guardKey;
    for (const source of scope.ctx.sources) {
      if (!isJs(source) || !/Throttler/.test(source.text)) continue;
      for (const call of factsOf(source).calls) {
        if (/ThrottlerModule\.forRoot(Async)?$/.test(call.callee)) {
          const arg = resolveValue(source, call.args[0]);
          const first = arg?.type === 'array' ? (elementsOf(arg)[0] ?? undefined) : arg;
          const options = objectOf(source, first);
          const fromList = objectOf(source, elementsOf(option(source, options, 'throttlers'))[0]);
          const rateOptions = fromList ?? options;
          const limitValue = literalValue(option(source, rateOptions, 'limit'));
          const ttlValue = durationSeconds(source, option(source, rateOptions, 'ttl'));
          const window = ttlValue === undefined ? undefined : ttlValue >= 1000 ? ttlValue / 1000 : ttlValue;
          const count = typeof limitValue === 'number' ? limitValue : undefined;
          const storage = option(source, options, 'storage');
          const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : undefined;
          const rate = perMinute(count, window);
          out.module = scope.limiter(source, call.node, {
            library: '@nestjs/throttler',
            ...(limit !== undefined ? { limit } : {}),
            ...(rate !== undefined ? { perMinute: rate } : {}),
            key: guardKey ?? 'ip',
            keyDetail: guardKey ? 'a custom `getTracker`' : 'the client IP (default tracker)',
            store: storage ? storeFromText(storage.text) : call.callee.endsWith('Async') ? 'unknown' : 'memory',
            storeDetail: storage ? `storage \`${snippetOf(storage, 60)}\`` : 'the default in-memory storage',
          });
        }
      }
      const provider = /provide:\s*APP_GUARD\s*,\s*useClass:\s*(\w+)/.exec(source.text);
      const useGlobal = /useGlobalGuards\([^)]*\b(\w*Throttl\w*)/.exec(source.text);
      const hit = provider?.[1] && guardClasses.has(provider[1]) ? provider : useGlobal;
      if (hit && !out.guard) {
        const line = source.text.slice(0, hit.index).split('\n').length;
        out.guard = { file: source.file, line };
      }
    }
    return out;
  });
}

function jsDecorators(node: Node): Node[] {
  const own = node.children.filter((child): child is Node => child?.type === 'decorator');
  if (own.length > 0 || node.type !== 'method_definition') return own;
  const out: Node[] = [];
  for (let prev = node.previousSibling; prev?.type === 'decorator'; prev = prev.previousSibling) out.unshift(prev);
  return out;
}

/**
 * Express middleware installed on the Nest application itself:
 * `const app = await NestFactory.create(AppModule); app.use(rateLimit({ … }))`.
 */
function nestAppLimiters(scope: RateLimitScope): JsVerdict[] {
  return scope.memo(APP, () => {
    const graph = jsGraph(scope);
    const out: JsVerdict[] = [];
    for (const source of scope.ctx.sources) {
      const module = graph.modules.get(source.file);
      if (!module || !isJs(source)) continue;
      const apps = new Set<string>();
      for (const call of factsOf(source).calls) {
        if (!/^@nestjs\/core\.NestFactory\.create(MicroService)?$/.test(call.callee)) continue;
        let holder: Node | null = parentOf(call.node);
        if (holder?.type === 'await_expression') holder = parentOf(holder);
        const name = holder?.type === 'variable_declarator' ? holder.childForFieldName('name') : undefined;
        if (name?.type === 'identifier') apps.add(name.text);
      }
      if (apps.size === 0) continue;
      for (const call of factsOf(source).calls) {
        const [receiver, method] = call.written.split('.');
        if (method !== 'use' || receiver === undefined || !apps.has(receiver)) continue;
        for (const arg of call.args) {
          const verdict = classifyJs(scope, module, arg);
          if (verdict !== undefined) out.push(verdict);
        }
      }
    }
    return out;
  });
}

export const nestRateLimit: RateLimitProvider = {
  frameworks: ['nestjs'],
  endpoint(scope, endpoint, sink) {
    for (const verdict of nestAppLimiters(scope)) {
      if (verdict === 'unknown') sink.flag('a middleware on the Nest app may limit requests');
      else if (verdict) sink.add({ limiter: verdict, level: 'app' });
    }
    const handler = endpoint.handler;
    const source = handler ? scope.source(handler.file) : undefined;
    const method = handler && source ? scope.nodeAt(source, handler) : undefined;
    if (!method || !source) return;
    let cls: Node | null = parentOf(method);
    while (cls && cls.type !== 'class_declaration' && cls.type !== 'class') cls = parentOf(cls);
    const clsParent = parentOf(cls);
    const classDecorators = cls ? [...jsDecorators(cls), ...(clsParent?.type === 'export_statement' ? jsDecorators(clsParent) : [])] : [];
    const methodDecorators = jsDecorators(method);
    const named = (list: Node[], name: string): Node | undefined => list.find((d) => new RegExp(`^@${name}\\b`).test(d.text));
    const skip = named(methodDecorators, 'SkipThrottle') ?? named(classDecorators, 'SkipThrottle');
    if (skip && !/\(\s*(false|\{[^}]*false[^}]*\})\s*\)/.test(skip.text)) {
      sink.exempt(`\`${skip.text}\``);
      return;
    }
    const global = nestGlobal(scope);
    const guardOn = (list: Node[]): Node | undefined => list.find((d) => /^@UseGuards\(.*Throttl/.test(d.text));
    const guard = guardOn(methodDecorators) ?? guardOn(classDecorators);
    const applies = global.guard !== undefined || guard !== undefined;
    const throttle = named(methodDecorators, 'Throttle') ?? named(classDecorators, 'Throttle');
    const base = global.module;
    if (throttle) {
      if (!applies) {
        sink.flag('`@Throttle` is set but no `ThrottlerGuard` was found applied');
        return;
      }
      const numbers = [...throttle.text.matchAll(/(limit|ttl)\s*:\s*([\d_*\s]+)/g)];
      const limitValue = Number(numbers.find((m) => m[1] === 'limit')?.[2]?.replace(/_/g, '') ?? NaN);
      const ttlText = numbers.find((m) => m[1] === 'ttl')?.[2] ?? '';
      const ttlRaw = ttlText.split('*').reduce((acc, part) => acc * Number(part.trim().replace(/_/g, '') || NaN), 1);
      const positional = /@Throttle\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(throttle.text);
      const count = positional ? Number(positional[1]) : limitValue;
      const window = positional ? Number(positional[2]) : ttlRaw >= 1000 ? ttlRaw / 1000 : ttlRaw;
      const valid = Number.isFinite(count) && Number.isFinite(window) && window > 0;
      const limiter = scope.remember({
        library: '@nestjs/throttler',
        key: base?.key ?? global.guardKey ?? 'ip',
        keyDetail: base?.keyDetail ?? 'the client IP (default tracker)',
        store: base?.store ?? 'memory',
        storeDetail: base?.storeDetail ?? 'the default in-memory storage',
        storeLocation: base?.storeLocation ?? locationOf(source, throttle),
        location: locationOf(source, throttle),
        snippet: snippetOf(throttle),
        ...(valid ? { limit: `${count} per ${humanWindow(window)}`, perMinute: perMinute(count, window) ?? 0 } : {}),
      });
      sink.add({ limiter, level: named(methodDecorators, 'Throttle') ? 'route' : 'router' });
      return;
    }
    if (!applies) return;
    if (!base) {
      sink.flag('a `ThrottlerGuard` applies but `ThrottlerModule` options were not found');
      return;
    }
    const level: LimitLevel = guardOn(methodDecorators) ? 'route' : guardOn(classDecorators) ? 'router' : 'app';
    sink.add({ limiter: base, level });
  },
};
