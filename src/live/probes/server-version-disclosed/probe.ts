import defineProbe from '../../probe.js';

export default defineProbe({
  id: 'server-version-disclosed',
  title: 'Server software disclosed in response headers',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-200'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'An `X-Powered-By` header or a versioned `Server` header tells an attacker which framework and version answer, so known vulnerabilities of that version can be tried first.',
  remediation:
    'Remove `X-Powered-By` (Express: `app.disable("x-powered-by")` or helmet; PHP: `expose_php = Off`) and drop the version from `Server` (nginx: `server_tokens off`; Apache: `ServerTokens Prod`).',
  confirms: ['x-powered-by-not-disabled'],
  maxRequests: 1,
  targets: { kind: 'origin' },
  request: { method: 'GET', path: '/', credentials: 'none' },
  matchers: [
    { type: 'header', name: 'x-powered-by' },
    { type: 'header', name: 'server', regex: /[A-Za-z][\w.-]*\/\d[\w.]*/ },
  ],
  matchersCondition: 'or',
  // The disclosure is in the headers of any answer, a 404 included.
  matchBaseline: true,
  message: 'The target discloses its server software: `{{match}}`.',
});
