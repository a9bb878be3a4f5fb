import { objectOf, option } from '../../../analysis/code-auth.js';
import { MB } from '../../../analysis/body-size.js';
import type { BodyLimitProvider } from '../plugin.js';

const PARSERS = /^(koa-body|@koa\/bodyparser|koa-bodyparser)\.(json|urlencoded|text|raw)$|^(koa-bodyparser|@koa\/bodyparser|koa-body)(\.default|\.bodyParser)?$/;

/** Koa's body parsers (koa-body, koa-bodyparser, @koa/bodyparser): `limit`, `jsonLimit` or `formLimit`. */
export const koaBodyLimit: BodyLimitProvider = {
  parser(source, call) {
    if (!PARSERS.test(call.callee)) return undefined;
    const options = objectOf(source, call.args[0]);
    return { limit: option(source, options, 'limit') ?? option(source, options, 'jsonLimit') ?? option(source, options, 'formLimit'), threshold: /\.raw$/.test(call.callee) ? 10 * MB : MB };
  },
};
