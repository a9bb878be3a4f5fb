/**
 * What the PHP frameworks' object-access providers share (src/collectors/code/laravel/object-access.ts,
 * symfony/object-access.ts): where an id comes from in an action, and which actions write by their name.
 */
import type { Node } from '../../../parsing/parser.js';
import { unwrap } from './ast.js';
import { requestOrigin } from './requests.js';

/** Actions that change the object they load, by their name. */
export const WRITE_ACTIONS = /^(update|destroy|delete|store|archive|restore|publish|approve|reject|cancel|transfer|edit)/i;

/** A class name without its namespace. */
export function shortName(fqn: string): string {
  return fqn.replace(/^.*\\/, '');
}

/** Request data for an id: request reads, and any scalar parameter of the action (route parameters). */
export function idOrigin(node: Node, scalars: ReadonlySet<string>): string | undefined {
  const target = unwrap(node);
  if (target.type === 'variable_name' && scalars.has(target.text)) return `route parameter ${target.text}`;
  return requestOrigin(node);
}
