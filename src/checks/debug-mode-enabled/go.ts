/**
 * The Go profiler published on the public server: `import _ "net/http/pprof"` registers /debug/pprof/
 * (heap and goroutine dumps, CPU profiles, the command line) on http.DefaultServeMux, so a program of
 * that package that serves the default mux on a non-loopback address (`http.ListenAndServe(":8080", nil)`,
 * an `http.Server` without a Handler) exposes it to every caller; gin-contrib/pprof's `pprof.Register(r)`
 * on the gin engine does the same. A profiler served on `localhost:6060` / `127.0.0.1:…` is the documented
 * safe spelling and is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { goProgram, importsOf } from '../../collectors/code/go/program.js';

export interface GoProfiler {
  source: SourceFile;
  node: Node;
  text: string;
  server: string;
}

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

export function goProfilers(sources: readonly SourceFile[]): GoProfiler[] {
  if (!sources.some((source) => source.language === 'go' && /"net\/http\/pprof"|"github\.com\/gin-contrib\/pprof"/.test(source.text))) return [];
  const program = goProgram(sources);
  const out: GoProfiler[] = [];
  for (const file of program.files) {
    const text = file.source.text;
    if (/"net\/http\/pprof"/.test(text)) {
      const spec = importSpec(file.source.tree.rootNode, 'net/http/pprof');
      if (!spec || field(spec, 'name')?.text !== '_') continue;
      // The servers of the program this package belongs to (the package's own files).
      const servers = file.pkg.files.flatMap((other) => defaultMuxServers(other.source.tree.rootNode));
      const exposed = servers.find((server) => server.address === undefined || !LOOPBACK.test(server.address));
      if (exposed) out.push({ source: file.source, node: spec, text: spec.text, server: exposed.node.text.split('\n')[0] ?? '' });
    }
    if (/"github\.com\/gin-contrib\/pprof"/.test(text)) {
      const local = [...importsOf(file.source.tree.rootNode).entries()].find(([, path]) => path === 'github.com/gin-contrib/pprof')?.[0] ?? 'pprof';
      walk(file.source.tree.rootNode, (node) => {
        if (node.type === 'call_expression' && field(node, 'function')?.text === `${local}.Register` && callArgs(node).length >= 1) {
          out.push({ source: file.source, node, text: node.text.split('\n')[0] ?? '', server: callArgs(node)[0]?.text ?? '' });
        }
        return true;
      }, true);
    }
  }
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
