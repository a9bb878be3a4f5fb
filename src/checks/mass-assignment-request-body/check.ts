import type { Node } from 'web-tree-sitter';
import { at, bindingsFor, isPython } from '../../analysis/code-auth.js';
import { allowsExtra, findModel, lastSegment, modelDefinitions, PRIVILEGED, type ModelDefinition } from '../../analysis/code-authz.js';
import { type CallSite, enclosingFunction, factsOf, nodesOfType, snippetOf, stringValue } from '../../analysis/code.js';
import { bodySchemaAt } from '../../analysis/validation.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Confidence } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { javaMassAssignments } from './java.js';
import { kotlinMassAssignments, ktorMassAssignments } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { csharpMassAssignments } from './csharp.js';
import { goMassAssignments } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import { phpMassAssignments } from './php.js';
import { rubyMassAssignments } from './ruby.js';
import { parentOf } from '../../parsing/tree-index.js';

const PY_BODY = /^(await\s+)?request\.(json|get_json\(\S*\)|data|POST|form|json\(\))$|^request\.get_json\(.*\)$/;
const JS_BODY = /^(await\s+)?(req|request|ctx\.request|ctx)\.(body|json\(\))$/;
const JS_SINKS = /^(create|update|insert|insertOne|save|upsert|findByIdAndUpdate|findOneAndUpdate|updateOne|updateMany|replaceOne|set|merge|build|bulkCreate|createQueryBuilder)$/;
const PY_SINKS = /^(create|update|get_or_create|update_or_create|bulk_create|insert|values)$/;
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
      if (!/@Body\(\s*\)/.test(parameter.text)) return undefined;
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
  if (py ? PY_BODY.test(written) : JS_BODY.test(written)) return { kind: 'raw', written };
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
  const prisma = /prisma\.(\w+)$/.exec(receiver);
  if (prisma?.[1]) return prisma[1];
  const objects = /^(\w+)\.objects\b/.exec(receiver) ?? /query\(\s*(\w+)/.exec(receiver) ?? /^([A-Z]\w*)$/.exec(receiver);
  if (objects?.[1]) return objects[1];
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
          if (!origin && method === 'update' && first && /\bquery\(|\.filter|objects|__dict__/.test(call.written)) {
            origin = bodyOrigin(ctx, source, first);
            body = first;
          }
          if (origin && body && (constructor || PY_SINKS.test(method))) {
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
        if (!isModelConstructor && (!JS_SINKS.test(method) || !/[.]/.test(call.written) || /^(Object|Reflect|Map|Set|res|reply|ctx|cache|redis|router|app|hash|crypto|map|headers|searchParams|params)\b/.test(call.written))) continue;
        let origin: BodyOrigin | undefined;
        for (const arg of call.args) {
          origin = spreadOrigin(ctx, source, arg) ?? spreadOrigin(ctx, source, prismaData(arg));
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
      if (py) reportSerializers(ctx, source, report);
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
    for (const hit of [...javaMassAssignments(ctx.sources, ctx.inventory.endpoints, ctx.infra), ...kotlinMassAssignments(ctx.sources, ctx.inventory.endpoints, ctx.infra), ...ktorMassAssignments(ctx.sources, ctx.infra)]) {
      const fields = hit.fields.map((name) => `\`${name}\``).join(', ');
      report({ messageId: 'bind', data: { call: hit.call, body: hit.body, model: `\`${hit.model}\``, fields }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
    for (const hit of phpMassAssignments(ctx.sources)) {
      report({ messageId: 'bind', data: { call: hit.call.text.split('\n')[0] ?? '', body: hit.body, model: `\`${hit.model}\``, fields: hit.fields }, ...at(ctx, hit.source, hit.call, hit.call.text.split('\n')[0]) });
    }
  },
});

function prismaData(arg: Node): Node | undefined {
  if (arg.type !== 'object') return undefined;
  for (const child of arg.namedChildren) {
    if (child?.type === 'pair' && /^(data|update|create)$/.test(child.childForFieldName('key')?.text ?? '')) return child.childForFieldName('value') ?? undefined;
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
  return /\b([A-Z]\w*)\b/.exec(bound)?.[1] ?? /prisma\.(\w+)\./.exec(bound)?.[1];
}

type Reporter = Parameters<Parameters<typeof defineCheck<'bind' | 'assign' | 'serializer' | 'extra'>>[0]['run']>[1];

const writtenCache = new WeakMap<CheckContext, Set<string>>();

/**
 * Serializers some view writes through: `serializer_class` on a writable DRF view, or
 * `XSerializer(data=...)`. Computed once per audit. Text patterns, because the views that use a
 * serializer can live in any file and only their names matter here.
 */
function writtenSerializers(ctx: CheckContext): Set<string> {
  let written = writtenCache.get(ctx);
  if (written) return written;
  written = new Set<string>();
  for (const other of ctx.sources) {
    if (!isPython(other)) continue;
    for (const match of other.text.matchAll(/serializer_class\s*=\s*(\w+)/g)) {
      const view = other.text.slice(Math.max(0, other.text.lastIndexOf('class ', match.index)), match.index);
      if (/ModelViewSet|CreateAPIView|UpdateAPIView|ListCreateAPIView|RetrieveUpdate\w*APIView|CreateModelMixin|UpdateModelMixin/.test(view) && match[1]) written.add(match[1]);
    }
    for (const match of other.text.matchAll(/\b(\w+Serializer)\(\s*(?:\w+\s*,\s*)?data\s*=/g)) if (match[1]) written.add(match[1]);
  }
  writtenCache.set(ctx, written);
  return written;
}

/** DRF `ModelSerializer` with `fields = "__all__"` (or an `exclude` denylist) used for writes. */
function reportSerializers(ctx: CheckContext, source: SourceFile, report: Reporter): void {
  const written = writtenSerializers(ctx);
  if (!source.text.includes('ModelSerializer')) return;
  for (const cls of nodesOfType(source, 'class_definition')) {
    const name = cls.childForFieldName('name')?.text;
    if (!name || !written.has(name) || !/ModelSerializer/.test(cls.childForFieldName('superclasses')?.text ?? '')) continue;
    const meta = cls.childForFieldName('body')?.namedChildren.find((child) => child?.type === 'class_definition' && child.childForFieldName('name')?.text === 'Meta');
    const body = meta?.childForFieldName('body');
    if (!body) continue;
    const statements = body.namedChildren.filter((child): child is Node => child !== null);
    const setting = statements.find((child) => /^(fields\s*=\s*["']__all__["']|exclude\s*=)/.test(child.text));
    if (!setting) continue;
    const modelName = /model\s*=\s*(\w+)/.exec(body.text)?.[1];
    const readOnly = /read_only_fields\s*=\s*[([]([^)\]]*)/.exec(body.text)?.[1] ?? '';
    const excluded = /exclude\s*=\s*[([]([^)\]]*)/.exec(body.text)?.[1] ?? '';
    const model = findModel(ctx, modelName);
    const privileged = model?.fields.filter((field) => PRIVILEGED.test(field) && !readOnly.includes(`"${field}"`) && !readOnly.includes(`'${field}'`) && !excluded.includes(`"${field}"`) && !excluded.includes(`'${field}'`));
    if (model && privileged?.length === 0) continue;
    report({
      messageId: 'serializer',
      data: {
        serializer: name,
        setting: snippetOf(setting, 60),
        model: modelName ?? 'the model',
        fields: privileged ? privileged.map((field) => `\`${field}\``).join(', ') : 'privileged fields such as `role` or `owner` (the model is not visible here)',
      },
      ...at(ctx, source, setting),
      confidence: model ? 'high' : 'medium',
    });
  }
}
