import { guarded } from '../../../analysis/debug-mode.js';
import { callSiteAt, stringValue } from '../../../analysis/code.js';
import type { DebugModeProvider } from '../plugin.js';

/**
 * Express: the `errorhandler` middleware (full stack traces in responses) mounted outside a development-only
 * branch, and `app.set('env', 'development')`.
 */
export const expressDebug: DebugModeProvider = {
  call(source, call) {
    const inner = call.args[0];
    const mounts = /\.use$/.test(call.callee) && inner?.type === 'call_expression';
    const setting = /^\w+\.set$/.test(call.callee);
    if ((!mounts && !setting) || guarded(call.node)) return undefined;
    if (mounts) {
      if (callSiteAt(source, inner)?.callee !== 'errorhandler') return undefined;
      return { source, node: call.node, messageId: 'errorhandler', data: { call: call.node.text.slice(0, 60) } };
    }
    if (stringValue(inner) === 'env' && stringValue(call.args[1]) === 'development') return { source, node: call.node, messageId: 'nodeEnv', data: { expression: call.node.text } };
    return undefined;
  },
};
