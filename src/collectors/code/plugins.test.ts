import { describe, expect, it } from 'vitest';
import { allCollectors } from './index.js';
import { frameworkPlugins, pluginOf, rateLimitProviders } from './plugins.js';

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
});
