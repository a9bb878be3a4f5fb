import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { ReportDescriptor } from '../checks/define-check.js';
import { at, isJs, isPython } from './code-auth.js';
import { argument, factsOf, snippetOf, stringValue, type CallSite } from './code.js';
import { clearedFor, functionTaint, rootFunction, taintAt, type FunctionTaint, type SinkKind, type Taint } from './taint.js';
import { parentOf } from '../parsing/tree-index.js';

/** Shared helpers for the input-validation checks: tainted sinks (direct or through one wrapper) (outbound HTTP calls: ./outbound.ts). */

function propertyValue(object: Node, key: string): Node | undefined {
  for (const child of object.namedChildren) {
    if (child?.type === 'pair' && (stringValue(child.childForFieldName('key')) ?? child.childForFieldName('key')?.text) === key) {
      return child.childForFieldName('value') ?? undefined;
    }
    if (child?.type === 'shorthand_property_identifier' && child.text === key) return child;
  }
  return undefined;
}

/** A call that is a sink: the arguments that must not carry tainted data, and the call's name for messages. */
export interface SinkMatch {
  args: Node[];
  what: string;
}

export interface SinkSpec {
  kind: SinkKind;
  match(source: SourceFile, call: CallSite): SinkMatch | undefined;
  /** Final say on a tainted argument (e.g. a guard elsewhere in the function); true keeps the hit. */
  accept?(source: SourceFile, call: CallSite, arg: Node, taint: Taint, facts: FunctionTaint): boolean;
}

export interface SinkHit {
  source: SourceFile;
  /** The sink call, or the call of the wrapper that reaches it. */
  call: CallSite;
  arg: Node;
  taint: Taint;
  what: string;
  /** Set when the sink is inside a function the call reaches (one level). */
  via?: { name: string; file: string; line: number; what: string; keys: boolean };
}

/** A function other files can call: its file, name and, for a class method, the class. */
export interface FunctionRef {
  source: SourceFile;
  name: string;
  className?: string;
}

interface Summary extends FunctionRef {
  fn: Node;
  params: { index: number; name: string; viaKeys: boolean }[];
  what: string;
  line: number;
}

export function functionNameOf(fn: Node): { name: string; className?: string } | undefined {
  const own = fn.childForFieldName('name')?.text;
  const parent = parentOf(fn);
  if (fn.type === 'method_definition' && own) {
    let cls: Node | null = parent;
    while (cls && cls.type !== 'class_declaration' && cls.type !== 'class') cls = parentOf(cls);
    const className = cls?.childForFieldName('name')?.text;
    return className ? { name: own, className } : { name: own };
  }
  if (own) return { name: own };
  if (parent?.type === 'variable_declarator') {
    const name = parent.childForFieldName('name');
    return name?.type === 'identifier' ? { name: name.text } : undefined;
  }
  if (parent?.type === 'pair') {
    const key = parent.childForFieldName('key');
    return key ? { name: stringValue(key) ?? key.text } : undefined;
  }
  if (parent?.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    const property = left?.type === 'member_expression' ? left.childForFieldName('property')?.text : undefined;
    return property ? { name: property } : undefined;
  }
  return undefined;
}

function parameterNames(fn: Node): string[] {
  const list = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!list) return [];
  if (list.type === 'identifier') return [list.text];
  return list.namedChildren
    .filter((child): child is Node => child !== null && child.type !== 'comment')
    .map((child) => {
      const name = child.childForFieldName('name') ?? child.childForFieldName('pattern') ?? child.childForFieldName('left');
      return (name ?? child.namedChildren.find((inner) => inner?.type === 'identifier') ?? child).text;
    });
}

function stem(file: string): string {
  const base = path.posix.basename(file).replace(/\.[^.]+$/, '');
  return base === '__init__' || base === 'index' ? path.posix.basename(path.posix.dirname(file)) : base;
}

/** True when `call` in `caller` invokes the function (same file, a relative JS import, a Python module, or `this.<service>.method`). */
export function callsFunction(caller: SourceFile, call: CallSite, summary: FunctionRef): boolean {
  const callee = call.callee;
  if (summary.className !== undefined) {
    const match = /^this\.(\w+)\.(\w+)$/.exec(callee);
    return match?.[2] === summary.name && match[1]?.toLowerCase() === summary.className.toLowerCase();
  }
  if (caller.file === summary.source.file && callee === summary.name) return true;
  if (!callee.endsWith(`.${summary.name}`)) return false;
  const module = callee.slice(0, -summary.name.length - 1);
  if (isJs(caller)) {
    if (!module.startsWith('.')) return false;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(caller.file), module));
    const file = summary.source.file.replace(/\.[cm]?[jt]sx?$/, '');
    return file === target || file === `${target}/index`;
  }
  return module.split('.').at(-1) === stem(summary.source.file);
}

function accepted(spec: SinkSpec, source: SourceFile, call: CallSite, arg: Node, taint: Taint, facts: FunctionTaint): boolean {
  return spec.accept ? spec.accept(source, call, arg, taint, facts) : true;
}

/** Sink arguments that carry request data: directly in the function, or through one call to a wrapper that reaches a sink. */
export function taintedSinks(ctx: CheckContext, spec: SinkSpec): SinkHit[] {
  const hits: SinkHit[] = [];
  const summaries: Summary[] = [];
  for (const source of ctx.sources) {
    if (!isPython(source) && !isJs(source)) continue;
    for (const call of factsOf(source).calls) {
      const sink = spec.match(source, call);
      if (!sink) continue;
      const facts = taintAt(ctx, source, call.node);
      if (!facts) continue;
      let direct = false;
      for (const arg of sink.args) {
        const taint = facts.taintOf(arg);
        if (!taint || clearedFor(taint, spec.kind) || !accepted(spec, source, call, arg, taint, facts)) continue;
        hits.push({ source, call, arg, taint, what: sink.what });
        direct = true;
        break;
      }
      if (direct) continue;
      const fn = rootFunction(call.node);
      const named = fn ? functionNameOf(fn) : undefined;
      if (!fn || !named) continue;
      const own = functionTaint(ctx, source, fn, 'parameters');
      const names = parameterNames(fn);
      const params = new Map<number, boolean>();
      for (const arg of sink.args) {
        const taint = own.taintOf(arg);
        if (!taint || clearedFor(taint, spec.kind) || !accepted(spec, source, call, arg, taint, own)) continue;
        for (const index of taint.params ?? []) params.set(index, (params.get(index) ?? true) && (taint.keyParams ?? []).includes(index));
      }
      if (params.size === 0) continue;
      summaries.push({
        source,
        fn,
        ...named,
        params: [...params].map(([index, viaKeys]) => ({ index, name: names[index] ?? '', viaKeys })),
        what: sink.what,
        line: call.node.startPosition.row + 1,
      });
    }
  }
  if (summaries.length === 0) return hits;
  for (const source of ctx.sources) {
    if (!isPython(source) && !isJs(source)) continue;
    for (const call of factsOf(source).calls) {
      for (const summary of summaries) {
        if (call.node.id === summary.fn.id || !callsFunction(source, call, summary)) continue;
        const facts = taintAt(ctx, source, call.node);
        if (!facts) continue;
        const param = summary.params.find((candidate) => {
          const arg = argument(call, candidate.index, isPython(source) ? candidate.name : undefined);
          const taint = facts.taintOf(arg);
          return taint !== undefined && !clearedFor(taint, spec.kind) && !(candidate.viaKeys && taint.fixedKeys === true);
        });
        const arg = param ? argument(call, param.index, isPython(source) ? param.name : undefined) : undefined;
        const taint = facts.taintOf(arg);
        if (!param || !arg || !taint || !accepted(spec, source, call, arg, taint, facts)) continue;
        hits.push({
          source,
          call,
          arg,
          taint,
          what: call.written,
          via: { name: summary.name, file: summary.source.file, line: summary.line, what: summary.what, keys: param.viaKeys },
        });
      }
    }
  }
  return hits;
}

/** `req.body.url` for messages: the origin, shortened. */
export function originOf(taint: Taint): string {
  const flat = taint.origin.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

/** Message data shared by the injection checks. */
export function hitData(hit: SinkHit): Record<string, string | number> {
  return {
    call: hit.what.replace(/\s+/g, ''),
    origin: originOf(hit.taint),
    ...(hit.via ? { wrapper: hit.via.name, sink: hit.via.what.replace(/\s+/g, ''), file: hit.via.file, line: hit.via.line } : {}),
  };
}

/** The text of the function around a node (the taint unit), for function-wide guard checks. */
export function functionText(node: Node): string {
  const fn = rootFunction(node);
  if (!fn) return '';
  let out = '';
  let cursor = fn.startIndex;
  for (const comment of fn.descendantsOfType('comment')) {
    if (!comment) continue;
    out += fn.text.slice(cursor - fn.startIndex, comment.startIndex - fn.startIndex);
    cursor = comment.endIndex;
  }
  return out + fn.text.slice(cursor - fn.startIndex);
}

/** Keys of a JS object / Python dict or kwargs, to compare option names. */
export function hasOption(call: CallSite, options: Node | undefined, name: string): boolean {
  if (call.kwargs.has(name)) return true;
  if (!options) return false;
  return propertyValue(options, name) !== undefined;
}

export function optionValue(call: CallSite, options: Node | undefined, name: string): Node | undefined {
  return call.kwargs.get(name) ?? (options ? propertyValue(options, name) : undefined);
}

/** Write methods of HTTP. */
export function isWriteMethod(method: string): boolean {
  return /^(POST|PUT|PATCH)$/i.test(method);
}

type Site = Pick<ReportDescriptor<string>, 'location' | 'evidence' | 'key'> & { endpointId?: string };

/** `at()` with the endpoint in the fingerprint key, so identical snippets in two anonymous handlers stay apart. */
export function siteOf(ctx: CheckContext, source: SourceFile, node: Node, snippet?: string): Site {
  const base = snippet === undefined ? at(ctx, source, node) : at(ctx, source, node, snippet);
  return base.endpointId === undefined ? base : { ...base, key: `${base.key ?? ''}\u0000${base.endpointId}` };
}

/** Where to report a call: the method name's line for a chained call that spans lines (`db\n  .where(...)`). */
export function callAt(
  ctx: CheckContext,
  source: SourceFile,
  call: CallSite,
): Site {
  const fn = call.node.childForFieldName('function');
  const property = fn?.type === 'member_expression' ? fn.childForFieldName('property') : fn?.type === 'attribute' ? fn.childForFieldName('attribute') : null;
  if (!property || property.startPosition.row === call.node.startPosition.row) return siteOf(ctx, source, call.node);
  const base = siteOf(ctx, source, property, snippetOf(call.node));
  const tail = call.node.text.slice(property.startIndex - call.node.startIndex);
  const snippet = `.${(tail.split('\n')[0] ?? tail).trim()}`;
  return { ...base, evidence: { snippet }, key: `${base.key ?? ''}\u0000${snippet}` };
}

/** An allowlist or private-address check anywhere in the function keeps the call quiet. */
export const URL_GUARD =
  /\.is_private\b|\.is_loopback\b|\.is_link_local\b|\.is_reserved\b|\bipaddress\.|ALLOWED_(HOSTS|DOMAINS|URLS|ORIGINS|HOSTNAMES)|ALLOW_?LIST|allow_?list|allowedHosts|allowedDomains|whitelist|ssrf\w*\(|ssrf-req-filter|request-filtering-agent|RequestFiltering\w*Agent|isPrivate|is-ip-private|private-ip|ipaddr\.|\.(hostname|host|netloc|origin)\s*(===|!==|==|!=|not in|in)\s|\.(hostname|host|netloc|origin)\)\s*(not in|in)\b|\b(hostname|host|netloc|origin)\s+(not in|in)\s+\w|\.(includes|has)\(\s*\w+\.(hostname|host|origin)\s*\)|validate_?url|is_?safe_?url|isAllowedUrl|isSafeUrl|assertSafeUrl/i;
