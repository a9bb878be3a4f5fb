import defineProbe from '../../probe.js';

export default defineProbe({
  id: 'malformed-token-accepted',
  title: 'Endpoint accepts a malformed or tampered token',
  kind: 'passive',
  owasp: 'API2:2023',
  cwe: ['CWE-287', 'CWE-347'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  rationale:
    'The endpoint refuses a request without credentials but serves one whose token no issuer signed (a JWT with its signature replaced, or a random string): the token is read, not verified, so anyone can mint one.',
  remediation:
    'Verify every token before trusting it: `jwt.verify(token, key, { algorithms: ["RS256"], audience, issuer })` (jsonwebtoken), `jwt.decode(token, key, algorithms=["RS256"], audience=…)` (PyJWT), never `jwt.decode` without verification; look API keys up, do not only check their shape.',
  confirms: ['jwt-signature-not-verified', 'jwt-none-algorithm-accepted'],
  async run(ctx) {
    const targets = ctx.endpoints.filter((item) => item.needsAuth && item.method === 'GET').slice(0, 20);
    for (const item of targets) {
      const anonymous = ctx.cached(item.path, 'none') ?? (await ctx.send({ method: 'GET', path: item.path }, 'none'));
      // Only where the endpoint provably rejects a request without credentials: otherwise no token is being checked at all.
      if (anonymous.response.status !== 401 && anonymous.response.status !== 403) continue;
      const forged = await ctx.send({ method: 'GET', path: item.path }, 'malformed');
      const { response } = forged;
      if (response.status < 200 || response.status >= 300 || ctx.isBaselineLike(response)) continue;
      ctx.report({
        message: `\`GET ${item.path}\` rejects a request without credentials (${anonymous.response.status}) but answered ${response.status} to one with a malformed token.`,
        exchanges: [forged, anonymous],
        endpointId: item.endpoint.id,
      });
    }
  },
});
