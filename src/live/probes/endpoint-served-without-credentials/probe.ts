import defineProbe from '../../probe.js';

/** Whether the answer came from the path asked for (a redirect adding or dropping a trailing slash aside). */
function answeredItself(requested: string, answeredUrl: string): boolean {
  let answered: string;
  try {
    answered = new URL(answeredUrl).pathname;
  } catch {
    return false;
  }
  const asked = requested.split('?')[0] ?? requested;
  const trim = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);
  return trim(answered) === trim(asked);
}

export default defineProbe({
  id: 'endpoint-served-without-credentials',
  title: 'Endpoint that should require credentials answers without them',
  kind: 'passive',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  rationale:
    'The audit says this endpoint needs credentials (its code or its description asks for them), yet the running service answered a request that carried none with data: anyone who reaches it is served.',
  remediation:
    'Apply the authentication middleware, dependency or guard to the route itself (e.g. `router.get(path, requireAuth, handler)`, `Depends(get_current_user)`, `@UseGuards(JwtAuthGuard)`), and add a test that calls it without credentials and expects 401.',
  confirms: ['spec-auth-not-enforced', 'unauthenticated-endpoint', 'read-operation-unauthenticated', 'sensitive-operation-opts-out-of-auth'],
  async run(ctx) {
    // Reads only: passive probes never call a write.
    const targets = ctx.endpoints.filter((item) => item.needsAuth && item.method === 'GET').slice(0, 20);
    for (const item of targets) {
      const anonymous = ctx.cached(item.path, 'none') ?? (await ctx.send({ method: 'GET', path: item.path }, 'none'));
      const { response } = anonymous;
      // A soft 404 or a say-yes answer proves nothing; neither does an empty one.
      if (response.status < 200 || response.status >= 300 || ctx.isBaselineLike(response) || response.body.trim() === '') continue;
      // Sent elsewhere (a sign-in page is how session apps refuse): the endpoint itself did not answer.
      if (!answeredItself(item.path, response.url)) continue;
      const exchanges = [anonymous];
      if (ctx.identities.a) {
        const authenticated = ctx.cached(item.path, 'a') ?? (await ctx.send({ method: 'GET', path: item.path }, 'a'));
        exchanges.push(authenticated);
      }
      ctx.report({
        message: `\`GET ${item.path}\` answered ${response.status} with ${response.body.length} bytes to a request without credentials.`,
        exchanges,
        endpointId: item.endpoint.id,
      });
    }
  },
});
