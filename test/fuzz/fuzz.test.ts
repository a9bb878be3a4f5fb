/**
 * The fuzz suite's fixed-seed sample, run by `npm test`: a few hundred cases of the families of
 * `npm run fuzz` (test/fuzz/run.ts), with smaller inputs (TEST_PROFILE), in this process, one
 * after the other. A failure prints fast-check's shrunk counterexample.
 *
 * Stalls are judged only by `npm run fuzz` (a worker per case and a time budget); here a case has
 * no time limit, so the generators stay small.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAMILIES, TEST_PROFILE } from './arbitraries.js';
import { runCase } from './case.js';

const SEED = 1_206_2026;

const RUNS: Record<string, number> = {
  'spec-yaml': 20,
  'spec-json': 30,
  ref: 20,
  graphql: 30,
  proto: 20,
  python: 3,
  js: 3,
  gitignore: 20,
  config: 40,
  name: 150,
  'output-paths': 6,
  masking: 10,
  rendering: 20,
};

describe('fuzz (fixed seed)', () => {
  for (const family of FAMILIES) {
    const runs = RUNS[family.name];
    if (runs === undefined) continue;
    it(`${family.name}: ${runs} cases, no crash, write outside, unmasked secret or control character`, async () => {
      await fc.assert(
        fc.asyncProperty(family.arbitrary(TEST_PROFILE), async (fuzz) => {
          const outcome = await runCase(fuzz);
          expect(outcome.failures.map((failure) => `${failure.kind}: ${failure.detail}`)).toEqual([]);
        }),
        { seed: SEED, numRuns: runs, endOnFailure: true },
      );
    });
  }
});
