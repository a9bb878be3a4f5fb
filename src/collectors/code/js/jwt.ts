import type { SourceFile } from '../../../engine/context.js';
import { propertyOf, type CallSite } from '../../../analysis/code.js';
import { hasSpread, objectOf, option, type JwtCall, type JwtKind } from '../../../analysis/code-auth.js';
import type { JwtProvider } from '../plugin.js';

/** A JS JWT library call with its options object (resolved), key and payload located by position. */
export function jsJwtCall(source: SourceFile, call: CallSite, library: string, kind: JwtKind, optionsIndex: number, keyIndex?: number, payloadIndex?: number): JwtCall {
  const raw = call.args[optionsIndex];
  const options = objectOf(source, raw);
  const key = keyIndex === undefined ? undefined : call.args[keyIndex];
  const payload = payloadIndex === undefined ? undefined : call.args[payloadIndex];
  const opaque =
    raw !== undefined &&
    !['arrow_function', 'function_expression', 'function', 'undefined', 'null'].includes(raw.type) &&
    (options === undefined || hasSpread(options));
  return {
    call,
    library,
    kind,
    name: call.written,
    ...(key ? { key } : {}),
    ...(payload ? { payload } : {}),
    ...(options ? { options } : {}),
    get: (name) => option(source, options, name),
    raw: (name) => propertyOf(options, name),
    opaque,
  };
}

/** passport-jwt's `Strategy` takes its key as the `secretOrKey` option. */
export const PASSPORT_JWT_KEY: readonly string[] = ['secretOrKey'];

/** jsonwebtoken, jose and passport-jwt's `Strategy`: JWT libraries any JS framework mounts. */
export const jsJwtLibraries: JwtProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call(source, call) {
    const c = call.callee;
    if (c === 'jsonwebtoken.verify') return jsJwtCall(source, call, 'jsonwebtoken', 'verify', 2, 1, 0);
    if (c === 'jsonwebtoken.decode') return jsJwtCall(source, call, 'jsonwebtoken', 'decode-unverified', 1, undefined, 0);
    if (c === 'jsonwebtoken.sign') return jsJwtCall(source, call, 'jsonwebtoken', 'sign', 2, 1, 0);
    if (c === 'jose.jwtVerify') return jsJwtCall(source, call, 'jose', 'verify', 2, 1, 0);
    if (c === 'jose.decodeJwt') return jsJwtCall(source, call, 'jose', 'decode-unverified', 99, undefined, 0);
    if (call.isNew && c === 'passport-jwt.Strategy') return { ...jsJwtCall(source, call, 'passport-jwt', 'verify', 0), keyOptions: PASSPORT_JWT_KEY };
    return undefined;
  },
};
