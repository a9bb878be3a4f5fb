import type { CheckContext } from '../engine/context.js';
import type { Endpoint } from '../model/types.js';
import { callsIn, handlerOf } from './code-transport.js';
import { words } from '../inventory/classify.js';

export type CredentialEntryKind = 'password' | 'token-issued' | 'token-from-request' | 'account-created' | 'oauth' | 'recovery';

export interface CredentialEntry {
  kind: CredentialEntryKind;
  /** The call that shows it, as written. */
  call: string;
}

const PASSWORD_CHECKS = new Set([
  'checkpassword', 'verifypassword', 'comparepassword', 'ispasswordmatch', 'ispasswordvalid', 'validatepassword',
  'checkpw', 'authenticate', 'authenticateuser', 'validateuser', 'verifycredentials', 'checkcredentials',
]);
const TOKEN_ISSUERS = new Set([
  'createaccesstoken', 'createrefreshtoken', 'generateauthtokens', 'generatetokens', 'generatetoken', 'issuetoken',
  'issuetokens', 'foruser', 'loginuser', 'signasync', 'createtoken', 'createsession', 'newtoken', 'refreshauth',
  'generatejwt', 'generateaccesstoken', 'signtoken', 'createjwt', 'issuejwt', 'signjwt',
]);
const ACCOUNT_CREATORS = new Set(['createuser', 'registeruser', 'createaccount', 'signupuser', 'register', 'signup']);
const OAUTH_CALLS = new Set([
  'authorizeredirect', 'authorizationurl', 'authorizeaccesstoken', 'fetchtoken', 'getauthorizationurl', 'exchangecode',
  'exchangecodefortoken', 'getaccesstoken', 'createauthorizationurl', 'validateauthorizationcode',
]);
// Handlers that delegate the whole flow to a service (`this.authService.login(dto)`, `auth.refresh(token)`).
const DELEGATED_FLOWS = new Set([
  'login', 'signin', 'logout', 'signout', 'refresh', 'refreshtoken', 'refreshtokens', 'verifyemail', 'confirmemail',
  'resetpassword', 'forgotpassword', 'requestpasswordreset', 'recoverpassword', 'sendpasswordreset', 'verifyotp',
]);
const REQUEST_DATA = /\b(req|request|ctx\.request|body|form_data|payload|dto|data)\b|\bquery\b|\bparams\b|request\.(json|form|data|get_json|args)/;

function lastName(callee: string): string {
  const last = callee.split('.').pop() ?? callee;
  return last.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/**
 * Whether a handler is a credential entry point by what it does, not by its path: it checks a
 * password, issues a token or session, verifies a token the request carries (refresh, e-mail
 * verification, logout, reset), creates the account, runs an OAuth step, or sends a recovery mail.
 * These routes are anonymous by design: a caller cannot already hold the credential they obtain.
 */
export function credentialEntry(ctx: CheckContext, endpoint: Endpoint): CredentialEntry | undefined {
  const handler = handlerOf(ctx, endpoint);
  if (!handler) return undefined;
  const body = handler.node.text;
  for (const call of callsIn(handler.source, handler.node)) {
    const name = lastName(call.callee);
    const callee = call.callee.toLowerCase();
    const args = call.node.text.slice(call.written.length);
    if (PASSWORD_CHECKS.has(name) || (/\b(bcrypt|bcryptjs|argon2|pwd_context|passlib|hasher)\b/.test(callee) && /^(compare|comparesync|verify|checkpw)$/.test(name))) {
      return { kind: 'password', call: call.written };
    }
    if (TOKEN_ISSUERS.has(name) || (/\b(jwt|jsonwebtoken|jwtservice|jose)\b/.test(callee) && /^(sign|encode)$/.test(name)) || (/^(login|loginuser)$/.test(name) && /\b(request|req)\b/.test(args))) {
      return { kind: 'token-issued', call: call.written };
    }
    if (/^(verify|decode|unsign|loads|verifytoken|decodetoken|verifyjwt)$/.test(name) && REQUEST_DATA.test(args)) {
      return { kind: 'token-from-request', call: call.written };
    }
    const receiver = call.written.split('.').slice(-2, -1)[0] ?? '';
    const userModel = /^(User|Users|Account|Accounts|users|accounts|userModel|UserModel|userRepository|usersRepository|userRepo)$/.test(receiver);
    if (ACCOUNT_CREATORS.has(name) || (userModel && /^(create|insert|insertone|createuser)$/.test(name) && /password/i.test(body)) || ((call.isNew || /^(User|Account)$/.test(call.written)) && /^(user|account)$/.test(name) && /password/i.test(body))) {
      return { kind: 'account-created', call: call.written };
    }
    if (OAUTH_CALLS.has(name) || (callee.startsWith('passport.authenticate') && /^\(\s*['"](?!jwt|bearer|local|headerapikey|api-?key)/i.test(args))) {
      return { kind: 'oauth', call: call.written };
    }
    if (/(reset|recover|verification|verify|confirm)/.test(name) && /(mail|email|link|token)/.test(name)) {
      return { kind: 'recovery', call: call.written };
    }
    if (DELEGATED_FLOWS.has(name) && call.written.includes('.')) return { kind: 'token-issued', call: call.written };
  }
  return undefined;
}

const ENTRY_WORDS = new Set([
  'login', 'logon', 'signin', 'signup', 'register', 'registration', 'logout', 'signout', 'forgot', 'reset', 'recover',
  'recovery', 'token', 'tokens', 'authorize', 'refresh', 'verify', 'verification', 'confirm', 'confirmation', 'activate',
  'activation', 'otp', 'magic', 'oauth', 'oauth2', 'sso', 'saml', 'oidc', 'callback', 'jwks', 'well', 'openid',
]);
const TOKEN_PARAMS = /^(token|code|key|uid|uidb64|provider|backend|strategy|email|secret|signature|hash|nonce|state)$/i;

/** The path reads like a credential entry point (`/auth/refresh-tokens`, `/password-recovery/{email}`, `/oauth2/{provider}/callback`). */
export function isAuthEntryPath(path: string): boolean {
  return path.split('/').some((segment) => !segment.includes('{') && words(segment).some((word) => ENTRY_WORDS.has(word)));
}

// Words that name a flow, not a credential noun: `/login`, `/oauth/token`, `/password/reset` are entry points by their path.
const FLOW_WORDS = new Set([
  'login', 'logon', 'signin', 'signup', 'register', 'registration', 'logout', 'signout', 'forgot', 'reset', 'recover',
  'recovery', 'authorize', 'refresh', 'verify', 'verification', 'confirm', 'confirmation', 'activate', 'activation', 'otp',
  'magic', 'oauth', 'oauth2', 'sso', 'saml', 'oidc', 'callback', 'jwks', 'well', 'openid',
]);

export function isAuthFlowPath(path: string): boolean {
  return path.split('/').some((segment) => !segment.includes('{') && words(segment).some((word) => FLOW_WORDS.has(word)));
}

/** A path parameter naming an object (`{userId}`, `{id}`) rather than a token, code or provider. */
export function hasObjectParameter(path: string): boolean {
  return [...path.matchAll(/\{([^}]*)\}/g)].some((match) => !TOKEN_PARAMS.test((match[1] ?? '').split(':')[0] ?? ''));
}
