import { isJs, objectOf, option } from '../../../analysis/code-auth.js';
import { factsOf } from '../../../analysis/code.js';
import { MB, byteSize } from '../../../analysis/body-size.js';
import type { BodyLimitFinding, BodyLimitProvider } from '../plugin.js';

/**
 * The upload parsers any Node framework mounts (a library family, `js-uploads`): multer (Express, Nest's
 * `FileInterceptor`) without `limits.fileSize`, above 100 MB or without a `fileFilter`; formidable (and the
 * parsers built on it) with `maxFileSize` above 200 MB.
 */
export const jsUploadLibraries: BodyLimitProvider = {
  messages: {
    multer: '`{{call}}` accepts uploads with no `limits.fileSize`, so files of any size are written to {{storage}}.',
    multerHuge: '`{{call}}` accepts uploads of up to {{size}}.',
    multerType: '`{{call}}` limits the size of uploads but sets no `fileFilter`, so files of any type are accepted.',
    formidable: '`{{call}}` sets `maxFileSize` to {{size}}.',
  },
  uploads(ctx) {
    const out: BodyLimitFinding[] = [];
    for (const source of ctx.sources) {
      if (!isJs(source)) continue;
      for (const call of factsOf(source).calls) {
        if (/^multer(\.default)?$/.test(call.callee)) {
          const options = objectOf(source, call.args[0]);
          if (call.args[0] && !options) continue;
          const limits = objectOf(source, option(source, options, 'limits'));
          const fileSize = option(source, limits, 'fileSize');
          const storage = option(source, options, 'storage') ? 'the configured storage' : option(source, options, 'dest') ? 'disk' : 'memory';
          const size = byteSize(source, fileSize);
          const name = `${call.written}(…)`;
          if (!fileSize) out.push({ source, node: call.node, messageId: 'multer', data: { call: name, storage } });
          else if (size !== undefined && size > 100 * MB) out.push({ source, node: call.node, messageId: 'multerHuge', data: { call: name, size: `${Math.round(size / MB)} MB` } });
          else if (!option(source, options, 'fileFilter')) out.push({ source, node: call.node, messageId: 'multerType', data: { call: name }, severity: 'low' });
        } else if (/^formidable(\.default|\.formidable|\.IncomingForm)?$/.test(call.callee)) {
          const options = objectOf(source, call.args[0]);
          const size = byteSize(source, option(source, options, 'maxFileSize'));
          if (size !== undefined && size > 200 * MB) out.push({ source, node: call.node, messageId: 'formidable', data: { call: `${call.written}(…)`, size: Number.isFinite(size) ? `${Math.round(size / MB)} MB` : 'no limit' } });
        }
      }
    }
    return out;
  },
};
