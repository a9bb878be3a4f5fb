import type { AuthzProvider } from '../plugin.js';

/** Koa: the caller on `ctx.state` (koa-jwt, koa-passport) or `ctx`, ids in `ctx.params` and `ctx.request.query/body`. */
export const koaAuthz: AuthzProvider = {
  identity: {
    family: 'js',
    callerHolders: [String.raw`ctx\.state`, 'ctx'],
    ids: [String.raw`\b(?:ctx|ctx\.request)\.params\b`, String.raw`\b(?:ctx\.request|ctx)\.(?:query|body)\.(?:id|\w+Id|\w+_id|\w+ID)\b`],
  },
};
