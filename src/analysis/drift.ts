import type { CheckContext } from '../engine/context.js';
import type { Endpoint, EndpointSource } from '../model/types.js';

export function specSource(endpoint: Endpoint): EndpointSource | undefined {
  return endpoint.sources.find((source) => source.kind === 'spec');
}

export function codeSource(endpoint: Endpoint): EndpointSource | undefined {
  return endpoint.sources.find((source) => source.kind === 'code');
}

const describedCache = new WeakMap<CheckContext, { specApis: Set<string>; frameworks: Set<string>; any: boolean }>();

/**
 * Which specs describe the code in this workspace: a spec counts only when at least one of its
 * operations was matched to a code route. A spec for a third-party API the code merely calls,
 * or a code base whose routes we could not resolve, then yields no drift findings at all.
 */
export function describedBySpecs(ctx: CheckContext): { specApis: Set<string>; frameworks: Set<string>; any: boolean } {
  let cached = describedCache.get(ctx);
  if (!cached) {
    const specApis = new Set<string>();
    const frameworks = new Set<string>();
    for (const endpoint of ctx.inventory.endpoints) {
      const code = codeSource(endpoint);
      if (!specSource(endpoint) || !code) continue;
      specApis.add(endpoint.apiId);
      frameworks.add(code.via);
    }
    cached = { specApis, frameworks, any: specApis.size > 0 };
    describedCache.set(ctx, cached);
  }
  return cached;
}
