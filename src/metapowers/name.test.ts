import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { validateName } from './name.js';
import { artifactPaths, isInside } from './paths.js';

const HOSTILE_NAMES: readonly string[] = [
  '',
  '.',
  '..',
  '../x',
  'a/../b',
  'x..y',
  '...',
  'a/b',
  'a\\b',
  '/etc/passwd',
  'C:\\temp',
  'C:x',
  '-rf',
  '--skip-checks',
  'name\u0000',
  'bad\nname',
  'tab\there',
  'esc\u001b[31m',
  'space name',
  'naïve',
  'semi;colon',
  '$(touch pwned)',
  'x'.repeat(101),
];

describe('validateName', () => {
  it.each(['payments-service', 'a', 'v1.2_final', 'A-Z.0_9', '.hidden', 'x'.repeat(100)])('accepts %j', (name) => {
    expect(validateName(name)).toBe(name);
  });

  it.each(HOSTILE_NAMES)('rejects %j with a UsageError that says what is wrong', (name) => {
    expect(() => validateName(name)).toThrow(UsageError);
    try {
      validateName(name);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      const usage = error as UsageError;
      expect(usage.message).toMatch(/^The audit NAME .*\.$/s);
      expect(usage.hint).toContain('letters, digits');
    }
  });

  it('explains each kind of problem', () => {
    expect(() => validateName('')).toThrow('The audit NAME is empty.');
    expect(() => validateName('../x')).toThrow(/path separator/);
    expect(() => validateName('x..y')).toThrow(/"\.\."/);
    expect(() => validateName('-rf')).toThrow(/starts with "-"/);
    expect(() => validateName('x'.repeat(101))).toThrow('The audit NAME is 101 characters long; the limit is 100.');
    expect(() => validateName('a\u0007')).toThrow(/control character/);
    expect(() => validateName('/abs')).toThrow(/absolute path/);
    expect(() => validateName('a b')).toThrow('The audit NAME "a b" contains " ", which is not allowed.');
  });
});

describe('artifactPaths', () => {
  it('lays out .metapowers/security/NAME under cwd', () => {
    const paths = artifactPaths('payments', '/work/repo');
    expect(paths.base).toBe('/work/repo/.metapowers/security');
    expect(paths.dir).toBe('/work/repo/.metapowers/security/payments');
    expect(paths.govern).toBe('/work/repo/.metapowers/security/payments/00-govern.md');
    expect(paths.protectMarkdown).toBe('/work/repo/.metapowers/security/payments/02-protect.md');
    expect(paths.protectJson).toBe('/work/repo/.metapowers/security/payments/02-protect.json');
    expect(paths.skipLog).toBe('/work/repo/.metapowers/security/payments/skip-log.md');
  });

  it.each(HOSTILE_NAMES)('refuses %j before building any path', (name) => {
    expect(() => artifactPaths(name, '/work/repo')).toThrow(UsageError);
  });

  it('knows what is inside', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
  });
});
