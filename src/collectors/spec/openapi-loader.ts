import path from 'node:path';
import type { JsonObject, JsonValue, SpecDocument, SpecNode } from '../../engine/context.js';
import type { Diagnostic, Location } from '../../model/types.js';
import { isObject } from './json.js';
import { appendPointer, decodeFragment, joinPointer, parsePointer } from './pointer.js';
import { parseSource, type ParsedSource } from './source.js';

export type SpecFormat = SpecDocument['format'];

export interface LoadedSpec {
  spec?: SpecDocument;
  diagnostics: Diagnostic[];
}

const SPEC_EXTENSIONS = ['.json', '.yaml', '.yml'];
const NOT_SPECS = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|jsconfig\.json|composer\.json|pnpm-lock\.yaml|\.eslintrc[^/]*|\.prettierrc[^/]*|\.babelrc[^/]*|renovate\.json|docker-compose[^/]*|compose\.ya?ml|\.github\/workflows\/[^/]*|\.gitlab-ci\.yml|\.travis\.yml|\.pre-commit-config\.yaml|pubspec\.yaml|\.vscode\/[^/]*)$/i;

/** Whether a file may hold an OpenAPI document (the content decides; this only skips well-known non-specs). */
export function isOpenApiCandidate(file: string): boolean {
  const lower = file.toLowerCase();
  return SPEC_EXTENSIONS.some((extension) => lower.endsWith(extension)) && !NOT_SPECS.test(file);
}

/** `openapi: 3.x` or `swagger: "2.0"` at the top level, with `paths`, `webhooks` or `components`. */
export function isOpenApiDocument(value: unknown): value is JsonObject {
  return isObject(value) && specFormat(value) !== undefined && (isObject(value.paths) || isObject(value.webhooks) || isObject(value.components));
}

export function specFormat(root: JsonObject): { format: SpecFormat; version: string } | undefined {
  const openapi = root.openapi;
  if (typeof openapi === 'string' || typeof openapi === 'number') {
    const version = typeof openapi === 'number' ? openapi.toFixed(1) : openapi;
    if (/^3\.0(\.|$)/.test(version)) return { format: 'openapi-3.0', version };
    if (/^3\.[1-9]/.test(version)) return { format: 'openapi-3.1', version };
    return undefined;
  }
  const swagger = root.swagger;
  if (swagger === '2.0' || swagger === 2) return { format: 'swagger-2.0', version: '2.0' };
  return undefined;
}

const SPEC_MARKER = /["']?\b(openapi|swagger)\b["']?\s*:/;
const SPEC_NAME = /(openapi|swagger|api)[^/]*$/i;
/** `openapi: 3.x` / `swagger: "2.0"` as a key at column 0 (YAML's top level), anywhere in the file. */
const TOP_LEVEL_YAML_MARKER = /^["']?(?:openapi|swagger)["']?[ \t]*:[ \t]*["']?\d/m;
const JSON_VERSION = /^\s*:\s*"?\d/;

/**
 * Whether the text declares an OpenAPI/Swagger version at its top level, even when it does not
 * parse: a column-0 YAML key, or a key of the outermost JSON object (found by one linear scan).
 */
export function declaresOpenApi(text: string): boolean {
  if (TOP_LEVEL_YAML_MARKER.test(text)) return true;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (c === 34) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 34) end += text.charCodeAt(end) === 92 ? 2 : 1;
      if (depth === 1 && end - i <= 8) {
        const key = text.slice(i + 1, end);
        if ((key === 'openapi' || key === 'swagger') && JSON_VERSION.test(text.slice(end + 1, end + 40))) return true;
      }
      i = end;
    }
  }
  return false;
}

/** Loads a JSON/YAML file; `spec` is set only when it is an OpenAPI document. Never throws. */
export function loadSpec(file: string, text: string, readSibling: (relPath: string) => string | undefined): LoadedSpec {
  const looksLikeSpec = (): boolean => SPEC_MARKER.test(text.slice(0, 4096)) || SPEC_NAME.test(file) || declaresOpenApi(text);
  if (!SPEC_MARKER.test(text)) {
    if (text.trim() === '' && looksLikeSpec()) {
      return { diagnostics: [{ level: 'warning', file, line: 1, message: 'The file is empty; no API description was read from it.', source: 'openapi' }] };
    }
    return { diagnostics: [] };
  }
  const outcome = parseSource(file, text);
  if ('empty' in outcome) return { diagnostics: [] };
  if ('error' in outcome) {
    if (!looksLikeSpec()) return { diagnostics: [] };
    const { line, message, syntax } = outcome.error;
    return { diagnostics: [{ level: 'error', file, line, message: `invalid ${syntax} at line ${line}: ${message}`, source: 'openapi' }] };
  }
  const root = outcome.source.value;
  if (!isOpenApiDocument(root)) return { diagnostics: [] };
  const format = specFormat(root);
  if (!format) return { diagnostics: [] };
  const documents = outcome.source.documents;
  const diagnostics: Diagnostic[] =
    documents === undefined
      ? []
      : [{ level: 'warning', file, line: 1, message: `The file holds ${documents} YAML documents; only the first is audited.`, source: 'openapi' }];
  return { spec: new OpenApiSpec(outcome.source, root, format.format, format.version, readSibling), diagnostics };
}

/** Diagnostics recorded by `resolve` since the last call (bad refs, unreadable referenced files). */
export function drainSpecDiagnostics(spec: SpecDocument): Diagnostic[] {
  return spec instanceof OpenApiSpec ? spec.takeDiagnostics() : [];
}

/** The node at `pointer` in the spec's own file, without following refs. */
export function nodeAt(spec: SpecDocument, pointer: string): SpecNode | undefined {
  const segments = parsePointer(pointer);
  if (!segments) return undefined;
  let node: SpecNode | undefined = { value: spec.root, file: spec.file, pointer: '' };
  for (const segment of segments) {
    node = spec.child(node, segment);
    if (!node) return undefined;
  }
  return node;
}

/** Longest `$ref` chain followed (real specs use a handful of links; longer chains are hostile). */
const MAX_REF_HOPS = 256;

class OpenApiSpec implements SpecDocument {
  private readonly sources = new Map<string, ParsedSource | null>();
  private readonly diagnostics: Diagnostic[] = [];
  private drained = 0;
  private readonly reported = new Set<string>();
  private readonly cache = new Map<string, SpecNode | null>();

  constructor(
    main: ParsedSource,
    readonly root: JsonObject,
    readonly format: SpecFormat,
    readonly version: string,
    private readonly readSibling: (relPath: string) => string | undefined,
  ) {
    this.file = main.file;
    this.sources.set(main.file, main);
  }

  readonly file: string;

  takeDiagnostics(): Diagnostic[] {
    const fresh = this.diagnostics.slice(this.drained);
    this.drained = this.diagnostics.length;
    return fresh;
  }

  child(node: SpecNode, key: string | number): SpecNode | undefined {
    const value = node.value;
    let next: JsonValue | undefined;
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : -1;
      next = index >= 0 ? value[index] : undefined;
    } else if (isObject(value)) {
      const name = String(key);
      next = Object.hasOwn(value, name) ? value[name] : undefined;
    }
    return next === undefined ? undefined : { value: next, file: node.file, pointer: appendPointer(node.pointer, key) };
  }

  lineOf(pointer: string, file: string = this.file): number {
    return this.position(pointer, file).line;
  }

  locate(node: SpecNode | string): Location {
    const file = typeof node === 'string' ? this.file : node.file;
    const pointer = typeof node === 'string' ? node : node.pointer;
    const { line, column } = this.position(pointer, file);
    return { file, line, column, pointer };
  }

  private position(pointer: string, file: string): { line: number; column: number } {
    const source = this.sources.get(file);
    const segments = parsePointer(pointer);
    if (!source || !segments) return { line: 1, column: 1 };
    return source.position(segments);
  }

  resolve(node: SpecNode): SpecNode | undefined {
    if (!isRef(node.value)) return node;
    const start = `${node.file}#${node.pointer}`;
    const cached = this.cache.get(start);
    if (cached !== undefined) return cached ?? undefined;
    const seen: string[] = [];
    const positions = new Map<string, number>();
    let current: SpecNode = node;
    let result: SpecNode | undefined;
    for (;;) {
      const value = current.value;
      if (!isRef(value)) {
        result = current;
        break;
      }
      const key = `${current.file}#${current.pointer}`;
      const known = this.cache.get(key);
      if (known !== undefined) {
        result = known ?? undefined;
        break;
      }
      if (seen.length >= MAX_REF_HOPS) {
        this.report(`hops:${start}`, node, `\`$ref\` \`${value.$ref}\` starts a chain of more than ${MAX_REF_HOPS} references; it is not followed further and resolves to nothing.`);
        break;
      }
      const repeat = positions.get(key) ?? -1;
      if (repeat !== -1) {
        const cycle = seen.slice(repeat);
        const first = [...cycle].sort()[0] ?? key;
        this.report(`cycle:${first}`, current, `\`$ref\` \`${value.$ref}\` is part of a reference cycle (${cycle.length} ${cycle.length === 1 ? 'ref' : 'refs'}) and resolves to nothing.`);
        break;
      }
      positions.set(key, seen.length);
      seen.push(key);
      const next = this.follow(current, value.$ref);
      if (!next) break;
      current = next;
    }
    // Every ref of the chain resolves to the same node: a chain is walked once, not once per link.
    this.cache.set(start, result ?? null);
    for (const key of seen) this.cache.set(key, result ?? null);
    return result;
  }

  private follow(from: SpecNode, ref: string): SpecNode | undefined {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart) || filePart.startsWith('//')) {
      const remote = /^(https?:)?\/\//i.test(filePart);
      this.report(
        `${from.file}\0${ref}`,
        from,
        remote
          ? `\`$ref\` \`${ref}\` points at a remote document, which is never fetched; the referenced part is not audited.`
          : `\`$ref\` \`${ref}\` uses an unsupported scheme and is not resolved.`,
      );
      return undefined;
    }
    let file = from.file;
    let source = this.sources.get(file) ?? undefined;
    if (filePart !== '') {
      const target = siblingPath(from.file, decodeFragment(filePart) ?? filePart);
      if (!target) {
        this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` points outside the audited directory and is not resolved.`);
        return undefined;
      }
      file = target;
      source = this.loadSibling(target, from, ref);
      if (!source) return undefined;
    }
    if (!source) return undefined;
    const pointer = decodeFragment(fragment);
    const segments = pointer === undefined ? undefined : parsePointer(pointer);
    if (!segments) {
      this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` has a malformed JSON pointer and is not resolved.`);
      return undefined;
    }
    let value: unknown = source.value;
    for (const segment of segments) {
      if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
      else if (isObject(value) && Object.hasOwn(value, segment)) value = value[segment];
      else value = undefined;
      if (value === undefined) break;
    }
    if (value === undefined) {
      const where = filePart === '' ? '' : ` in \`${file}\``;
      this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` is dangling: nothing exists at \`${pointer ?? fragment}\`${where}.`);
      return undefined;
    }
    return { value: value as JsonValue, file, pointer: joinPointer(segments) };
  }

  private loadSibling(file: string, from: SpecNode, ref: string): ParsedSource | undefined {
    const known = this.sources.get(file);
    if (known !== undefined) {
      if (known === null) this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` points at \`${file}\`, which could not be read.`);
      return known ?? undefined;
    }
    const text = this.readSibling(file);
    if (text === undefined) {
      this.sources.set(file, null);
      this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` is dangling: \`${file}\` does not exist or cannot be read.`);
      return undefined;
    }
    const outcome = parseSource(file, text);
    if ('source' in outcome) {
      this.sources.set(file, outcome.source);
      return outcome.source;
    }
    this.sources.set(file, null);
    if ('error' in outcome) {
      const { line, message, syntax } = outcome.error;
      this.push({ level: 'error', file, line, message: `invalid ${syntax} at line ${line}: ${message}`, source: 'openapi' });
    } else {
      this.report(`${from.file}\0${ref}`, from, `\`$ref\` \`${ref}\` points at \`${file}\`, which is empty.`);
    }
    return undefined;
  }

  private report(key: string, at: SpecNode, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.push({ level: 'warning', file: at.file, line: this.lineOf(appendPointer(at.pointer, '$ref'), at.file), message, source: 'openapi' });
  }

  private push(diagnostic: Diagnostic): void {
    this.diagnostics.push(diagnostic);
  }
}

function isRef(value: JsonValue): value is JsonObject & { $ref: string } {
  return isObject(value) && typeof value.$ref === 'string';
}

function siblingPath(from: string, relative: string): string | undefined {
  if (relative.startsWith('/') || /^[a-z]:[\\/]/i.test(relative)) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), relative.replaceAll('\\', '/')));
  if (joined === '..' || joined.startsWith('../') || joined.startsWith('/')) return undefined;
  return joined;
}

export interface SchemaStep {
  /** The schema, after following `$ref`s. */
  node: SpecNode<JsonObject>;
  /** The property name when the schema was reached through `properties`. */
  property?: string;
  depth: number;
}

const SCHEMA_KEYWORDS = ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas'];

/**
 * Walks a schema depth-first (properties, items, compositions …), following `$ref`s and visiting
 * each resolved schema once, so recursive schemas terminate. `visit` returns false to prune that
 * branch, 'stop' to end the walk.
 */
export function walkSchema(
  doc: SpecDocument,
  start: SpecNode,
  visit: (step: SchemaStep) => boolean | 'stop' | undefined,
  options: { maxNodes?: number; maxDepth?: number } = {},
): void {
  const maxNodes = options.maxNodes ?? 10_000;
  const maxDepth = options.maxDepth ?? 64;
  const visited = new Set<string>();
  const stack: { node: SpecNode; property?: string; depth: number }[] = [{ node: start, depth: 0 }];
  while (stack.length > 0 && visited.size < maxNodes) {
    const item = stack.pop();
    if (!item) break;
    const resolved = doc.resolve(item.node);
    if (!resolved || !isObject(resolved.value)) continue;
    const key = `${resolved.file}#${resolved.pointer}`;
    // A schema shared by several properties is visited under each name but descended once.
    const seenBefore = visited.has(key);
    if (seenBefore && item.property === undefined) continue;
    visited.add(key);
    const node = resolved as SpecNode<JsonObject>;
    const step: SchemaStep = item.property === undefined ? { node, depth: item.depth } : { node, property: item.property, depth: item.depth };
    const verdict = visit(step);
    if (verdict === 'stop') return;
    if (verdict === false || seenBefore || item.depth >= maxDepth) continue;
    const children: { node: SpecNode; property?: string; depth: number }[] = [];
    const depth = item.depth + 1;
    for (const keyword of SCHEMA_MAPS) {
      const map = doc.child(node, keyword);
      if (!map || !isObject(map.value)) continue;
      for (const name of Object.keys(map.value)) {
        const child = doc.child(map, name);
        if (child) children.push(keyword === 'properties' ? { node: child, property: name, depth } : { node: child, depth });
      }
    }
    for (const keyword of SCHEMA_LISTS) {
      const list = doc.child(node, keyword);
      if (!list || !Array.isArray(list.value)) continue;
      for (let i = 0; i < list.value.length; i++) {
        const child = doc.child(list, i);
        if (child) children.push({ node: child, depth });
      }
    }
    for (const keyword of SCHEMA_KEYWORDS) {
      const child = doc.child(node, keyword);
      if (child && isObject(child.value)) children.push({ node: child, depth });
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
}
