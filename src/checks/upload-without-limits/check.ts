import type { Node } from 'web-tree-sitter';
import { at, isJs, isPython, objectOf, option } from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { byteSize } from '../request-body-size-unbounded/check.js';

const MB = 1024 * 1024;
const SIZE_CHECK = /\.size\b|len\(|content[-_]length|MAX_\w*(SIZE|BYTES)|max_?size|spool_max_size|\.tell\(\)/i;
const TYPE_CHECK = /allowed_file|ALLOWED_\w+|extension|mimetype|content_type|splitext|\.endswith\(|imghdr|filetype|magic\./i;

function uploadParams(fn: Node): string[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((param): param is Node => param !== null && /\bUploadFile\b/.test(param.text))
    .map((param) => (param.childForFieldName('name') ?? param.namedChildren[0])?.text ?? '');
}

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
  messages: {
    multer: '`{{call}}` accepts uploads with no `limits.fileSize`, so files of any size are written to {{storage}}.',
    multerHuge: '`{{call}}` accepts uploads of up to {{size}}.',
    multerType: '`{{call}}` limits the size of uploads but sets no `fileFilter`, so files of any type are accepted.',
    formidable: '`{{call}}` sets `maxFileSize` to {{size}}.',
    fastapi: '`{{read}}` reads the uploaded file `{{param}}` into memory with no size check.',
    flask: '`{{save}}` stores an uploaded file with no check of its extension or type.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (isJs(source)) {
        for (const call of factsOf(source).calls) {
          if (/^multer(\.default)?$/.test(call.callee)) {
            const options = objectOf(source, call.args[0]);
            if (call.args[0] && !options) continue;
            const limits = objectOf(source, option(source, options, 'limits'));
            const fileSize = option(source, limits, 'fileSize');
            const storage = option(source, options, 'storage') ? 'the configured storage' : option(source, options, 'dest') ? 'disk' : 'memory';
            const size = byteSize(source, fileSize);
            const name = `${call.written}(…)`;
            if (!fileSize) report({ messageId: 'multer', data: { call: name, storage }, ...at(ctx, source, call.node) });
            else if (size !== undefined && size > 100 * MB) report({ messageId: 'multerHuge', data: { call: name, size: `${Math.round(size / MB)} MB` }, ...at(ctx, source, call.node) });
            else if (!option(source, options, 'fileFilter')) report({ messageId: 'multerType', data: { call: name }, ...at(ctx, source, call.node), severity: 'low' });
          } else if (/^formidable(\.default|\.formidable|\.IncomingForm)?$/.test(call.callee)) {
            const options = objectOf(source, call.args[0]);
            const size = byteSize(source, option(source, options, 'maxFileSize'));
            if (size !== undefined && size > 200 * MB) report({ messageId: 'formidable', data: { call: `${call.written}(…)`, size: Number.isFinite(size) ? `${Math.round(size / MB)} MB` : 'no limit' }, ...at(ctx, source, call.node) });
          }
        }
      } else if (isPython(source)) {
        for (const call of factsOf(source).calls) {
          const fn = enclosingFunction(call.node);
          if (!fn) continue;
          const reader = /^(\w+)(\.file)?\.read$/.exec(call.written);
          if (reader?.[1] && uploadParams(fn).includes(reader[1])) {
            const before = fn.text.slice(0, call.node.startIndex - fn.startIndex);
            if (!SIZE_CHECK.test(before) && call.args.length === 0) report({ messageId: 'fastapi', data: { read: call.node.text, param: reader[1] }, ...at(ctx, source, call.node) });
            continue;
          }
          if (/\.save$/.test(call.written) && /request\.files/.test(fn.text)) {
            const receiver = call.written.replace(/\.save$/, '');
            const fromFiles = new RegExp(`\\b${receiver.replace(/[.$]/g, '\\$&')}\\s*=\\s*(flask\\.)?request\\.files|request\\.files`).test(fn.text);
            if (fromFiles && !TYPE_CHECK.test(fn.text)) report({ messageId: 'flask', data: { save: `${call.written}(…)` }, ...at(ctx, source, call.node) });
          }
        }
      }
    }
  },
});
