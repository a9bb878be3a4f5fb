import type { SourceFile } from '../../../engine/context.js';
import { argument, literalValue, propertyOf, type CallSite } from '../../../analysis/code.js';
import { objectOf, resolveValue, type JwtCall, type JwtKind } from '../../../analysis/code-auth.js';
import type { JwtProvider } from '../plugin.js';

/** A Python JWT library call with its key, payload and options located (keywords, `options=` dict, `**kwargs`). */
export function pyJwtCall(source: SourceFile, call: CallSite, library: string, kind: JwtKind, keyIndex: number, payloadIndex?: number): JwtCall {
  const optionsNode = objectOf(source, call.kwargs.get('options'));
  const splat = call.node.childForFieldName('arguments')?.namedChildren.some((arg) => arg?.type === 'dictionary_splat') ?? false;
  const key = argument(call, keyIndex, 'key');
  const payload = payloadIndex === undefined ? undefined : argument(call, payloadIndex, kind === 'sign' ? (library === 'python-jose' ? 'claims' : 'payload') : 'jwt');
  return {
    call,
    library,
    kind,
    name: call.written,
    ...(key ? { key } : {}),
    ...(payload ? { payload } : {}),
    ...(optionsNode ? { options: optionsNode } : {}),
    get: (name) => {
      const kw = call.kwargs.get(name);
      return kw ? resolveValue(source, kw) : undefined;
    },
    raw: (name) => call.kwargs.get(name),
    opaque: splat,
  };
}

function isPyJwtModule(callee: string, fn: string): boolean {
  return callee === `jwt.${fn}` || callee === `jwt.api_jwt.${fn}`;
}

function pyVerificationDisabled(source: SourceFile, call: CallSite): boolean {
  if (literalValue(resolveValue(source, call.kwargs.get('verify'))) === false) return true;
  const options = objectOf(source, call.kwargs.get('options'));
  return literalValue(resolveValue(source, propertyOf(options, 'verify_signature'))) === false;
}

/** PyJWT, python-jose and authlib: the JWT libraries every Python framework uses. */
export const pythonJwtLibraries: JwtProvider = {
  languages: ['python'],
  call(source, call) {
    const c = call.callee;
    if (isPyJwtModule(c, 'decode')) {
      const disabled = pyVerificationDisabled(source, call);
      return pyJwtCall(source, call, 'PyJWT', disabled ? 'decode-unverified' : 'verify', 1, 0);
    }
    if (isPyJwtModule(c, 'encode')) return pyJwtCall(source, call, 'PyJWT', 'sign', 1, 0);
    if (c === 'jose.jwt.decode') {
      const disabled = pyVerificationDisabled(source, call);
      return pyJwtCall(source, call, 'python-jose', disabled ? 'decode-unverified' : 'verify', 1, 0);
    }
    if (c === 'jose.jwt.encode') return pyJwtCall(source, call, 'python-jose', 'sign', 1, 0);
    if (c === 'jose.jwt.get_unverified_claims' || c === 'jose.jws.get_unverified_claims') return pyJwtCall(source, call, 'python-jose', 'decode-unverified', 99, 0);
    if (c === 'authlib.jose.jwt.decode') return pyJwtCall(source, call, 'authlib', 'verify', 1, 0);
    if (c === 'authlib.jose.jwt.encode') return pyJwtCall(source, call, 'authlib', 'sign', 2, 1);
    return undefined;
  },
};
