/**
 * The Go profiler on the public server: `import _ "net/http/pprof"` registers /debug/pprof/ (heap and
 * goroutine dumps, CPU profiles, the command line) on http.DefaultServeMux, so a program of that package
 * that serves the default mux on a non-loopback address (`http.ListenAndServe(":8080", nil)`, an
 * `http.Server` without a Handler) exposes it to every caller. A profiler served on `localhost:6060` /
 * `127.0.0.1:…` is the documented safe spelling and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import { callArgs, field, fields, named, stringLiteral, unwrap, walk } from '../go/ast.js';
import { goProgram } from '../go/program.js';
import type { DebugModeProvider, DebugSwitch } from '../plugin.js';

/** The finding's message, shared with the frameworks that mount the profiler on their own router (gin-contrib/pprof). */
export const GO_PROFILER_MESSAGE = {
  goProfiler: '`{{expression}}` publishes the Go profiler (/debug/pprof/: heap and goroutine dumps, CPU profiles, the command line) on the server every caller reaches (`{{server}}`).',
};

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)(:\d+)?$/;

/** Servers of the default mux in `root`: `http.ListenAndServe(addr, nil)`, `http.Server{Addr: …}` without a Handler. */
function defaultMuxServers(root: Node): { node: Node; address: string | undefined }[] {
  const out: { node: Node; address: string | undefined }[] = [];
  walk(
    root,
    (node) => {
      if (node.type === 'call_expression') {
        const fn = field(node, 'function')?.text ?? '';
        const args = callArgs(node);
        const handler = /^http\.(ListenAndServe|ListenAndServeTLS)$/.test(fn) ? args.at(-1) : /^http\.(Serve|ServeTLS)$/.test(fn) ? args[1] : undefined;
        if (handler && unwrap(handler).text === 'nil') out.push({ node, address: /^http\.Listen/.test(fn) && args[0] ? stringLiteral(unwrap(args[0])) : undefined });
      } else if (node.type === 'composite_literal' && field(node, 'type')?.text === 'http.Server') {
        const body = field(node, 'body');
        const keyed = body ? named(body).filter((child) => child.type === 'keyed_element') : [];
        const key = (element: Node): string => named(element)[0]?.text ?? '';
        const handler = keyed.find((element) => key(element) === 'Handler');
        if (!handler || named(handler)[1]?.text === 'nil') {
          const addr = keyed.find((element) => key(element) === 'Addr');
          const value = addr ? named(addr)[1] : undefined;
          out.push({ node, address: value ? stringLiteral(unwrap(value)) : undefined });
        }
      }
      return true;
    },
    true,
  );
  return out;
}

function importSpec(root: Node, path: string): Node | undefined {
  for (const declaration of named(root)) {
    if (declaration.type !== 'import_declaration') continue;
    const specs = named(declaration).flatMap((child) => (child.type === 'import_spec_list' ? named(child) : [child]));
    const found = specs.find((spec) => spec.type === 'import_spec' && fields(spec, 'path').some((item) => stringLiteral(item) === path));
    if (found) return found;
  }
  return undefined;
}

export const netHttpDebug: DebugModeProvider = {
  messages: GO_PROFILER_MESSAGE,
  workspace(ctx) {
    if (!ctx.sources.some((source) => source.language === 'go' && /"net\/http\/pprof"/.test(source.text))) return [];
    const out: DebugSwitch[] = [];
    for (const file of goProgram(ctx.sources).files) {
      if (!/"net\/http\/pprof"/.test(file.source.text)) continue;
      const spec = importSpec(file.source.tree.rootNode, 'net/http/pprof');
      if (!spec || field(spec, 'name')?.text !== '_') continue;
      // The servers of the program this package belongs to (the package's own files).
      const servers = file.pkg.files.flatMap((other) => defaultMuxServers(other.source.tree.rootNode));
      const exposed = servers.find((server) => server.address === undefined || !LOOPBACK.test(server.address));
      if (exposed) out.push({ source: file.source, node: spec, snippet: spec.text, messageId: 'goProfiler', data: { expression: spec.text, server: exposed.node.text.split('\n')[0] ?? '' } });
    }
    return out;
  },
};
