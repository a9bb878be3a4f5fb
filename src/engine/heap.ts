import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a worker's heap near what it holds. When memory is plentiful V8 lets a heap grow to several
 * times its live data before a full collection, so a worker that analyses unit after unit carries the
 * garbage of many: on the generated 1M-line tree split into 1,415 units, two workers' heaps reached
 * 1.5–1.9 GB while under 310 MB was alive. Between two requests, when the heap has grown past
 * `floorBytes` and past `growth` times what was alive after the last collection, one full collection
 * brings it back (a few dozen on that tree, against thousands of requests).
 *
 * V8 gives a full collection only to code started with `--expose-gc`; a worker cannot take V8 flags
 * from its options, so the flag is set at run time and the function taken from a new context, as
 * Jest's leak detector does. Where that fails, `collect` does nothing and V8 collects on its own.
 */
export class HeapKeeper {
  private readonly gc: (() => void) | undefined;
  private live = 0;
  collections = 0;

  constructor(
    private readonly floorBytes = 192 * 1024 * 1024,
    private readonly growth = 1.5,
  ) {
    this.gc = exposedGc();
  }

  /** Called between requests: collects when the heap has outgrown what was last alive. */
  settle(): void {
    if (this.gc === undefined) return;
    const used = getHeapStatistics().used_heap_size;
    if (used < this.floorBytes || used < this.growth * this.live) return;
    this.gc();
    this.collections += 1;
    this.live = getHeapStatistics().used_heap_size;
  }
}

function exposedGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
