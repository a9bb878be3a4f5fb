import { isPython, resolveValue } from '../../analysis/code-auth.js';
import { callAt, hasOption, optionValue } from '../../analysis/code-input.js';
import { outboundCalls } from '../../analysis/outbound.js';
import { literalValue } from '../../analysis/code.js';
import { endpointAt } from '../../analysis/endpoints.js';
import { isJsFamily } from '../../parsing/languages.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'outbound-request-without-timeout',
  title: 'Outbound request without a timeout',
  owasp: 'API10:2023',
  cwe: ['CWE-400', 'CWE-1088'],
  severity: 'low',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'The requests, urllib, axios, got and fetch clients wait forever (or minutes) by default, so one slow or hostile upstream ties up workers until the API stops answering.',
  remediation:
    'Give every outbound call a timeout: `requests.get(url, timeout=(3, 10))`, `urlopen(url, timeout=10)`, `httpx.Client(timeout=10)`, `axios.create({ timeout: 10_000 })`, got `{ timeout: { request: 10_000 } }`, `fetch(url, { signal: AbortSignal.timeout(10_000) })`.',
  messages: {
    missing: '`{{call}}` has no timeout, so it can wait on the upstream indefinitely.',
    none: '`{{call}}` disables the client timeout with `timeout=None`.',
  },
  run(ctx, report) {
    const axiosDefaults = ctx.sources.some((source) => /axios\.defaults\.timeout\s*=/.test(source.text));
    for (const source of ctx.sources) {
      for (const outbound of outboundCalls(source)) {
        const { call, library } = outbound;
        const splat = call.node.childForFieldName('arguments')?.namedChildren.some((arg) => arg?.type === 'dictionary_splat' || arg?.type === 'spread_element') ?? false;
        if (splat) continue;
        if (isPython(source)) {
          const timeout = call.kwargs.get('timeout');
          if (timeout && literalValue(resolveValue(source, timeout)) === null) report({ messageId: 'none', data: { call: call.written }, rootCause: library, ...callAt(ctx, source, call) });
          else if (!timeout && (library === 'requests' || (library === 'urllib' && /urlopen$/.test(call.callee)))) {
            report({ messageId: 'missing', data: { call: call.written }, rootCause: library, ...callAt(ctx, source, call) });
          }
          continue;
        }
        if (!isJsFamily(source.language) || !endpointAt(ctx, source.file, call.node.startPosition.row + 1)) continue;
        if (outbound.options === undefined && call.args.length > (library === 'axios' && /\.(post|put|patch)$/.test(call.callee) ? 2 : 1)) continue;
        const options = outbound.options;
        const guarded =
          library === 'fetch' || library === 'node-fetch' || library === 'undici'
            ? hasOption(call, options, 'signal') || hasOption(call, options, 'timeout') || hasOption(call, options, 'dispatcher')
            : library === 'axios'
              ? axiosDefaults || hasOption(call, options, 'timeout') || hasOption(call, options, 'signal')
              : library === 'got'
                ? hasOption(call, options, 'timeout') || hasOption(call, options, 'signal')
                : true;
        if (!guarded || (options && literalValue(optionValue(call, options, 'timeout')) === 0)) report({ messageId: 'missing', data: { call: call.written }, rootCause: library, ...callAt(ctx, source, call) });
      }
    }
  },
});
