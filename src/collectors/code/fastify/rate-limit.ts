import type { Node } from 'web-tree-sitter';
import { durationSeconds, isJs, objectOf, option } from '../../../analysis/code-auth.js';
import { factsOf, literalValue, locationOf, snippetOf } from '../../../analysis/code.js';
import { type Limiter, humanWindow, keyFromText, perMinute, storeFromText } from '../../../analysis/rate-limit/model.js';
import { jsGraph } from '../js/rate-limit.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';

/** @fastify/rate-limit: `fastify.register(rateLimit, { max, timeWindow })`, a route's `config.rateLimit` override or exemption. */

interface FastifyPlugin {
  limiter: Limiter;
  global: boolean;
}

const PLUGINS = {};

function fastifyPlugins(scope: RateLimitScope): FastifyPlugin[] {
  return scope.memo(PLUGINS, () => {
    const graph = jsGraph(scope);
    const out: FastifyPlugin[] = [];
    for (const source of scope.ctx.sources) {
      if (!isJs(source) || !/rate-limit/.test(source.text)) continue;
      const module = graph.modules.get(source.file);
      for (const call of factsOf(source).calls) {
        if (!/\.register$/.test(call.written) || !call.args[0] || !module) continue;
        const plugin = call.args[0];
        const target = graph.resolve(module, plugin);
        const name = target.kind === 'external' ? target.specifier : /import\(\s*['"]([^'"]+)['"]\s*\)/.exec(plugin.text)?.[1] ?? '';
        if (!/^(@fastify\/rate-limit|fastify-rate-limit)$/.test(name)) continue;
        const options = objectOf(source, call.args[1]);
        const get = (key: string): Node | undefined => option(source, options, key);
        const max = literalValue(get('max'));
        const count = typeof max === 'number' ? max : max === undefined ? 1000 : undefined;
        const window = durationSeconds(source, get('timeWindow'), true) ?? (get('timeWindow') ? undefined : 60);
        const generator = get('keyGenerator');
        const storeNode = get('redis') ?? get('store');
        const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : undefined;
        const rate = perMinute(count, window);
        const limiter = scope.limiter(source, call.node, {
          library: '@fastify/rate-limit',
          ...(limit !== undefined ? { limit } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          key: generator ? keyFromText(generator.text, 'custom') : 'ip',
          keyDetail: generator ? `keyGenerator \`${snippetOf(generator, 60)}\`` : 'the client IP (default key)',
          store: storeNode ? storeFromText(storeNode.text) : 'memory',
          storeDetail: storeNode ? `\`${snippetOf(storeNode, 60)}\`` : 'the default in-memory store',
        });
        out.push({ limiter, global: literalValue(get('global')) !== false });
      }
    }
    return out;
  });
}

export const fastifyRateLimit: RateLimitProvider = {
  frameworks: ['fastify'],
  endpoint(scope, endpoint, sink) {
    const plugins = fastifyPlugins(scope);
    const site = endpoint.sources.find((s) => s.kind === 'code')?.location;
    const source = site ? scope.source(site.file) : undefined;
    const call = site && source ? scope.nodeAt(source, site) : undefined;
    let routeConfig: Node | undefined;
    if (call && source) {
      for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
        const options = objectOf(source, arg ?? undefined);
        const config = objectOf(source, option(source, options, 'config'));
        const value = option(source, config, 'rateLimit');
        if (value) routeConfig = value;
      }
    }
    if (routeConfig && literalValue(routeConfig) === false) {
      sink.exempt('`config: { rateLimit: false }` on the route');
      return;
    }
    const base = plugins[0];
    if (routeConfig && source) {
      if (!base) {
        sink.flag('the route sets `config.rateLimit` but no `@fastify/rate-limit` registration was found');
        return;
      }
      const max = literalValue(option(source, routeConfig, 'max'));
      const window = durationSeconds(source, option(source, routeConfig, 'timeWindow'), true);
      const count = typeof max === 'number' ? max : undefined;
      const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : base.limiter.limit;
      const rate = perMinute(count, window) ?? base.limiter.perMinute;
      const limiter = scope.remember({
        ...base.limiter,
        location: locationOf(source, routeConfig),
        snippet: snippetOf(routeConfig),
        ...(limit !== undefined ? { limit } : {}),
        ...(rate !== undefined ? { perMinute: rate } : {}),
      });
      sink.add({ limiter, level: 'route' });
      return;
    }
    for (const plugin of plugins) if (plugin.global) sink.add({ limiter: plugin.limiter, level: 'app' });
  },
};
