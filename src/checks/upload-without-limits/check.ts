import { at } from '../../analysis/code-auth.js';
import { bodyLimitProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'upload-without-limits',
  title: 'File upload without size or type limits',
  owasp: 'API4:2023',
  cwe: ['CWE-400', 'CWE-434'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'An upload endpoint that accepts files of any size fills disk or memory with a handful of requests, and one that accepts any type stores executables or HTML that other users later download.',
  remediation:
    'Bound and filter uploads where they are parsed: `multer({ storage, limits: { fileSize: 5 * 1024 * 1024, files: 1 }, fileFilter })`, `formidable({ maxFileSize: 5 * 1024 * 1024 })`; in FastAPI check `file.size` (or read in chunks and stop past a maximum) before `await file.read()`; in Flask set `MAX_CONTENT_LENGTH` and check the extension or MIME type (`allowed_file(f.filename)`) before `save()`.',
  messages: Object.fromEntries(bodyLimitProviders().flatMap((provider) => Object.entries(provider.messages ?? {}))) as Record<string, string>,
  run(ctx, report) {
    for (const provider of bodyLimitProviders()) {
      for (const hit of provider.uploads?.(ctx) ?? []) report({ messageId: hit.messageId, ...(hit.data ? { data: hit.data } : {}), ...at(ctx, hit.source, hit.node), ...(hit.severity ? { severity: hit.severity } : {}) });
    }
  },
});
