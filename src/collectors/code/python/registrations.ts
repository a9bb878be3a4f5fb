import type { Bound, PyIndex } from './project.js';
import { pyValues } from './values.js';

/**
 * The registered objects (blueprints, routers) an argument written at `at` may stand for when the
 * index cannot follow it alone: a loop variable over a parameter, a local or a concatenation
 * (`for blueprint in blueprints: app.register_blueprint(blueprint)`). Empty when any element cannot
 * be resolved to one: a partial list would hide the rest.
 */
export function registeredAlternatives<T>(index: PyIndex, at: Bound, lookup: (at: Bound) => T | undefined): T[] {
  const values = pyValues(index);
  const options = values.alternatives(at);
  const out: T[] = [];
  for (const option of options) {
    if (option.node.id === at.node.id && option.module === at.module) return [];
    const found = lookup(option);
    if (found === undefined) return [];
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** Every value a prefix expression may take (`f"/api/{API_VERSION}"` with an integer, a loop over config values); empty when unknown. */
export function prefixValues(index: PyIndex, at: Bound): string[] {
  return pyValues(index).strings(at);
}
