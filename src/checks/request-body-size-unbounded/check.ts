import { at, isJs } from '../../analysis/code-auth.js';
import { factsOf } from '../../analysis/code.js';
import { MB, UNITS, byteSize, humanSize } from '../../analysis/body-size.js';
import { bodyLimitProviders } from '../../collectors/code/plugins.js';
import type { BodyLimitProvider } from '../../collectors/code/plugin.js';
import defineCheck from '../define-check.js';

type ParserLimit = ReturnType<NonNullable<BodyLimitProvider['parser']>>;

/** The generic messages, then each framework's own (src/collectors/code/<framework>/body-limit.ts). */
const MESSAGES: Record<string, string> = {
  parser: '`{{call}}` accepts request bodies of up to {{size}}.',
  nginx: '`client_max_body_size {{value}}` lets the proxy pass request bodies of {{size}} to the app.',
  ...Object.fromEntries(bodyLimitProviders().flatMap((provider) => Object.entries(provider.messages ?? {}))),
};

export default defineCheck({
  id: 'request-body-size-unbounded',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request body size unbounded or very large',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-400'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Every request body is buffered and parsed before the handler runs; a limit of tens of megabytes (or none) lets a few concurrent clients exhaust memory and CPU with oversized JSON, a cheap denial of service.',
  remediation:
    'Keep the parser limit close to the largest legitimate payload, and raise it only on the routes that need more: `express.json({ limit: "100kb" })`, `Fastify({ bodyLimit: 1048576 })`, `DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440` (Django), `app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024` (Flask), `client_max_body_size 1m;` (nginx); stream large uploads instead of buffering them.',
  messages: MESSAGES,
  run(ctx, report) {
    const providers = bodyLimitProviders();
    for (const source of ctx.sources) {
      if (!isJs(source)) continue;
      for (const call of factsOf(source).calls) {
        const parser = providers.reduce<ParserLimit | undefined>((found, provider) => found ?? provider.parser?.(source, call), undefined);
        if (!parser?.limit) continue;
        const size = byteSize(source, parser.limit);
        if (size === undefined || size <= parser.threshold) continue;
        report({ messageId: 'parser', data: { call: `${call.written}(…)`, size: humanSize(size) }, ...at(ctx, source, call.node), severity: size >= 10 * MB ? 'medium' : 'low' });
      }
    }
    for (const provider of providers) {
      for (const hit of provider.settings?.(ctx) ?? []) report({ messageId: hit.messageId, ...(hit.data ? { data: hit.data } : {}), ...at(ctx, hit.source, hit.node), ...(hit.severity ? { severity: hit.severity } : {}) });
    }
    for (const file of ctx.infra) {
      if (file.kind !== 'nginx') continue;
      for (const match of file.text.matchAll(/^\s*client_max_body_size\s+(\S+?);/gm)) {
        const value = match[1] ?? '';
        const number = /^(\d+)([kmg]?)$/i.exec(value);
        const size = value === '0' ? Infinity : number ? Number(number[1]) * (UNITS[(number[2] ?? '').toLowerCase()] ?? 1) : undefined;
        if (size === undefined || size <= 100 * MB) continue;
        const line = file.text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
        report({ messageId: 'nginx', data: { value, size: humanSize(size) }, location: { file: file.file, line }, evidence: { snippet: match[0].trim() }, key: `${file.file}:${value}` });
      }
    }
  },
});
