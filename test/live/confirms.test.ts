/**
 * A probe's `confirms` names the static checks whose findings its live evidence joins: a typo there
 * silently keeps the two apart, so every id must be a registered check, and no probe may reuse a
 * check's id (the report could not tell them apart).
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { allProbes } from '../../src/live/probes/index.js';

describe('live probes and the check catalogue', () => {
  const checkIds = new Set(allChecks.map((check) => check.id));

  it.each(allProbes.map((probe) => [probe.id, probe.confirms ?? []] as const))('%s confirms only registered checks', (_id, confirms) => {
    expect(confirms.filter((id) => !checkIds.has(id))).toEqual([]);
  });

  it('gives no probe the id of a check', () => {
    expect(allProbes.map((probe) => probe.id).filter((id) => checkIds.has(id))).toEqual([]);
  });
});
