/**
 * Spring CORS configurations (Java and Kotlin) that allow every origin together with credentials:
 * `@CrossOrigin(originPatterns = "*", allowCredentials = "true")`, a `CorsRegistry` chain
 * `.allowedOriginPatterns("*").allowCredentials(true)`, and a `CorsConfiguration` given
 * `addAllowedOriginPattern("*")` / `setAllowedOrigins(List.of("*"))` with `setAllowCredentials(true)`
 * (Kotlin `allowCredentials = true`). Spring echoes the caller's origin for a `*` pattern.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { descendants, isJvm, jvmFile, named, type JvmAnnotation } from '../jvm/ast.js';
import { asCall, chainOf, type JvmCall } from '../jvm/calls.js';
import { JvmProgram, type Scope } from '../jvm/values.js';
import type { JvmCorsPolicy, JvmCorsProvider } from '../plugin.js';

const ORIGIN_CALLS = new Set(['allowedOriginPatterns', 'allowedOrigins', 'addAllowedOriginPattern', 'addAllowedOrigin', 'setAllowedOriginPatterns', 'setAllowedOrigins']);
const ORIGIN_PROPERTIES = new Set(['allowedOriginPatterns', 'allowedOrigins']);
const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'call_expression']);
const ASSIGNMENTS: ReadonlySet<string> = new Set(['assignment']);
const SCOPES: ReadonlySet<string> = new Set(['method_declaration', 'constructor_declaration', 'function_declaration', 'lambda_expression', 'lambda_literal']);

/** The string values of arguments, through `List.of("*")`, `Arrays.asList(…)`, `listOf(…)`, arrays and constants. */
function values(nodes: readonly Node[], program: JvmProgram, scope: Scope): string[] {
  return nodes.flatMap((node) => {
    const direct = program.strings(node, scope);
    if (direct) return direct;
    const call = asCall(node);
    if (call && /^(of|asList|listOf|setOf|arrayOf|mutableListOf|singletonList|singleton)$/.test(call.name)) return values(call.args, program, scope);
    if (node.type === 'array_creation_expression') return values(named(named(node).find((child) => child.type === 'array_initializer')), program, scope);
    return [];
  });
}

const isWildcard = (list: readonly string[]): boolean => list.some((value) => value.trim() === '*');

function crossOrigin(found: JvmAnnotation, program: JvmProgram, scope: Scope): boolean {
  const origins = values([...(found.args.get('origins') ?? []), ...(found.args.get('value') ?? []), ...(found.args.get('originPatterns') ?? [])], program, scope);
  const credentials = values(found.args.get('allowCredentials') ?? [], program, scope);
  return isWildcard(origins) && credentials.some((value) => value.trim() === 'true');
}

/** Where a call is reported: its method name (a chain starts at its receiver, lines above). */
function nameOf(call: JvmCall): Node {
  const javaName = call.node.childForFieldName('name');
  if (javaName) return javaName;
  const callee = named(call.node)[0];
  return callee?.type === 'navigation_expression' ? (named(callee).at(-1) ?? call.node) : call.node;
}

/** The enclosing method or lambda: the unit a `CorsConfiguration` variable lives in. */
function unitOf(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (SCOPES.has(current.type)) return current;
  return undefined;
}

function wildcardWithCredentials(source: SourceFile): JvmCorsPolicy[] {
  if (!isJvm(source) || !/Cors|CrossOrigin/.test(source.text)) return [];
  const file = jvmFile(source);
  const program = new JvmProgram([file]);
  const out: JvmCorsPolicy[] = [];
  for (const cls of file.classes) {
    const scope: Scope = { file, cls };
    for (const found of [...cls.annotations, ...cls.methods.flatMap((method) => method.annotations)]) {
      if (found.name === 'CrossOrigin' && crossOrigin(found, program, scope)) out.push({ node: found.node, label: found.node.text.replace(/\s+/g, ' ') });
    }
  }
  // Receivers (a chain, or a variable within one method) → what was set on them.
  const seen = new Set<number>();
  const byReceiver = new Map<string, { origin?: Node; credentials: boolean }>();
  const note = (key: string, origin: Node | undefined, credentials: boolean): void => {
    const entry = byReceiver.get(key) ?? { credentials: false };
    if (origin && !entry.origin) entry.origin = origin;
    entry.credentials ||= credentials;
    byReceiver.set(key, entry);
  };
  const scope: Scope = { file, cls: file.classes[0] };
  for (const node of descendants(source.tree.rootNode, CALLS)) {
    const call = asCall(node);
    if (!call || seen.has(node.id)) continue;
    const { root, calls } = chainOf(node);
    for (const item of calls) seen.add(item.node.id);
    const wildcard = (c: JvmCall): boolean => ORIGIN_CALLS.has(c.name) && isWildcard(values(c.args, program, scope));
    const credentials = (c: JvmCall): boolean => (c.name === 'allowCredentials' || c.name === 'setAllowCredentials') && /^(true|Boolean\.TRUE)$/.test(c.args[0]?.text ?? '');
    const origin = calls.find(wildcard);
    const withCredentials = calls.some(credentials);
    // `registry.addMapping("/**").allowedOriginPatterns("*").allowCredentials(true)`.
    if (origin && withCredentials) {
      out.push({ node: nameOf(origin), label: `${origin.name}("*") with allowCredentials(true)` });
      continue;
    }
    // Setters called one by one on a CorsConfiguration variable: `config.setAllowCredentials(true)`.
    if (calls.length === 1 && root && /^[A-Za-z_$][\w$]*$/.test(root.text) && (origin || withCredentials)) {
      const unit = unitOf(node);
      note(`${unit?.id ?? 0}:${root.text}`, origin ? nameOf(origin) : undefined, withCredentials);
    }
  }
  // Kotlin `config.allowCredentials = true`, `config.allowedOriginPatterns = listOf("*")`.
  for (const node of descendants(source.tree.rootNode, ASSIGNMENTS)) {
    const [target, value] = [named(node)[0], named(node).at(-1)];
    if (target?.type !== 'directly_assignable_expression' || !value) continue;
    const parts = named(target);
    const receiver = parts[0]?.text;
    const property = named(parts.at(-1)).at(-1)?.text ?? parts.at(-1)?.text;
    if (!receiver || !property) continue;
    const key = `${unitOf(node)?.id ?? 0}:${receiver}`;
    if (property === 'allowCredentials' && value.text === 'true') note(key, undefined, true);
    else if (ORIGIN_PROPERTIES.has(property) && isWildcard(values([value], program, scope))) note(key, node, false);
  }
  for (const entry of byReceiver.values()) {
    if (entry.origin && entry.credentials) out.push({ node: entry.origin, label: `${entry.origin.text.replace(/\s+/g, ' ').slice(0, 80)} with credentials allowed` });
  }
  return out;
}

export const springCors: JvmCorsProvider = { wildcardWithCredentials };
