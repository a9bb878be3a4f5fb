import { codeEndpoints, endpointAuthz, handlerName } from '../../analysis/code-authz.js';
import { lineText } from '../../analysis/code.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'admin-route-without-role-check',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Admin route without a role check',
  owasp: 'API5:2023',
  cwe: ['CWE-285', 'CWE-862'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  rationale:
    'An administrative, internal or management route that only checks that the caller is logged in lets every ordinary user call it: a self-registered account is enough to suspend merchants, change settings or read every record.',
  remediation:
    'Require an admin role or permission on the route or its router, on the server: Express `router.use(requireAuth, requireRole(\'admin\'))`; NestJS `@Roles(\'admin\')` with `@UseGuards(AuthGuard, RolesGuard)`; FastAPI `dependencies=[Depends(require_role("admin"))]`; Flask `@roles_required("admin")`; Django `@permission_required("app.change_x")` or DRF `permission_classes = [IsAdminUser]`. Hiding the admin UI in the front end is not a control.',
  messages: {
    noRole: '`{{route}}` is an admin route ({{why}}) that authenticates with {{auth}} but checks no role or permission.',
    unauthenticated: '`{{route}}` is an admin route ({{why}}) with neither authentication nor a role check: anyone can call it.',
  },
  run(ctx, report) {
    for (const endpoint of codeEndpoints(ctx)) {
      const analysis = endpointAuthz(ctx, endpoint);
      if (analysis?.evidence.functionLevel !== 'missing') continue;
      // `unknown` with a named guard: an authentication dependency the collectors could not follow.
      const guarded = endpoint.auth.state === 'protected' || (endpoint.auth.state === 'unknown' && endpoint.auth.detail !== undefined && endpoint.auth.where !== undefined);
      if (!guarded && endpoint.auth.state !== 'unprotected') continue;
      const { scope } = analysis;
      const byPath = /(?:^|\/)(admin|administration|internal|manage|management|backoffice|back-office|staff|superuser|sudo|ops)(?:$|[/_-])/i.exec(endpoint.path);
      const why = byPath ? `path segment \`${byPath[1] ?? ''}\`` : `handler \`${handlerName(scope.node)}\``;
      const route = `${endpoint.method} ${endpoint.path}`;
      const declared = endpoint.sources.find((source) => source.kind === 'code' && source.location.file === scope.source.file)?.location;
      const line = declared?.line ?? scope.node.startPosition.row + 1;
      const snippet = (lineText(scope.source, line) ?? '').trim().slice(0, 160);
      report({
        messageId: endpoint.auth.state === 'unprotected' ? 'unauthenticated' : 'noRole',
        data: { route, why, auth: endpoint.auth.detail ? `\`${(endpoint.auth.detail.split('\n')[0] ?? '').replace(/ (looks like|cannot|comes from|rejects|runs|requires)\b.*$/, '')}\`` : 'a credential' },
        location: { file: scope.source.file, line },
        evidence: { snippet },
        endpointId: endpoint.id,
        key: route,
        ...(endpoint.auth.state === 'unprotected' ? { severity: 'critical' as const } : {}),
      });
    }
  },
});
