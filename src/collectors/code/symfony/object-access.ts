/**
 * Object accesses in Symfony controllers (Doctrine entities loaded by a request id) and API Platform item
 * operations, read by bola-missing-ownership-check through the plugin's `objectAccess` section.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { ObjectAccess, ObjectAccessProvider } from '../plugin.js';
import { arrayEntries, callArguments, field, kids, literalString, unwrap, walk } from '../php/ast.js';
import { idOrigin, shortName, WRITE_ACTIONS } from '../php/object-access.js';
import { attributeNamed, phpProjectOf, type PhpClass, type PhpProject } from '../php/project.js';
import { phpCalls, receiverClass } from '../php/sinks.js';
import { doctrineModel, type DoctrineModel } from './doctrine.js';

/** Doctrine finders that load one object by its id: `find($id)`, `findOneBy(['id' => $id])`, `$em->find(Post::class, $id)`. */
const DOCTRINE_FINDERS = new Set(['find', 'findOneBy', 'findOneById', 'findOneByUuid', 'getReference']);
const DOCTRINE_ID_KEYS = /^(id|uuid|ulid|slug|number|code|reference|\w+Id|\w+_id)$/;

/**
 * The action checks the object or the caller itself: a voter asked about a subject
 * (`denyAccessUnlessGranted('EDIT', $post)`, `isGranted('view', $post)`, `$security->isGranted(…, $post)`,
 * `$accessDecisionManager->decide($token, [...], $post)`), the signed-in user read (`$this->getUser()`,
 * `$security->getUser()`, `$tokenStorage->getToken()`), or a `#[CurrentUser]` parameter used in the body.
 */
function symfonyGuarded(method: Node, body: Node): boolean {
  for (const call of phpCalls(body)) {
    if ((call.name === 'denyAccessUnlessGranted' || call.name === 'isGranted' || call.name === 'decide') && call.args.length >= 2) return true;
    if (call.name === 'getUser' || call.name === 'getToken') return true;
  }
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    if (!kids(parameter).some((child) => child.type === 'attribute_list' && /\bCurrentUser\b/.test(child.text))) continue;
    const name = field(parameter, 'name')?.text;
    if (name && variablesOf(body).has(name)) return true;
  }
  return false;
}

function variablesOf(node: Node): Set<string> {
  const out = new Set<string>();
  walk(node, (child) => {
    if (child.type === 'variable_name') out.add(child.text);
    return true;
  });
  return out;
}

/** The entity a receiver serves: `$em->getRepository(Post::class)`, `$this->posts` typed `PostRepository`, `$postRepository`. */
function servedEntity(project: PhpProject, cls: PhpClass, doctrine: DoctrineModel, receiver: Node | undefined, use: Node): string | undefined {
  if (!receiver) return undefined;
  const target = unwrap(receiver);
  if (target.type === 'member_call_expression' && field(target, 'name')?.text === 'getRepository') {
    const arg = callArguments(target)[0]?.value;
    const value = arg ? project.evaluate(cls.file, arg) : undefined;
    return value?.kind === 'class' ? value.fqn : value?.kind === 'string' ? value.value.replace(/^\\/, '') : undefined;
  }
  const written = receiverClass(target, use);
  if (!written) return undefined;
  const fqn = project.resolveName(cls.file, written, cls);
  return doctrine.repositories.get(fqn) ?? [...doctrine.repositories].find(([repository]) => repository.endsWith(`\\${written}`))?.[1];
}

/**
 * BOLA in Symfony: an authenticated controller action that loads a user-owned Doctrine entity by a request
 * id — an entity argument resolved from the route (`show(Post $post)` for `/posts/{id}`, `#[MapEntity]`,
 * `@ParamConverter`), `$repository->find($id)`, `findOneBy(['id' => $id])`, `$em->find(Post::class, $id)` —
 * with no voter asked about the object, no read of the signed-in user, no `#[IsGranted(…, subject: …)]` and
 * no role restriction on the route. Entities are user-owned when a `ManyToOne`/`OneToOne` relation points
 * to the user class or an owner, team, organisation or tenant.
 */
function symfonyObjectAccesses(ctx: CheckContext): ObjectAccess[] {
  const symfony = ctx.inventory.endpoints.filter((endpoint) => endpoint.auth.state === 'protected' && endpoint.sources.some((source) => source.via === 'symfony'));
  const endpoints = symfony.filter((endpoint) => endpoint.handler);
  if (symfony.length === 0) return [];
  const project = phpProjectOf(ctx.sources, true);
  const doctrine = doctrineModel(project);
  if (doctrine.owned.size === 0) return [];
  const methods = new Map<string, { cls: PhpClass; method: Node }>();
  for (const cls of project.classes.values()) {
    for (const method of cls.methods.values()) methods.set(`${cls.file.source.file}:${method.startPosition.row + 1}`, { cls, method });
  }
  const out: ObjectAccess[] = apiPlatformItems(project, doctrine, symfony.filter((endpoint) => !endpoint.handler));
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    // `#[IsGranted('ROLE_ADMIN')]`, a voter on a subject, an admin access_control rule: authorised outside the action.
    if (endpoint.authorization?.functionLevel === 'present' || endpoint.authorization?.objectLevel === 'present') continue;
    const found = endpoint.handler ? methods.get(`${endpoint.handler.file}:${endpoint.handler.line}`) : undefined;
    if (!found) continue;
    const { cls, method } = found;
    const body = field(method, 'body');
    if (!body || symfonyGuarded(method, body)) continue;
    const source = cls.file.source;
    const action = field(method, 'name')?.text ?? '';
    const write = WRITE_ACTIONS.test(action) || endpoint.method !== 'GET';
    const placeholders = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
    const scalars = new Set<string>();
    const parameters = field(method, 'parameters');
    const entityParameters: { parameter: Node; entity: string; name: string }[] = [];
    for (const parameter of parameters ? kids(parameters) : []) {
      const type = field(parameter, 'type')?.text.replace(/^\?/, '');
      const name = field(parameter, 'name')?.text ?? '';
      if (!name) continue;
      if (type === undefined || /^(int|string|mixed)$/.test(type)) {
        scalars.add(name);
        continue;
      }
      if (kids(parameter).some((child) => child.type === 'attribute_list' && /\b(CurrentUser|MapRequestPayload|MapQueryString)\b/.test(child.text))) continue;
      const entity = project.resolveName(cls.file, type, cls);
      if (doctrine.entities.has(entity)) entityParameters.push({ parameter, entity, name: name.replace(/^\$/, '') });
    }
    // The entity value resolver: one entity argument, loaded from the route's placeholder (`{id}`, `{post}`, `{slug}`).
    if (entityParameters.length === 1 && placeholders.length >= 1) {
      const [only] = entityParameters;
      const mapped = only && (placeholders.length === 1 || placeholders.includes(only.name) || /MapEntity|ParamConverter/.test(only.parameter.text));
      if (only && mapped && doctrine.owned.has(only.entity)) {
        const key = `${source.file}:${only.parameter.startIndex}`;
        if (!seen.has(key)) {
          seen.add(key);
          const placeholder = placeholders.length === 1 ? placeholders[0] : only.name;
          out.push({ source, node: only.parameter, model: shortName(only.entity), id: `{${placeholder ?? only.name}}`, write, endpoint, loader: 'entity-argument' });
        }
      }
    }
    for (const call of phpCalls(body)) {
      if (call.kind !== 'method' || !DOCTRINE_FINDERS.has(call.name)) continue;
      let entity: string | undefined;
      let idArg: Node | undefined;
      if (call.name === 'find' && call.args.length >= 2) {
        // `$entityManager->find(Post::class, $id)`.
        const value = call.args[0] ? project.evaluate(cls.file, call.args[0].value) : undefined;
        entity = value?.kind === 'class' ? value.fqn : undefined;
        idArg = call.args[1]?.value;
      } else {
        entity = servedEntity(project, cls, doctrine, call.receiver, call.node);
        if (call.name === 'findOneBy') {
          const criteria = call.args[0] ? arrayEntries(unwrap(call.args[0].value)) : undefined;
          // Criteria naming anything but the id (`'owner' => $this->getUser()`, `'team' => $team`) may scope the lookup.
          if (!criteria || criteria.length !== 1 || !DOCTRINE_ID_KEYS.test(literalString(criteria[0]?.key) ?? '')) continue;
          idArg = criteria[0]?.value;
        } else idArg = call.args[0]?.value;
      }
      if (!entity || !idArg || !doctrine.owned.has(entity)) continue;
      const origin = idOrigin(idArg, scalars);
      if (!origin) continue;
      const key = `${source.file}:${call.node.startIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ source, node: call.node, model: shortName(entity), id: origin, write, endpoint });
    }
  }
  return out;
}

const ITEM_EXTENSION = /(^|\\)QueryItemExtensionInterface$/;

/**
 * API Platform item operations (`GET /api/notes/{id}`, `PATCH`, `PUT`, `DELETE`) of a user-owned entity resource,
 * authenticated but with no object check: no `security` expression reading the object (`object.owner == user`,
 * `is_granted('EDIT', object)`), no role restriction, no state `provider` of the project's own (it may scope the
 * load) and no Doctrine item extension (`QueryItemExtensionInterface` adds its conditions to every item query).
 */
function apiPlatformItems(project: PhpProject, doctrine: DoctrineModel, endpoints: readonly Endpoint[]): ObjectAccess[] {
  if (endpoints.length === 0) return [];
  if ([...project.classes.values()].some((cls) => cls.interfaces.some((iface) => ITEM_EXTENSION.test(iface)))) return [];
  const out: ObjectAccess[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.method === 'POST' || !/\{\w+\}$/.test(endpoint.path)) continue;
    if (endpoint.authorization?.functionLevel === 'present' || endpoint.authorization?.objectLevel === 'present') continue;
    const where = endpoint.sources.find((source) => source.via === 'symfony')?.location;
    const file = where ? project.files.get(where.file) : undefined;
    if (!file || !where) continue;
    const cls = file.classes.find((candidate) => doctrine.owned.has(candidate.fqn) && candidate.attributes.some((attribute) => attributeNamed(attribute, 'ApiResource') && attribute.name.startsWith('ApiPlatform\\')));
    if (!cls) continue;
    let operation: Node | undefined;
    walk(cls.node, (node) => {
      if (operation) return false;
      if ((node.type === 'object_creation_expression' || node.type === 'attribute') && node.startPosition.row + 1 === where.line) operation = node;
      return true;
    });
    if (!operation) continue;
    const resource = cls.attributes.find((attribute) => attributeNamed(attribute, 'ApiResource'));
    // A state provider of the project's own loads the item itself, and may scope it to the caller.
    if (/\bprovider\s*:/.test(operation.text) || (resource && /\bprovider\s*:/.test(resource.node.text.replace(operation.text, '')))) continue;
    // `#[ApiResource]` with its default operations: one finding for the resource, not one per operation.
    if (out.some((hit) => hit.node.id === operation?.id)) continue;
    const placeholder = /\{(\w+)\}$/.exec(endpoint.path)?.[1] ?? 'id';
    out.push({ source: file.source, node: operation, model: shortName(cls.fqn), id: `{${placeholder}}`, write: endpoint.method !== 'GET', endpoint, loader: 'api-item' });
  }
  return out;
}

export const symfonyObjectAccess: ObjectAccessProvider = { languages: ['php'], accesses: symfonyObjectAccesses };
