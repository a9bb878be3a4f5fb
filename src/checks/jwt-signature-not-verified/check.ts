import type { Node } from 'web-tree-sitter';
import { at, functionName, functionVerifies, isPython, jwtCalls, type JwtCall } from '../../analysis/code-auth.js';
import { enclosingFunction } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

// A claim set that becomes the caller's identity: assigned to the request, or read in an auth helper.
const IDENTITY_SINK = /\b(req|request|ctx\.state|ctx|res\.locals|context)\.(user|auth|principal|claims|identity|session|userId|account)\s*=(?!=)/;
const AUTH_FUNCTION = /authenticat|authoriz|verif|validat|guard|canActivate|requireAuth|isAuth|currentUser|current_user|getUser|get_user|protect|checkAuth|check_auth|login_required|middleware/i;

function classNameOf(node: Node): string {
  let current: Node | null = parentOf(node);
  while (current && current.type !== 'class_declaration' && current.type !== 'class' && current.type !== 'class_definition') current = parentOf(current);
  return current?.childForFieldName('name')?.text ?? '';
}

function usedAsIdentity(jwt: JwtCall): boolean {
  const fn = enclosingFunction(jwt.call.node);
  if (!fn) return false;
  return IDENTITY_SINK.test(fn.text) || AUTH_FUNCTION.test(functionName(jwt.call.node)) || /Guard|Strategy|Middleware/.test(classNameOf(jwt.call.node));
}

function disabledOption(source: SourceFile, jwt: JwtCall): string {
  if (jwt.call.kwargs.has('verify')) return 'verify=False';
  return isPython(source) ? 'options={"verify_signature": False}' : 'verification disabled';
}

export default defineCheck({
  id: 'jwt-signature-not-verified',
  title: 'JWT signature not verified',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-345'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A token whose signature is not checked is just JSON the caller wrote: anyone can set `sub`, `role` or `exp` to whatever they like and be accepted as any user.',
  remediation:
    'Verify the token before trusting any claim: in PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=...)` with signature verification left on; in jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })` instead of `jwt.decode`; in jose `await jwtVerify(token, key, { algorithms, audience, issuer })`; in NestJS `await this.jwtService.verifyAsync(token)`. Use the unverified readers only to pick a key by `kid`.',
  messages: {
    disabled: '`{{call}}` is called with `{{option}}`, so the token signature is never checked.',
    unverified: '`{{call}}` reads the token claims without checking the signature, and they are trusted as the caller identity.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'decode-unverified') continue;
        if (functionVerifies(source, jwt.call.node)) continue;
        const where = at(ctx, source, jwt.call.node);
        if (isPython(source) && jwt.library !== 'python-jose') {
          report({ messageId: 'disabled', data: { call: jwt.name, option: disabledOption(source, jwt) }, ...where });
        } else if (isPython(source)) {
          const disabled = /decode$/.test(jwt.name);
          if (disabled) report({ messageId: 'disabled', data: { call: jwt.name, option: disabledOption(source, jwt) }, ...where });
          else report({ messageId: 'unverified', data: { call: jwt.name }, ...where });
        } else if (usedAsIdentity(jwt)) {
          report({ messageId: 'unverified', data: { call: jwt.name }, ...where });
        }
      }
    }
  },
});
