import type { Node } from 'web-tree-sitter';
import { isPython } from '../../../analysis/code-auth.js';
import { findModel, PRIVILEGED, SENSITIVE } from '../../../analysis/code-authz.js';
import { nodesOfType, snippetOf } from '../../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { Confidence } from '../../../model/types.js';
import type { FrameworkFinding, SerializerProvider } from '../plugin.js';

type Found = FrameworkFinding & { confidence: Confidence };

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
    // The patterns are only run over the files that write their fixed part.
    for (const match of other.text.includes('serializer_class') ? other.text.matchAll(/serializer_class\s*=\s*(\w+)/g) : []) {
      const view = other.text.slice(Math.max(0, other.text.lastIndexOf('class ', match.index)), match.index);
      if (/ModelViewSet|CreateAPIView|UpdateAPIView|ListCreateAPIView|RetrieveUpdate\w*APIView|CreateModelMixin|UpdateModelMixin/.test(view) && match[1]) written.add(match[1]);
    }
    if (!other.text.includes('Serializer(')) continue;
    for (const match of other.text.matchAll(/\b(\w+Serializer)\(\s*(?:\w+\s*,\s*)?data\s*=/g)) if (match[1]) written.add(match[1]);
  }
  writtenCache.set(ctx, written);
  return written;
}

/** DRF `ModelSerializer` with `fields = "__all__"` (or an `exclude` denylist) used for writes. */
function writable(ctx: CheckContext, source: SourceFile): Found[] {
  if (!isPython(source)) return [];
  const written = writtenSerializers(ctx);
  if (!source.text.includes('ModelSerializer')) return [];
  const out: Found[] = [];
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
    out.push({
      messageId: 'serializer',
      data: {
        serializer: name,
        setting: snippetOf(setting, 60),
        model: modelName ?? 'the model',
        fields: privileged ? privileged.map((field) => `\`${field}\``).join(', ') : 'privileged fields such as `role` or `owner` (the model is not visible here)',
      },
      source,
      node: setting,
      confidence: model ? 'high' : 'medium',
    });
  }
  return out;
}

/** DRF `ModelSerializer` with `fields = "__all__"` over a model whose secret fields are not `write_only`. */
function exposing(ctx: CheckContext, source: SourceFile): Found[] {
  if (!isPython(source)) return [];
  const out: Found[] = [];
  for (const cls of nodesOfType(source, 'class_definition')) {
    if (!/ModelSerializer/.test(cls.childForFieldName('superclasses')?.text ?? '')) continue;
    const meta = cls.childForFieldName('body')?.namedChildren.find((child) => child?.type === 'class_definition' && child.childForFieldName('name')?.text === 'Meta');
    const body = meta?.childForFieldName('body');
    const setting = body?.namedChildren.find((child) => /^fields\s*=\s*["']__all__["']/.test(child?.text ?? ''));
    const modelName = body ? /model\s*=\s*(\w+)/.exec(body.text)?.[1] : undefined;
    if (!body || !setting || !modelName) continue;
    const model = findModel(ctx, modelName);
    const writeOnly = /extra_kwargs[\s\S]*write_only/.test(body.text) ? body.text : '';
    const secrets = model?.fields.filter((field) => SENSITIVE.test(field) && !writeOnly.includes(`"${field}"`) && !writeOnly.includes(`'${field}'`)) ?? [];
    if (secrets.length === 0) continue;
    out.push({ messageId: 'serializer', data: { serializer: cls.childForFieldName('name')?.text ?? 'serializer', setting: snippetOf(setting, 60), model: modelName, fields: secrets.map((field) => `\`${field}\``).join(', ') }, source, node: setting, confidence: 'high' });
  }
  return out;
}

/**
 * Django REST framework's model serializers: those that take every field (`fields = "__all__"`, an `exclude`
 * denylist) for a writable view, and those that send every field of a model with secrets.
 */
export const djangoSerializers: SerializerProvider = { writable, exposing };
