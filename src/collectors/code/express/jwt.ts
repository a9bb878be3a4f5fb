import { jsJwtCall } from '../js/jwt.js';
import type { JwtProvider } from '../plugin.js';

/** express-jwt: the middleware factory verifies the tokens of the routes it guards. */
export const expressJwt: JwtProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call(source, call) {
    const c = call.callee;
    if (c === 'express-jwt' || c === 'express-jwt.expressjwt' || c === 'express-jwt.default') return { ...jsJwtCall(source, call, 'express-jwt', 'verify', 0), keyOptions: ['secret'] };
    return undefined;
  },
};
