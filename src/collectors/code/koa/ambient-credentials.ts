import type { AmbientCredentialProvider } from '../plugin.js';

/** Koa: `ctx.cookies.set(…)` and koa-session. */
export const koaAmbientCredentials: AmbientCredentialProvider = {
  family: 'js',
  markers: [String.raw`\bctx\.cookies\.set\s*\(`, String.raw`['"\`]koa-session['"\`]`],
};
