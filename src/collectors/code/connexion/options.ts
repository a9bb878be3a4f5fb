import type { Node } from '../../../parsing/parser.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { callArgs, calleeName, field, kids, lastSegment, literalString, unwrap } from '../python/ast.js';
import type { PyIndex, PyModule } from '../python/project.js';
import { pyValues } from '../python/values.js';

/** Loaders a specification goes through before `add_api` (prance parsers, yaml/json loads, `open`, `Path`). */
const LOADERS = /(Parser|^safe_load|^full_load|^load|^loads|^open|^Path|^read_text|^read_specification_file)$/;

/**
 * The files an `add_api` specification argument may have been read from when it is not a file
 * name: `parser.specification` of `ResolvingParser(SPECIFICATION_FILE)`, `yaml.safe_load(open(path))`,
 * a name bound to either, with the path built by `os.path.join` of constants. Empty when unknown.
 */
export function specFiles(index: PyIndex, module: PyModule, node: Node, depth = 0): string[] {
  if (depth > 6) return [];
  const values = pyValues(index);
  const target = unwrap(node);
  const direct = values.strings({ module, node: target });
  if (direct.length > 0 && target.type !== 'call') return direct;
  if (target.type === 'attribute') {
    const object = field(target, 'object');
    // `parser.specification` (prance), `spec.text`: the object read from the file.
    if (object && /^(specification|spec|text|content)$/.test(field(target, 'attribute')?.text ?? '')) {
      const found = specFiles(index, module, object, depth + 1);
      if (found.length > 0) return found;
    }
  }
  if (target.type === 'call') {
    const name = lastSegment(calleeName(target) ?? '');
    const fn = field(target, 'function');
    if (fn?.type === 'attribute' && unwrap(field(fn, 'object') ?? fn).type === 'call') {
      // `Path(path).read_text()`
      return specFiles(index, module, field(fn, 'object') as Node, depth + 1);
    }
    if (!LOADERS.test(name)) return [];
    const args = callArgs(target);
    const first = args.keywords.get('url') ?? args.keywords.get('path') ?? args.keywords.get('file') ?? args.positional[0];
    return first ? specFiles(index, module, first, depth + 1) : [];
  }
  if (target.type === 'identifier') {
    const options = values.alternatives({ module, node: target }).filter((option) => option.node.id !== target.id);
    const out = options.flatMap((option) => specFiles(index, option.module, option.node, depth + 1));
    if (out.length > 0) return [...new Set(out)];
    // `with open(SPEC) as handle: spec = yaml.safe_load(handle)`.
    const item = withItemFor(target);
    if (item) return specFiles(index, module, item, depth + 1);
    // A name assigned inside a module-level block (`with open(...) as handle: legacy_spec = ...`) of this module or the one it is imported from.
    const binding = module.imports.get(target.text);
    const owner = binding?.kind === 'symbol' ? index.resolveModule(binding.module, module) : module;
    const name = binding?.kind === 'symbol' ? binding.name : target.text;
    for (const assignment of owner ? index.nodes(owner).assignments : []) {
      const right = field(assignment, 'right');
      if (!owner || field(assignment, 'left')?.text !== name || !right || right.id === target.id) continue;
      const found = specFiles(index, owner, right, depth + 1);
      if (found.length > 0) return found;
    }
  }
  return [];
}

/** The value of the `with` item that binds `name` (`with open(path) as name:`) in an enclosing statement. */
function withItemFor(name: Node): Node | undefined {
  let found: Node | undefined;
  for (let scope = parentOf(name); scope && !found; scope = parentOf(scope)) {
    if (scope.type !== 'function_definition' && scope.type !== 'module') continue;
    const visit = (node: Node): void => {
      if (found) return;
      if (node.type === 'as_pattern') {
        const alias = field(node, 'alias');
        const value = node.firstNamedChild;
        if (alias && value && alias.text === name.text) found = value;
      }
      for (const child of kids(node)) if (child.type !== 'function_definition' && child.type !== 'class_definition') visit(child);
    };
    visit(scope);
    break;
  }
  return found;
}

export interface DocsOptions {
  /** Swagger UI at `{base_path}/ui/`. */
  ui: boolean;
  /** The specification at `{base_path}/openapi.json` (`swagger.json` for 2.0). */
  spec: boolean;
}

/**
 * connexion serves its Swagger UI and the specification for each `add_api` unless told not to:
 * connexion 3 `swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False)`, connexion 2
 * `options={"swagger_ui": False, "serve_spec": False}`, on the app or the `add_api` call (which wins).
 */
export function docsOptions(index: PyIndex, calls: readonly { module: PyModule; call: Node }[]): DocsOptions {
  const out: DocsOptions = { ui: true, spec: true };
  for (const { module, call } of calls) {
    const args = callArgs(call);
    for (const key of ['swagger_ui_options', 'options']) {
      const given = args.keywords.get(key);
      if (!given) continue;
      const value = resolveValue(index, module, given);
      for (const [flag, setting] of settings(value)) {
        if (flag === 'swagger_ui') out.ui = setting;
        if (flag === 'serve_spec') out.spec = setting;
      }
    }
  }
  return out;
}

function resolveValue(index: PyIndex, module: PyModule, node: Node): Node {
  const target = unwrap(node);
  if (target.type !== 'identifier' && target.type !== 'attribute') return target;
  const options = pyValues(index).alternatives({ module, node: target });
  return options.length === 1 && options[0] ? unwrap(options[0].node) : target;
}

/** `(flag, value)` for each literal boolean in `SwaggerUIOptions(...)` keywords or an options dict. */
function settings(value: Node): [string, boolean][] {
  const out: [string, boolean][] = [];
  const bool = (node: Node | undefined): boolean | undefined => (node?.type === 'true' ? true : node?.type === 'false' ? false : undefined);
  if (value.type === 'call') {
    for (const [key, node] of callArgs(value).keywords) {
      const flag = bool(unwrap(node));
      if (flag !== undefined) out.push([key, flag]);
    }
  } else if (value.type === 'dictionary') {
    for (const pair of kids(value)) {
      if (pair.type !== 'pair') continue;
      const key = literalString(field(pair, 'key'));
      const flag = bool(unwrap(field(pair, 'value') ?? pair));
      if (key !== undefined && flag !== undefined) out.push([key, flag]);
    }
  }
  return out;
}
