import defineProbe from '../../probe.js';
import type { Exchange } from '../../http.js';
import type { LiveEndpoint, ProbeContext } from '../../probe.js';
import { JSON_HEADERS, isObject, isSuccess, jsonOf, marker, sibling } from '../support.js';
import type { JsonObject } from '../support.js';

const MAX_COLLECTIONS = 2;

/** A collection A can create in (`POST /orders`) with an item route (`GET /orders/{id}`). */
interface Pair {
  create: LiveEndpoint;
  read: LiveEndpoint;
  /** `/orders/{id}` with the parameter name. */
  template: string;
  param: string;
}

function pairs(ctx: ProbeContext): Pair[] {
  const out: Pair[] = [];
  for (const create of ctx.endpoints) {
    if (create.method !== 'POST' || !create.needsAuth || create.endpoint.path.includes('{')) continue;
    const read = ctx.endpoints.find((item) => {
      if (item.method !== 'GET' || item.endpoint.apiId !== create.endpoint.apiId) return false;
      const rest = item.endpoint.path.slice(create.endpoint.path.replace(/\/$/, '').length);
      return item.endpoint.path.startsWith(create.endpoint.path) && /^\/\{[^}/]+\}$/.test(rest);
    });
    const param = read ? /\{([^}/]+)\}$/.exec(read.endpoint.path)?.[1] : undefined;
    if (read && param !== undefined) out.push({ create, read, template: read.endpoint.path, param });
  }
  return out.slice(0, MAX_COLLECTIONS);
}

/** A body the creation accepts: the declared fields, strings carrying the marker. */
function creationBody(item: LiveEndpoint, mark: string): { body: JsonObject; textField: string } {
  const body: JsonObject = {};
  let textField = '';
  for (const field of item.endpoint.parameters.filter((parameter) => parameter.in === 'body')) {
    const type = field.type ?? 'string';
    if (/^int|^number/.test(type)) body[field.name] = 1;
    else if (type === 'boolean') body[field.name] = false;
    else if (type === 'string') {
      body[field.name] = mark;
      if (textField === '') textField = field.name;
    }
  }
  if (textField === '') {
    body.name = mark;
    textField = 'name';
  }
  return { body, textField };
}

function createdId(exchange: Exchange, param: string): string | undefined {
  const json = jsonOf(exchange.response);
  const record = isObject(json) && isObject(json.data) ? json.data : json;
  if (isObject(record)) {
    for (const key of [param, 'id', '_id', 'uuid']) {
      const value = record[key];
      if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
    }
  }
  const location = exchange.response.headers.location;
  return location === undefined ? undefined : /\/([^/?#]+)\/?(?:[?#].*)?$/.exec(location)?.[1];
}

/** The ids of the objects a listing answer holds (an array, or the array inside an envelope). */
function listedIds(exchange: Exchange): string[] {
  const json = jsonOf(exchange.response);
  const list = Array.isArray(json) ? json : isObject(json) ? Object.values(json).find(Array.isArray) : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).flatMap((item) => (typeof item.id === 'string' || typeof item.id === 'number' ? [String(item.id)] : []));
}

/**
 * Without a creation route: an object in A's listing and not in B's, read by B. Reads only.
 * The object's answer to B must be the one A gets, so a shared or public object never counts.
 */
async function probeListing(ctx: ProbeContext, read: LiveEndpoint, list: LiveEndpoint, param: string): Promise<void> {
  const mine = await ctx.send({ method: 'GET', path: list.path, headers: { Accept: 'application/json' } }, 'a');
  const theirs = await ctx.send({ method: 'GET', path: list.path, headers: { Accept: 'application/json' } }, 'b');
  if (!isSuccess(mine.response) || !isSuccess(theirs.response) || ctx.isBaselineLike(mine.response)) return;
  const visibleToB = new Set(listedIds(theirs));
  const id = listedIds(mine).find((candidate) => !visibleToB.has(candidate));
  if (id === undefined) return;
  const path = read.endpoint.path.replace(`{${param}}`, encodeURIComponent(id)).replace(/\{[^}/]+\}/g, '1');
  const own = await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'a');
  if (!isSuccess(own.response) || ctx.isBaselineLike(own.response) || !own.response.body.includes(id)) return;
  const other = await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'b');
  if (!isSuccess(other.response) || other.response.body !== own.response.body) return;
  ctx.report({
    message: `Identity B read an object listed for identity A only: \`GET ${read.endpoint.path}\` with B's credentials returned object ${id}, which is in A's \`${list.endpoint.path}\` and not in B's.`,
    exchanges: [other, mine, theirs],
    endpointId: read.endpoint.id,
    severity: 'high',
    key: 'read',
    facts: { objectId: id, owner: 'A', reader: 'B', via: 'listing' },
  });
}

async function run(ctx: ProbeContext): Promise<void> {
  if (!ctx.identities.a || !ctx.identities.b) return;
  const created = pairs(ctx);
  for (const pair of created) {
    const mark = marker('bola');
    const { body, textField } = creationBody(pair.create, mark);
    const created = await ctx.send({ method: 'POST', path: pair.create.path, headers: JSON_HEADERS, body: JSON.stringify(body) }, 'a');
    if (!isSuccess(created.response) || ctx.isBaselineLike(created.response)) continue;
    const id = createdId(created, pair.param);
    if (id === undefined) continue;
    const path = pair.template.replace(`{${pair.param}}`, encodeURIComponent(id)).replace(/\{[^}/]+\}/g, '1');
    // The owner sees it (the marker was stored): otherwise nothing B sees could prove anything.
    const own = await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'a');
    if (!isSuccess(own.response) || !own.response.body.includes(mark)) continue;

    const other = await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'b');
    if (isSuccess(other.response) && other.response.body.includes(mark) && !ctx.isBaselineLike(other.response)) {
      ctx.report({
        message: `Identity B read an object identity A created: \`GET ${pair.template}\` with B's credentials returned A's ${textField} \`${mark}\` (id ${id}).`,
        exchanges: [other, created],
        endpointId: pair.read.endpoint.id,
        severity: 'high',
        key: 'read',
        facts: { objectId: id, owner: 'A', reader: 'B' },
      });
    }

    const update = sibling(ctx, pair.read, 'PATCH') ?? sibling(ctx, pair.read, 'PUT');
    if (update) {
      const changed = marker('bola-write');
      const write = await ctx.send({ method: update.method, path, headers: JSON_HEADERS, body: JSON.stringify({ ...(update.method === 'PUT' ? body : {}), [textField]: changed }) }, 'b');
      const after = isSuccess(write.response) ? await ctx.send({ method: 'GET', path, headers: { Accept: 'application/json' } }, 'a') : undefined;
      if (after && after.response.body.includes(changed)) {
        ctx.report({
          message: `Identity B changed an object identity A owns: \`${update.method} ${pair.template}\` with B's credentials set its ${textField} to \`${changed}\`, and A reads it back.`,
          exchanges: [write, after],
          endpointId: update.endpoint.id,
          severity: 'critical',
          key: 'write',
          facts: { objectId: id, owner: 'A', writer: 'B' },
        });
      }
    }
    const remove = sibling(ctx, pair.read, 'DELETE');
    if (remove) await ctx.send({ method: 'DELETE', path }, 'a');
  }
  // Item routes no creation pair covered, with a listing beside them.
  let listed = 0;
  for (const read of ctx.endpoints) {
    if (listed >= MAX_COLLECTIONS) break;
    if (read.method !== 'GET' || !read.needsAuth || created.some((pair) => pair.read === read)) continue;
    const match = /^(.*)\/\{([^}/]+)\}$/.exec(read.endpoint.path);
    if (!match || (match[1] ?? '').includes('{')) continue;
    const list = ctx.endpoints.find((item) => item.method === 'GET' && item.endpoint.apiId === read.endpoint.apiId && item.endpoint.path === match[1]);
    if (!list) continue;
    listed++;
    await probeListing(ctx, read, list, match[2] ?? '');
  }
}

export default defineProbe({
  id: 'bola-cross-identity-access',
  title: 'Object of one user readable or writable by another (BOLA)',
  kind: 'active',
  owasp: 'API1:2023',
  cwe: ['CWE-639', 'CWE-284'],
  severity: 'high',
  confidence: 'high',
  section: 'authorization',
  rationale:
    'When the API looks an object up by the id in the request without checking that it belongs to the caller, any user can read or change any other user\'s data by changing the id.',
  remediation:
    'Scope every lookup by the caller (`WHERE id = :id AND owner_id = :current_user`, or a policy check on the loaded object) and answer 404 for objects of others; test it with two users.',
  confirms: ['bola-missing-ownership-check', 'ownership-filter-allows-missing-user', 'numeric-object-id'],
  maxRequests: 11 * MAX_COLLECTIONS,
  run,
});
