import { callArgs, field, walk } from '../go/ast.js';
import { goProgram, importsOf } from '../go/program.js';
import { GO_PROFILER_MESSAGE } from '../net-http/debug.js';
import type { DebugModeProvider, DebugSwitch } from '../plugin.js';

/** gin-contrib/pprof's `pprof.Register(r)`: the Go profiler's /debug/pprof/ routes on the gin engine every caller reaches. */
export const ginDebug: DebugModeProvider = {
  messages: GO_PROFILER_MESSAGE,
  workspace(ctx) {
    if (!ctx.sources.some((source) => source.language === 'go' && /"github\.com\/gin-contrib\/pprof"/.test(source.text))) return [];
    const out: DebugSwitch[] = [];
    for (const file of goProgram(ctx.sources).files) {
      if (!/"github\.com\/gin-contrib\/pprof"/.test(file.source.text)) continue;
      const local = [...importsOf(file.source.tree.rootNode).entries()].find(([, path]) => path === 'github.com/gin-contrib/pprof')?.[0] ?? 'pprof';
      walk(file.source.tree.rootNode, (node) => {
        if (node.type === 'call_expression' && field(node, 'function')?.text === `${local}.Register` && callArgs(node).length >= 1) {
          const text = node.text.split('\n')[0] ?? '';
          out.push({ source: file.source, node, snippet: text, messageId: 'goProfiler', data: { expression: text, server: callArgs(node)[0]?.text ?? '' } });
        }
        return true;
      }, true);
    }
    return out;
  },
};
