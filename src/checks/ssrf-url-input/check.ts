import { calibrate, nodeKey, operationLabel, parameterSchema, parameters, stringAt, type Operation } from '../../analysis/openapi.js';
import {
  fieldList,
  groupFlagged,
  groupSite,
  inputSchemas,
  pathOperations,
  propertyName,
  repeatedNote,
  schemaTypes,
  worstOf,
  type Flagged,
} from '../../analysis/openapi-schema.js';
import type { JsonObject, SpecNode } from '../../engine/context.js';
import defineCheck from '../define-check.js';

// Spectral's names (`callback…`, `redirect…`, `…_url`, `…Url`, `…-url`) plus URIs, webhooks and fetch targets.
const URL_NAME =
  /^(callback|redirect|webhook|url|uri|target|dest|destination|return_?to|continue|image_?src|feed)$|^(callback|redirect)|(_url|Url|-url|_uri|Uri|-uri|URL|URI)$/;

/** Values that cannot point anywhere: `enum`/`const`, or a `pattern` that pins the scheme and a literal host. */
function restricted(schema: JsonObject): boolean {
  if (schema.enum !== undefined || schema.const !== undefined) return true;
  if (typeof schema.pattern !== 'string') return false;
  const pattern = schema.pattern.replace(/\\\//g, '/');
  return /^\^https?\??:\/\/[a-z0-9]/i.test(pattern);
}

function urlLike(node: SpecNode<JsonObject>): boolean {
  const types = schemaTypes(node);
  return (types.size === 0 || types.has('string')) && !restricted(node.value);
}

interface ParamSite {
  param: SpecNode<JsonObject>;
  name: string;
  location: string;
  operations: Operation[];
}

export default defineCheck({
  id: 'ssrf-url-input',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'URL taken from the client that the server may fetch or redirect to',
  owasp: 'API7:2023',
  cwe: ['CWE-918', 'CWE-601'],
  severity: 'medium',
  confidence: 'low',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'Parameters and body fields such as `callback`, `redirect_uri`, `webhook_url` or `image_url` carry a URL the server later fetches or redirects to; without an allowlist an attacker points them at `http://169.254.169.254/` or internal services (SSRF) or at a phishing site (open redirect).',
  remediation:
    'Validate the URL against an allowlist of schemes and hosts on the server, resolve and block private, loopback and link-local addresses before fetching, and document the restriction in the spec with an anchored `pattern` such as `^https://hooks\\.example\\.com/` or an `enum` of registered URLs.',
  messages: {
    parameter: 'The {{location}} parameter `{{name}}` of `{{operation}}` takes a URL that the server may fetch or redirect to, and nothing restricts its host.',
    sharedParameter:
      'The {{location}} parameter `{{name}}` takes a URL that the server may fetch or redirect to, and nothing restricts its host; {{count}} operations use it, e.g. `{{operation}}`.',
    property: 'Request property `{{schema}}` takes a URL that the server may fetch or redirect to, and nothing restricts its host{{repeated}}.',
    owner: '`{{schema}}` has {{count}} request properties that take URLs the server may fetch or redirect to, with no host restriction: {{fields}}.',
  },
  peerRules: ['owasp:api7:2023-concerning-url-parameter'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const params = new Map<string, ParamSite>();
      const paramSchemas = new Set<string>();
      for (const op of pathOperations(ctx, doc)) {
        for (const param of parameters(op)) {
          const name = stringAt(param, 'name');
          const location = stringAt(param, 'in');
          if (name === undefined || location === undefined || location === 'body' || !URL_NAME.test(name)) continue;
          const schema = parameterSchema(op, param);
          if (schema) paramSchemas.add(nodeKey(schema));
          const resolved = schema ? doc.resolve(schema) : undefined;
          if (resolved && typeof resolved.value === 'object' && resolved.value !== null && !Array.isArray(resolved.value)) {
            if (!urlLike(resolved as SpecNode<JsonObject>)) continue;
          }
          const key = nodeKey(param);
          const site = params.get(key) ?? { param, name, location, operations: [] };
          if (!site.operations.includes(op)) site.operations.push(op);
          params.set(key, site);
        }
      }
      for (const site of params.values()) {
        const [first] = site.operations;
        if (!first) continue;
        const count = site.operations.length;
        report({
          messageId: count === 1 ? 'parameter' : 'sharedParameter',
          data: { name: site.name, location: site.location, operation: operationLabel(first), count },
          location: doc.locate(site.param),
          severity: calibrate('medium', worstOf(site.operations.map((op) => op.endpoint))),
          occurrences: count,
          ...(count === 1 && first.endpoint ? { endpointId: first.endpoint.id } : {}),
          evidence: { snippet: `${site.location} parameter ${site.name}`, operations: count },
        });
      }
      const flagged: Flagged[] = [];
      for (const use of inputSchemas(ctx, doc)) {
        const name = propertyName(use);
        if (name === undefined || !URL_NAME.test(name) || paramSchemas.has(nodeKey(use.visit.node))) continue;
        if (urlLike(use.visit.node)) flagged.push({ use, severity: calibrate('medium', use.worst) });
      }
      for (const group of groupFlagged(doc, flagged)) {
        report({
          messageId: group.kind === 'owner' ? 'owner' : 'property',
          data: { schema: group.label, count: group.items.length, fields: fieldList(group.fields), repeated: repeatedNote(group) },
          ...groupSite(doc, group),
        });
      }
    }
  },
});
