import type { JsonObject, SpecDocument, SpecNode } from '../../engine/context.js';
import { calibrate, effectiveSecurity, operationLabel, securitySchemes, stringAt, type Operation } from '../../analysis/openapi.js';
import { basePath, endpointOf, servedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const VERSION_SEGMENT = /^v(\d+)(?:[._-]?(\d+))?$/i;

interface Versioned {
  op: Operation;
  version: [number, number];
  strength: Strength;
}

/** [strongest scheme rank, number of schemes, number of scopes] of the weakest way in. */
type Strength = [number, number, number];

function schemeRank(scheme: SpecNode<JsonObject> | undefined): number {
  if (!scheme) return 0;
  const type = stringAt(scheme, 'type');
  const scheme_ = (stringAt(scheme, 'scheme') ?? '').toLowerCase();
  if (type === 'mutualTLS') return 5;
  if (type === 'oauth2' || type === 'openIdConnect') return 4;
  if (type === 'http') return scheme_ === 'basic' || scheme_ === 'digest' ? 1 : 3;
  if (type === 'basic') return 1;
  if (type === 'apiKey') return stringAt(scheme, 'in') === 'query' || stringAt(scheme, 'in') === 'path' ? 1 : 2;
  return 0;
}

function compare(a: Strength, b: Strength): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function weakestWayIn(doc: SpecDocument, op: Operation): { strength: Strength; requirement: Record<string, string[]> | undefined } {
  const schemes = securitySchemes(doc);
  const requirements = effectiveSecurity(op).requirements;
  let weakest: { strength: Strength; requirement: Record<string, string[]> | undefined } = { strength: [0, 0, 0], requirement: undefined };
  requirements.forEach((requirement, index) => {
    const names = Object.keys(requirement);
    const strength: Strength = [
      Math.max(0, ...names.map((name) => schemeRank(schemes.get(name)))),
      names.length,
      Object.values(requirement).reduce((sum, scopes) => sum + scopes.length, 0),
    ];
    if (index === 0 || compare(strength, weakest.strength) < 0) weakest = { strength, requirement };
  });
  return weakest;
}

function describe(requirement: Record<string, string[]> | undefined): string {
  const names = requirement ? Object.keys(requirement) : [];
  return names.length === 0 ? 'anonymous requests' : names.map((name) => `\`${name}\``).join(' + ');
}

export default defineCheck({
  id: 'older-version-weaker-auth',
  title: 'Older API version with weaker authentication',
  owasp: 'API9:2023',
  cwe: ['CWE-288'],
  severity: 'high',
  confidence: 'medium',
  section: 'inventory',
  targets: ['openapi'],
  rationale:
    'Attackers look for the old version of a hardened endpoint: when `/v1/users/{id}` still answers with weaker or no authentication next to a protected `/v2/users/{id}`, the new controls are bypassed through the old path to the same data.',
  remediation:
    'Give the older version the same security requirement as the newest one (`security: [{ oauth2: [users:read] }]`) or retire it (`deprecated: true`, `x-sunset-date`, then remove it from the gateway).',
  messages: {
    weaker: '`{{older}}` accepts {{olderAuth}}, weaker than {{newerAuth}} required by `{{newer}}`.',
  },
  run(ctx, report) {
    const groups = new Map<string, Versioned[]>();
    for (const doc of ctx.specs) {
      const prefix = basePath(doc);
      for (const op of servedOperations(ctx, doc)) {
        const segments = `${prefix}${op.path}`.split('/');
        const index = segments.findIndex((segment) => VERSION_SEGMENT.test(segment));
        const match = index >= 0 ? VERSION_SEGMENT.exec(segments[index] ?? '') : null;
        if (!match) continue;
        const key = `${op.method} ${segments
          .map((segment, position) => (position === index ? '{version}' : segment.replace(/\{[^}]*\}/g, '{}')))
          .join('/')}`;
        const entry: Versioned = { op, version: [Number(match[1]), Number(match[2] ?? 0)], strength: weakestWayIn(doc, op).strength };
        const list = groups.get(key) ?? [];
        list.push(entry);
        groups.set(key, list);
      }
    }
    for (const list of groups.values()) {
      const newest = list.reduce((best, entry) => {
        const newer = entry.version[0] - best.version[0] || entry.version[1] - best.version[1];
        return newer > 0 || (newer === 0 && compare(entry.strength, best.strength) > 0) ? entry : best;
      });
      for (const entry of list) {
        const older = entry.version[0] - newest.version[0] || entry.version[1] - newest.version[1];
        if (older >= 0 || compare(entry.strength, newest.strength) >= 0) continue;
        const { op } = entry;
        report({
          messageId: 'weaker',
          data: {
            older: operationLabel(op),
            newer: operationLabel(newest.op),
            olderAuth: describe(weakestWayIn(op.doc, op).requirement),
            newerAuth: describe(weakestWayIn(newest.op.doc, newest.op).requirement),
          },
          location: op.doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('high', op.endpoint),
          evidence: { snippet: `${operationLabel(op)} vs ${operationLabel(newest.op)}` },
        });
      }
    }
  },
});
