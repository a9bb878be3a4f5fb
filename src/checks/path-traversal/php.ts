/**
 * Files opened at a path built from request data in PHP: the filesystem functions
 * (`file_put_contents`, `unlink`, `copy`, `readfile`, `include` …), Laravel `response()->download()`
 * / `->file()`, Symfony `BinaryFileResponse` and `AbstractController::file()`, and the Laravel
 * `Storage` facade. A path that starts with a base directory (`storage_path('exports/') . $name`)
 * still escapes it with `../`; a wholly request-supplied value read by `file_get_contents` / `fopen`
 * / `file` / `readfile` is a URL as much as a path and is left to ssrf-user-controlled-url.
 * Confined: `basename()`, the frameworks' safe names (`Str::slug`, `hashName()`: their `phpFiles` sections), casts, and a
 * condition of the function that tests the value for `..`, against `realpath`, a pattern (`preg_match`) or a framework's guard (`Str::startsWith`).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { field, walk } from '../../collectors/code/php/ast.js';
import { descendantsOf } from '../../parsing/tree-index.js';
import { phpFilesProviders } from '../../collectors/code/plugins.js';
import { enclosingFunction, requestOrigin } from '../../collectors/code/php/requests.js';
import { conditionsOf, leadingPart, phpCalls, resolveLocal, variablesIn, type PhpCallSite } from '../../collectors/code/php/sinks.js';

/** Function → positions of its path arguments. */
const FILE_FUNCTIONS: Record<string, number[]> = {
  file_get_contents: [0],
  file_put_contents: [0],
  fopen: [0],
  file: [0],
  readfile: [0],
  unlink: [0],
  rmdir: [0],
  copy: [0, 1],
  rename: [0, 1],
  move_uploaded_file: [1],
  parse_ini_file: [0],
  simplexml_load_file: [0],
  scandir: [0],
  opendir: [0],
  highlight_file: [0],
  show_source: [0],
};
/** Functions that also open URLs: a wholly request-supplied value there is SSRF first. */
export const URL_CAPABLE = new Set(['file_get_contents', 'fopen', 'file', 'readfile']);
/** PHP's own base-directory function; the frameworks' (`storage_path` …) are their `phpFiles` sections' `basePaths`. */
const BASE_PATHS = ['sys_get_temp_dir'];

let basePaths: ReadonlySet<string> | undefined;

/** Functions whose result is a base directory: PHP's and the frameworks', once. */
function pathHelpers(): ReadonlySet<string> {
  basePaths ??= new Set([...BASE_PATHS, ...phpFilesProviders().flatMap((provider) => provider.basePaths ?? [])]);
  return basePaths;
}

const INCLUDE_TYPES = ['include_expression', 'include_once_expression', 'require_expression', 'require_once_expression'];

export interface PhpPathHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
  /** Laravel's Storage normalises paths and refuses `..` above the disk root: any file of the disk, not of the server. */
  disk: boolean;
}

interface SafeNames {
  statics: ReadonlySet<string>;
  methods: ReadonlySet<string>;
  guards: ReadonlySet<string>;
}

let safeNames: SafeNames | undefined;

/** The frameworks' calls that give a name safe in a path and the static guards that confine a value (their `phpFiles` sections), once. */
function frameworkNames(): SafeNames {
  if (safeNames) return safeNames;
  const providers = phpFilesProviders();
  safeNames = {
    statics: new Set(providers.flatMap((provider) => provider.safeNames?.statics ?? [])),
    methods: new Set(providers.flatMap((provider) => provider.safeNames?.methods ?? [])),
    guards: new Set(providers.flatMap((provider) => provider.guards ?? [])),
  };
  return safeNames;
}

function pathSafe(node: Node): boolean {
  if (node.type === 'function_call_expression') return /^\\?(basename|pathinfo|md5|sha1|hash|uniqid|crc32)$/.test(field(node, 'function')?.text ?? '');
  if (node.type === 'scoped_call_expression') {
    // ramsey/uuid's `Uuid::uuid4()`; the frameworks' helpers (`Str::slug`), as written `Class::method`.
    const written = `${field(node, 'scope')?.text.replace(/^.*\\/, '') ?? ''}::${field(node, 'name')?.text ?? ''}`;
    return /^Uuid::\w+$/.test(written) || frameworkNames().statics.has(written);
  }
  // `$file->hashName()`, `$file->store('dir')`: names the framework generates.
  if (node.type === 'member_call_expression') return frameworkNames().methods.has(field(node, 'name')?.text ?? '');
  return false;
}

/** A condition of the function tests the value for `..`, against `realpath`, a pattern or an allowlist. */
function confined(fn: Node | undefined, value: Node): boolean {
  const names = variablesIn(value);
  return conditionsOf(fn).some((condition) => {
    const tested = [...variablesIn(condition)].some((name) => names.has(name));
    if (!tested) return false;
    let guard = false;
    walk(condition, (child) => {
      if (guard) return false;
      if ((child.type === 'string' || child.type === 'encapsed_string') && child.text.includes('..')) guard = true;
      if (child.type === 'function_call_expression' && /^\\?(realpath|preg_match|in_array|str_starts_with|ctype_alnum|ctype_digit)$/.test(field(child, 'function')?.text ?? '')) guard = true;
      if (child.type === 'scoped_call_expression' && frameworkNames().guards.has(field(child, 'name')?.text ?? '')) guard = true;
      return !guard;
    });
    return guard;
  });
}

function positions(call: PhpCallSite): { indexes: readonly number[]; written: string; disk: boolean; urlCapable: boolean } | undefined {
  if (call.kind === 'function') {
    const indexes = FILE_FUNCTIONS[call.name];
    return indexes ? { indexes, written: call.name, disk: false, urlCapable: URL_CAPABLE.has(call.name) } : undefined;
  }
  if (call.kind === 'new' && call.name === 'SplFileObject') return { indexes: [0], written: `new ${call.name}`, disk: false, urlCapable: true };
  // The frameworks' file responses and storage (their `phpFiles` sections): never a URL.
  for (const provider of phpFilesProviders()) {
    const sink = provider.sink?.(call);
    if (sink) return { ...sink, urlCapable: false };
  }
  return undefined;
}

export function phpPathTraversals(sources: readonly SourceFile[]): PhpPathHit[] {
  const out: PhpPathHit[] = [];
  for (const source of sources) {
    if (source.language !== 'php') continue;
    const root = source.tree.rootNode;
    const includes: PhpCallSite[] = [];
    // An include or require is written with its (case-insensitive) keyword: a file without one has none to find.
    if (/include|require/i.test(source.text)) {
      for (const node of descendantsOf(root, INCLUDE_TYPES)) {
        const value = node.namedChildren[0];
        if (value) includes.push({ node, name: node.type.replace('_expression', ''), kind: 'function', args: [{ value, spread: false }] });
      }
    }
    for (const call of [...phpCalls(root), ...includes]) {
      const sink = includes.includes(call) ? { indexes: [0], written: call.name, disk: false, urlCapable: false } : positions(call);
      if (!sink) continue;
      for (const index of sink.indexes) {
        const arg = call.args.filter((item) => item.name === undefined)[index]?.value;
        if (!arg) continue;
        const origin = requestOrigin(arg, pathSafe);
        if (!origin) continue;
        if (sink.urlCapable) {
          // A value that starts with request data may be a URL: SSRF reports it. A base directory before it makes it a path.
          const lead = leadingPart(resolveLocal(arg, call.node));
          const base = lead.literal !== undefined ? lead.literal !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(lead.literal) : lead.node?.type === 'function_call_expression' && pathHelpers().has(field(lead.node, 'function')?.text ?? '') || lead.node?.type === 'name' && /^__DIR__$/.test(lead.node.text);
          if (!base) continue;
        }
        if (confined(enclosingFunction(call.node), resolveLocal(arg, call.node)) || confined(enclosingFunction(call.node), arg)) continue;
        out.push({ source, node: call.node, call: sink.written, origin, disk: sink.disk });
        break;
      }
    }
  }
  return out;
}
