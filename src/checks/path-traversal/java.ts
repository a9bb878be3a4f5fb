/**
 * Files opened at paths built from request data in Java: `new File(base, name)`, `FileInputStream`,
 * `FileOutputStream`, `FileReader`/`FileWriter`, `RandomAccessFile`, the frameworks' file types (the plugins'
 * `pathSinks`: Spring `FileSystemResource` / `UrlResource` / `PathResource`), `Paths.get` / `Path.of`, `base.resolve(name)`, and the `Files`
 * operations given the text directly. A method that normalizes the path and checks it
 * `startsWith` its base directory (or keeps only the last name component with
 * `FilenameUtils.getName` / `getFileName()`) confines it and is not reported. One finding per
 * method and request value.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, literalString, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { bare, classAt, enclosing, enclosingMethod, localValue } from '../../collectors/code/jvm/trace.js';
import { javaSinkCandidates, sharedAnalysis, type JavaSinkHit, type JavaTaint } from '../../collectors/code/jvm/taint.js';
import { pathSinkProviders } from '../../collectors/code/plugins.js';

export type JavaPathHit = JavaSinkHit;

const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression']);
const CONDITIONS: ReadonlySet<string> = new Set(['if_statement', 'while_statement', 'ternary_expression', 'assert_statement']);
/** The JDK's file constructors; the frameworks' (the plugins' `pathSinks`, with the URL-taking ones) are joined to them. */
const JDK_CONSTRUCTORS = ['File', 'FileInputStream', 'FileOutputStream', 'FileReader', 'FileWriter', 'RandomAccessFile'];
let constructorTable: { types: RegExp; mentions: RegExp } | undefined;

function constructors(): { types: RegExp; mentions: RegExp } {
  if (constructorTable) return constructorTable;
  const names = [...new Set([...JDK_CONSTRUCTORS, ...pathSinkProviders().flatMap((provider) => [...provider.constructors, ...(provider.urlConstructors ?? [])])])];
  constructorTable = { types: new RegExp(`^(${names.join('|')})$`), mentions: new RegExp(`\\b(${names.join('|')}|Paths|Path|Files)\\b`) };
  return constructorTable;
}
const FILES_OPS = /^(readAllBytes|readAllLines|readString|lines|newInputStream|newOutputStream|newBufferedReader|newBufferedWriter|write|writeString|copy|move|delete|deleteIfExists|createFile|createDirectories|newByteChannel|list|walk)$/;
const CANONICAL = /\.(normalize|toRealPath|getCanonicalPath|getCanonicalFile)\(/;
const LAST_COMPONENT = /^(getFileName)$/;

/** Whether the method confines paths: `if (!target.normalize().startsWith(base))`, with `target` normalized here or where it was computed. */
function confined(method: Node): boolean {
  for (const call of descendants(method, CALLS)) {
    if (call.type !== 'method_invocation' || field(call, 'name')?.text !== 'startsWith') continue;
    if (!enclosing(call, CONDITIONS)) continue;
    const receiver = bare(field(call, 'object'));
    if (!receiver) continue;
    if (CANONICAL.test(receiver.text)) return true;
    if (receiver.type === 'identifier' && CANONICAL.test(localValue(receiver.text, call)?.text ?? '')) return true;
  }
  return false;
}

function inCondition(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (CONDITIONS.has(current.type)) {
      const condition = field(current, 'condition') ?? named(current)[0];
      return !!condition && condition.startIndex <= node.startIndex && node.endIndex <= condition.endIndex;
    }
    if (current.type === 'method_declaration' || current.type === 'constructor_declaration') return false;
  }
  return false;
}

/** Whether a condition in the method tests the value for `..` (`contains(x, "..")`, `x.contains("..")`, `x.indexOf("..")`). */
function rejectsDotDot(method: Node): boolean {
  return descendants(method, CALLS).some((call) => call.type === 'method_invocation' && /^(contains|indexOf|containsAny)$/.test(field(call, 'name')?.text ?? '') && inCondition(call) && named(field(call, 'arguments')).some((arg) => literalString(arg) === '..'));
}

/** `Paths.get(name).getFileName()` / `FilenameUtils.getName(name)` keep only the last component. */
function lastComponent(start: Node | undefined, depth = 0): boolean {
  const node = bare(start);
  if (!node || depth > 4) return false;
  if (node.type === 'method_invocation') {
    if (LAST_COMPONENT.test(field(node, 'name')?.text ?? '')) return true;
    return lastComponent(field(node, 'object'), depth + 1);
  }
  if (node.type === 'identifier') return lastComponent(localValue(node.text, node), depth + 1);
  return false;
}

const STREAMS = /^(InputStream|OutputStream|FileInputStream|ByteArrayInputStream|BufferedInputStream)$/;

function streamType(arg: Node, typeOf: (node: Node) => string | undefined): string {
  const node = bare(arg);
  if (!node) return '';
  if (node.type === 'method_invocation' && /^(getInputStream|openStream|newInputStream)$/.test(field(node, 'name')?.text ?? '')) return 'InputStream';
  if (node.type === 'object_creation_expression') return simpleName(field(node, 'type')?.text ?? '');
  return node.type === 'identifier' ? (typeOf(node) ?? '') : '';
}

function isSink(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.type === 'object_creation_expression') return constructors().types.test(simpleName(field(node, 'type')?.text ?? ''));
  if (node.type !== 'method_invocation') return false;
  const name = field(node, 'name')?.text ?? '';
  const receiver = field(node, 'object')?.text;
  return (receiver === 'Paths' && name === 'get') || (receiver === 'Path' && name === 'of') || name === 'resolve';
}

export function javaPathTraversals(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaPathHit[] {
  const candidates = javaSinkCandidates(sources, constructors().mentions);
  if (candidates.length === 0) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  let taint: JavaTaint | undefined;
  const out: JavaPathHit[] = [];
  const seen = new Set<string>();
  const guarded = new Map<number, boolean>();
  /** Program methods whose body rejects `..`: `if (StringUtils.contains(resource, "..")) return false;`. */
  const validators = new Map<string, boolean>();
  const validates = (name: string): boolean => {
    const cached = validators.get(name);
    if (cached !== undefined) return cached;
    const found = tracer.program.classes.some((cls) => cls.methods.some((candidate) => candidate.name === name && !!candidate.body && rejectsDotDot(candidate.body)));
    validators.set(name, found);
    return found;
  };
  /** A helper whose every caller that hands it request data first rejects `..` in a condition (directly or through a validator method). */
  const callersReject = (method: Node): boolean => {
    const name = field(method, 'name')?.text;
    if (!name) return false;
    const callers = tracer.program.files.flatMap((other) => descendants(other.source.tree.rootNode, CALLS).filter((call) => call.type === 'method_invocation' && field(call, 'name')?.text === name));
    const hot = callers.filter((call) => named(field(call, 'arguments')).some((arg) => taint?.origin(arg) !== undefined));
    if (hot.length === 0) return false;
    return hot.every((call) => {
      const caller = enclosingMethod(call);
      if (!caller) return false;
      return rejectsDotDot(caller) || descendants(caller, CALLS).some((check) => check.type === 'method_invocation' && check.startIndex < call.startIndex && inCondition(check) && validates(field(check, 'name')?.text ?? ''));
    });
  };

  for (const source of candidates) {
    const file = tracer.program.files.find((candidate) => candidate.source === source);
    if (!file) continue;
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const args = named(field(node, 'arguments'));
      let call: string | undefined;
      let paths: Node[] = [];
      if (node.type === 'object_creation_expression') {
        const type = simpleName(field(node, 'type')?.text ?? '');
        if (!constructors().types.test(type)) continue;
        call = `new ${type}`;
        paths = args.slice(0, 2);
      } else {
        const name = field(node, 'name')?.text ?? '';
        const receiver = field(node, 'object');
        if (!receiver) continue;
        if ((receiver.text === 'Paths' && name === 'get') || (receiver.text === 'Path' && name === 'of')) paths = args;
        else if (receiver.text === 'Files' && FILES_OPS.test(name)) paths = /^(copy|move)$/.test(name) ? args.slice(0, 2).filter((arg) => !STREAMS.test(streamType(arg, (value) => tracer.typeOf(value, classAt(file, value))))) : args.slice(0, 1);
        else if (name === 'resolve' && tracer.typeOf(receiver, classAt(file, node)) === 'Path') paths = args.slice(0, 1);
        else continue;
        call = `${receiver.text}.${name}`;
      }
      const method = enclosingMethod(node);
      if (!method || paths.length === 0) continue;
      // `Paths.get(upload.getOriginalFilename()).getFileName()` keeps only the last component.
      const parent = node.parent;
      if (parent?.type === 'method_invocation' && field(parent, 'object')?.id === node.id && LAST_COMPONENT.test(field(parent, 'name')?.text ?? '')) continue;
      // A path computed by an earlier sink (`Path target = Path.of(dir, name); Files.readString(target)`) is that sink's finding.
      paths = paths.filter((path) => {
        const value = bare(path);
        return !(value?.type === 'identifier' && isSink(bare(localValue(value.text, value))));
      });
      taint ??= analysis.taint();
      const hot = paths.find((path) => !lastComponent(path) && taint?.origin(path) !== undefined);
      const origin = hot ? taint.origin(hot) : undefined;
      if (!origin) continue;
      if (!guarded.has(method.id)) guarded.set(method.id, confined(method) || rejectsDotDot(method) || callersReject(method));
      if (guarded.get(method.id)) continue;
      const key = `${source.file}\u0000${method.id}\u0000${origin}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ source, node, snippet: node.text.split('\n')[0] ?? '', call, origin });
    }
  }
  return out;
}
