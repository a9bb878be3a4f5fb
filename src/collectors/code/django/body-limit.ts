import { isPython } from '../../../analysis/code-auth.js';
import { nodesOfType } from '../../../analysis/code.js';
import { MB, byteSize } from '../../../analysis/body-size.js';
import type { BodyLimitFinding, BodyLimitProvider } from '../plugin.js';

/** Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` set to `None` or above 10 MB. */
export const djangoBodyLimit: BodyLimitProvider = {
  messages: { django: '`DATA_UPLOAD_MAX_MEMORY_SIZE = {{value}}` removes Django\'s limit on the size of request bodies read into memory.' },
  settings(ctx) {
    const out: BodyLimitFinding[] = [];
    for (const source of ctx.sources) {
      if (!isPython(source)) continue;
      for (const node of nodesOfType(source, 'assignment')) {
        if (node.childForFieldName('left')?.text !== 'DATA_UPLOAD_MAX_MEMORY_SIZE') continue;
        const right = node.childForFieldName('right') ?? undefined;
        const size = right?.type === 'none' ? Infinity : byteSize(source, right);
        if (size !== undefined && size > 10 * MB) out.push({ source, node, messageId: 'django', data: { value: right?.text ?? '' } });
      }
    }
    return out;
  },
};
