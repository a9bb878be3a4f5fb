import type { JsonObject, JsonValue } from '../../engine/context.js';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
