import { isAbsolute } from 'node:path';
import { UsageError } from './errors.js';

export const MAX_NAME_LENGTH = 100;

const ALLOWED = /^[A-Za-z0-9._-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HINT = 'Use letters, digits, ".", "_" and "-" only, e.g. payments-service.';

function reject(reason: string): never {
  throw new UsageError(reason, { attempted: 'validate the audit NAME', hint: HINT });
}

/**
 * Checks that NAME is safe to use as a folder under `.metapowers/security/` and returns it.
 * Throws a UsageError that says what is wrong otherwise.
 */
export function validateName(name: string): string {
  const shown = JSON.stringify(name);
  if (name.length === 0) reject('The audit NAME is empty.');
  if (CONTROL.test(name)) reject(`The audit NAME ${shown} contains a control character.`);
  if (name.length > MAX_NAME_LENGTH) {
    reject(`The audit NAME is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}.`);
  }
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) reject(`The audit NAME ${shown} is an absolute path.`);
  if (name.includes('/') || name.includes('\\')) reject(`The audit NAME ${shown} contains a path separator.`);
  if (name === '.' || name.includes('..')) {
    reject(`The audit NAME ${shown} contains "." or "..", which could point outside .metapowers/security/.`);
  }
  if (name.startsWith('-')) reject(`The audit NAME ${shown} starts with "-", which reads as an option.`);
  if (!ALLOWED.test(name)) {
    const bad = /[^A-Za-z0-9._-]/u.exec(name)?.[0] ?? '';
    reject(`The audit NAME ${shown} contains ${JSON.stringify(bad)}, which is not allowed.`);
  }
  return name;
}
