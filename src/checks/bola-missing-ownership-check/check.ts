import { at } from '../../analysis/code-auth.js';
import { codeEndpoints, endpointAuthz, isAdminEndpoint, isCatalogue, isOwnerless, lastSegment, loadedInto, modelExposure } from '../../analysis/code-authz.js';
import { snippetOf } from '../../analysis/code.js';
import type { Endpoint } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { goObjectAccesses } from './go.js';
import { csharpObjectAccesses } from './csharp.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { goSite } from '../../analysis/go-taint.js';
import { parentOf } from '../../parsing/tree-index.js';
import { objectAccessProviders } from '../../collectors/code/plugins.js';

/** The message for an object the framework loads before the action runs. */
const LOADER_MESSAGES = { 'route-binding': 'binding', 'entity-argument': 'entityArgument', 'api-item': 'apiItem' } as const;

function exposed(endpoint: Endpoint): boolean {
  if (endpoint.auth.state === 'public') return false;
  if (endpoint.auth.state === 'protected' || endpoint.auth.state === 'unknown') return true;
  // Unauthenticated: only objects worth protecting, or writes, are a BOLA on top of the missing login.
  return endpoint.method !== 'GET' || endpoint.tier === 'critical' || endpoint.tier === 'high';
}

export default defineCheck({
  id: 'bola-missing-ownership-check',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Object id used without an ownership check',
  owasp: 'API1:2023',
  cwe: ['CWE-639', 'CWE-284'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  rationale:
    'The handler loads or changes the object named by an id the client chose, and never checks that the caller owns it: any user can read or modify every other user\'s objects by changing the id (IDOR).',
  remediation:
    'Scope the query to the caller instead of loading by id alone: Django `get_object_or_404(Invoice, pk=pk, owner=request.user)` or a DRF `get_queryset()` returning `Invoice.objects.filter(owner=self.request.user)`; SQLAlchemy `select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == user.tenant_id)`; Prisma `prisma.invoice.findFirst({ where: { id, ownerId: req.user.id } })`; Mongoose `Invoice.findOne({ _id: id, owner: req.user.id })`; SQL `WHERE id = $1 AND merchant_id = $2`; gorm `db.Where("id = ? AND user_id = ?", id, uid).First(&order)`; Spring Data `orderRepository.findByIdAndOwnerId(id, user.getId())`, or `@PostAuthorize("returnObject.owner.username == authentication.name")` / `@PreAuthorize("hasPermission(#id, \'Order\', \'read\')")` on the service method; Rails `current_user.invoices.find(params[:id])` or Pundit `authorize @invoice` after the lookup. Where a policy layer exists (DRF `has_object_permission`, CASL `ability.can`, Casbin `enforce`), call it on the loaded object and answer 404 when it fails; Laravel `$this->authorize(\'view\', $invoice)` / `Gate::authorize(…)` with a policy, `$this->authorizeResource(Invoice::class)`, `->can(\'update\', \'invoice\')` on the route, or `$request->user()->invoices()->findOrFail($id)`; Symfony `$this->denyAccessUnlessGranted(\'EDIT\', $post)` with a `Voter` whose `voteOnAttribute()` compares the owner, `#[IsGranted(\'edit\', subject: \'post\')]`, `$repository->findOneBy([\'id\' => $id, \'owner\' => $this->getUser()])`, or API Platform `security: "is_granted(\'ROLE_USER\') and object.owner == user"` on the item operations; EF Core `db.Orders.FirstOrDefaultAsync(o => o.Id == id && o.OwnerId == userId)` with `userId` from `User.FindFirstValue(ClaimTypes.NameIdentifier)`, or `IAuthorizationService.AuthorizeAsync(User, order, "OrderOwner")` after `FindAsync(id)`.',
  messages: {
    read: '`{{call}}` loads {{model}} by `{{id}}` from the request with no ownership or tenant condition, and nothing compares its owner with the caller.',
    create: '`{{call}}` creates {{model}} for `{{id}}` from the request without checking that the caller owns that object.',
    binding: 'The action takes `{{call}}` by route-model binding: Laravel loads any {{model}} whose key is in `{{id}}`, and nothing checks a policy or compares its owner with the caller{{others}}.',
    apiItem: '`{{call}}` serves {{model}} by `{{id}}` to any signed-in caller: API Platform loads the item by id, and neither the operation\'s `security` expression nor an item extension or state provider checks its owner.',
    entityArgument: 'The action takes `{{call}}` from the route: Symfony\'s entity value resolver loads any {{model}} named by `{{id}}`, and no voter is asked about it and nothing compares its owner with the caller{{others}}.',
    write: '`{{call}}` changes {{model}} by `{{id}}` from the request with no ownership or tenant condition, and nothing compares its owner with the caller.',
    unauthenticated: '`{{call}}` uses {{model}} by `{{id}}` from the request with no ownership condition, on a route that does not authenticate the caller at all.',
    queryset: '`{{view}}` serves `{{queryset}}` to every caller: no `get_queryset()` scopes it to `request.user` and no object permission applies, so `{{path}}` returns any id.',
  },
  run(ctx, report) {
    // The frameworks' own unchecked loads (Eloquent, Doctrine, route-model binding, entity arguments, API Platform items, Rails finders).
    const languages = new Set(ctx.sources.map((source) => source.language));
    for (const provider of objectAccessProviders()) {
      if (!provider.languages.some((language) => languages.has(language))) continue;
      for (const hit of provider.accesses?.(ctx) ?? []) {
        const call = hit.loader === 'route-binding' || hit.loader === 'entity-argument' ? hit.node.text : `${hit.node.text.split('(')[0] ?? ''}(…)`;
        const others = hit.alsoIn?.length ? ` (nor in ${hit.alsoIn.map((action) => `\`${action}\``).join(', ')} of the same controller)` : '';
        const messageId = hit.loader ? LOADER_MESSAGES[hit.loader] : hit.write ? 'write' : 'read';
        report({ messageId, data: { call, model: `\`${hit.model}\``, id: hit.id, others }, ...at(ctx, hit.source, hit.node), endpointId: hit.endpoint.id });
      }
    }
    const reported = new Set<string>();
    for (const endpoint of codeEndpoints(ctx)) {
      if (!exposed(endpoint)) continue;
      const analysis = endpointAuthz(ctx, endpoint);
      if (!analysis || analysis.objectGuard) continue;
      // Admin and role-gated routes act across owners by design; function-level checks cover them.
      if (isAdminEndpoint(endpoint, analysis.scope) || analysis.roleCheck !== undefined) continue;
      const { source } = analysis.scope;
      // Records nobody owns, and the variables they were loaded into (`db.session.delete(plant)` after the lookup).
      const ownerless = new Set<string>();
      if (endpoint.auth.state === 'unprotected') {
        for (const access of analysis.accesses) {
          const variable = isOwnerless(ctx, access.model) ? loadedInto(access) : undefined;
          if (variable !== undefined) ownerless.add(variable);
        }
      }
      for (const access of analysis.accesses) {
        // `exempt`: a read of a model the API lists to every caller, or the target of the caller's own action.
        if (access.scoped || access.exempt || isCatalogue(access.model)) continue;
        // Anonymous access to records nobody owns is one root cause, reported by unauthenticated-endpoint.
        if (endpoint.auth.state === 'unprotected' && (isOwnerless(ctx, access.model) || ownerless.has(access.id))) continue;
        const key = `${source.file}:${access.chain.startIndex}`;
        // One finding per endpoint and object: a lookup by `id` and a later write by the same `id` are one
        // missing check. A use of the loaded variable (`session.delete(draft)`) names the object differently
        // and stays its own finding.
        const object = `${endpoint.id}:${access.model ?? '?'}:${access.id}`;
        if (reported.has(key) || reported.has(object)) continue;
        reported.add(key);
        reported.add(object);
        const unauthenticated = endpoint.auth.state === 'unprotected';
        const messageId = unauthenticated ? 'unauthenticated' : /^(insert|create|bulkCreate|insertOne)$/.test(lastSegment(access.call.callee)) ? 'create' : access.write ? 'write' : 'read';
        const call = access.call.written;
        report({
          messageId,
          data: { call: `${call}(…)`, model: access.model ? `\`${access.model}\`` : 'a record', id: access.id },
          ...at(ctx, source, access.chain),
          endpointId: endpoint.id,
          // The listing of the same model is scoped to the caller and this per-id access is not.
          confidence:
            modelExposure(ctx, access.model) === 'owner-scoped' ||
            (endpoint.parameters.some((parameter) => parameter.in === 'path') && !/^(query|execute|raw|where|filter|get)$/.test(lastSegment(access.call.callee)))
              ? 'high'
              : 'medium',
        });
      }
      const queryset = analysis.unscopedQueryset;
      if (queryset && endpoint.parameters.some((parameter) => parameter.in === 'path')) {
        const model = /\b([A-Z]\w*)\.objects\b/.exec(queryset.text)?.[1];
        const key = `${source.file}:${queryset.startIndex}`;
        if (isCatalogue(model) || reported.has(key)) continue;
        reported.add(key);
        const view = /class\s+(\w+)/.exec(parentOf(parentOf(queryset))?.text ?? '')?.[1] ?? 'The view';
        report({
          messageId: 'queryset',
          data: { view, queryset: snippetOf(queryset, 80), path: `${endpoint.method} ${endpoint.path}` },
          ...at(ctx, source, queryset),
          endpointId: endpoint.id,
        });
      }
    }
    const byId = new Map<string, Endpoint>();
    for (const candidate of ctx.inventory.endpoints) if (!byId.has(candidate.id)) byId.set(candidate.id, candidate);
    for (const hit of goObjectAccesses(ctx.sources)) {
      const site = goSite(ctx, hit.source, hit.call);
      const endpoint = site.endpointId === undefined ? undefined : byId.get(site.endpointId);
      // Only handlers of a route apisec knows; admin routes act across owners by design.
      if (!endpoint || !exposed(endpoint) || isAdminEndpoint(endpoint)) continue;
      const messageId = endpoint.auth.state === 'unprotected' ? 'unauthenticated' : hit.write ? 'write' : 'read';
      report({ messageId, data: { call: `${hit.written}(…)`, model: `\`${hit.model}\``, id: hit.id }, ...site, endpointId: endpoint.id });
    }
    for (const hit of csharpObjectAccesses(ctx.sources, ctx.inventory.endpoints)) {
      report({ messageId: hit.write ? 'write' : 'read', data: { call: `${hit.written}(…)`, model: `\`${hit.model}\``, id: hit.id }, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]), endpointId: hit.endpoint.id });
    }
    // The objects the JVM frameworks' handlers load by the path id (the providers' `handlerAccesses`).
    for (const hit of objectAccessProviders().flatMap((provider) => (provider.handlerAccesses && provider.languages.some((language) => languages.has(language)) ? provider.handlerAccesses(ctx) : []))) {
      const endpoint = hit.endpoint;
      // Only handlers of a route apisec knows; admin routes act across owners by design.
      if (!endpoint || !exposed(endpoint) || isAdminEndpoint(endpoint)) continue;
      const messageId = endpoint.auth.state === 'unprotected' ? 'unauthenticated' : hit.write ? 'write' : 'read';
      report({ messageId, data: { call: `${hit.written}(…)`, model: `\`${hit.model}\``, id: hit.id }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]), endpointId: endpoint.id });
    }
  },
});
