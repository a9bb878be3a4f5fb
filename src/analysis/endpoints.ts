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

interface HandlerSpan {
  endpoint: Endpoint;
  start: number;
  end: number;
  /** Position in the file's endpoint list: the first listed wins among equal spans. */
  order: number;
  /** Largest end of this span and every span starting before it: where a backward scan may stop. */
  reach: number;
}

const spansCache = new WeakMap<CheckContext, Map<string, HandlerSpan[]>>();

/** A file's handler spans by start line, listed once per context. */
function spansOf(ctx: CheckContext, file: string): HandlerSpan[] {
  let byFile = spansCache.get(ctx);
  if (!byFile) {
    byFile = new Map();
    spansCache.set(ctx, byFile);
  }
  let spans = byFile.get(file);
  if (!spans) {
    spans = [];
    for (const [order, endpoint] of (handlersByFile(ctx).get(file) ?? []).entries()) {
      const handler = endpoint.handler;
      if (handler) spans.push({ endpoint, start: handler.line, end: handler.endLine ?? handler.line, order, reach: 0 });
    }
    spans.sort((a, b) => a.start - b.start || a.order - b.order);
    let reach = -Infinity;
    for (const span of spans) {
      reach = Math.max(reach, span.end);
      span.reach = reach;
    }
    byFile.set(file, spans);
  }
  return spans;
}

/**
 * The endpoint whose handler encloses `line` of `file` (the innermost one; the first listed among
 * equals), if any. A binary search and a backward scan over the spans that may still reach the line,
 * not a pass over every endpoint of the file per question (quadratic on a module with thousands of routes).
 */
export function endpointAt(ctx: CheckContext, file: string, line: number): Endpoint | undefined {
  const spans = spansOf(ctx, file);
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((spans[middle] as HandlerSpan).start <= line) low = middle + 1;
    else high = middle;
  }
  let best: HandlerSpan | undefined;
  for (let index = low - 1; index >= 0; index--) {
    const span = spans[index] as HandlerSpan;
    if (span.reach < line) break;
    if (span.end < line) continue;
    const size = span.end - span.start;
    const bestSize = best ? best.end - best.start : Infinity;
    if (size < bestSize || (size === bestSize && best !== undefined && span.order < best.order)) best = span;
  }
  return best?.endpoint;
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
