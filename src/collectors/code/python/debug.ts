import { parentOf } from '../../../parsing/tree-index.js';
import type { DebugModeProvider } from '../plugin.js';

/** Python web frameworks apisec collects no routes for whose app constructor takes `debug=True` (Sanic). */
export const pythonDebug: DebugModeProvider = {
  pythonDebugKeyword(source, call, keyword) {
    if (!/(^|\.)Sanic$/.test(call.callee)) return undefined;
    return { source, node: parentOf(keyword) ?? keyword, snippet: call.node.text.split('\n')[0], messageId: 'ctorDebug', data: { call: call.written } };
  },
};
