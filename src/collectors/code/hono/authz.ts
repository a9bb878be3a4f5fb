import type { AuthzProvider } from '../plugin.js';

/** Hono: the caller a middleware set on the context (`c.get('user')`, hono/jwt's `c.get('jwtPayload')`). */
export const honoAuthz: AuthzProvider = {
  identity: {
    family: 'js',
    caller: [String.raw`\bc\.get\(\s*["'](?:user|auth|account|session|identity|principal|tenant|project|team|org|organization|workspace|jwtPayload)["']\s*\)`],
  },
};
