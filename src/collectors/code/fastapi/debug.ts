import { parentOf } from '../../../parsing/tree-index.js';
import type { DebugModeProvider } from '../plugin.js';

/** FastAPI and Starlette, its base: the app created with `debug=True` answers errors with tracebacks. */
export const fastapiDebug: DebugModeProvider = {
  pythonDebugKeyword(source, call, keyword) {
    if (!/(^|\.)(FastAPI|Starlette)$/.test(call.callee)) return undefined;
    return { source, node: parentOf(keyword) ?? keyword, snippet: call.node.text.split('\n')[0], messageId: 'ctorDebug', data: { call: call.written } };
  },
};
