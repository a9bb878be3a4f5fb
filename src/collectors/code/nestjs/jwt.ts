import type { Node } from 'web-tree-sitter';
import { factsOf } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { jsJwtCall, PASSPORT_JWT_KEY } from '../js/jwt.js';
import type { JwtProvider } from '../plugin.js';

/** `super(options)` in a class extending `PassportStrategy(Strategy)` with passport-jwt's `Strategy` (@nestjs/passport). */
function extendsPassportJwt(source: SourceFile, node: Node): boolean {
  let current: Node | null = parentOf(node);
  while (current && current.type !== 'class_declaration' && current.type !== 'class') current = parentOf(current);
  const heritage = current?.namedChildren.find((child) => child?.type === 'class_heritage');
  const match = heritage ? /PassportStrategy\(\s*(\w+)/.exec(heritage.text) : null;
  return match?.[1] !== undefined && factsOf(source).imports.get(match[1]) === 'passport-jwt.Strategy';
}

/**
 * `JwtService` and `JwtModule` take the key as the `secret` option, or `privateKey` for an asymmetric one; the token
 * lifetime is the `expiresIn` of the call's options or of the module's `signOptions` (else the module's defaults).
 */
const NEST_JWT_KEY: readonly string[] = ['secret', 'privateKey'];

/** Nest's passport-jwt strategies, its `JwtService` (an injected `jwtService`) and `JwtModule.register`. */
export const nestJwt: JwtProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  call(source, call) {
    const c = call.callee;
    if (call.written === 'super' && extendsPassportJwt(source, call.node)) return { ...jsJwtCall(source, call, 'passport-jwt', 'verify', 0), name: 'PassportStrategy(Strategy)', keyOptions: PASSPORT_JWT_KEY };
    if (/(^|\.)jwt_?service\.(verify|verifyAsync)$/i.test(c)) return { ...jsJwtCall(source, call, '@nestjs/jwt', 'verify', 1, undefined, 0), keyOptions: NEST_JWT_KEY, lifetimeOptions: {} };
    if (/(^|\.)jwt_?service\.decode$/i.test(c)) return { ...jsJwtCall(source, call, '@nestjs/jwt', 'decode-unverified', 1, undefined, 0), keyOptions: NEST_JWT_KEY, lifetimeOptions: {} };
    if (/(^|\.)jwt_?service\.(sign|signAsync)$/i.test(c)) return { ...jsJwtCall(source, call, '@nestjs/jwt', 'sign', 1, undefined, 0), keyOptions: NEST_JWT_KEY, lifetimeOptions: {} };
    if (c === '@nestjs/jwt.JwtModule.register') return { ...jsJwtCall(source, call, '@nestjs/jwt', 'sign', 0), keyOptions: NEST_JWT_KEY, lifetimeOptions: { options: 'signOptions' } };
    return undefined;
  },
};
