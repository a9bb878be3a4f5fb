import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import { validationProviders } from '../collectors/code/plugins.js';

/**
 * Request validation a framework performs before the handler runs, from the framework plugins'
 * validation providers (src/collectors/code/<framework>/, listed in src/collectors/code/plugins.ts).
 * Framework-neutral: the checks read the normalised schema.
 */

/** A body schema the framework enforces before the handler, when it keeps fields it does not list out of the handler. */
export interface BodySchema {
  /** The fields the schema lets through. */
  fields: string[];
  /** Why no other field reaches the handler: the schema is closed, or the validator strips every unlisted field. */
  reason: 'closed' | 'removeAdditional';
}

/** The body schema that keeps unlisted fields out of the handler around `node`: the first provider that knows one answers. */
export function bodySchemaAt(ctx: CheckContext, source: SourceFile, node: Node): BodySchema | undefined {
  for (const provider of validationProviders()) {
    const schema = provider.bodySchema?.(ctx, source, node);
    if (schema) return schema;
  }
  return undefined;
}
