import type { Endpoint, Finding, Location } from '../model/types.js';
import type { Inventory } from '../engine/context.js';
import type { ChecklistEvidence, Proof } from './evidence.js';

/**
 * Seed 003's "Quick Security Review Checklist": every item decided from the audit — ✗ by the
 * finding that shows it is not met, ✓ only by evidence that it is, `unknown` (with why) otherwise.
 * The absence of a finding is never a ✓.
 */

/** Seed 003: `access_token_lifetime: 15_minutes`. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 15 * 60;

export type ChecklistStatus = 'pass' | 'fail' | 'unknown';

export interface ChecklistItem {
  group: 'Authentication' | 'Authorization' | 'Input/Output' | 'Transport' | 'Operations';
  /** The seed's wording. */
  item: string;
  status: ChecklistStatus;
  /** One sentence: what decided it. */
  reason: string;
  /** The findings that decided a ✗ (check ids, in report order). */
  findings?: string[];
  /** The experimental checks, not reported without `--experimental`, whose findings decided a ✗. */
  experimental?: string[];
  /** Where the evidence for a ✓ (or the lead for an unknown) is. */
  evidence?: { location: Location; snippet?: string }[];
}

export interface ChecklistInput {
  findings: readonly Finding[];
  /**
   * Findings of experimental checks that ran only as evidence (`--experimental` off): they decide an item
   * the reported findings leave open, and the item says where they are, but they are not findings of the report.
   */
  experimentalFindings?: readonly Finding[];
  inventory: Inventory;
  /** Ids of the checks that ran. */
  ran: ReadonlySet<string>;
  evidence: ChecklistEvidence;
  /** Longest acceptable access-token lifetime, in seconds (seed 003: 15 minutes). */
  maxAccessTokenSeconds: number;
}

interface Rule {
  group: ChecklistItem['group'];
  item: string;
  /** Checks whose findings mean the item is not met. */
  checks: string[];
  decide?: (input: ChecklistInput, failing: readonly Finding[]) => Omit<ChecklistItem, 'group' | 'item'> | undefined;
}

const EVIDENCE_SHOWN = 3;
/** RS256 and its asymmetric peers (seed 003: "Asymmetric, not HS256 with weak secret"). */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^ES256K$|^EdDSA$/;

function at(location: Location): string {
  return `${location.file}:${location.line}`;
}

function endpointLabel(endpoint: Endpoint): string {
  return `${endpoint.method} ${endpoint.path}`;
}

type EvidenceList = NonNullable<ChecklistItem['evidence']>;

function proofs(list: readonly Pick<Proof, 'location' | 'snippet'>[]): EvidenceList {
  return list.slice(0, EVIDENCE_SHOWN).map((entry) => ({ location: entry.location, snippet: entry.snippet }));
}

function endpointEvidence(list: readonly Endpoint[]): EvidenceList {
  return list.slice(0, EVIDENCE_SHOWN).flatMap((endpoint) => {
    const source = endpoint.sources.find((entry) => entry.kind === 'code') ?? endpoint.sources[0];
    return source ? [{ location: source.location, snippet: endpointLabel(endpoint) }] : [];
  });
}

function seconds(value: number): string {
  if (value % 86400 === 0) return `${value / 86400} d`;
  if (value % 3600 === 0) return `${value / 3600} h`;
  if (value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}

function listed(labels: readonly string[]): string {
  const shown = labels.slice(0, EVIDENCE_SHOWN).join(', ');
  return labels.length > EVIDENCE_SHOWN ? `${shown} and ${labels.length - EVIDENCE_SHOWN} more` : shown;
}

const RULES: Rule[] = [
  {
    group: 'Authentication',
    item: 'All endpoints require authentication (unless explicitly public)',
    checks: ['unauthenticated-endpoint', 'spec-auth-not-enforced', 'sensitive-operation-opts-out-of-auth', 'write-operation-unauthenticated', 'read-operation-unauthenticated', 'spec-security-undeclared'],
    decide: ({ inventory }) => {
      const endpoints = inventory.endpoints;
      if (endpoints.length === 0) return { status: 'unknown', reason: 'No endpoint was inventoried.' };
      const unprotected = endpoints.filter((endpoint) => endpoint.auth.state === 'unprotected');
      const unknown = endpoints.filter((endpoint) => endpoint.auth.state === 'unknown');
      if (unprotected.length > 0) {
        return { status: 'fail', reason: `${unprotected.length} of ${endpoints.length} endpoints are served without authentication and not declared public: ${listed(unprotected.map(endpointLabel))}.`, evidence: endpointEvidence(unprotected) };
      }
      if (unknown.length > 0) return { status: 'unknown', reason: `${unknown.length} of ${endpoints.length} endpoints have an authentication state that could not be decided: ${listed(unknown.map(endpointLabel))}.`, evidence: endpointEvidence(unknown) };
      const publicCount = endpoints.filter((endpoint) => endpoint.auth.state === 'public').length;
      return { status: 'pass', reason: `Every one of the ${endpoints.length} endpoints is provably protected (${endpoints.length - publicCount}) or declared public (${publicCount}).` };
    },
  },
  {
    group: 'Authentication',
    item: 'API keys are in headers, not URLs',
    checks: ['api-key-in-url', 'token-accepted-from-url', 'credentials-in-url'],
  },
  {
    group: 'Authentication',
    item: 'JWTs use RS256 with short expiry',
    checks: ['jwt-none-algorithm-accepted', 'jwt-signature-not-verified', 'jwt-hardcoded-secret', 'jwt-long-lived-token', 'jwt-expiry-not-enforced', 'jwt-algorithms-not-pinned'],
    decide: ({ evidence, maxAccessTokenSeconds }) => {
      const tokens = evidence.accessTokens;
      const limit = seconds(maxAccessTokenSeconds);
      const long = tokens.filter((token) => token.neverExpires === true || (token.seconds !== undefined && token.seconds > maxAccessTokenSeconds));
      if (long.length > 0) {
        const labels = long.map((token) => `\`${token.call}\` at ${token.file}:${token.line} (${token.neverExpires === true ? 'no expiry' : seconds(token.seconds ?? 0)})`);
        return { status: 'fail', reason: `Access tokens outlive the ${limit} threshold: ${listed(labels)}.`, evidence: long.slice(0, EVIDENCE_SHOWN).map((token) => ({ location: { file: token.file, line: token.line }, snippet: token.call })) };
      }
      if (tokens.length === 0) return undefined;
      const unread = tokens.filter((token) => token.seconds === undefined);
      if (unread.length > 0) return { status: 'unknown', reason: `The lifetime of ${unread.length} of the ${tokens.length} access tokens the code issues could not be read (${listed(unread.map((token) => `${token.file}:${token.line}`))}).` };
      const lifetimes = listed(tokens.map((token) => `${token.file}:${token.line}, ${seconds(token.seconds ?? 0)}${token.algorithm === undefined ? '' : `, ${token.algorithm}`}`));
      const evidenceOf = tokens.slice(0, EVIDENCE_SHOWN).map((token) => ({ location: { file: token.file, line: token.line }, snippet: token.call }));
      const symmetric = tokens.filter((token) => token.algorithm !== undefined && !ASYMMETRIC.test(token.algorithm));
      if (symmetric.length > 0) {
        return { status: 'fail', reason: `Tokens are signed with a shared secret, not RS256 or another asymmetric algorithm: ${listed(symmetric.map((token) => `\`${token.call}\` at ${token.file}:${token.line} (${token.algorithm ?? ''})`))}.`, evidence: evidenceOf };
      }
      if (tokens.every((token) => token.algorithm !== undefined)) {
        return { status: 'pass', reason: `Every access token the code issues is signed with an asymmetric algorithm and expires within ${limit} (${lifetimes}).`, evidence: evidenceOf };
      }
      return { status: 'unknown', reason: `Every access token the code issues expires within ${limit} (${lifetimes}); the signing algorithm of some is not written where it is issued.`, evidence: evidenceOf };
    },
  },
  {
    group: 'Authentication',
    item: 'OAuth 2.0 with PKCE for public clients',
    checks: ['oauth-authorization-code-without-pkce', 'oauth-implicit-or-password-grant', 'oauth-implicit-or-password-grant-in-code'],
    decide: ({ evidence }) => {
      const clients = evidence.oauthClients;
      if (clients.length === 0) return undefined;
      const without = clients.filter((client) => !client.pkce);
      if (without.length > 0) return { status: 'fail', reason: `${without.length} of ${clients.length} OAuth authorization-code clients run without PKCE (${listed(without.map((client) => at(client.location)))}).`, evidence: proofs(without) };
      return { status: 'pass', reason: `Every OAuth authorization-code client (${clients.length}) turns PKCE on: ${listed(clients.map((client) => at(client.location)))}.`, evidence: proofs(clients) };
    },
  },
  {
    group: 'Authentication',
    item: 'Token rotation implemented',
    checks: ['token-revocation-missing'],
    // ✓ only when a refresh is shown to invalidate the token it was given (or a library is configured to);
    // routes found by their paths are leads, never a verdict on their own.
    decide: ({ evidence }) => {
      const { rotation, revocation, undecided } = evidence.tokens;
      const revoked = revocation.length > 0 ? ` Revocation: ${listed(revocation.map((entry) => `${entry.detail} (${at(entry.location)})`))}.` : '';
      if (rotation.length > 0) {
        return { status: 'pass', reason: `Refresh tokens rotate: ${listed(rotation.map((entry) => `${entry.detail} (${at(entry.location)})`))}.${revoked}`, evidence: proofs([...rotation, ...revocation]) };
      }
      if (revocation.length > 0) {
        return { status: 'unknown', reason: `Tokens are revoked server-side (${listed(revocation.map((entry) => `${entry.detail} at ${at(entry.location)}`))}); no refresh that replaces and invalidates its token was seen.`, evidence: proofs(revocation) };
      }
      if (undecided.length > 0) {
        const calls = [...new Set(undecided.flatMap((verdict) => verdict.opaque))];
        return {
          status: 'unknown',
          reason: `Refresh or revocation handlers exist (${listed(undecided.map((verdict) => `${verdict.endpoint.method} ${verdict.endpoint.path}`))}); what they do to stored tokens goes through calls apisec cannot follow${calls.length > 0 ? ` (${listed(calls.map((call) => `\`${call}\``))})` : ''}.`,
          evidence: endpointEvidence(undecided.map((verdict) => verdict.endpoint)),
        };
      }
      const issued = evidence.accessTokens;
      if (evidence.revocation.length > 0) {
        return {
          status: 'unknown',
          reason: `Refresh or revocation routes exist (${listed(evidence.revocation.map(endpointLabel))}, found by their paths); their handlers could not be read.`,
          evidence: endpointEvidence(evidence.revocation),
        };
      }
      if (issued.length > 0) {
        return {
          status: 'unknown',
          reason: `The code issues tokens (${listed(issued.map((token) => `\`${token.call}\` at ${token.file}:${token.line}`))}) and no route named for refresh, revocation or logout was found; rotation may still happen elsewhere (a token endpoint's grant type, the identity provider).`,
          evidence: issued.slice(0, EVIDENCE_SHOWN).map((token) => ({ location: { file: token.file, line: token.line }, snippet: token.call })),
        };
      }
      return undefined;
    },
  },
  {
    group: 'Authentication',
    item: 'API keys prefixed, stored hashed, scoped and per environment',
    checks: ['api-key-stored-in-plaintext', 'api-key-without-scope'],
    // ✓ when every model that holds keys stores digests and scopes them; prefixes and environments are reported.
    decide: ({ evidence }) => {
      const { stores, prefixes } = evidence.apiKeys;
      if (stores.length === 0) return { status: 'unknown', reason: 'No model that stores API keys was found: the code issues none, or keys live in a service apisec does not see.' };
      const hashed = (store: (typeof stores)[number]): string | undefined => store.digestColumn ?? (store.lookups.some((lookup) => lookup.hashed) ? store.lookups.find((lookup) => lookup.hashed)?.lookup.column : undefined);
      const ready = stores.filter((store) => hashed(store) !== undefined && store.scopeColumn !== undefined);
      const describe = (store: (typeof stores)[number]): string => {
        const parts = [`digest \`${hashed(store) ?? '?'}\``, `scope \`${store.scopeColumn ?? '?'}\``];
        if (store.prefixColumn) parts.push(`prefix \`${store.prefixColumn}\``);
        if (store.environmentColumn) parts.push(`environment \`${store.environmentColumn}\``);
        return `\`${store.model}\` (${parts.join(', ')}) at ${at(store.location)}`;
      };
      const extras = [
        prefixes.length > 0 ? `generated ${listed(prefixes.map((proof) => `${proof.detail} (${at(proof.location)})`))}` : stores.some((store) => store.prefixColumn) ? '' : 'no key prefix seen',
        stores.some((store) => store.environmentColumn) || prefixes.some((proof) => /environment/.test(proof.detail)) ? '' : 'no per-environment keys seen',
      ].filter((part) => part !== '');
      const storeEvidence = stores.slice(0, EVIDENCE_SHOWN).map((store) => ({ location: store.location, snippet: `${store.model}: ${store.fields.slice(0, 6).join(', ')}` }));
      if (ready.length === stores.length) {
        return { status: 'pass', reason: `API keys are stored as digests and scoped: ${listed(ready.map(describe))}${extras.length > 0 ? `; ${extras.join('; ')}` : ''}.`, evidence: [...storeEvidence, ...proofs(prefixes)].slice(0, EVIDENCE_SHOWN) };
      }
      const missing = stores.filter((store) => !ready.includes(store)).map((store) => `\`${store.model}\` at ${at(store.location)} (${hashed(store) === undefined ? 'no digest column or hashed lookup seen' : 'hashed'}, ${store.scopeColumn === undefined ? 'no scope column' : 'scoped'})`);
      return { status: 'unknown', reason: `Not every API key model shows both hashing and scoping: ${listed(missing)}.`, evidence: storeEvidence };
    },
  },
  {
    group: 'Authorization',
    item: 'Ownership check on every data access (BOLA prevention)',
    checks: ['bola-missing-ownership-check', 'ownership-filter-allows-missing-user'],
    decide: ({ inventory }) => {
      const endpoints = inventory.endpoints.filter((endpoint) => endpoint.parameters.some((parameter) => parameter.in === 'path'));
      const missing = endpoints.filter((endpoint) => endpoint.authorization?.objectLevel === 'missing');
      if (missing.length > 0) return { status: 'fail', reason: `No ownership check on ${listed(missing.map(endpointLabel))}.`, evidence: endpointEvidence(missing) };
      if (endpoints.length > 0 && endpoints.every((endpoint) => endpoint.authorization?.objectLevel === 'present')) {
        return { status: 'pass', reason: `All ${endpoints.length} endpoints that take an object id check ownership.`, evidence: endpointEvidence(endpoints) };
      }
      return undefined;
    },
  },
  {
    group: 'Authorization',
    item: 'Role check on every privileged operation',
    checks: ['admin-route-without-role-check', 'admin-shared-security-scheme', 'role-check-only-in-client'],
  },
  {
    group: 'Authorization',
    item: 'Mass assignment protection (explicit field allowlists)',
    checks: ['mass-assignment-request-body', 'mass-assignment-privileged-property', 'mass-assignment-unknown-fields', 'validation-allows-unknown-fields'],
  },
  {
    group: 'Authorization',
    item: 'Response schemas filter sensitive fields',
    checks: ['excessive-data-exposure', 'sensitive-data-in-response'],
  },
  {
    group: 'Input/Output',
    item: 'Schema validation on all inputs',
    checks: ['request-body-not-validated', 'unbounded-input-in-validator', 'additional-properties-unconstrained'],
  },
  {
    group: 'Input/Output',
    item: 'Size limits on all fields, arrays, and files',
    checks: ['string-length-unbounded', 'array-max-items-missing', 'integer-range-unbounded', 'request-body-size-unbounded', 'upload-without-limits', 'page-size-unbounded', 'page-size-uncapped-in-code'],
  },
  {
    group: 'Input/Output',
    item: 'Parameterized queries (no string concatenation)',
    checks: ['sql-injection', 'nosql-injection', 'command-injection'],
  },
  {
    group: 'Input/Output',
    item: 'Generic error messages (no stack traces)',
    checks: ['verbose-error-response', 'debug-mode-enabled'],
  },
  {
    group: 'Transport',
    item: 'HTTPS everywhere (TLS 1.2+)',
    checks: ['server-plain-http', 'https-not-enforced', 'tls-version-outdated', 'basic-auth-without-tls', 'insecure-http-auth-scheme', 'outbound-http-plaintext', 'tls-certificate-verification-disabled'],
  },
  {
    group: 'Transport',
    item: 'Security headers set',
    checks: ['security-headers-missing', 'x-powered-by-not-disabled', 'sensitive-response-cacheable'],
  },
  {
    group: 'Transport',
    item: 'CORS explicitly configured',
    checks: ['cors-origin-reflected', 'cors-wildcard-with-credentials', 'cors-null-origin-allowed', 'cors-origin-regex-too-broad', 'cors-wildcard-on-authenticated-api', 'cors-origin-undefined'],
  },
  {
    group: 'Transport',
    item: 'HSTS enabled',
    checks: ['https-not-enforced'],
    decide: ({ evidence }) => {
      const sent = evidence.hsts;
      if (sent.length === 0) return undefined;
      return { status: 'pass', reason: `\`Strict-Transport-Security\` is sent: ${listed(sent.map((entry) => `${entry.detail} at ${at(entry.location)}`))}.`, evidence: proofs(sent) };
    },
  },
  {
    group: 'Operations',
    item: 'Rate limiting per user/IP',
    checks: ['rate-limiting-absent', 'sensitive-endpoint-without-strict-limit', 'rate-limit-store-in-memory'],
    decide: ({ inventory }) => {
      const endpoints = inventory.endpoints;
      if (endpoints.length > 0 && endpoints.every((endpoint) => endpoint.rateLimit?.state === 'present')) {
        const where = endpoints.flatMap((endpoint) => (endpoint.rateLimit?.where === undefined ? [] : [{ location: endpoint.rateLimit.where, snippet: endpoint.rateLimit.limit ?? endpointLabel(endpoint) }]));
        return { status: 'pass', reason: `All ${endpoints.length} endpoints are rate limited.`, evidence: where.slice(0, EVIDENCE_SHOWN) };
      }
      return undefined;
    },
  },
  {
    group: 'Operations',
    item: 'Request logging with correlation IDs',
    checks: ['request-logging-without-correlation-id'],
    decide: ({ evidence }) => {
      const ids = evidence.correlationIds;
      if (ids.length === 0) return undefined;
      return { status: 'pass', reason: `Requests get an id the logs carry: ${listed(ids.map((entry) => `${entry.detail} at ${at(entry.location)}`))}.`, evidence: proofs(ids) };
    },
  },
  {
    group: 'Operations',
    item: 'Webhook signatures verified',
    checks: ['webhook-signature-not-verified', 'webhook-signature-undocumented', 'webhook-replay-window-missing', 'webhook-sent-unsigned'],
  },
  {
    group: 'Operations',
    item: 'Idempotency keys for mutations',
    checks: ['payment-mutation-without-idempotency-key', 'payment-without-idempotency-key', 'webhook-event-not-idempotent'],
  },
  {
    group: 'Operations',
    item: 'Dependencies scanned for CVEs',
    checks: ['dependency-scanning-absent'],
    decide: ({ evidence }) => {
      const { scanners, pipelines } = evidence.scanning;
      if (scanners.length > 0) {
        const labels = scanners.map((scanner) => `${scanner.tool} at ${at(scanner.location)}${scanner.neverFails === true ? ' (never fails the build)' : ''}`);
        return { status: 'pass', reason: `Dependencies are scanned: ${listed(labels)}.`, evidence: scanners.slice(0, EVIDENCE_SHOWN).map((scanner) => ({ location: scanner.location, snippet: scanner.snippet })) };
      }
      if (pipelines.length === 0) return { status: 'unknown', reason: 'No CI pipeline or dependency-bot configuration is in the audited folder (it may live at the repository root).' };
      return undefined;
    },
  },
];

/** Check ids the checklist refers to, for the test that keeps them in step with the catalogue. */
export const CHECKLIST_CHECKS: readonly string[] = [...new Set(RULES.flatMap((rule) => rule.checks))].sort();

function noFinding(rule: Rule, input: ChecklistInput): Omit<ChecklistItem, 'group' | 'item'> {
  if (rule.checks.length === 0) return { status: 'unknown', reason: 'No evidence either way was found.' };
  const ran = rule.checks.filter((id) => input.ran.has(id));
  const skipped = rule.checks.filter((id) => !input.ran.has(id));
  const parts = [ran.length === 0 ? 'none of its checks ran' : `${ran.length === 1 ? 'its check' : `its ${ran.length} checks`} found nothing`];
  if (skipped.length > 0) parts.push(`not run: ${skipped.map((id) => `\`${id}\``).join(', ')}`);
  return { status: 'unknown', reason: `No evidence either way (${parts.join('; ')}).` };
}

/** "message (file:line), and N more findings." */
function failingReason(failing: readonly Finding[]): string {
  const first = failing[0];
  if (first === undefined) return '';
  return `${first.message.replace(/\.$/, '')} (${at(first.location)})${failing.length > 1 ? `, and ${failing.length - 1} more ${failing.length === 2 ? 'finding' : 'findings'}` : ''}.`;
}

export function evaluateChecklist(input: ChecklistInput): ChecklistItem[] {
  return RULES.map((rule) => {
    const failing = input.findings.filter((finding) => rule.checks.includes(finding.checkId));
    const decided = rule.decide?.(input, failing);
    if (failing.length > 0 && decided?.status !== 'fail') {
      const ids = [...new Set(failing.map((finding) => finding.checkId))];
      return { group: rule.group, item: rule.item, status: 'fail' as const, reason: failingReason(failing), findings: ids };
    }
    // Evidence the report does not list: an experimental check's finding, which only `--experimental` reports.
    // It decides as it would as a reported finding, so the checklist reads the same with or without the flag.
    const open = failing.length === 0 && decided?.status !== 'fail';
    const silent = open ? (input.experimentalFindings ?? []).filter((finding) => rule.checks.includes(finding.checkId)) : [];
    if (silent.length > 0) {
      const ids = [...new Set(silent.map((finding) => finding.checkId))];
      const checks = ids.map((id) => `\`${id}\``).join(', ');
      return {
        group: rule.group,
        item: rule.item,
        status: 'fail' as const,
        reason: `${failingReason(silent)} Found by the experimental ${ids.length === 1 ? 'check' : 'checks'} ${checks}, not listed among the findings (\`--experimental\` lists ${silent.length === 1 ? 'it' : 'them'}).`,
        experimental: ids,
        evidence: silent.slice(0, EVIDENCE_SHOWN).map((finding) => ({ location: finding.location, ...(typeof finding.evidence?.snippet === 'string' ? { snippet: finding.evidence.snippet } : {}) })),
      };
    }
    if (decided) {
      const item: ChecklistItem = { group: rule.group, item: rule.item, ...decided };
      if (decided.status === 'fail' && failing.length > 0) item.findings = [...new Set(failing.map((finding) => finding.checkId))];
      return item;
    }
    return { group: rule.group, item: rule.item, ...noFinding(rule, input) };
  });
}
