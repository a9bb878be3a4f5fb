import type { SpecNode } from '../../engine/context.js';
import { operationLabel, type Operation } from '../../analysis/openapi.js';
import { calibrateFor, endpointOf, servedOperations, sunsetOf, type Sunset } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'operation-past-sunset',
  title: 'Operation past its sunset date',
  owasp: 'API9:2023',
  cwe: ['CWE-672'],
  severity: 'medium',
  confidence: 'high',
  section: 'inventory',
  targets: ['openapi'],
  rationale:
    'An operation still documented after its announced sunset is a zombie: clients were told it is gone, so nobody watches it, yet it is still deployed with the controls of the day it was deprecated.',
  remediation:
    'Retire the operation now: remove it from the gateway and the spec (or make it answer `410 Gone`), or, if it must stay, move `x-sunset-date` to a real new date and give it the same controls as its replacement.',
  messages: {
    operation: '`{{operation}}` is still documented after its sunset date {{date}}.',
    path: 'Path `{{path}}` is still documented after its sunset date {{date}}.',
    document: 'The API is still documented after its sunset date {{date}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      // Dates set on a path item or on `info` are one decision: report them once where they are written.
      const shared = new Map<string, { sunset: Sunset; ops: Operation[] }>();
      for (const op of servedOperations(ctx, doc)) {
        const sunset = sunsetOf(op);
        if (!sunset || sunset.date >= ctx.today) continue;
        if (sunset.level === 'operation') {
          report({
            messageId: 'operation',
            data: { operation: operationLabel(op), date: sunset.date },
            location: doc.locate(op.node),
            ...endpointOf(op),
            severity: calibrateFor('medium', [op]),
            evidence: { snippet: `x-sunset-date: ${sunset.date}` },
          });
          continue;
        }
        const key = `${sunset.node.file}#${sunset.node.pointer}`;
        const group = shared.get(key) ?? { sunset, ops: [] };
        group.ops.push(op);
        shared.set(key, group);
      }
      for (const { sunset, ops } of shared.values()) {
        const at: SpecNode = sunset.level === 'path' ? sunset.holder : sunset.node;
        report({
          messageId: sunset.level === 'path' ? 'path' : 'document',
          data: { path: ops[0]?.path ?? '', date: sunset.date },
          location: doc.locate(at),
          severity: calibrateFor('medium', ops),
          occurrences: ops.length,
          evidence: { snippet: `x-sunset-date: ${sunset.date}` },
        });
      }
    }
  },
});
