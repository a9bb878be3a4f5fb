import { listensOnLoopback } from '../../../analysis/debug-mode.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { DebugModeProvider } from '../plugin.js';

/**
 * Flask (and Quart): `app.debug = True`, `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)`,
 * `app.run(debug=True)` on a non-loopback host (the Werkzeug debugger runs Python from the browser), and
 * Quart's constructor given `debug=True`.
 */
export const flaskDebug: DebugModeProvider = {
  messages: { flaskRun: '`{{call}}` starts the server with the debugger enabled.' },
  pythonAssignment(source, assignment, target) {
    if (!/^\w+\.debug$/.test(target) && !/^\w+\.config\[\s*["']DEBUG["']\s*\]$/.test(target)) return undefined;
    return { source, node: assignment, messageId: 'appDebug', data: { expression: assignment.text } };
  },
  pythonDebugKeyword(source, call, keyword) {
    const site = { source, node: parentOf(keyword) ?? keyword, snippet: call.node.text.split('\n')[0] };
    if (/\.run$/.test(call.callee) && !/^(uvicorn|asyncio)\./.test(call.callee)) {
      // The development server binds 127.0.0.1 unless told otherwise: the debugger is then not reachable from the network.
      if (listensOnLoopback(source, call.kwargs.get('host') ?? call.args[0])) return undefined;
      return { ...site, messageId: 'flaskRun', data: { call: `${call.written}(debug=True)` } };
    }
    if (/(^|\.)Quart$/.test(call.callee)) return { ...site, messageId: 'ctorDebug', data: { call: call.written } };
    if (/\.config\.update$/.test(call.callee)) return { ...site, messageId: 'appDebug', data: { expression: call.node.text.slice(0, 60) } };
    return undefined;
  },
};
