import type { AuditResult } from '../engine/result.js';
import type { Api, Endpoint, Finding } from '../model/types.js';

/** Small, hand-built audit results: for tests, docs and demos of the reporters. */

export function sampleEndpoint(overrides: Partial<Endpoint> & Pick<Endpoint, 'method' | 'path'>): Endpoint {
  return {
    id: `payments ${overrides.method} ${overrides.path}`,
    apiId: 'payments',
    protocol: 'rest',
    sources: [{ kind: 'spec', location: { file: 'openapi.yaml', line: 10 }, via: 'openapi-3.1' }],
    parameters: [],
    auth: { state: 'protected', mechanisms: ['jwt'] },
    deprecated: false,
    type: 'external',
    tier: 'high',
    ...overrides,
  };
}

export function sampleFinding(overrides: Partial<Finding> & Pick<Finding, 'checkId'>): Finding {
  return {
    title: 'Endpoint without authentication',
    message: 'The endpoint `DELETE /payments/{id}` is reachable without authentication.',
    owasp: 'API2:2023',
    cwe: ['CWE-306'],
    severity: 'high',
    confidence: 'high',
    section: 'authentication',
    location: { file: 'src/routes/payments.js', line: 12 },
    rationale: 'Anyone who can reach the API can call it.',
    remediation: 'Add the authentication middleware to the route.',
    fingerprint: `${overrides.checkId}-${overrides.location?.file ?? 'src/routes/payments.js'}-${overrides.location?.line ?? 12}`,
    ...overrides,
  };
}

export function sampleApi(overrides: Partial<Api> & Pick<Api, 'id' | 'name'>): Api {
  return {
    kind: 'openapi',
    location: { file: 'openapi.yaml', line: 1 },
    type: 'external',
    typeReason: 'public server URL in the spec',
    purpose: 'Accept and refund card payments.',
    audience: 'Merchants',
    tier: 'critical',
    authMechanisms: ['jwt'],
    versioning: 'path',
    versions: ['v1'],
    servers: ['https://api.example.com/v1'],
    endpointIds: [],
    deprecatedEndpointIds: [],
    ...overrides,
  };
}

export function sampleResult(overrides: Partial<AuditResult> = {}): AuditResult {
  const endpoints = [
    sampleEndpoint({
      method: 'GET',
      path: '/payments/{id}',
      tier: 'critical',
      sources: [
        { kind: 'spec', location: { file: 'openapi.yaml', line: 12 }, via: 'openapi-3.1' },
        { kind: 'code', location: { file: 'src/routes/payments.js', line: 8 }, via: 'express' },
      ],
      parameters: [{ name: 'id', in: 'path', required: true }],
      authorization: { objectLevel: 'missing', functionLevel: 'present', detail: 'requireRole("merchant")' },
      rateLimit: { state: 'present', limit: '100/min', where: { file: 'src/app.js', line: 20 }, scope: 'per IP' },
    }),
    sampleEndpoint({
      method: 'DELETE',
      path: '/payments/{id}',
      tier: 'critical',
      auth: { state: 'unprotected', mechanisms: ['none'] },
      parameters: [{ name: 'id', in: 'path', required: true }],
    }),
    sampleEndpoint({ method: 'GET', path: '/health', tier: 'low', auth: { state: 'public', mechanisms: [] } }),
    sampleEndpoint({
      method: 'POST',
      path: '/v0/charges',
      tier: 'critical',
      deprecated: true,
      sunset: '2024-01-01',
      auth: { state: 'unknown', mechanisms: ['unknown'] },
      parameters: [{ name: 'amount', in: 'body' }],
    }),
  ];
  const api = sampleApi({
    id: 'payments',
    name: 'Payments API',
    endpointIds: endpoints.map((endpoint) => endpoint.id),
    deprecatedEndpointIds: endpoints.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id),
  });
  const findings: Finding[] = [
    sampleFinding({
      checkId: 'unauthenticated-endpoint',
      endpointId: 'payments DELETE /payments/{id}',
      severity: 'critical',
      evidence: { snippet: "router.delete('/payments/:id', deletePayment)" },
    }),
    sampleFinding({
      checkId: 'bola-missing-ownership-check',
      title: 'Object id used without an ownership check',
      owasp: 'API1:2023',
      cwe: ['CWE-639'],
      section: 'authorization',
      severity: 'high',
      location: { file: 'src/routes/payments.js', line: 9 },
      endpointId: 'payments GET /payments/{id}',
      message: '`req.params.id` reaches `Payment.findById` without an ownership check.',
      remediation: 'Scope the query to the caller: `Payment.findOne({ _id: id, merchantId: req.user.merchantId })`.',
    }),
    sampleFinding({
      checkId: 'cors-wildcard-origin',
      title: 'Wildcard CORS origin',
      owasp: 'API8:2023',
      cwe: ['CWE-942'],
      section: 'cors-transport',
      severity: 'medium',
      location: { file: 'src/app.js', line: 5 },
      message: 'CORS allows any origin.',
      remediation: 'List the allowed origins explicitly.',
    }),
  ];
  return {
    name: 'payments-service',
    root: 'examples/payments-service',
    date: '2025-06-30',
    tool: { name: 'apisec', version: '0.1.0' },
    project: { root: 'examples/payments-service', languages: ['javascript'], frameworks: ['express'], dependencies: {} },
    inventory: { apis: [api], endpoints },
    findings,
    diagnostics: [{ level: 'error', file: 'broken.yaml', line: 3, message: 'The YAML is malformed.', source: 'openapi' }],
    checks: [
      { id: 'unauthenticated-endpoint', title: 'Endpoint without authentication', owasp: 'API2:2023', section: 'authentication', severity: 'high' },
      { id: 'bola-missing-ownership-check', title: 'Object id used without an ownership check', owasp: 'API1:2023', section: 'authorization', severity: 'high' },
      { id: 'cors-wildcard-origin', title: 'Wildcard CORS origin', owasp: 'API8:2023', section: 'cors-transport', severity: 'medium' },
      { id: 'sql-injection', title: 'SQL injection', owasp: 'API8:2023', section: 'input-validation', severity: 'critical' },
    ],
    stats: { filesScanned: 12, specFiles: 1, sourceFiles: 10, excludedFiles: 3, excludedByReason: { test: 2, minified: 1 }, durationMs: 1234 },
    ...overrides,
  };
}
