import type { Exchange } from '../http.js';
import type { ProbeContext } from '../probe.js';
import { JSON_HEADERS, defaultCredentials, isObject, jsonOf } from './support.js';
import type { JsonObject } from './support.js';

/** What the GraphQL probes share: posting an operation and reading a GraphQL answer. */

export interface GraphqlAnswer {
  exchange: Exchange;
  /** The parsed body when it is a GraphQL result (an object with `data` or `errors`), or an array of them. */
  result: JsonObject | JsonObject[] | undefined;
}

function isResult(value: unknown): value is JsonObject {
  return isObject(value) && ('data' in value || Array.isArray(value.errors));
}

export async function postGraphql(ctx: ProbeContext, path: string, body: unknown): Promise<GraphqlAnswer> {
  const exchange = await ctx.send({ method: 'POST', path, headers: JSON_HEADERS, body: JSON.stringify(body) }, defaultCredentials(ctx));
  const json = jsonOf(exchange.response);
  if (ctx.isBaselineLike(exchange.response)) return { exchange, result: undefined };
  if (Array.isArray(json)) return { exchange, result: json.every(isResult) ? json : undefined };
  return { exchange, result: isResult(json) ? json : undefined };
}

export function dataOf(result: GraphqlAnswer['result']): JsonObject | undefined {
  return isObject(result) && isObject(result.data) ? result.data : undefined;
}

export function errorMessages(result: GraphqlAnswer['result']): string[] {
  if (!isObject(result) || !Array.isArray(result.errors)) return [];
  return result.errors.filter(isObject).map((error) => (typeof error.message === 'string' ? error.message : ''));
}

/** The GraphQL endpoints to probe (the inventory's, or `--graphql`), at most two. */
export function graphqlPaths(ctx: ProbeContext): string[] {
  return ctx.graphqlPaths.slice(0, 2);
}

export function endpointIdOf(ctx: ProbeContext, path: string): string | undefined {
  return ctx.endpoints.find((item) => item.path === path && item.method === 'POST')?.endpoint.id ?? ctx.endpoints.find((item) => item.path === path)?.endpoint.id;
}

/** A compact introspection query: types, fields, argument and field types three wrappers deep. */
export const SCHEMA_QUERY =
  'query ApisecSchema { __schema { queryType { name } types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }';

export interface SchemaField {
  name: string;
  /** Required arguments and their named type. */
  requiredArgs: { name: string; type: string }[];
  /** The named type at the end of the wrappers, and whether it is an object type. */
  type: string;
}

export interface SchemaSummary {
  queryType: string;
  objects: Map<string, SchemaField[]>;
}

function named(type: unknown): { name: string; required: boolean } {
  let current = type;
  let required = false;
  let first = true;
  while (isObject(current)) {
    if (first && current.kind === 'NON_NULL') required = true;
    first = false;
    if (typeof current.name === 'string') return { name: current.name, required };
    current = current.ofType;
  }
  return { name: '', required };
}

/** Reads an introspection answer; undefined when it is not one. */
export function readSchema(data: JsonObject | undefined): SchemaSummary | undefined {
  const schema = data?.__schema;
  if (!isObject(schema) || !isObject(schema.queryType) || typeof schema.queryType.name !== 'string' || !Array.isArray(schema.types)) return undefined;
  const objects = new Map<string, SchemaField[]>();
  for (const type of schema.types) {
    if (!isObject(type) || type.kind !== 'OBJECT' || typeof type.name !== 'string' || type.name.startsWith('__') || !Array.isArray(type.fields)) continue;
    const fields: SchemaField[] = [];
    for (const field of type.fields) {
      if (!isObject(field) || typeof field.name !== 'string') continue;
      const args = Array.isArray(field.args) ? field.args.filter(isObject) : [];
      const requiredArgs = args.flatMap((arg) => {
        const type = named(arg.type);
        return type.required && typeof arg.name === 'string' ? [{ name: arg.name, type: type.name }] : [];
      });
      fields.push({ name: field.name, requiredArgs, type: named(field.type).name });
    }
    objects.set(type.name, fields);
  }
  return { queryType: schema.queryType.name, objects };
}

const SAMPLE_ARG: Record<string, string> = { ID: '"1"', String: '"1"', Int: '1', Float: '1', Boolean: 'false' };

function argsText(field: SchemaField): string | undefined {
  if (field.requiredArgs.length === 0) return '';
  const parts: string[] = [];
  for (const arg of field.requiredArgs) {
    const value = SAMPLE_ARG[arg.type];
    if (value === undefined) return undefined;
    parts.push(`${arg.name}: ${value}`);
  }
  return `(${parts.join(', ')})`;
}

/**
 * A query `depth` object levels deep following a cycle of the schema (User.orders -> Order.owner -> User …),
 * or undefined when the schema has no reachable cycle.
 */
export function deepQuery(schema: SchemaSummary, depth: number): string | undefined {
  const objectFields = (type: string): SchemaField[] => (schema.objects.get(type) ?? []).filter((field) => schema.objects.has(field.type));
  // Search from the root for a field path that comes back to a type already on it.
  const root = schema.objects.get(schema.queryType) ?? [];
  for (const entry of root) {
    const entryArgs = argsText(entry);
    if (entryArgs === undefined || !schema.objects.has(entry.type)) continue;
    const path = findCycle(entry.type, objectFields);
    if (!path) continue;
    let selection = '__typename';
    const steps: string[] = [];
    for (let i = 0; steps.length < depth - 1; i++) steps.push(path[i % path.length] ?? '');
    for (const step of steps.reverse()) selection = `${step} { ${selection} }`;
    return `query ApisecDepth { ${entry.name}${entryArgs} { ${selection} } }`;
  }
  return undefined;
}

function findCycle(start: string, objectFields: (type: string) => SchemaField[]): string[] | undefined {
  // Fields without required arguments only, so the query needs no guessing.
  const queue: { type: string; path: string[] }[] = [{ type: start, path: [] }];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current) break;
    for (const field of objectFields(current.type)) {
      if (field.requiredArgs.length > 0) continue;
      const path = [...current.path, field.name];
      if (field.type === start) return path;
      if (!seen.has(field.type) && path.length < 4) {
        seen.add(field.type);
        queue.push({ type: field.type, path });
      }
    }
  }
  return undefined;
}
