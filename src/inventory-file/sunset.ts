import type { SpecDocument, SpecNode } from '../engine/context.js';
import type { Diagnostic } from '../model/types.js';
import { entries, getObject, HTTP_METHODS, objectNode, stringAt, type Operation } from '../analysis/openapi.js';
import { isDeprecated, isoDate, sunsetOf } from '../analysis/openapi-security.js';
import { loadSpec } from '../collectors/spec/openapi-loader.js';

/** Seed 001's CI gate: every deprecated operation whose `x-sunset-date` is before today. */

export interface SunsetViolation {
  file: string;
  line: number;
  pointer: string;
  operation: string;
  sunset: string;
  /** Where the date is written (the operation, its path item or `info`). */
  sunsetLine: number;
}

export interface SunsetProblem {
  file: string;
  line: number;
  pointer?: string;
  message: string;
}

export interface SunsetReport {
  /** The file was read as an OpenAPI document. */
  operations: number;
  deprecated: number;
  violations: SunsetViolation[];
  /** A file that is not an OpenAPI document, or a date that cannot be read: the gate cannot decide. */
  problems: SunsetProblem[];
}

const SUNSET_KEYS = ['x-sunset-date', 'x-sunset', 'x-sunset-at'];

function walk(doc: SpecDocument): Operation[] {
  const out: Operation[] = [];
  const root: SpecNode = { value: doc.root, file: doc.file, pointer: '' };
  for (const container of ['paths', 'webhooks'] as const) {
    for (const [path, item] of entries(doc, doc.child(root, container))) {
      const pathItem = objectNode(item);
      if (!pathItem) continue;
      for (const method of HTTP_METHODS) {
        const node = getObject(doc, pathItem, method);
        if (node) out.push({ doc, path, method, node, pathItem, isWebhook: container === 'webhooks', endpoint: undefined });
      }
    }
  }
  return out;
}

/** A sunset key written with a value that is no date: the gate must not pass it silently. */
function unreadableSunset(op: Operation): SunsetProblem | undefined {
  for (const holder of [op.node, op.pathItem]) {
    for (const key of SUNSET_KEYS) {
      const value = holder.value[key];
      if (value === undefined) continue;
      if (typeof value === 'string' && isoDate(value) !== undefined) return undefined;
      const node = op.doc.child(holder, key);
      const at = node ? op.doc.locate(node) : op.doc.locate(holder);
      return {
        file: at.file,
        line: at.line,
        ...(at.pointer === undefined ? {} : { pointer: at.pointer }),
        message: `${key} of ${op.method.toUpperCase()} ${op.path} is ${JSON.stringify(value)}, not a YYYY-MM-DD date.`,
      };
    }
  }
  return undefined;
}

export function checkSunset(file: string, text: string, today: string, readSibling: (relPath: string) => string | undefined): SunsetReport {
  const loaded = loadSpec(file, text, readSibling);
  const report: SunsetReport = { operations: 0, deprecated: 0, violations: [], problems: [] };
  const errors = loaded.diagnostics.filter((diagnostic: Diagnostic) => diagnostic.level === 'error');
  if (!loaded.spec) {
    const first = errors[0];
    report.problems.push({
      file,
      line: first?.line ?? 1,
      message: first?.message ?? 'The file is not an OpenAPI (2.0 or 3.x) document: no `openapi` or `swagger` field at its top.',
    });
    return report;
  }
  const doc = loaded.spec;
  for (const op of walk(doc)) {
    report.operations += 1;
    if (!isDeprecated(op) && !/^(deprecated|retired|sunset)$/i.test(stringAt(op.pathItem, 'x-api-status') ?? '')) continue;
    report.deprecated += 1;
    const sunset = sunsetOf(op);
    if (!sunset) {
      const problem = unreadableSunset(op);
      if (problem) report.problems.push(problem);
      continue;
    }
    if (sunset.date >= today) continue;
    const at = doc.locate(op.node);
    report.violations.push({
      file: at.file,
      line: at.line,
      pointer: at.pointer ?? op.node.pointer,
      operation: `${op.method.toUpperCase()} ${op.isWebhook ? `webhook ${op.path}` : op.path}`,
      sunset: sunset.date,
      sunsetLine: doc.locate(sunset.node).line,
    });
  }
  return report;
}
