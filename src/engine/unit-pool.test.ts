import { describe, expect, it } from 'vitest';
import { workerFailure } from './unit-pool.js';

describe('workerFailure', () => {
  it('names the unit a dead worker was analysing and, when it ran out of memory, what to do', () => {
    const oom = Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
    const error = workerFailure(oom, 'enrich of unit js:services/web');
    expect(error.message).toMatch(/^analysis worker stopped while it ran enrich of unit js:services\/web \(ERR_WORKER_OUT_OF_MEMORY\): /);
    expect(error.message).toContain('--max-old-space-size');
    expect(error.message).toContain('`exclude`');
    expect(error.cause).toBe(oom);
  });

  it('quotes any other cause as it is, without the memory advice', () => {
    const error = workerFailure(new Error('analysis worker exited with code 7'), undefined);
    expect(error.message).toBe('analysis worker stopped (analysis worker exited with code 7)');
  });
});
