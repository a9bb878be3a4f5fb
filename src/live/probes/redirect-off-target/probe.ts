import type { Exchange } from '../../http.js';
import defineProbe from '../../probe.js';

/** Query parameters tried with a foreign URL: the names redirect targets go by. Only the answer decides. */
const TARGET_PARAMETER = /^(next|url|uri|redirect|redirect_?ur[il]|redirect_?to|return|return_?to|return_?url|continue|dest|destination|target|goto|to|callback|forward)$/i;
/** A host no one answers for (`.invalid`): the client never follows a redirect off the target anyway. */
const FOREIGN = 'https://apisec-redirect-probe.invalid/landing';

function offTarget(exchange: Exchange): string | undefined {
  return exchange.response.redirects.find((hop) => hop.offOrigin)?.location;
}

export default defineProbe({
  id: 'redirect-off-target',
  title: 'Redirect off the target (open redirect)',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-601'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'An endpoint that sends the caller to whatever URL a parameter names lends the API\'s domain to phishing links and can hand OAuth codes or tokens in the URL to another site; a fixed redirect to another host is worth knowing too, as the scan stops there.',
  remediation:
    'Redirect only to paths of the same site or to an allowlist of hosts (compare the parsed URL\'s origin, not a prefix of the string); reject `//host` and backslash forms.',
  async run(ctx) {
    const gets = ctx.endpoints.filter((item) => item.method === 'GET').slice(0, 20);
    for (const item of gets) {
      const exchange = ctx.cached(item.path, 'none') ?? (await ctx.send({ method: 'GET', path: item.path, followRedirects: true }, 'none'));
      const location = offTarget(exchange);
      if (location === undefined) continue;
      ctx.report({
        message: `\`GET ${item.path}\` redirects off the target to \`${location}\` (recorded, not followed).`,
        exchanges: [exchange],
        endpointId: item.endpoint.id,
        severity: 'info',
        confidence: 'high',
        key: `fixed ${item.path}`,
      });
    }
    for (const item of gets) {
      for (const parameter of item.endpoint.parameters) {
        if (parameter.in !== 'query' || !TARGET_PARAMETER.test(parameter.name)) continue;
        const separator = item.path.includes('?') ? '&' : '?';
        const exchange = await ctx.send({ method: 'GET', path: `${item.path}${separator}${encodeURIComponent(parameter.name)}=${encodeURIComponent(FOREIGN)}` }, 'none');
        const location = offTarget(exchange);
        if (location === undefined) continue;
        let host: string | undefined;
        try {
          host = new URL(location, ctx.origin).host;
        } catch {
          host = undefined;
        }
        // Only our own foreign URL coming back proves the parameter decides where the caller goes.
        if (host !== new URL(FOREIGN).host) continue;
        ctx.report({
          message: `\`GET ${item.path}\` redirects to any URL given in \`${parameter.name}\`: \`${FOREIGN}\` came back as the \`Location\`.`,
          exchanges: [exchange],
          endpointId: item.endpoint.id,
          key: `open ${item.path} ${parameter.name}`,
        });
      }
    }
  },
});
