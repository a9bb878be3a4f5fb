import type { Node } from 'web-tree-sitter';
import { factsOf, locationOf, snippetOf, stringValue } from '../analysis/code.js';
import { dependencyScanning, type DependencyScanning } from '../analysis/dependency-scanning.js';
import { oauthClients, type OAuthClient } from '../analysis/oauth-clients.js';
import { issuedAccessTokens, type IssuedAccessToken } from '../checks/jwt-long-lived-token/check.js';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { Endpoint, Location } from '../model/types.js';

/** Positive evidence for seed 003's checklist: what the code and configuration show is in place. */

export interface Proof {
  location: Location;
  /** What was seen, as written (first line, short). */
  snippet: string;
  detail: string;
}

export interface ChecklistEvidence {
  scanning: DependencyScanning;
  accessTokens: IssuedAccessToken[];
  correlationIds: Proof[];
  /** OAuth authorization-code clients found in code, with whether PKCE is on. */
  oauthClients: OAuthClient[];
  /** Endpoints that revoke or rotate credentials (tokens, sessions, API keys). */
  revocation: Endpoint[];
}

/** Libraries whose middleware gives every request an id that the logs carry. */
const JS_REQUEST_ID = /^(cls-rtracer|express-request-id|express-correlation-id|correlation-id|pino-http|express-pino-logger|hono\/request-id|@fastify\/request-context|nestjs-cls)(\.|$)/;
const PY_REQUEST_ID = /^(asgi_correlation_id|django_guid|log_request_id|flask_request_id|request_id|starlette_context\.plugins)(\.|$)/;
const REQUEST_ID_HEADER = /^(x-(request|correlation|trace)-id|request-id|x-amzn-trace-id|traceparent)$/i;
const DJANGO_MIDDLEWARE = /^(django_guid\.middleware\.guid_middleware|log_request_id\.middleware\.RequestIDMiddleware|asgi_correlation_id\..*)$/;
const HEADER_SETTERS = /(^|\.)(set|setHeader|header|headers\.set|append)$/;

function proof(source: SourceFile, node: Node, detail: string): Proof {
  return { location: locationOf(source, node), snippet: snippetOf(node, 100), detail };
}

function correlationIds(sources: readonly SourceFile[]): Proof[] {
  const out: Proof[] = [];
  for (const source of sources) {
    const facts = factsOf(source);
    const python = source.language === 'python';
    const used = new Set<string>();
    for (const call of facts.calls) {
      if (!python && JS_REQUEST_ID.test(call.callee)) {
        out.push(proof(source, call.node, `request ids from \`${call.callee.split('.')[0] ?? call.callee}\``));
        continue;
      }
      // Fastify logs a per-request `reqId` on every line once its logger is on.
      if (!python && call.callee === 'fastify') {
        const logger = call.args[0]?.namedChildren.find((pair) => pair?.type === 'pair' && pair.childForFieldName('key')?.text === 'logger');
        const value = logger?.childForFieldName('value');
        if (value && value.text !== 'false') out.push(proof(source, call.node, 'Fastify logger (every line carries `reqId`)'));
        continue;
      }
      const first = call.args[0];
      const header = first ? stringValue(first) : undefined;
      if (header !== undefined && REQUEST_ID_HEADER.test(header) && HEADER_SETTERS.test(call.callee) && call.args.length >= 2) {
        out.push(proof(source, call.node, `sets the \`${header}\` response header`));
        continue;
      }
      if (python) {
        for (const arg of [...call.args, ...call.kwargs.values()]) used.add(arg.text);
        used.add(call.written.split('(')[0] ?? '');
        // Django: MIDDLEWARE = ["django_guid.middleware.guid_middleware", …] is a list, not a call: see below.
      }
    }
    if (python) {
      for (const [local, qualified] of facts.imports) {
        if (PY_REQUEST_ID.test(qualified) && used.has(local)) {
          const call = facts.calls.find((site) => site.written.startsWith(local) || [...site.args, ...site.kwargs.values()].some((arg) => arg.text === local));
          if (call) out.push(proof(source, call.node, `request ids from \`${qualified.split('.')[0] ?? qualified}\``));
        }
      }
      if (/(^|\/)settings[^/]*\.py$|(^|\/)settings\/[^/]+\.py$/.test(source.file)) {
        for (const node of source.tree.rootNode.descendantsOfType('string')) {
          if (!node) continue;
          const value = stringValue(node);
          if (value !== undefined && DJANGO_MIDDLEWARE.test(value)) out.push(proof(source, node, `request-id middleware \`${value}\``));
        }
      }
    }
  }
  return out;
}

const REVOKE = /^(revoke|revocation|logout|log-out|signout|sign-out|rotate|rotation|refresh|token-refresh|refresh-token)$/i;

function revocationEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.filter((endpoint) => endpoint.method !== 'GET' && endpoint.path.split('/').some((segment) => REVOKE.test(segment.replace(/[{}]/g, ''))));
}

export function gatherEvidence(ctx: CheckContext): ChecklistEvidence {
  return {
    scanning: dependencyScanning(ctx),
    accessTokens: issuedAccessTokens(ctx.sources),
    correlationIds: correlationIds(ctx.sources),
    oauthClients: oauthClients(ctx.sources),
    revocation: revocationEndpoints(ctx.inventory.endpoints),
  };
}
