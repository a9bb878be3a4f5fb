import type { CheckContext } from '../engine/context.js';
import type { Endpoint } from '../model/types.js';

const byFileCache = new WeakMap<CheckContext, Map<string, Endpoint[]>>();

function handlersByFile(ctx: CheckContext): Map<string, Endpoint[]> {
  let index = byFileCache.get(ctx);
  if (!index) {
    index = new Map();
    for (const endpoint of ctx.inventory.endpoints) {
      if (!endpoint.handler) continue;
      const list = index.get(endpoint.handler.file) ?? [];
      list.push(endpoint);
      index.set(endpoint.handler.file, list);
    }
    byFileCache.set(ctx, index);
  }
  return index;
}

/** The endpoint whose handler encloses `line` of `file` (the innermost one), if any. */
export function endpointAt(ctx: CheckContext, file: string, line: number): Endpoint | undefined {
  let best: Endpoint | undefined;
  for (const endpoint of handlersByFile(ctx).get(file) ?? []) {
    const handler = endpoint.handler;
    if (!handler) continue;
    const end = handler.endLine ?? handler.line;
    if (line < handler.line || line > end) continue;
    const span = end - handler.line;
    const bestSpan = best?.handler ? (best.handler.endLine ?? best.handler.line) - best.handler.line : Infinity;
    if (span < bestSpan) best = endpoint;
  }
  return best;
}

/** Endpoints whose handler is in `file`. */
export function endpointsIn(ctx: CheckContext, file: string): readonly Endpoint[] {
  return handlersByFile(ctx).get(file) ?? [];
}

const listByFile = new WeakMap<readonly Endpoint[], Map<string, Endpoint[]>>();

/**
 * The first endpoint of `endpoints` (in list order) whose handler starts in `file` between lines
 * `start` and `end`, as `endpoints.find(…)` answers, from an index of the list by handler file built
 * once per list (a scan of every endpoint per handler method was methods × endpoints).
 */
export function firstHandlerIn(endpoints: readonly Endpoint[], file: string, start: number, end: number): Endpoint | undefined {
  let index = listByFile.get(endpoints);
  if (!index) {
    index = new Map();
    for (const endpoint of endpoints) {
      if (!endpoint.handler) continue;
      const list = index.get(endpoint.handler.file) ?? [];
      list.push(endpoint);
      index.set(endpoint.handler.file, list);
    }
    listByFile.set(endpoints, index);
  }
  return index.get(file)?.find((item) => item.handler !== undefined && item.handler.line >= start && item.handler.line <= end);
}
