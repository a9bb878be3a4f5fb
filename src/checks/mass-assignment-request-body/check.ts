import type { Node } from 'web-tree-sitter';
import { at, bindingsFor, isPython } from '../../analysis/code-auth.js';
import { allowsExtra, findModel, lastSegment, modelDefinitions, PRIVILEGED, type ModelDefinition } from '../../analysis/code-authz.js';
import { type CallSite, enclosingFunction, factsOf, snippetOf, stringValue } from '../../analysis/code.js';
import { bodySchemaAt } from '../../analysis/validation.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Confidence } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { javaMassAssignments } from './java.js';
import { callMassAssignments, kotlinMassAssignments } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { csharpMassAssignments } from './csharp.js';
import { goMassAssignments } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import { phpMassAssignments } from './php.js';
import { rubyMassAssignments } from './ruby.js';
import { parentOf } from '../../parsing/tree-index.js';
import { dataAccessProviders, requestSourceProviders, serializerProviders } from '../../collectors/code/plugins.js';
import type { Family } from '../../analysis/transport/model.js';

/** The generic request body of a JS handler (`req.body`, the Fetch API's `await request.json()`); the frameworks' own in their `request` sections. */
const JS_BODY = String.raw`(await\s+)?(req|request)\.(body|json\(\))`;
/** Writes every data library has (`Model.create(body)`, `.update(body)`, `.insert(body)`); the libraries' own in their `dataAccess` sections. */
const GENERIC_WRITES = ['create', 'update', 'insert'];

interface Catalogue {
  /** Expressions that are the whole request body, by language family. */
  body: Record<Family, RegExp>;
  /** Methods that write every key of an object argument into a record, by language family. */
  sinks: Record<Family, Set<string>>;
  dataKeys: Set<string>;
  modelReceivers: RegExp[];
  modelAccessors: RegExp[];
  /** A Python call chain that queries stored records, whose `update(values)` writes every key. */
  query: RegExp;
  /** A JS parameter decorator that binds the whole request body (the frameworks' `request.parameters.bodyDecorators`: Nest's `@Body()`). */
  bodyParameter: RegExp;
}

let catalogue: Catalogue | undefined;

/** The frameworks' request bodies and the data libraries' writes, joined once. */
function known(): Catalogue {
  if (catalogue) return catalogue;
  const bodies = (family: Family, generic: string[]): RegExp => {
    const sources = [...generic, ...requestSourceProviders().flatMap((provider) => (provider.family === family ? (provider.bodies ?? []) : []))];
    return new RegExp(`^(?:${sources.join('|')})$`);
  };
  const data = dataAccessProviders();
  const sinks = (family: Family): Set<string> => new Set([...GENERIC_WRITES, ...data.flatMap((provider) => provider.fieldWrites?.[family] ?? [])]);
  catalogue = {
    body: { python: bodies('python', []), js: bodies('js', [JS_BODY]) },
    sinks: { python: sinks('python'), js: sinks('js') },
    dataKeys: new Set(data.flatMap((provider) => provider.dataKeys ?? [])),
    modelReceivers: data.flatMap((provider) => provider.modelReceivers ?? []),
    modelAccessors: data.flatMap((provider) => provider.modelAccessors ?? []),
    query: new RegExp([...data.flatMap((provider) => provider.queries ?? []), '__dict__'].join('|')),
    bodyParameter: bodyDecorators(),
  };
  return catalogue;
}

/** The JS frameworks' parameter decorators that bind the whole body when written without arguments, as one pattern tested on a parameter's text. */
function bodyDecorators(): RegExp {
  const names = requestSourceProviders().flatMap((provider) => (provider.family === 'js' ? (provider.parameters?.bodyDecorators ?? []) : []));
  return names.length > 0 ? new RegExp(String.raw`@(?:${names.join('|')})\(\s*\)`) : /(?!)/;
}

const NOT_MODELS = /^(Error|Date|Map|Set|URL|Response|NextResponse|Request|Headers|HTTPException|JSONResponse|Promise|Buffer|RegExp|URLSearchParams|FormData|Blob|Object|Array|String|Number|Boolean|dict|list|set|tuple|Decimal)$/;

interface BodyOrigin {
  /** Raw request body, or a schema instance whose class lets privileged fields through. */
  kind: 'raw' | 'schema';
  schema?: ModelDefinition;
  written: string;
}

function parameterType(fn: Node | undefined, name: string): string | undefined {
  if (!fn) return undefined;
  const parameters = fn.childForFieldName('parameters');
  for (const parameter of parameters?.namedChildren ?? []) {
    if (!parameter) continue;
    const id = parameter.namedChildren[0];
    if ((parameter.type === 'typed_parameter' || parameter.type === 'typed_default_parameter') && id?.text === name) return parameter.childForFieldName('type')?.text ?? '';
    if ((parameter.type === 'required_parameter' || parameter.type === 'optional_parameter') && parameter.childForFieldName('pattern')?.text === name) {
      if (!known().bodyParameter.test(parameter.text)) return undefined;
      return parameter.childForFieldName('type')?.text.replace(/^:\s*/, '') ?? 'any';
    }
  }
  return undefined;
}

/** Where an expression's value comes from the request body, unfiltered. */
function bodyOrigin(ctx: CheckContext, source: SourceFile, node: Node | null | undefined, depth = 0): BodyOrigin | undefined {
  if (!node || depth > 4) return undefined;
  const py = isPython(source);
  const written = node.text.replace(/\s+/g, ' ');
  if (node.type === 'parenthesized_expression' || node.type === 'await' || node.type === 'await_expression') {
    const inner = bodyOrigin(ctx, source, node.namedChildren[0], depth + 1);
    return inner && { ...inner, written };
  }
  if (known().body[py ? 'python' : 'js'].test(written)) return { kind: 'raw', written };
  if (node.type === 'object') {
    for (const child of node.namedChildren) {
      const origin = child?.type === 'spread_element' ? bodyOrigin(ctx, source, child.namedChildren[0], depth + 1) : undefined;
      if (origin) return origin;
    }
    return undefined;
  }
  if (py && (node.type === 'call' || node.type === 'attribute')) {
    // `payload.dict()` / `payload.model_dump(exclude_unset=True)` of a schema that lets privileged fields in.
    const match = /^(\w+)\.(dict|model_dump)\(/.exec(written);
    if (match?.[1]) {
      const type = parameterType(enclosingFunction(node), match[1]);
      const schema = type ? modelDefinitions(ctx).get(type.replace(/^Annotated\[(\w+).*$/, '$1')) : undefined;
      if (type && /^(dict|Dict\b|dict\[)/.test(type)) return { kind: 'raw', written };
      if (schema && (allowsExtra(schema) || schema.fields.some((field) => PRIVILEGED.test(field)))) return { kind: 'schema', schema, written };
    }
    return undefined;
  }
  if (node.type === 'identifier') {
    const fn = enclosingFunction(node);
    const type = parameterType(fn, node.text);
    if (type !== undefined) {
      if (py && /^(dict|Dict\b|dict\[|Any$)/.test(type)) return { kind: 'raw', written };
      if (!py && /^(any|Record<|\{\s*\[|object|unknown)/.test(type || 'any')) return { kind: 'raw', written };
      const schema = modelDefinitions(ctx).get(type);
      if (py && schema && allowsExtra(schema)) return { kind: 'schema', schema, written };
      return undefined;
    }
    const bindings = bindingsFor(source, node).filter((binding) => binding.statement.startIndex < node.startIndex);
    const last = bindings.at(-1);
    return last ? bodyOrigin(ctx, source, last.value, depth + 1) : undefined;
  }
  return undefined;
}

/** A JS object literal spreading the body: `{ ...req.body, ownerId }`. */
function spreadOrigin(ctx: CheckContext, source: SourceFile, node: Node | undefined): BodyOrigin | undefined {
  if (node?.type !== 'object') return bodyOrigin(ctx, source, node);
  for (const child of node.namedChildren) {
    if (child?.type === 'spread_element') {
      const origin = bodyOrigin(ctx, source, child.namedChildren[0]);
      if (origin) return origin;
    }
  }
  return undefined;
}

function modelName(call: CallSite): string | undefined {
  const fn = call.node.childForFieldName(call.isNew ? 'constructor' : 'function');
  if (fn?.type === 'identifier') return fn.text;
  const receiver = fn?.childForFieldName('object')?.text ?? '';
  for (const pattern of known().modelReceivers) {
    const model = pattern.exec(receiver)?.[1];
    if (model) return model;
  }
  const capitalised = /^([A-Z]\w*)$/.exec(receiver)?.[1];
  if (capitalised) return capitalised;
  const table = stringValue(call.args[0]);
  return table && /^\w+$/.test(table) ? table : undefined;
}

export default defineCheck({
  id: 'mass-assignment-request-body',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request body bound straight to a model',
  owasp: 'API3:2023',
  cwe: ['CWE-915'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  specCounterparts: ['mass-assignment-unknown-fields'],
  rationale:
    'Copying every field of the request body into a record lets the client set fields it must never control: `{"role": "admin"}`, `{"balance": 1e6}` or `{"owner_id": 7}` ride along with the name change.',
  remediation:
    'Bind only the fields the client may change: a Pydantic input model without privileged fields and `model_config = ConfigDict(extra="forbid")`, then `Model(**body.model_dump(exclude_unset=True))`; a DRF serializer with an explicit `fields = ["name", "email"]` and `read_only_fields = ["role", "owner"]`; in JS pick the fields (`const { name, email } = req.body`, `_.pick(req.body, ["name", "email"])`, a Zod schema `.parse(req.body)`) and pass `prisma.user.update({ where: { id }, data: { name, email } })`; in Laravel `Model::create($request->validated())` with a form request, or `$request->only([...])`, and `$fillable` without role or owner columns; in Rails `params.require(:user).permit(:name, :email)` without `role`/`admin`/owner keys (set those in a separate, authorised action), never `permit!` or `to_unsafe_h`.',
  messages: {
    bind: '`{{call}}` writes `{{body}}` into {{model}} unfiltered, so the client can set {{fields}}.',
    assign: '`{{call}}` copies every key of `{{body}}` onto `{{target}}`, so the client can set {{fields}}.',
    serializer: '`{{serializer}}` exposes `{{setting}}` of `{{model}}` for writes, so the client can set {{fields}}.',
    extra: '`{{call}}` writes `{{body}}` from `{{schema}}`, which accepts unknown fields (`extra="allow"`), into {{model}}.',
    permitAll: '`{{call}}` allows every request parameter, so the client can set any attribute of the record (role, owner, flags).',
    permitted: '`{{call}}` lets the client set {{fields}}.',
    unfiltered: '`{{call}}` writes `{{body}}` into the record without strong parameters, so the client can set any attribute.',
  },
  run(ctx, report) {
    const privilegedOf = (name: string | undefined, origin?: BodyOrigin): { fields: string; confidence: Confidence } | undefined => {
      const model = findModel(ctx, name);
      const fromSchema = origin?.schema?.fields.filter((field) => PRIVILEGED.test(field)) ?? [];
      if (fromSchema.length > 0) return { fields: fromSchema.map((field) => `\`${field}\``).join(', '), confidence: 'high' };
      if (!model) return { fields: 'privileged fields such as `role` or `owner_id` (the model is not visible here)', confidence: 'medium' };
      const privileged = model.fields.filter((field) => PRIVILEGED.test(field));
      if (privileged.length === 0 && !(origin?.schema && allowsExtra(origin.schema))) return undefined;
      return { fields: privileged.length > 0 ? privileged.map((field) => `\`${field}\``).join(', ') : 'any column of the model', confidence: 'high' };
    };
    /**
     * A Fastify route whose body schema keeps unlisted fields out: nothing to report unless the schema
     * itself lets a privileged field through.
     */
    const validated = (source: SourceFile, node: Node, origin: BodyOrigin): { fields: string; confidence: Confidence } | 'constrained' | undefined => {
      if (origin.kind !== 'raw') return undefined;
      const schema = bodySchemaAt(ctx, source, node);
      if (!schema) return undefined;
      const privileged = schema.fields.filter((field) => PRIVILEGED.test(field));
      return privileged.length > 0 ? { fields: privileged.map((field) => `\`${field}\``).join(', '), confidence: 'high' } : 'constrained';
    };
    for (const source of ctx.sources) {
      const py = isPython(source);
      for (const call of factsOf(source).calls) {
        const method = lastSegment(call.callee);
        if (py) {
          const splats = call.node.childForFieldName('arguments')?.namedChildren.filter((arg) => arg?.type === 'dictionary_splat') ?? [];
          const first = call.args[0];
          let origin: BodyOrigin | undefined;
          let body: Node | undefined;
          for (const splat of splats) {
            origin = bodyOrigin(ctx, source, splat?.namedChildren[0]);
            if (origin) {
              body = splat ?? undefined;
              break;
            }
          }
          const constructor = /^[A-Z]\w*$/.test(lastSegment(call.written)) && !NOT_MODELS.test(lastSegment(call.written));
          if (!origin && method === 'update' && first && known().query.test(call.written)) {
            origin = bodyOrigin(ctx, source, first);
            body = first;
          }
          if (origin && body && (constructor || known().sinks.python.has(method))) {
            const name = constructor ? lastSegment(call.written) : modelName(call);
            if (origin.schema && allowsExtra(origin.schema)) {
              report({ messageId: 'extra', data: { call: `${call.written}(…)`, body: origin.written, schema: origin.schema.name, model: name ? `\`${name}\`` : 'the record' }, ...at(ctx, source, call.node), confidence: 'high' });
              continue;
            }
            const privileged = privilegedOf(name, origin);
            if (!privileged) continue;
            report({ messageId: 'bind', data: { call: `${call.written}(…)`, body: origin.written, model: name ? `\`${name}\`` : 'the record', fields: privileged.fields }, ...at(ctx, source, call.node), confidence: privileged.confidence });
          } else if (call.written === 'setattr' && call.args[1]?.type === 'identifier') {
            const loop = ancestor(call.node, 'for_statement');
            const iterable = loop?.childForFieldName('right');
            const items = iterable?.type === 'call' ? iterable.childForFieldName('function')?.childForFieldName('object') : undefined;
            const loopOrigin = bodyOrigin(ctx, source, items);
            if (!loop || !loopOrigin || !loop.childForFieldName('left')?.text.includes(call.args[1].text)) continue;
            const target = call.args[0]?.text ?? 'the record';
            const privileged = privilegedOf(modelOfVariable(source, call.args[0]), loopOrigin);
            if (!privileged) continue;
            report({ messageId: 'assign', data: { call: snippetOf(call.node, 60), body: loopOrigin.written, target, fields: privileged.fields }, ...at(ctx, source, call.node), confidence: privileged.confidence });
          }
          continue;
        }
        if (call.callee === 'Object.assign' && call.args[0] && call.args[0].type !== 'object') {
          const origin = call.args.slice(1).map((arg) => spreadOrigin(ctx, source, arg)).find((found) => found !== undefined);
          if (!origin) continue;
          const schema = validated(source, call.node, origin);
          if (schema === 'constrained') continue;
          const privileged = schema ?? privilegedOf(modelOfVariable(source, call.args[0]), origin);
          if (!privileged) continue;
          report({ messageId: 'assign', data: { call: 'Object.assign(…)', body: origin.written, target: call.args[0].text, fields: privileged.fields }, ...at(ctx, source, call.node), confidence: privileged.confidence });
          continue;
        }
        const isModelConstructor = call.isNew && /^[A-Z]\w*$/.test(call.written) && !NOT_MODELS.test(call.written) && findModel(ctx, call.written) !== undefined;
        if (!isModelConstructor && (!known().sinks.js.has(method) || !/[.]/.test(call.written) || /^(Object|Reflect|Map|Set|res|reply|ctx|cache|redis|router|app|hash|crypto|map|headers|searchParams|params)\b/.test(call.written))) continue;
        let origin: BodyOrigin | undefined;
        for (const arg of call.args) {
          origin = spreadOrigin(ctx, source, arg) ?? spreadOrigin(ctx, source, writtenData(arg));
          if (origin) break;
        }
        if (!origin) continue;
        const schema = validated(source, call.node, origin);
        if (schema === 'constrained') continue;
        const name = isModelConstructor ? call.written : modelName(call);
        const privileged = schema ?? privilegedOf(name, origin);
        if (!privileged) continue;
        report({ messageId: 'bind', data: { call: `${call.written}(…)`, body: origin.written, model: name ? `\`${name}\`` : 'the record', fields: privileged.fields }, ...at(ctx, source, call.node), confidence: privileged.confidence });
      }
      for (const provider of serializerProviders()) {
        for (const found of provider.writable?.(ctx, source) ?? []) {
          if ('node' in found) report({ messageId: found.messageId as 'serializer', ...(found.data ? { data: found.data } : {}), ...at(ctx, found.source, found.node), confidence: found.confidence });
        }
      }
    }
    for (const hit of rubyMassAssignments(ctx.sources)) {
      const call = hit.node.text.split('\n')[0] ?? '';
      report({ messageId: hit.kind, data: { call: call.length > 80 ? `${call.slice(0, 79)}…` : call, fields: hit.fields ?? '', body: hit.body ?? '' }, ...at(ctx, hit.source, hit.node, call) });
    }
    for (const hit of goMassAssignments(ctx.sources)) {
      const fields = hit.fields.map((name) => `\`${name}\``).join(', ');
      report({ messageId: 'bind', data: { call: hit.call.text.split('\n')[0] ?? '', body: hit.body, model: `\`${hit.model}\``, fields }, ...goSite(ctx, hit.source, hit.call) });
    }
    const handlers = ctx.inventory.endpoints.flatMap((endpoint) => (endpoint.handler ? [endpoint.handler] : []));
    for (const hit of csharpMassAssignments(ctx.sources, handlers)) {
      const fields = hit.fields.map((name) => `\`${name}\``).join(', ');
      report({ messageId: 'bind', data: { call: hit.node.text.split('\n')[0] ?? '', body: hit.body, model: `\`${hit.model}\``, fields }, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
    for (const hit of [...javaMassAssignments(ctx.sources, ctx.inventory.endpoints, ctx.infra), ...kotlinMassAssignments(ctx.sources, ctx.inventory.endpoints, ctx.infra), ...callMassAssignments(ctx.sources, ctx.infra)]) {
      const fields = hit.fields.map((name) => `\`${name}\``).join(', ');
      report({ messageId: 'bind', data: { call: hit.call, body: hit.body, model: `\`${hit.model}\``, fields }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
    for (const hit of phpMassAssignments(ctx.sources)) {
      report({ messageId: 'bind', data: { call: hit.call.text.split('\n')[0] ?? '', body: hit.body, model: `\`${hit.model}\``, fields: hit.fields }, ...at(ctx, hit.source, hit.call, hit.call.text.split('\n')[0]) });
    }
  },
});

/** The object a data library's write takes its fields from: Prisma's `{ where, data: {...} }`. */
function writtenData(arg: Node): Node | undefined {
  if (arg.type !== 'object') return undefined;
  for (const child of arg.namedChildren) {
    if (child?.type === 'pair' && known().dataKeys.has(child.childForFieldName('key')?.text ?? '')) return child.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

function ancestor(node: Node, type: string): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) if (current.type === type) return current;
  return undefined;
}

/** `user = User.query.get(id)` / `const user = await User.findById(id)` → `User`. */
function modelOfVariable(source: SourceFile, node: Node | undefined): string | undefined {
  if (node?.type !== 'identifier') return undefined;
  const bound = bindingsFor(source, node).at(-1)?.value.text ?? '';
  const capitalised = /\b([A-Z]\w*)\b/.exec(bound)?.[1];
  if (capitalised) return capitalised;
  for (const pattern of known().modelAccessors) {
    const model = pattern.exec(bound)?.[1];
    if (model) return model;
  }
  return undefined;
}
