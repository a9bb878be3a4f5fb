import type { Node } from 'web-tree-sitter';
import { at, isJs, isPython } from '../../analysis/code-auth.js';
import { traceInput } from '../../analysis/code-ratelimit.js';
import { factsOf, propertyOf } from '../../analysis/code.js';
import defineCheck from '../define-check.js';

const PY_REGEX = /^(re|regex)\.(compile|search|match|fullmatch|findall|finditer|sub|subn|split)$/;
const ESCAPED = /escape|quote|escapeRegExp|escape_?regex|\.replace\(\s*\/\[/i;

export default defineCheck({
  id: 'user-controlled-regex',
  title: 'Regular expression built from request input',
  owasp: 'API4:2023',
  cwe: ['CWE-1333', 'CWE-625'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A pattern chosen by the client can backtrack catastrophically (`(a+)+$`), pinning a CPU per request (ReDoS), and lets the client match far more than intended.',
  remediation:
    'Treat the input as a literal: `re.escape(term)` (Python), `escapeRegExp(term)` / `term.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&")` (JS) or a plain substring search (`in`, `includes`, `ILIKE`); if patterns are a feature, use a linear-time engine (RE2: `google-re2`, `re2` on npm) with a length cap.',
  messages: {
    compiled: 'Request input ({{origin}}) reaches {{call}} unescaped, so the client chooses the regular expression {{value}}.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const candidates: { call: string; node: Node; value: Node }[] = [];
      if (isPython(source)) {
        for (const call of factsOf(source).calls) {
          const pattern = call.args[0] ?? call.kwargs.get('pattern');
          if (PY_REGEX.test(call.callee) && pattern) candidates.push({ call: `\`${call.written}\``, node: call.node, value: pattern });
        }
      } else if (isJs(source)) {
        for (const call of factsOf(source).calls) {
          if (/^RegExp$/.test(call.written) && call.args[0]) candidates.push({ call: `\`${call.isNew ? 'new ' : ''}RegExp\``, node: call.node, value: call.args[0] });
          for (const arg of call.args) {
            const regex = arg.type === 'object' ? propertyOf(arg, '$regex') : undefined;
            if (regex) candidates.push({ call: 'a `$regex` filter', node: regex, value: regex });
            for (const nested of arg.type === 'object' ? arg.descendantsOfType('pair') : []) {
              const value = nested?.childForFieldName('value');
              const key = nested?.childForFieldName('key')?.text.replace(/['"]/g, '');
              if (key === '$regex' && value && value.id !== regex?.id) candidates.push({ call: 'a `$regex` filter', node: value, value });
            }
          }
        }
      } else continue;
      const seen = new Set<number>();
      for (const candidate of candidates) {
        if (seen.has(candidate.node.id)) continue;
        const trace = traceInput(ctx, source, candidate.value);
        if (!trace || trace.path.some((node) => ESCAPED.test(node.text))) continue;
        seen.add(candidate.node.id);
        report({
          messageId: 'compiled',
          data: { call: candidate.call, value: `\`${candidate.value.text.slice(0, 60)}\``, origin: `\`${trace.origin.text.slice(0, 60)}\`` },
          ...at(ctx, source, candidate.node),
        });
      }
    }
  },
});
