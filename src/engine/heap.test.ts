import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapKeeper } from './heap.js';

describe('HeapKeeper', () => {
  it('collects once the heap has outgrown what was alive, and brings it back down', () => {
    const keeper = new HeapKeeper(16 * 1024 * 1024, 1.5);
    let garbage: string[][] | undefined = Array.from({ length: 64 }, (_, outer) => Array.from({ length: 4096 }, (_, inner) => `${outer}:${inner}:${'x'.repeat(64)}`));
    expect(garbage.length).toBe(64);
    garbage = undefined;
    const before = getHeapStatistics().used_heap_size;
    keeper.settle();
    expect(keeper.collections).toBe(1);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before);
    // Nothing grew since: no second collection.
    keeper.settle();
    expect(keeper.collections).toBe(1);
  });

  it('leaves a heap below its floor alone', () => {
    const keeper = new HeapKeeper(Number.MAX_SAFE_INTEGER);
    keeper.settle();
    expect(keeper.collections).toBe(0);
  });
});
