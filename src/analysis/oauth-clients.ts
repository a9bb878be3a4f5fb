import type { Node } from 'web-tree-sitter';
import { factsOf, locationOf, snippetOf, stringValue } from './code.js';
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

/**
 * OAuth authorization-code clients: passport strategies (`pkce: true`) and Authlib's
 * `oauth.register(...)` (`code_challenge_method` in `client_kwargs`). Opaque options are left out.
 */
export function oauthClients(sources: readonly SourceFile[]): OAuthClient[] {
  const out: OAuthClient[] = [];
  const client = (source: SourceFile, node: Node, detail: string, pkce: boolean): OAuthClient => ({ location: locationOf(source, node), snippet: snippetOf(node, 100), detail, pkce, node, source });
  for (const source of sources) {
    for (const call of factsOf(source).calls) {
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

