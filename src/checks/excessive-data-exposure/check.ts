import type { Node } from 'web-tree-sitter';
import { at, bindingsFor, isPython } from '../../analysis/code-auth.js';
import { findModel, lastSegment, SENSITIVE } from '../../analysis/code-authz.js';
import { dataAccessProviders, jvmEntityAnnotations, serializerProviders } from '../../collectors/code/plugins.js';
import { type CallSite, enclosingFunction, callSiteAt, factsOf, nodesOfType, snippetOf } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Confidence } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { javaExposures } from './java.js';
import { callExposures, kotlinExposures } from './kotlin.js';
import { goExposures } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { JvmProgram } from '../../collectors/code/jvm/values.js';
import { jvmFiles } from '../../collectors/code/jvm/ast.js';
import { parentOf } from '../../parsing/tree-index.js';

const USER_LIKE = /^(users?|accounts?|customers?|members?|admins?|employees?|profiles?|patients?|AppUser|AuthUser)$/i;
const JS_SENDERS = /^(res|response|reply)\.(json|send)$|^(NextResponse|Response)\.json$|^c\.json$/;

interface Catalogue {
  /** Methods that load one whole record. */
  loaders: Set<string>;
  /** A loading call that picks its fields. */
  projected: RegExp;
  /** The model a loading call's text names, in the order tried. */
  models: RegExp[];
}

let catalogue: Catalogue | undefined;

/** The data-access libraries' and ORMs' loaders (their `dataAccess` sections) joined with the generic ones, once. */
function known(): Catalogue {
  if (catalogue) return catalogue;
  const providers = dataAccessProviders();
  const all = (key: 'loaders' | 'projections' | 'modelArguments' | 'modelLoaders' | 'managers'): string[] => providers.flatMap((provider) => provider[key] ?? []);
  catalogue = {
    loaders: new Set(['get', 'first', 'one', 'findOne', ...all('loaders')]),
    projected: new RegExp([String.raw`\.select\(`, ...all('projections')].join('|')),
    models: [
      new RegExp(String.raw`\b(?:${[...all('modelArguments'), 'get', ...all('modelLoaders')].join('|')})\(\s*([A-Z]\w*)`),
      ...providers.flatMap((provider) => provider.modelAccessors ?? []),
      new RegExp(String.raw`\b([A-Z]\w*)\.(?:${[...all('managers'), String.raw`find\w*`, String.raw`get\w*`].join('|')})\b`),
      ...providers.flatMap((provider) => provider.recordModels ?? []),
      /\b(\w+)(?:Repository|Repo|_repo)\.(?:find\w*|get\w*)/i,
    ],
  };
  return catalogue;
}

interface Exposure {
  model: string;
  fields: string;
  confidence: Confidence;
}

/** A whole record of a model with secrets (or a user-like model) that `node` evaluates to, if it came from a loader. */
function loadedRecord(ctx: CheckContext, source: SourceFile, node: Node | undefined, depth = 0): Exposure | undefined {
  if (!node || depth > 3) return undefined;
  if (node.type === 'await' || node.type === 'await_expression' || node.type === 'parenthesized_expression') return loadedRecord(ctx, source, node.namedChildren[0] ?? undefined, depth + 1);
  if (node.type === 'identifier') {
    const binding = bindingsFor(source, node).filter((candidate) => candidate.statement.startIndex < node.startIndex).at(-1);
    return binding ? loadedRecord(ctx, source, binding.value, depth + 1) : undefined;
  }
  if (node.type === 'subscript' || node.type === 'subscript_expression') return undefined;
  if (node.type !== 'call' && node.type !== 'call_expression') return undefined;
  const call = callSiteAt(source, node);
  if (!call || !known().loaders.has(lastSegment(call.callee)) || known().projected.test(node.text)) return undefined;
  if (/\b(request|req|os\.environ|headers|params|kwargs|cache|redis|dict|session\[)\b/.test(call.written.split('.').slice(0, -1).join('.')) && !/db\.session/.test(call.written)) return undefined;
  const name = recordModel(call);
  return name ? exposureOf(ctx, name) : undefined;
}

/** The model a loading call reads: `select(Post)`, `prisma.post.…`, `Post.objects.…`, `getRepository(Post)`, `postRepository.find…`. */
function recordModel(call: CallSite): string | undefined {
  const text = call.node.text;
  for (const pattern of known().models) {
    const model = pattern.exec(text)?.[1];
    if (model) return model;
  }
  return undefined;
}

function exposureOf(ctx: CheckContext, name: string): Exposure | undefined {
  const model = findModel(ctx, name);
  if (model) {
    const hidden = (field: string): boolean => new RegExp(`${field}\\s*[:=][^\\n]*(select\\s*:\\s*false|exclude=True|write_only|load_only)`).test(model.node.text) || /toJSON|exclude\s*:\s*\[|defaultScope/.test(model.node.text);
    const secrets = model.fields.filter((field) => SENSITIVE.test(field) && !hidden(field));
    if (secrets.length === 0) return undefined;
    return { model: model.name, fields: secrets.map((field) => `\`${field}\``).join(', '), confidence: 'high' };
  }
  if (!USER_LIKE.test(name)) return undefined;
  return { model: name.charAt(0).toUpperCase() + name.slice(1), fields: 'its password hash and internal fields', confidence: 'medium' };
}

function pyRouteDecorator(fn: Node | undefined): Node | undefined {
  const decorated = parentOf(fn)?.type === 'decorated_definition' ? parentOf(fn) : undefined;
  return decorated?.namedChildren.find((child) => child?.type === 'decorator' && /\.(get|post|put|patch|delete|api_route)\(/.test(child.text)) ?? undefined;
}

export default defineCheck({
  id: 'excessive-data-exposure',
  title: 'Whole record returned to the client',
  owasp: 'API3:2023',
  cwe: ['CWE-213', 'CWE-200'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  specCounterparts: ['sensitive-data-in-response'],
  rationale:
    'Returning an ORM record as is sends every column, present and future: password hashes, reset tokens, internal flags. The client is trusted to hide them, and an attacker reads the raw response.',
  remediation:
    'Return an explicit response shape: Go a response struct copied from the model (`UserResponse{ID: u.ID, Name: u.Name}`) or `json:"-"` on the credential field; Spring a DTO or record (`record UserResponse(Long id, String name, String email)`) mapped from the entity, or `@JsonProperty(access = Access.WRITE_ONLY)` / `@JsonIgnore` on the credential field; FastAPI `@router.get(..., response_model=UserOut)` with a Pydantic `UserOut` listing the public fields; DRF a serializer with `fields = ["id", "name", "email"]`; Flask `jsonify(id=user.id, name=user.name)` or a marshmallow schema; Node a mapper (`res.json({ id: user.id, name: user.name })`), a Prisma `select`, Mongoose `select: false` on secret fields or `.select("-password")`, Sequelize `attributes`.',
  messages: {
    dict: '`{{expression}}` returns every attribute of the record, internal state included.',
    record: '`{{call}}` returns the whole `{{model}}` record, including {{fields}}.',
    noResponseModel: '`{{handler}}` returns the `{{model}}` ORM object with no `response_model`, so {{fields}} reach the client.',
    serializer: '`{{serializer}}` serializes `{{setting}}` of `{{model}}`, including {{fields}}.',
    entity: '`{{handler}}` returns the `{{model}}` entity itself, so Jackson serializes {{fields}} to the client.',
    storedDocument: '`{{call}}` sends the stored `{{model}}` document as is, so the serializer writes {{fields}} to the client.',
    goModel: '`{{call}}` in `{{handler}}` sends the persisted `{{model}}` struct as is, so encoding/json serializes {{fields}} to the client.',
  },
  run(ctx, report) {
    // The frameworks' and data-access libraries' persisted classes (the plugins' `jvmEntities`: `@Entity`, `@Document`, `@TableName`).
    const entities = new RegExp(`@(${jvmEntityAnnotations().join('|')})\\b`);
    if (ctx.sources.some((source) => source.language === 'java' && entities.test(source.text))) {
      for (const hit of javaExposures(new JvmProgram(jvmFiles(ctx.sources)))) {
        report({ messageId: 'entity', data: { handler: hit.handler, model: hit.model, fields: hit.fields.map((name) => `\`${name}\``).join(', ') }, ...jvmAt(ctx, hit.source, hit.node, (hit.source.text.split('\n')[hit.node.startPosition.row] ?? hit.node.text).trim()) });
      }
    }
    if (ctx.sources.some((source) => source.language === 'kotlin' && entities.test(source.text))) {
      for (const hit of kotlinExposures(new JvmProgram(jvmFiles(ctx.sources)))) {
        report({ messageId: 'entity', data: { handler: hit.handler, model: hit.model, fields: hit.fields.map((name) => `\`${name}\``).join(', ') }, ...jvmAt(ctx, hit.source, hit.node, (hit.source.text.split('\n')[hit.node.startPosition.row] ?? hit.node.text).trim()) });
      }
    }
    for (const hit of callExposures(ctx.sources)) {
      report({ messageId: 'storedDocument', data: { call: hit.call, model: hit.model, fields: hit.fields.map((name) => `\`${name}\``).join(', ') }, ...jvmAt(ctx, hit.source, hit.node, hit.call) });
    }
    for (const hit of goExposures(ctx.sources)) {
      report({ messageId: 'goModel', data: { call: snippetOf(hit.call, 60), handler: hit.handler, model: hit.model, fields: hit.fields.map((name) => `\`${name}\``).join(', ') }, ...goSite(ctx, hit.source, hit.call), confidence: 'high' });
    }
    for (const source of ctx.sources) {
      const py = isPython(source);
      // `obj.__dict__` is looked for in the files that write it.
      if (py && source.text.includes('__dict__')) {
        for (const attribute of nodesOfType(source, 'attribute')) {
          if (attribute.childForFieldName('attribute')?.text !== '__dict__') continue;
          const parent = parentOf(attribute);
          const returned = parent?.type === 'return_statement' || (parent?.type === 'argument_list' && /^(jsonify|JSONResponse|Response|JsonResponse|make_response)\(/.test(parentOf(parent)?.text ?? ''));
          if (returned && enclosingFunction(attribute)) report({ messageId: 'dict', data: { expression: attribute.text }, ...at(ctx, source, attribute) });
        }
      }
      for (const call of factsOf(source).calls) {
        const method = lastSegment(call.callee);
        if (py && /^(jsonify|JSONResponse|JsonResponse|Response)$/.test(method)) {
          const arg = call.args[0];
          const inner = arg?.type === 'call' && /\.(to_dict|as_dict|dict|serialize)$/.test(arg.childForFieldName('function')?.text ?? '') ? arg.childForFieldName('function')?.childForFieldName('object') : arg;
          const exposure = loadedRecord(ctx, source, inner ?? undefined);
          if (exposure) report({ messageId: 'record', data: { call: snippetOf(call.node, 60), model: exposure.model, fields: exposure.fields }, ...at(ctx, source, call.node), confidence: exposure.confidence });
        } else if (!py && JS_SENDERS.test(call.written)) {
          const arg = call.args[0];
          const inner = arg?.type === 'call_expression' && /\.(toJSON|toObject|get)$/.test(arg.childForFieldName('function')?.text ?? '') ? arg.childForFieldName('function')?.childForFieldName('object') : arg;
          const exposure = loadedRecord(ctx, source, inner ?? undefined);
          if (exposure) report({ messageId: 'record', data: { call: snippetOf(call.node, 60), model: exposure.model, fields: exposure.fields }, ...at(ctx, source, call.node), confidence: exposure.confidence });
        }
      }
      // A function's route decorator, looked up once per function rather than once per return.
      const routeDecorators = new Map<number, Node | undefined>();
      for (const statement of nodesOfType(source, 'return_statement')) {
        const value = statement.namedChildren[0];
        if (!value) continue;
        const fn = enclosingFunction(statement);
        if (py) {
          if (fn && !routeDecorators.has(fn.id)) routeDecorators.set(fn.id, pyRouteDecorator(fn));
          const decorator = fn ? routeDecorators.get(fn.id) : undefined;
          if (!fn || !decorator || /response_model\s*=/.test(decorator.text) || fn.childForFieldName('return_type')) continue;
          const exposure = loadedRecord(ctx, source, value);
          if (exposure) report({ messageId: 'noResponseModel', data: { handler: fn.childForFieldName('name')?.text ?? 'handler', model: exposure.model, fields: exposure.fields }, ...at(ctx, source, statement), confidence: exposure.confidence });
        } else if (fn?.type === 'method_definition' && fn.previousNamedSibling?.type === 'decorator' && /^@(Get|Post|Put|Patch|Delete)\(/.test(fn.previousNamedSibling.text)) {
          const exposure = loadedRecord(ctx, source, value);
          if (exposure) report({ messageId: 'record', data: { call: snippetOf(statement, 60), model: exposure.model, fields: exposure.fields }, ...at(ctx, source, statement), confidence: exposure.confidence });
        }
      }
      if (!py) {
        for (const assignment of nodesOfType(source, 'assignment_expression')) {
          if (assignment.childForFieldName('left')?.text !== 'ctx.body') continue;
          const exposure = loadedRecord(ctx, source, assignment.childForFieldName('right') ?? undefined);
          if (exposure) report({ messageId: 'record', data: { call: snippetOf(assignment, 60), model: exposure.model, fields: exposure.fields }, ...at(ctx, source, assignment), confidence: exposure.confidence });
        }
      }
      for (const provider of serializerProviders()) {
        for (const found of provider.exposing?.(ctx, source) ?? []) {
          if ('node' in found) report({ messageId: found.messageId as 'serializer', ...(found.data ? { data: found.data } : {}), ...at(ctx, found.source, found.node), confidence: found.confidence });
        }
      }
    }
  },
});
