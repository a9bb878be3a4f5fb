/**
 * JS/TS: where a webhook handler's effect goes when it is a method of an injected service
 * (`this.billing.createSubscription(event)` with `constructor(private billing: BillingService)`),
 * or of the handler's own class (`this.record(event)`): the bodies of the methods it reaches, followed
 * through further injected services, so the check can see what the effect finally writes.
 */
import type { Node } from 'web-tree-sitter';
import { isJs } from '../../analysis/code-auth.js';
import { callsIn } from '../../analysis/code-transport.js';
import { jsDeclarationsNamed } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import { parentOf } from '../../parsing/tree-index.js';

interface Method {
  source: SourceFile;
  node: Node;
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'class_declaration' || current.type === 'class') return current;
  }
  return undefined;
}

function methodOf(cls: Node, name: string): Node | undefined {
  const body = cls.childForFieldName('body');
  for (const member of body?.namedChildren ?? []) {
    if (member?.type === 'method_definition' && member.childForFieldName('name')?.text === name) return member;
  }
  return undefined;
}

/** The declared class of a field: a constructor parameter property (`private readonly x: T`) or a field (`x: T`). */
function fieldType(cls: Node, field: string): string | undefined {
  const body = cls.childForFieldName('body');
  for (const member of body?.namedChildren ?? []) {
    if (!member) continue;
    const candidates: Node[] = [];
    if (member.type === 'public_field_definition') candidates.push(member);
    if (member.type === 'method_definition' && member.childForFieldName('name')?.text === 'constructor') {
      for (const parameter of member.childForFieldName('parameters')?.namedChildren ?? []) {
        if (parameter && (parameter.type === 'required_parameter' || parameter.type === 'optional_parameter')) candidates.push(parameter);
      }
    }
    for (const candidate of candidates) {
      const name = (candidate.childForFieldName('pattern') ?? candidate.childForFieldName('name'))?.text;
      if (name !== field) continue;
      const type = candidate.childForFieldName('type')?.namedChildren[0];
      if (type?.type === 'type_identifier') return type.text;
    }
  }
  return undefined;
}

/** The method a call `this.m(…)` or `this.field.m(…)` reaches, when the project declares it. */
function resolve(ctx: CheckContext, source: SourceFile, call: Node, written: string): Method | undefined {
  const cls = enclosingClass(call);
  if (!cls) return undefined;
  const own = /^this\.(\w+)$/.exec(written);
  if (own?.[1]) {
    const node = methodOf(cls, own[1]);
    return node ? { source, node } : undefined;
  }
  const injected = /^this\.(\w+)\.(\w+)$/.exec(written);
  if (!injected?.[1] || !injected[2]) return undefined;
  const type = fieldType(cls, injected[1]);
  const targets = type ? jsDeclarationsNamed(ctx, 'class_declaration', type) : [];
  if (targets.length !== 1 || !targets[0]) return undefined;
  const node = methodOf(targets[0].node, injected[2]);
  return node ? { source: targets[0].source, node } : undefined;
}

/**
 * The texts of the methods `effect` reaches: the method it calls, then the calls of that method that
 * `follow` accepts, up to four levels. Empty when the effect is not a project method.
 */
export function effectBodies(ctx: CheckContext, source: SourceFile, effect: Node, written: string, follow: (written: string) => boolean): string[] {
  if (!isJs(source)) return [];
  const texts: string[] = [];
  const seen = new Set<Node['id']>();
  let frontier: { source: SourceFile; call: Node; written: string }[] = [{ source, call: effect, written }];
  for (let depth = 0; depth < 4 && frontier.length > 0; depth += 1) {
    const next: typeof frontier = [];
    for (const item of frontier) {
      const method = resolve(ctx, item.source, item.call, item.written);
      if (!method || seen.has(method.node.id)) continue;
      seen.add(method.node.id);
      texts.push(method.node.text);
      for (const call of callsIn(method.source, method.node)) {
        if (follow(call.written)) next.push({ source: method.source, call: call.node, written: call.written });
      }
    }
    frontier = next;
  }
  return texts;
}
