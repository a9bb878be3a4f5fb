import { jsJwtCall } from '../js/jwt.js';
import type { JwtCall } from '../../../analysis/code-auth.js';
import type { JwtProvider } from '../plugin.js';

/** express-jwt takes its key as the `secret` option, and the expected audience and issuer among its options; before version 6 it accepts the token header's algorithm when no `algorithms` are listed. */
const EXPRESS_JWT = {
  keyOptions: ['secret'],
  unpinnedWithoutList: { safeFrom: ['npm:express-jwt', 6] },
  audienceOptions: true,
} as const satisfies Partial<JwtCall>;

/** express-jwt: the middleware factory verifies the tokens of the routes it guards. */
export const expressJwt: JwtProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call(source, call) {
    const c = call.callee;
    if (c === 'express-jwt' || c === 'express-jwt.expressjwt' || c === 'express-jwt.default') return { ...jsJwtCall(source, call, 'express-jwt', 'verify', 0), ...EXPRESS_JWT };
    return undefined;
  },
};
