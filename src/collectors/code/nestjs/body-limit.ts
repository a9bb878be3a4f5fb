import { objectOf, option } from '../../../analysis/code-auth.js';
import { MB } from '../../../analysis/body-size.js';
import type { BodyLimitProvider } from '../plugin.js';

/** Nest's `app.useBodyParser('json', { limit })`. */
export const nestBodyLimit: BodyLimitProvider = {
  parser(source, call) {
    if (!/\.useBodyParser$/.test(call.written)) return undefined;
    return { limit: option(source, objectOf(source, call.args[1]), 'limit'), threshold: MB };
  },
};
