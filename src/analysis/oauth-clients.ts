import type { Node } from 'web-tree-sitter';
import { resolveValue } from './code-auth.js';
import { factsOf, locationOf, snippetOf, stringValue, type CallSite } from './code.js';
import type { SourceFile } from '../engine/context.js';
import type { Location } from '../model/types.js';

/** An OAuth authorization-code client found in code, and whether it sends a PKCE challenge. */
export interface OAuthClient {
  location: Location;
  snippet: string;
  detail: string;
  pkce: boolean;
  node: Node;
  source: SourceFile;
}

/** passport strategies that run the authorization-code flow, by module. */
const PASSPORT_CODE_FLOW = /^(passport-oauth2|passport-google-oauth20|passport-google-oauth2|passport-github2?|passport-gitlab2|passport-facebook|passport-microsoft|passport-azure-ad-oauth2|passport-discord|passport-auth0|passport-linkedin-oauth2|passport-slack-oauth2)(\.|$)/;

function propertyNamed(object: Node | undefined, name: string): Node | undefined {
  if (!object) return undefined;
  for (const child of object.namedChildren) {
    if (child?.type !== 'pair') continue;
    const key = child.childForFieldName('key');
    const text = key ? (stringValue(key) ?? key.text) : undefined;
    if (text === name) return child.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** The parameters object of an openid-client authorization URL: `client.authorizationUrl(params)` (v5), `buildAuthorizationUrl(config, params)` (v6). */
function openidClientParameters(source: SourceFile, call: CallSite, imported: boolean): Node | undefined {
  const method = call.callee.split('.').at(-1);
  if (method === 'buildAuthorizationUrl' && /^openid-client(\.|$)/.test(call.callee)) return call.args[1];
  if (method === 'authorizationUrl' && imported && !call.isNew) return call.args[0];
  return undefined;
}

/**
 * OAuth authorization-code clients: passport strategies (`pkce: true`), Authlib's
 * `oauth.register(...)` (`code_challenge_method` in `client_kwargs`) and `OAuth2Session(...)` clients
 * that create authorization URLs, and openid-client authorization URLs (`code_challenge` in the
 * parameters; `usePKCE` of its passport strategy). Opaque options are left out.
 */
export function oauthClients(sources: readonly SourceFile[]): OAuthClient[] {
  const out: OAuthClient[] = [];
  const client = (source: SourceFile, node: Node, detail: string, pkce: boolean): OAuthClient => ({ location: locationOf(source, node), snippet: snippetOf(node, 100), detail, pkce, node, source });
  for (const source of sources) {
    const facts = factsOf(source);
    const openidClient = source.language !== 'python' && [...facts.imports.values()].some((module) => /^openid-client(\.|$)/.test(module));
    const authlibSession = source.language === 'python' && facts.calls.some((call) => /(^|\.)create_authorization_url$/.test(call.callee));
    for (const call of facts.calls) {
      if (source.language !== 'python') {
        const parameters = openidClientParameters(source, call, openidClient);
        if (parameters) {
          const object = resolveValue(source, parameters);
          if (object?.type !== 'object' || object.namedChildren.some((child) => child?.type === 'spread_element')) continue;
          const keys = object.namedChildren.map((child) => (child?.type === 'shorthand_property_identifier' ? child.text : child?.type === 'pair' ? (stringValue(child.childForFieldName('key')) ?? child.childForFieldName('key')?.text) : undefined));
          const on = keys.includes('code_challenge');
          out.push(client(source, call.node, on ? '`code_challenge` is sent' : 'no `code_challenge` in the authorization parameters', on));
          continue;
        }
        // openid-client's passport strategy: `usePKCE` defaults to what the issuer advertises, so only an explicit value decides.
        if (call.isNew && /^openid-client\.Strategy$/.test(call.callee)) {
          const options = call.args[0];
          const use = options?.type === 'object' ? propertyNamed(options, 'usePKCE') : undefined;
          if (use) out.push(client(source, call.node, use.text === 'false' ? '`usePKCE: false`' : '`usePKCE` is on', use.text !== 'false'));
          continue;
        }
      }
      if (authlibSession && /^authlib\.integrations\.\w+\.(OAuth2Session|AsyncOAuth2Client|OAuth2Client)$/.test(call.callee)) {
        if ([...call.kwargs.keys()].some((key) => key.startsWith('**'))) continue;
        const method = call.kwargs.get('code_challenge_method');
        out.push(client(source, call.node, method ? '`code_challenge_method` is set' : 'no `code_challenge_method`', method !== undefined));
        continue;
      }
      if (source.language !== 'python' && call.isNew && PASSPORT_CODE_FLOW.test(call.callee)) {
        const options = call.args[0];
        if (options?.type !== 'object' || options.namedChildren.some((child) => child?.type === 'spread_element')) continue;
        const pkce = propertyNamed(options, 'pkce');
        const on = pkce !== undefined && pkce.text !== 'false';
        out.push(client(source, call.node, on ? '`pkce` is on' : 'no `pkce: true` option', on));
        continue;
      }
      if (source.language === 'python' && /(^|\.)register$/.test(call.callee) && (call.kwargs.has('authorize_url') || call.kwargs.has('server_metadata_url'))) {
        if ([...call.kwargs.keys()].some((key) => key.startsWith('**'))) continue;
        const clientKwargs = call.kwargs.get('client_kwargs');
        if (clientKwargs && clientKwargs.type !== 'dictionary') continue;
        const method = call.kwargs.get('code_challenge_method') ?? clientKwargs?.namedChildren.find((pair) => pair?.type === 'pair' && stringValue(pair.childForFieldName('key')) === 'code_challenge_method') ?? undefined;
        out.push(client(source, call.node, method ? '`code_challenge_method` is set' : 'no `code_challenge_method` in `client_kwargs`', method !== undefined));
      }
    }
  }
  return out;
}

