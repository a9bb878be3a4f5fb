import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goTaintedSinks, taintedFor, type GoCall, type GoFunctionTaint, type GoSinkHit } from '../../analysis/go-taint.js';

/** net/http request functions and the position of the URL. */
const HTTP_FUNCTIONS: Record<string, number> = {
  'net/http.Get': 0, 'net/http.Head': 0, 'net/http.Post': 0, 'net/http.PostForm': 0,
  'net/http.NewRequest': 1, 'net/http.NewRequestWithContext': 2,
};

function match(call: GoCall, taint: GoFunctionTaint): Node[] | undefined {
  const index = HTTP_FUNCTIONS[call.callee];
  if (index !== undefined) return taintedFor(taint, 'url', [call.args[index]]);
  // `http.DefaultClient.Get(u)`.
  if (call.method && /^(Get|Head|Post|PostForm)$/.test(call.method) && /^http\.DefaultClient$/.test(call.receiver?.text ?? '')) return taintedFor(taint, 'url', [call.args[0]]);
  return undefined;
}

export function goSsrf(sources: readonly SourceFile[]): GoSinkHit[] {
  return goTaintedSinks(sources, match, { kind: 'url' });
}
