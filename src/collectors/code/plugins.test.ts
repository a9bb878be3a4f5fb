import { describe, expect, it } from 'vitest';
import { allCollectors } from './index.js';
import { frameworkPlugins, pluginOf, rateLimitProviders, transportProviders } from './plugins.js';

describe('framework plugin registry', () => {
  it('has one plugin per framework id, each collector in its own', () => {
    const ids = frameworkPlugins.map((plugin) => plugin.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const collector of allCollectors) expect(pluginOf(collector.id)?.collector).toBe(collector);
  });

  it('asks each rate-limit provider once, and every provider says which routes it reads', () => {
    const providers = rateLimitProviders();
    expect(new Set(providers).size).toBe(providers.length);
    expect(pluginOf('fastapi')?.rateLimit).toBe(pluginOf('flask')?.rateLimit);
    for (const provider of providers) expect((provider.frameworks?.length ?? 0) + (provider.languages?.length ?? 0)).toBeGreaterThan(0);
  });

  it('names apps after the collector of the same id; library transport families create none', () => {
    const providers = transportProviders();
    expect(providers.filter(({ provider }) => provider.app).map(({ id }) => id)).toEqual(expect.arrayContaining(['express', 'koa', 'fastify', 'nestjs', 'fastapi', 'flask', 'django']));
    for (const { id, provider } of providers) {
      if (provider.app) expect(pluginOf(id)?.collector?.id).toBe(id);
      else expect(pluginOf(id)?.collector).toBeUndefined();
    }
  });

  it('writes the code patterns of one language family with the same flags (the driver joins them into one pattern)', () => {
    for (const family of ['js', 'python'] as const) {
      const providers = transportProviders().filter(({ provider }) => provider.family === family);
      const pick = (read: (provider: (typeof providers)[number]['provider']) => RegExp | undefined): (RegExp | undefined)[] => providers.map(({ provider }) => read(provider));
      for (const patterns of [pick((p) => p.https?.code), pick((p) => p.headers?.middlewareCode), pick((p) => p.headers?.poweredByOff), pick((p) => p.cors?.requestOrigin)]) {
        const flags = new Set(patterns.flatMap((pattern) => (pattern ? [pattern.flags] : [])));
        expect(flags.size).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('identity evidence of the authorization providers', () => {
  it('writes each regular-expression source so that it stands alone: it compiles and never matches empty text (the driver joins them into one alternation)', () => {
    const entries = frameworkPlugins.flatMap((plugin) => (plugin.authz?.identity ? [{ id: plugin.id, identity: plugin.authz.identity }] : []));
    expect(entries.map(({ id }) => id)).toEqual(expect.arrayContaining(['js-authz', 'python-authz', 'koa', 'hono', 'flask', 'django', 'fastapi', 'nestjs']));
    for (const { identity } of entries) {
      for (const source of [...(identity.caller ?? []), ...(identity.callerParameter ?? []), ...(identity.sessionParameter ?? []), ...(identity.ids ?? [])]) {
        expect(() => new RegExp(source)).not.toThrow();
        expect(new RegExp(source).test('')).toBe(false);
      }
      for (const holder of identity.callerHolders ?? []) expect(new RegExp(`^(?:${holder})$`).test('')).toBe(false);
    }
  });
});

describe('webhook input of the transport providers', () => {
  it('writes each source so that it stands alone (the driver joins them with its own into one alternation)', () => {
    const webhooks = transportProviders().flatMap(({ id, provider }) => (provider.webhook ? [{ id, webhook: provider.webhook }] : []));
    expect(webhooks.map(({ id }) => id)).toEqual(expect.arrayContaining(['express', 'flask', 'koa', 'django', 'fastapi']));
    for (const { webhook } of webhooks) {
      for (const source of [...(webhook.signedInput ?? []), ...(webhook.bodyRead ?? [])]) {
        expect(() => new RegExp(source)).not.toThrow();
        expect(new RegExp(source).test('')).toBe(false);
      }
    }
  });
});
