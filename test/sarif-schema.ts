import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The official SARIF 2.1.0 JSON schema (OASIS, errata 01, `sarif-2.1/schema/sarif-schema-2.1.0.json`
 * in oasis-tcs/sarif-spec), vendored verbatim as test data. It is written in draft-04, but uses only
 * keywords that mean the same in draft-07 (no boolean `exclusiveMinimum`), so it is compiled with
 * ajv's draft-07 default once its draft-04 `id` is read as `$id`. (The draft-07 copy in that
 * repository's `prose/` folder is an earlier draft: it calls a suppression's `status` `state`.)
 */
let compiled: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  const schema = JSON.parse(readFileSync(new URL('./data/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // The schema's `language` pattern (`…-[a-zA-Z]{2}]?$`) has a stray `]`, legal only without the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // The schema's three formats, checked rather than ignored.
  ajv.addFormat('uri', (value: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => !/[\s<>"{}|\\^`]/.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(value));
  compiled = ajv.compile(schema);
  return compiled;
}

/** Ajv's errors as readable lines, for a failing expectation. */
export function sarifErrors(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
