import { calibrate, nodeKey, operationLabel, requestSchemas, type Operation } from '../../analysis/openapi.js';
import { BODY_WRITE_METHODS, compositionMembers, flag, pathOperations, schemaLabel, worstOf } from '../../analysis/openapi-schema.js';
import type { SpecNode } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const PRIVILEGED = new Set([
  'role', 'roles', 'isadmin', 'admin', 'issuperuser', 'superuser', 'permissions', 'privileges',
  'balance', 'accountbalance', 'credit', 'credits', 'creditlimit',
  'verified', 'isverified', 'emailverified', 'phoneverified', 'kycverified',
  'ownerid', 'tenantid',
]);

// Operations whose purpose is to grant roles or access: sending `role` there is the point, not an attack.
const GRANTING_PATH = /(^|[/_-])(admin|roles?|permissions?|memberships?|members|collaborators?|invitations?|grants?|acls?|access|privileges?)([/_-]|$)/i;

interface Site {
  property: SpecNode;
  name: string;
  operations: Operation[];
}

export default defineCheck({
  id: 'mass-assignment-privileged-property',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Privileged property writable through a request body',
  owasp: 'API3:2023',
  cwe: ['CWE-915'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['openapi'],
  rationale:
    'A write body that declares `role`, `is_admin`, `permissions`, `balance`, `verified`, `owner_id` or `tenant_id` without `readOnly` tells clients, and the code generated from the spec, that they may set it, which is how `PUT /users/me {"role": "admin"}` becomes a privilege escalation.',
  remediation:
    'Remove the property from the create/update schema (use a separate `UserUpdate` schema without it), or mark it `readOnly: true` and make the handler ignore it; change roles and balances only through dedicated, authorised operations.',
  messages: {
    one: 'Property `{{schema}}` is writable in the request body of `{{operation}}` and is not `readOnly`.',
    shared: 'Property `{{schema}}` is writable and not `readOnly`; {{count}} write operations accept it, e.g. `{{operation}}`.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const sites = new Map<string, Site>();
      for (const op of pathOperations(ctx, doc)) {
        if (!BODY_WRITE_METHODS.has(op.method) || GRANTING_PATH.test(op.path)) continue;
        for (const root of requestSchemas(op)) {
          for (const member of compositionMembers(doc, root)) {
            const properties = doc.child(member, 'properties');
            if (!properties || typeof properties.value !== 'object' || properties.value === null) continue;
            for (const name of Object.keys(properties.value)) {
              if (!PRIVILEGED.has(name.toLowerCase().replace(/[_-]/g, ''))) continue;
              const property = doc.child(properties, name);
              const resolved = property ? doc.resolve(property) : undefined;
              if (!property || !resolved || flag(property, 'readOnly') || flag(resolved, 'readOnly')) continue;
              const key = nodeKey(property);
              const site = sites.get(key) ?? { property, name, operations: [] };
              if (!site.operations.includes(op)) site.operations.push(op);
              sites.set(key, site);
            }
          }
        }
      }
      for (const site of sites.values()) {
        const [first] = site.operations;
        if (!first) continue;
        const count = site.operations.length;
        report({
          messageId: count === 1 ? 'one' : 'shared',
          data: { schema: schemaLabel(doc, site.property), operation: operationLabel(first), count },
          location: doc.locate(site.property),
          severity: calibrate('high', worstOf(site.operations.map((op) => op.endpoint))),
          occurrences: count,
          ...(count === 1 && first.endpoint ? { endpointId: first.endpoint.id } : {}),
          evidence: { snippet: `${site.name}: ${JSON.stringify(site.property.value)}`, operations: count },
        });
      }
    }
  },
});
