/**
 * Nest's `ValidationPipe` created without `whitelist: true` (the plugin's `validation` section), for
 * validation-allows-unknown-fields: DTOs then keep the properties they do not declare. A global pipe that
 * whitelists (`app.useGlobalPipes(new ValidationPipe({ whitelist: true }))`) runs before controller, route and
 * parameter pipes and strips undeclared properties first, so only other global pipes are reported then.
 */
import type { Node } from 'web-tree-sitter';
import { isPython, objectOf, resolveValue } from '../../../analysis/code-auth.js';
import { factsOf, literalValue, nodesOfType, propertyOf } from '../../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { UnknownFieldsValidator, ValidationProvider } from '../plugin.js';

/** Nest's own `ValidationPipe`, not a project class of the same name (`shared/pipes/validation.pipe.ts`). */
function isNestValidationPipe(source: SourceFile, callee: string): boolean {
  if (/^@nestjs\/common(\.\w+)*\.ValidationPipe$/.test(callee)) return true;
  return callee === 'ValidationPipe' && !nodesOfType(source, ['class_declaration']).some((cls) => cls.childForFieldName('name')?.text === 'ValidationPipe');
}

/** `app.useGlobalPipes(new ValidationPipe(…))`. */
function isGlobalPipe(node: Node): boolean {
  const args = parentOf(node);
  return args?.type === 'arguments' && /(^|\.)useGlobalPipes$/.test(parentOf(args)?.childForFieldName('function')?.text ?? '');
}

function whitelists(source: SourceFile, call: { args: Node[] }): boolean {
  const options = objectOf(source, call.args[0]);
  return (options ? literalValue(resolveValue(source, propertyOf(options, 'whitelist'))) : undefined) === true;
}

function unknownFields(ctx: CheckContext): (source: SourceFile) => UnknownFieldsValidator[] {
  const globalWhitelist = ctx.sources.some((source) => !isPython(source) && factsOf(source).calls.some((call) => call.isNew && isNestValidationPipe(source, call.callee) && isGlobalPipe(call.node) && whitelists(source, call)));
  return (source) => {
    const out: UnknownFieldsValidator[] = [];
    for (const call of factsOf(source).calls) {
      if (!call.isNew || !isNestValidationPipe(source, call.callee) || !(isGlobalPipe(call.node) || !globalWhitelist)) continue;
      const options = objectOf(source, call.args[0]);
      const whitelist = options ? literalValue(resolveValue(source, propertyOf(options, 'whitelist'))) : undefined;
      if (whitelist !== true && !(call.args[0] && !options)) out.push({ node: call.node, call: `new ValidationPipe(${options ? '{…}' : ''})` });
    }
    return out;
  };
}

export const nestValidation: ValidationProvider = { unknownFields };
