/**
 * NoSQL injection in C# (MongoDB.Driver): request text parsed into a query document —
 * `BsonDocument.Parse(filterJson)`, `BsonSerializer.Deserialize<BsonDocument>(json)`,
 * `new JsonFilterDefinition<T>(json)`, `new BsonDocumentFilterDefinition<T>(BsonDocument.Parse(json))`
 * — or request text under `$where` (`new BsonDocument("$where", expr)`, `new BsonJavaScript(expr)`).
 * Typed builders (`Builders<T>.Filter.Eq(x => x.Name, name)`, `Find(x => x.Sku == sku)`) bind values
 * and are safe.
 */
import type { Node } from 'web-tree-sitter';
import { csProjectOf, handlerStarts, isCsTestFile, propertyTypes, requestOrigin, serviceTypes, type FlowOptions } from '../../collectors/code/csharp/flow.js';
import { field, invocationParts, kids, typeName, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';

export interface CsNosqlHit {
  source: SourceFile;
  node: Node;
  origin: string;
  written: string;
  where: boolean;
}

function creationArgs(node: Node): Node[] {
  return kids(field(node, 'arguments') ?? node)
    .filter((child) => child.type === 'argument')
    .map((arg) => kids(arg).filter((part) => part.type !== 'name_colon').pop())
    .filter((arg): arg is Node => arg !== undefined);
}

export function csharpNosqlInjections(sources: readonly SourceFile[], handlers: readonly Location[]): CsNosqlHit[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file) && /\bMongoDB\.(Driver|Bson)\b/.test(source.text));
  if (csharp.length === 0) return [];
  const project = csProjectOf(sources);
  const isService = serviceTypes(project);
  const propertyType = propertyTypes(project);
  const hits: CsNosqlHit[] = [];
  for (const source of csharp) {
    const options: FlowOptions = { handlers: handlerStarts(handlers, source.file), isService, propertyType };
    if (options.handlers.size === 0) continue;
    walk(source.tree.rootNode, (node) => {
      let value: Node | undefined;
      let written = '';
      let where = false;
      const parts = invocationParts(node);
      if (parts && parts.name === 'Parse' && /^BsonDocument$/.test(parts.receiver?.text ?? '')) {
        value = parts.args[0];
        written = 'BsonDocument.Parse(…)';
      } else if (parts && parts.name === 'Deserialize' && /^BsonSerializer$/.test(parts.receiver?.text ?? '') && /^BsonDocument$/.test(parts.generic ?? '')) {
        value = parts.args[0];
        written = 'BsonSerializer.Deserialize<BsonDocument>(…)';
      } else if (node.type === 'object_creation_expression') {
        const type = typeName(field(node, 'type')?.text ?? '');
        const args = creationArgs(node);
        if (/^JsonFilterDefinition$/.test(type) || /^JsonPipelineStageDefinition$/.test(type)) {
          value = args[0];
          written = `new ${type}(…)`;
        } else if (type === 'BsonJavaScript') {
          value = args[0];
          written = 'new BsonJavaScript(…)';
          where = true;
        } else if (type === 'BsonDocument' && args[0]?.text === '"$where"') {
          value = args[1];
          written = 'new BsonDocument("$where", …)';
          where = true;
        }
      }
      if (!value) return true;
      const origin = requestOrigin(value, options);
      if (origin && !origin.parameter) hits.push({ source, node, origin: origin.text, written, where });
      return !where;
    });
  }
  return hits;
}
