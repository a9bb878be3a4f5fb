import { objectOf, option } from '../../../analysis/code-auth.js';
import { MB } from '../../../analysis/body-size.js';
import type { BodyLimitProvider } from '../plugin.js';

/** Express's body parsers (`express.json`, `urlencoded`, `text`, `raw`, and body-parser's): their `limit`; a raw body is expected to be larger. */
export const expressBodyLimit: BodyLimitProvider = {
  parser(source, call) {
    if (!/^(express|body-parser)\.(json|urlencoded|text|raw)$/.test(call.callee)) return undefined;
    return { limit: option(source, objectOf(source, call.args[0]), 'limit'), threshold: /\.raw$/.test(call.callee) ? 10 * MB : MB };
  },
};
