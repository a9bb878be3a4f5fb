import { calibrate, nodeKey, operationLabel, responseSchemas, SpecContextCache, walkSchema, type Operation } from '../../analysis/openapi.js';
import { schemaUsage, flag, pathOperations, propertyName, schemaLabel, schemaSite, schemaTypes } from '../../analysis/openapi-schema.js';
import type { CheckContext, SpecDocument } from '../../engine/context.js';
import type { Severity } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { lookupTable } from '../../analysis/lookup.js';

type Kind = 'password' | 'secret' | 'token' | 'pii';

const EXACT: Record<string, Kind> = lookupTable({
  password: 'password', passwd: 'password', pwd: 'password', passwordhash: 'password', hashedpassword: 'password',
  passworddigest: 'password', encryptedpassword: 'password', pin: 'password', securityanswer: 'password',
  secret: 'secret', clientsecret: 'secret', secretkey: 'secret', privatekey: 'secret', signingkey: 'secret',
  mfasecret: 'secret', otpsecret: 'secret', totpsecret: 'secret', recoverycodes: 'secret',
  cvv: 'secret', cvc: 'secret', cvv2: 'secret', cardverificationcode: 'secret',
  token: 'token', accesstoken: 'token', refreshtoken: 'token', idtoken: 'token', sessiontoken: 'token',
  authtoken: 'token', bearertoken: 'token', apikey: 'token', sessionid: 'token',
  ssn: 'pii', socialsecuritynumber: 'pii', nationalid: 'pii', nationalidnumber: 'pii', passportnumber: 'pii',
  dateofbirth: 'pii', dob: 'pii', birthdate: 'pii', cardnumber: 'pii', pan: 'pii', accountnumber: 'pii',
  bankaccountnumber: 'pii', driverslicensenumber: 'pii',
});
const SUFFIXES: [string, Kind][] = [['passwordhash', 'password'], ['password', 'password'], ['privatekey', 'secret'], ['secret', 'secret'], ['apikey', 'token'], ['token', 'token']];
// Tokens that page, sync or protect a form are meant to be returned.
const HARMLESS = /page|continuation|cursor|sync|csrf|xsrf|next|prev|etag|resume/;

function kindOf(name: string): Kind | undefined {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (HARMLESS.test(normalised)) return undefined;
  const exact = EXACT[normalised];
  if (exact) return exact;
  return SUFFIXES.find(([suffix]) => normalised.endsWith(suffix))?.[1];
}

const BASE: Record<Kind, Severity> = { password: 'high', secret: 'high', token: 'high', pii: 'medium' };

const readCache = new SpecContextCache<Map<string, Operation>>();

/** For each schema node, the first GET operation whose success response reaches it (one shared walk). */
function readReach(ctx: CheckContext, ops: readonly Operation[], doc: SpecDocument): Map<string, Operation> {
  const cached = readCache.get(ctx, doc);
  if (cached) return cached;
  const reach = new Map<string, Operation>();
  const visited = new Set<string>();
  for (const op of ops) {
    if (op.method !== 'get') continue;
    for (const root of responseSchemas(op)) {
      walkSchema(doc, root, (visit) => {
        reach.set(nodeKey(visit.node), op);
      }, visited);
    }
  }
  readCache.set(ctx, doc, reach);
  return reach;
}

export default defineCheck({
  id: 'sensitive-data-in-response',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Sensitive data in a response schema',
  owasp: 'API3:2023',
  cwe: ['CWE-213', 'CWE-200'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['openapi'],
  rationale:
    'A response schema that declares passwords, password hashes, secrets, tokens or Critical-tier personal data (government ids, birth dates, card numbers) sends them to every client allowed to call the operation; the UI may hide them, but attackers read the raw response.',
  remediation:
    'Remove the property from response schemas (use a separate public schema such as `UserPublic`), mark write-only fields `writeOnly: true`, return only a masked form (`last4`), and return a token or key only once, in the response of the operation that creates it.',
  messages: {
    password: 'Response property `{{schema}}` exposes a password or password hash, e.g. in `{{operation}}`.',
    secret: 'Response property `{{schema}}` exposes a secret, private key or card security code, e.g. in `{{operation}}`.',
    token: 'Response property `{{schema}}` exposes a token or API key that can be read back with `{{operation}}`.',
    pii: 'Response property `{{schema}}` exposes Critical-tier personal data (government id, birth date, card or account number), e.g. in `{{operation}}`.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      let reads: Map<string, Operation> | undefined;
      for (const use of schemaUsage(ctx, doc).values()) {
        if (!use.inResponse) continue;
        const node = use.visit.node;
        const name = propertyName(use);
        const kind = name === undefined ? undefined : kindOf(name);
        if (kind === undefined || flag(node, 'writeOnly')) continue;
        const types = schemaTypes(node);
        if (types.size > 0 && !types.has('string')) continue;
        let example = use.firstOperation;
        if (kind === 'token') {
          // Issuing a token or key in the response that creates it is the design; reading it back later is the leak.
          reads ??= readReach(ctx, pathOperations(ctx, doc), doc);
          const read = reads.get(nodeKey(node));
          if (!read) continue;
          example = read;
        }
        report({
          messageId: kind,
          data: { schema: schemaLabel(doc, node), operation: operationLabel(example) },
          severity: calibrate(BASE[kind], use.worst),
          ...schemaSite(doc, use),
        });
      }
    }
  },
});
