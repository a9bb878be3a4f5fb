import {
  GraphQLError,
  Kind,
  buildASTSchema,
  buildClientSchema,
  parse,
  print,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type IntrospectionQuery,
  type TypeNode,
} from 'graphql';
import type { AuditConfig, GraphqlDocument } from '../../engine/context.js';
import type { Api, AuthEvidence, AuthMechanism, Diagnostic, Endpoint, Parameter } from '../../model/types.js';
import { apiMechanisms, audienceOf, classifyApiType, classifyTier, maxTier, purposeOf, slug, tierOfName, tierRank, type NamedField } from '../../inventory/classify.js';
import { isObject } from './json.js';
import { lineStarts, positionOf } from './line-index.js';
import { parseSource } from './source.js';

export interface LoadedGraphql {
  document?: GraphqlDocument;
  diagnostics: Diagnostic[];
}

export interface GraphqlCollection {
  api: Api;
  endpoints: Endpoint[];
  diagnostics: Diagnostic[];
}

const SDL_EXTENSIONS = ['.graphql', '.gql', '.graphqls'];

export function isGraphqlSdlFile(file: string): boolean {
  const lower = file.toLowerCase();
  return SDL_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** `{ "data": { "__schema": … } }` or `{ "__schema": … }`: the `__schema` object, when present. */
export function introspectionSchema(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const data = isObject(value.data) ? value.data : value;
  return isObject(data.__schema) ? data.__schema : undefined;
}

/** Loads an SDL file or an introspection result (`.json`, by content); anything else is ignored. Never throws. */
export function loadGraphql(file: string, text: string): LoadedGraphql {
  if (isGraphqlSdlFile(file)) return loadSdl(file, text);
  if (!file.toLowerCase().endsWith('.json') || !text.includes('__schema')) return { diagnostics: [] };
  const outcome = parseSource(file, text);
  if ('error' in outcome) {
    const { line, message } = outcome.error;
    return { diagnostics: [{ level: 'error', file, line, message: `invalid JSON at line ${line}: ${message}`, source: 'graphql' }] };
  }
  if ('empty' in outcome) return { diagnostics: [] };
  const schemaValue = introspectionSchema(outcome.source.value);
  if (!schemaValue) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  let schema: GraphqlDocument['schema'];
  try {
    schema = buildClientSchema({ __schema: schemaValue } as unknown as IntrospectionQuery);
  } catch (error) {
    const reason = error instanceof RangeError ? 'its types nest too deeply' : messageOf(error);
    diagnostics.push({ level: 'warning', file, line: 1, message: `The introspection result could not be turned into a schema (${reason}); its root fields are still inventoried.`, source: 'graphql' });
  }
  return { document: { file, format: 'introspection', schema, text }, diagnostics };
}

function loadSdl(file: string, text: string): LoadedGraphql {
  if (text.trim() === '') return { diagnostics: [] };
  let ast: DocumentNode;
  try {
    ast = parse(text);
  } catch (error) {
    if (error instanceof RangeError) {
      return { diagnostics: [{ level: 'error', file, line: 1, message: 'the GraphQL document nests too deeply to be read; skipped', source: 'graphql' }] };
    }
    const line = error instanceof GraphQLError ? (error.locations?.[0]?.line ?? 1) : 1;
    const message = error instanceof GraphQLError ? error.message.replace(/^Syntax Error: /, '') : messageOf(error);
    return { diagnostics: [{ level: 'error', file, line, message: `invalid GraphQL SDL at line ${line}: ${message}`, source: 'graphql' }] };
  }
  let schema: GraphqlDocument['schema'];
  try {
    schema = buildASTSchema(ast, { assumeValid: true, assumeValidSDL: true });
  } catch {
    // A subgraph or fragment of a schema (types defined elsewhere): root fields come from the AST.
    schema = undefined;
  }
  return { document: { file, format: 'sdl', schema, text }, diagnostics: [] };
}

type Operation = 'QUERY' | 'MUTATION' | 'SUBSCRIPTION';
const ROOT_LABEL: Record<Operation, string> = { QUERY: 'Query', MUTATION: 'Mutation', SUBSCRIPTION: 'Subscription' };

interface FieldModel {
  name: string;
  line: number;
  args: Parameter[];
  typeName: string;
  deprecated: boolean;
  directives: string[];
}

interface Model {
  roots: { operation: Operation; directives: string[]; fields: FieldModel[] }[];
  /** Object and input types: field name → named type. */
  types: Map<string, { name: string; typeName: string }[]>;
  description?: string;
}

/** One endpoint per root field (`Query.user`, method QUERY/MUTATION/SUBSCRIPTION). */
export function collectGraphql(document: GraphqlDocument, config: AuditConfig): GraphqlCollection {
  const diagnostics: Diagnostic[] = [];
  const model = document.format === 'sdl' ? modelFromSdl(document) : modelFromIntrospection(document);
  const stem = document.file.slice(document.file.lastIndexOf('/') + 1);
  const apiId = slug(document.file.replace(/\/?(schema|index)?\.[^./]+$/, '') || stem) || 'graphql';
  const type = classifyApiType({ names: [document.file, apiId], markers: [], servers: [], paths: [] }, config);
  const endpoints: Endpoint[] = [];
  for (const root of model?.roots ?? []) {
    for (const field of root.fields) {
      const path = `${ROOT_LABEL[root.operation]}.${field.name}`;
      const auth = authOf([...field.directives, ...root.directives]);
      const tier = classifyTier(fieldsFor(field, model?.types ?? new Map<string, { name: string; typeName: string }[]>()), field.name, auth.state);
      endpoints.push({
        id: `${apiId} ${root.operation} ${path}`,
        apiId,
        method: root.operation,
        path,
        protocol: 'graphql',
        sources: [{ kind: 'spec', location: { file: document.file, line: field.line }, via: 'graphql' }],
        parameters: field.args,
        auth,
        deprecated: field.deprecated,
        type: type.type,
        tier: tier.tier,
        tierReason: tier.reason,
      });
    }
  }
  if (!model) diagnostics.push({ level: 'warning', file: document.file, line: 1, message: 'The GraphQL document could not be read again; no root field was inventoried.', source: 'graphql' });
  const api: Api = {
    id: apiId,
    name: document.file,
    kind: 'graphql',
    location: { file: document.file, line: 1 },
    type: type.type,
    typeReason: type.reason,
    purpose: purposeOf(`GraphQL API (${document.file})`, model?.description),
    audience: audienceOf(type.type),
    tier: maxTier(endpoints.map((endpoint) => endpoint.tier)),
    authMechanisms: apiMechanisms(endpoints),
    versioning: 'none',
    versions: [],
    servers: [],
    endpointIds: endpoints.map((endpoint) => endpoint.id),
    deprecatedEndpointIds: endpoints.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id),
  };
  return { api, endpoints, diagnostics };
}

function fieldsFor(field: FieldModel, types: Model['types']): NamedField[] {
  const fields: NamedField[] = field.args.map((arg) => ({ name: arg.name, reason: `argument \`${arg.name}\`` }));
  const inputs = field.args.map((arg) => arg.type?.replace(/[[\]!]/g, '') ?? '');
  const input = deepest(inputs, types);
  if (input) fields.push({ name: input.name, tier: input.tier, reason: `field \`${input.name}\` in input` });
  const output = deepest([field.typeName], types);
  if (output) fields.push({ name: output.name, tier: output.tier, reason: `field \`${output.name}\` in result` });
  return fields;
}

/** The most sensitive field name within a few levels of the given types. */
function deepest(start: string[], types: Model['types']): { name: string; tier: NonNullable<ReturnType<typeof tierOfName>> } | undefined {
  let best: { name: string; tier: NonNullable<ReturnType<typeof tierOfName>> } | undefined;
  const seen = new Set<string>();
  let level = start;
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const typeName of level) {
      if (seen.has(typeName)) continue;
      seen.add(typeName);
      for (const member of types.get(typeName) ?? []) {
        const tier = tierOfName(member.name);
        if (tier && (!best || tierRank(tier) > tierRank(best.tier))) best = { name: member.name, tier };
        next.push(member.typeName);
      }
    }
    if (best?.tier === 'critical') break;
    level = next;
  }
  return best;
}

const AUTH_DIRECTIVE = /auth|role|scope|permission|polic|cognito|oidc|iam|jwt|secure|private|login/i;

function authOf(directives: string[]): AuthEvidence {
  const auth = directives.find((name) => AUTH_DIRECTIVE.test(name) && !/^public$/i.test(name));
  if (auth) {
    const mechanism: AuthMechanism = /jwt/i.test(auth) ? 'jwt' : /cognito|oidc/i.test(auth) ? 'openid' : 'unknown';
    return { state: 'protected', mechanisms: [mechanism], scope: 'route', detail: `@${auth}` };
  }
  if (directives.some((name) => /^aws_api_key$/i.test(name))) return { state: 'protected', mechanisms: ['api-key'], scope: 'route', detail: '@aws_api_key' };
  if (directives.some((name) => /^public$/i.test(name))) return { state: 'public', mechanisms: ['none'], scope: 'route', detail: '@public' };
  return { state: 'unknown', mechanisms: ['unknown'], detail: 'the schema declares no authentication directive; it is enforced (or not) in resolvers' };
}

function namedType(type: TypeNode): string {
  let node = type;
  while (node.kind !== Kind.NAMED_TYPE) node = node.type;
  return node.name.value;
}

function directiveNames(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? []).map((directive) => directive.name.value);
}

function modelFromSdl(document: GraphqlDocument): Model | undefined {
  let ast: DocumentNode;
  try {
    ast = parse(document.text ?? '');
  } catch {
    return undefined;
  }
  const rootNames: Record<Operation, string> = { QUERY: 'Query', MUTATION: 'Mutation', SUBSCRIPTION: 'Subscription' };
  let description: string | undefined;
  for (const definition of ast.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      if (definition.kind === Kind.SCHEMA_DEFINITION && definition.description) description = definition.description.value;
      for (const operationType of definition.operationTypes ?? []) {
        rootNames[operationType.operation.toUpperCase() as Operation] = operationType.type.name.value;
      }
    }
  }
  const types: Model['types'] = new Map();
  const roots: Model['roots'] = (['QUERY', 'MUTATION', 'SUBSCRIPTION'] as const).map((operation) => ({ operation, directives: [], fields: [] }));
  // Line starts computed once: graphql's getLocation rescans the document from its start on every call.
  let starts: Uint32Array | undefined;
  const line = (field: FieldDefinitionNode): number => {
    if (!field.loc) return 1;
    starts ??= lineStarts(field.loc.source.body);
    return positionOf(starts, field.name.loc?.start ?? field.loc.start).line;
  };
  for (const definition of ast.definitions) {
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION
    ) {
      const members = types.get(definition.name.value) ?? [];
      for (const field of definition.fields ?? []) members.push({ name: field.name.value, typeName: namedType(field.type) });
      types.set(definition.name.value, members);
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const root = roots.find((candidate) => rootNames[candidate.operation] === definition.name.value);
    if (!root) continue;
    root.directives.push(...directiveNames(definition.directives));
    for (const field of definition.fields ?? []) {
      const directives = directiveNames(field.directives);
      root.fields.push({
        name: field.name.value,
        line: line(field),
        args: (field.arguments ?? []).map((arg) => argument(arg.name.value, print(arg.type), arg.type.kind === Kind.NON_NULL_TYPE)),
        typeName: namedType(field.type),
        deprecated: directives.includes('deprecated'),
        directives,
      });
    }
  }
  return description === undefined ? { roots, types } : { roots, types, description };
}

function argument(name: string, type: string, required: boolean): Parameter {
  const parameter: Parameter = { name, in: 'body', type };
  if (required) parameter.required = true;
  return parameter;
}

interface IntrospectionTypeRef {
  kind?: unknown;
  name?: unknown;
  ofType?: unknown;
}

function typeRef(value: unknown): { text: string; named: string; required: boolean } {
  // Iterative: a hostile introspection result can wrap a type thousands of levels deep.
  const wrappers: unknown[] = [];
  let ref: IntrospectionTypeRef = isObject(value) ? value : {};
  while (ref.kind === 'NON_NULL' || ref.kind === 'LIST') {
    wrappers.push(ref.kind);
    ref = isObject(ref.ofType) ? ref.ofType : {};
  }
  const name = typeof ref.name === 'string' ? ref.name : '';
  let text = name;
  for (let index = wrappers.length - 1; index >= 0; index--) text = wrappers[index] === 'NON_NULL' ? `${text}!` : `[${text}]`;
  return { text, named: name, required: wrappers[0] === 'NON_NULL' };
}

function modelFromIntrospection(document: GraphqlDocument): Model | undefined {
  const outcome = parseSource(document.file, document.text ?? '');
  if (!('source' in outcome)) return undefined;
  const source = outcome.source;
  const schema = introspectionSchema(source.value);
  if (!schema) return undefined;
  const prefix = isObject(source.value) && isObject(source.value.data) ? ['data', '__schema'] : ['__schema'];
  const rootName = (key: string): string | undefined => {
    const value = schema[key];
    return isObject(value) && typeof value.name === 'string' ? value.name : undefined;
  };
  const rootNames: Record<Operation, string | undefined> = { QUERY: rootName('queryType'), MUTATION: rootName('mutationType'), SUBSCRIPTION: rootName('subscriptionType') };
  const types: Model['types'] = new Map();
  const roots: Model['roots'] = (['QUERY', 'MUTATION', 'SUBSCRIPTION'] as const).map((operation) => ({ operation, directives: [], fields: [] }));
  const list = Array.isArray(schema.types) ? schema.types : [];
  list.forEach((type, typeIndex) => {
    if (!isObject(type) || typeof type.name !== 'string') return;
    const fields = Array.isArray(type.fields) ? type.fields : Array.isArray(type.inputFields) ? type.inputFields : [];
    types.set(
      type.name,
      fields.filter(isObject).map((field) => ({ name: typeof field.name === 'string' ? field.name : '', typeName: typeRef(field.type).named })),
    );
    const root = roots.find((candidate) => rootNames[candidate.operation] === type.name);
    if (!root || !Array.isArray(type.fields)) return;
    type.fields.forEach((field, fieldIndex) => {
      if (!isObject(field) || typeof field.name !== 'string') return;
      const args = Array.isArray(field.args) ? field.args.filter(isObject) : [];
      root.fields.push({
        name: field.name,
        line: source.position([...prefix, 'types', String(typeIndex), 'fields', String(fieldIndex)]).line,
        args: args.map((arg) => {
          const ref = typeRef(arg.type);
          return argument(typeof arg.name === 'string' ? arg.name : '', ref.text, ref.required);
        }),
        typeName: typeRef(field.type).named,
        deprecated: field.isDeprecated === true,
        directives: [],
      });
    });
  });
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  return description === undefined ? { roots, types } : { roots, types, description };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
