import { isPython } from '../../../analysis/code-auth.js';
import { enclosingFunction, factsOf } from '../../../analysis/code.js';
import type { BodyLimitFinding, BodyLimitProvider } from '../plugin.js';

const TYPE_CHECK = /allowed_file|ALLOWED_\w+|extension|mimetype|content_type|splitext|\.endswith\(|imghdr|filetype|magic\./i;

/**
 * Flask: an app whose code reads `request.files` while `MAX_CONTENT_LENGTH` (or `MAX_FORM_MEMORY_SIZE`) is set
 * nowhere, and a `request.files` entry saved with no check of its extension or type.
 */
export const flaskBodyLimit: BodyLimitProvider = {
  messages: {
    flask: 'The Flask app accepts file uploads ({{upload}}) but `MAX_CONTENT_LENGTH` is never set, so request bodies have no size limit.',
    flaskSave: '`{{save}}` stores an uploaded file with no check of its extension or type.',
  },
  settings(ctx) {
    const python = ctx.sources.filter(isPython);
    const flaskApps = python.flatMap((source) => factsOf(source).calls.filter((call) => call.callee === 'flask.Flask').map((call) => ({ source, call })));
    const upload = python.find((source) => /\brequest\.files\b/.test(source.text));
    const configured = python.some((source) => /MAX_CONTENT_LENGTH|MAX_FORM_MEMORY_SIZE/.test(source.text)) || ctx.infra.some((file) => /MAX_CONTENT_LENGTH/.test(file.text));
    const app = flaskApps[0];
    if (!app || !upload || configured) return [];
    return [{ source: app.source, node: app.call.node, messageId: 'flask', data: { upload: `\`request.files\` in ${upload.file}` } }];
  },
  uploads(ctx) {
    const out: BodyLimitFinding[] = [];
    for (const source of ctx.sources) {
      if (!isPython(source)) continue;
      for (const call of factsOf(source).calls) {
        if (!/\.save$/.test(call.written)) continue;
        const fn = enclosingFunction(call.node);
        if (!fn || !/request\.files/.test(fn.text)) continue;
        const receiver = call.written.replace(/\.save$/, '');
        const fromFiles = new RegExp(`\\b${receiver.replace(/[.$]/g, '\\$&')}\\s*=\\s*(flask\\.)?request\\.files|request\\.files`).test(fn.text);
        if (fromFiles && !TYPE_CHECK.test(fn.text)) out.push({ source, node: call.node, messageId: 'flaskSave', data: { save: `${call.written}(…)` } });
      }
    }
    return out;
  },
};
