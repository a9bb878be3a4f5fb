import type { Node } from 'web-tree-sitter';
import { at, isPython } from '../../analysis/code-auth.js';
import { factsOf, nodesOfType, stringValue } from '../../analysis/code.js';
import { appCodeProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';
import { lookupTable } from '../../analysis/lookup.js';

type Grant = 'implicit' | 'password';

const IMPLICIT_VALUES = /^(token|id_token token|token id_token)$/;
const URL_IMPLICIT = /[?&#]response_type=(token|id_token(\+|%20| )token|token(\+|%20| )id_token)(&|$)/;
const FORM_PASSWORD = /(^|[?&])grant_type=password(&|$)/;
const RESPONSE_TYPE_KEYS = new Set(['response_type', 'responseType']);
const GRANT_TYPE_KEYS = new Set(['grant_type', 'grantType']);
const GRANT_KEY_TEXT = [...RESPONSE_TYPE_KEYS, ...GRANT_TYPE_KEYS];
const CLASSES: Record<string, Grant> = lookupTable({
  'oauthlib.oauth2.LegacyApplicationClient': 'password',
  'oauthlib.oauth2.MobileApplicationClient': 'implicit',
  'simple-oauth2.ResourceOwnerPassword': 'password',
  'oauth2orize.exchange.password': 'password',
  'oauth2orize.grant.token': 'implicit',
});

/** Configuration the deployment provides: environment variables, settings modules, app config. */
let configRead: RegExp | undefined;

/** Environment variables, a config object's `get(` and the frameworks' configuration reads (`appCode.configReads`: Flask's `app.config`, Django's `settings.X`). */
function readsConfig(text: string): boolean {
  configRead ??= new RegExp(
    `^(?:${[String.raw`process\.env\b`, String.raw`os\.environ\b`, String.raw`os\.getenv\(`, String.raw`config\.get\(`, String.raw`this\.config\.get\(`, ...appCodeProviders().flatMap((provider) => provider.configReads ?? [])].join('|')})`,
  );
  return configRead.test(text);
}

/**
 * The password grant with the app's own service account (`username`/`password` read from
 * configuration) is how some vendor APIs (DNS providers, CA gateways) issue machine tokens: no
 * user's password passes through the app, which is what RFC 9700 forbids. `object` is the dict or
 * object literal holding `grant_type: password`.
 */
function serviceAccountGrant(object: Node | null | undefined): boolean {
  if (!object) return false;
  const value = (name: string): Node | undefined => {
    for (const pair of object.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      if (key && (stringValue(key) ?? key.text) === name) return pair.childForFieldName('value') ?? undefined;
    }
    return undefined;
  };
  const password = value('password');
  return password !== undefined && readsConfig(password.text.trim());
}

/** A key grantOf can answer for: the value is only read for these. */
function grantKey(key: string | undefined): boolean {
  return key !== undefined && (RESPONSE_TYPE_KEYS.has(key) || GRANT_TYPE_KEYS.has(key));
}

function grantOf(key: string, value: string | undefined): Grant | undefined {
  if (value === undefined) return undefined;
  if (RESPONSE_TYPE_KEYS.has(key) && IMPLICIT_VALUES.test(value.trim())) return 'implicit';
  if (GRANT_TYPE_KEYS.has(key) && value === 'password') return 'password';
  return undefined;
}

export default defineCheck({
  id: 'oauth-implicit-or-password-grant-in-code',
  title: 'OAuth implicit or password grant in use',
  owasp: 'API2:2023',
  cwe: ['CWE-522', 'CWE-598'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'The implicit grant returns the access token in the URL fragment, where history, extensions and redirects can read it; the password grant hands the user\'s password to the client. OAuth 2.0 Security BCP (RFC 9700) forbids both.',
  remediation:
    'Use the authorization code flow with PKCE for user sign-in (authlib `oauth.register(..., client_kwargs={"code_challenge_method": "S256"})`, openid-client `client.authorizationUrl({ code_challenge, code_challenge_method: \'S256\' })`) and the client credentials grant between services.',
  messages: {
    implicit: '`{{code}}` requests tokens with the implicit grant.',
    password: '`{{code}}` uses the resource owner password grant.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const flagged = new Set<number>();
      const emit = (grant: Grant, node: Node): void => {
        const line = node.startPosition.row;
        if (flagged.has(line)) return;
        flagged.add(line);
        const code = node.text.replace(/\s+/g, ' ');
        report({ messageId: grant, data: { code: code.length > 80 ? `${code.slice(0, 79)}…` : code }, ...at(ctx, source, node) });
      };
      // Keys are written as names or plain literals: a file that never writes one has no grant setting to read.
      const namesGrant = GRANT_KEY_TEXT.some((key) => source.text.includes(key));
      for (const call of factsOf(source).calls) {
        const byClass = CLASSES[call.callee];
        if (byClass) emit(byClass, call.node);
        else if (/\.fetch_token$/.test(call.callee) && call.kwargs.has('password') && call.kwargs.has('username')) emit('password', call.node);
        else if (namesGrant && /\.(append|set)$/.test(call.written) && call.args.length === 2) {
          const key = stringValue(call.args[0]) ?? '';
          const grant = grantKey(key) ? grantOf(key, stringValue(call.args[1])) : undefined;
          if (grant) emit(grant, call.node);
        }
        if (namesGrant && isPython(source)) {
          for (const [key, value] of call.kwargs) {
            const grant = grantKey(key) ? grantOf(key, stringValue(value)) : undefined;
            if (grant) emit(grant, parentOf(value) ?? value);
          }
        }
      }
      // The tree's listed pairs (one walk shared with other analyses) rather than a walk of its own.
      for (const pair of namesGrant ? nodesOfType(source, 'pair') : []) {
        const key = pair.childForFieldName('key');
        if (!key) continue;
        const name = stringValue(key) ?? key.text;
        const grant = grantKey(name) ? grantOf(name, stringValue(pair.childForFieldName('value'))) : undefined;
        if (grant === 'password' && serviceAccountGrant(parentOf(pair))) continue;
        if (grant) emit(grant, pair);
      }
      // A literal's raw text is part of the file's: a file without either marker has no literal to walk for.
      if (!source.text.includes('response_type=') && !source.text.includes('grant_type=password')) continue;
      for (const literal of source.tree.rootNode.descendantsOfType(['string', 'template_string'])) {
        if (!literal) continue;
        const value = literal.text;
        if (URL_IMPLICIT.test(value)) emit('implicit', literal);
        else if (FORM_PASSWORD.test(value.replace(/^[`'"fbr]+|[`'"]+$/g, ''))) emit('password', literal);
      }
    }
  },
});
