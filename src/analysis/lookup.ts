/**
 * A frozen, prototype-free copy of a lookup table. Tables indexed by text from the audited code or
 * specs (callee names, decorators, properties, import specifiers) must not find `constructor`,
 * `toString` or `__proto__` on `Object.prototype`: a function named `toString` is just a name.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
