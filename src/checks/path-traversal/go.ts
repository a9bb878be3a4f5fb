import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goTaintedSinks, taintedFor, type GoCall, type GoFunctionTaint, type GoSinkHit } from '../../analysis/go-taint.js';
import { goRequestProviders } from '../../collectors/code/plugins.js';

/** os / ioutil functions and the argument positions that are paths. */
const FILE_FUNCTIONS: Record<string, number[]> = {
  'os.Open': [0], 'os.OpenFile': [0], 'os.ReadFile': [0], 'os.WriteFile': [0], 'os.Create': [0], 'os.Remove': [0], 'os.RemoveAll': [0],
  'os.ReadDir': [0], 'os.Mkdir': [0], 'os.MkdirAll': [0], 'os.Rename': [0, 1], 'os.Truncate': [0], 'os.Chmod': [0],
  'io/ioutil.ReadFile': [0], 'io/ioutil.WriteFile': [0], 'io/ioutil.ReadDir': [0],
  'net/http.ServeFile': [2],
};
let contextFiles: Record<string, number> | undefined;

/** The frameworks' context methods that send a file from disk or save an upload (the plugins' `goRequest.files`: gin's `c.File`, fiber's `c.SendFile` …), with the path's position. */
function contextFileMethods(): Record<string, number> {
  contextFiles ??= Object.assign({}, ...goRequestProviders().map(({ provider }) => provider.files ?? {})) as Record<string, number>;
  return contextFiles;
}

function match(call: GoCall, taint: GoFunctionTaint): Node[] | undefined {
  const positions = FILE_FUNCTIONS[call.callee];
  if (positions) {
    const args = positions.map((index) => call.args[index]);
    // http.ServeFile refuses a request whose URL path holds `..`: the request path itself is checked.
    if (call.callee === 'net/http.ServeFile') return taintedFor(taint, 'path', args).filter((arg) => taint.taintOf(arg)?.urlPath !== true);
    return taintedFor(taint, 'path', args);
  }
  const index = call.method !== undefined && call.callee === call.written ? contextFileMethods()[call.method] : undefined;
  if (index === undefined || !call.receiver || call.receiver.type !== 'identifier') return undefined;
  return taintedFor(taint, 'path', [call.args[index]]);
}

export function goPathTraversals(sources: readonly SourceFile[]): GoSinkHit[] {
  return goTaintedSinks(sources, match, { kind: 'path' });
}
