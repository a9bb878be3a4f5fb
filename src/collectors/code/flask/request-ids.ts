import { nodesOfType } from '../../../analysis/code.js';
import { descendantsOf } from '../../../parsing/tree-index.js';
import type { RequestIdProvider } from '../plugin.js';

/**
 * Flask-Request-ID (flask_request_id, flask_request_id_header), and a `before_request` hook that stores the id on
 * `g` (or a thread-local) while a logging filter or format puts it on every record.
 */
export const flaskRequestIds: RequestIdProvider = {
  pythonModules: ['flask_request_id', 'flask_request_id_header'],
  hooks(source, sources, idField) {
    const out: ReturnType<NonNullable<RequestIdProvider['hooks']>> = [];
    for (const decorated of source.text.includes('before_') ? nodesOfType(source, 'decorated_definition') : []) {
      if (!decorated.namedChildren.some((child) => child?.type === 'decorator' && /(^|\.)before_(app_)?request\b/.test(child.text))) continue;
      for (const assignment of descendantsOf(decorated, ['assignment'])) {
        const left = assignment.childForFieldName('left');
        // `g.request_id = …`, or a thread-local (`threadctx.request_id = …`).
        const holder = left?.type === 'attribute' ? left.childForFieldName('object') : undefined;
        if (!left || holder?.type !== 'identifier' || holder.text === 'self' || !idField.test(left.childForFieldName('attribute')?.text ?? '')) continue;
        const field = left.childForFieldName('attribute')?.text ?? '';
        const logged = new RegExp(`%\\(${field}\\)|\\b\\w*record\\.${field}\\b|\\{${field}\\}`);
        if (sources.some((other) => other.language === 'python' && logged.test(other.text))) {
          out.push({ node: assignment, detail: `\`${holder.text}.${field}\` set before each request and written by the log format` });
        }
      }
    }
    return out;
  },
};
