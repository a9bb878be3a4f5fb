import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../src/checks/index.js';
import { OWASP_CATEGORIES, SECTIONS } from '../src/model/types.js';
import { parseAnnotations } from './harness/annotations.js';
import { REPO, walkFiles } from './harness/fixtures.js';

const checksDir = path.join(REPO, 'src/checks');
const folders = readdirSync(checksDir)
  .filter((entry) => statSync(path.join(checksDir, entry)).isDirectory())
  .sort();

function annotationKinds(checkId: string): Set<string> {
  const fixtures = path.join(checksDir, checkId, 'fixtures');
  const kinds = new Set<string>();
  if (!existsSync(fixtures)) return kinds;
  for (const file of walkFiles(fixtures)) {
    for (const annotation of parseAnnotations(readFileSync(path.join(fixtures, file), 'utf8')).checks) {
      if (annotation.checkId === checkId) kinds.add(annotation.kind);
    }
  }
  return kinds;
}

const SENTENCE = /^[A-Z`"'(0-9].*[.?!]$/s;

describe('check catalogue', () => {
  it('registers every check folder, sorted by id, each once', () => {
    const ids = allChecks.map((check) => check.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(folders);
  });

  for (const check of allChecks) {
    describe(check.id, () => {
      it('has complete metadata', () => {
        expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(Object.keys(OWASP_CATEGORIES)).toContain(check.owasp);
        expect(Object.keys(SECTIONS)).toContain(check.section);
        expect(check.cwe.length).toBeGreaterThan(0);
        for (const cwe of check.cwe) expect(cwe).toMatch(/^CWE-\d+$/);
        expect(check.title).toMatch(/^[A-Z`]/);
        expect(check.title).not.toMatch(/\.$/);
        expect(check.rationale).toMatch(SENTENCE);
        expect(check.remediation).toMatch(SENTENCE);
        expect(check.targets.length).toBeGreaterThan(0);
      });

      it('words every message as a sentence', () => {
        const messages = Object.values<string>(check.messages);
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) expect(message).toMatch(SENTENCE);
      });

      it('has fixtures with at least one ruleid and one ok case', () => {
        const kinds = annotationKinds(check.id);
        expect(kinds.has('ruleid'), 'a ruleid: case').toBe(true);
        expect(kinds.has('ok'), 'an ok: case').toBe(true);
      });
    });
  }
});
