import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, goStructs, named, parameterNames, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { parentOf } from '../../parsing/tree-index.js';
import { goTaintedSinks, type GoCall, type GoFunctionTaint } from '../../analysis/go-taint.js';

/** Go field names a client must never set, compared lower-cased without `_`. */
const PRIVILEGED = /^(role|roles|roleid|isadmin|admin|isstaff|staff|issuperuser|superuser|balance|credits?|verified|isverified|emailverified|owner|ownerid|tenantid|permissions|userid|accountid|orgid|organizationid|approved|isactive|plan|tier)$/;
const GORM = /^(gorm\.io\/gorm|github\.com\/jinzhu\/gorm)$/;
const PERSIST = new Set(['Create', 'Save', 'Updates', 'FirstOrCreate', 'CreateInBatches']);

export interface GoMassAssignment {
  source: SourceFile;
  call: Node;
  written: string;
  body: string;
  model: string;
  fields: string[];
}

interface StructInfo {
  name: string;
  /** Exported fields the JSON/form binders fill (no `json:"-"`). */
  bound: string[];
}

function structs(sources: readonly SourceFile[]): Map<string, StructInfo> {
  const out = new Map<string, StructInfo>();
  for (const struct of goStructs(sources)) {
    const bound = struct.fields.filter((declared) => !/\b(json|form|query):"-"/.test(declared.tag) && /^[A-Z]/.test(declared.name)).map((declared) => declared.name);
    // Two packages may declare the same name: keep the one with privileged fields only when both agree.
    const previous = out.get(struct.name);
    out.set(struct.name, previous ? { name: struct.name, bound: previous.bound.filter((item) => bound.includes(item)) } : { name: struct.name, bound });
  }
  return out;
}

/** `var u T`, `u := T{}`, `u := &pkg.T{}`, `u := new(T)`, `var u *T`: the struct name. */
function declaredType(fn: Node, name: string): string | undefined {
  let found: string | undefined;
  const typeName = (text: string): string | undefined => /^(?:\*|&)?(?:\w+\.)?([A-Z]\w*)$/.exec(text.trim())?.[1];
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'var_spec' && fields(node, 'name').some((child) => child.text === name)) {
      const type = field(node, 'type');
      const value = field(node, 'value');
      found = type ? typeName(type.text) : value ? valueType(named(value)[0]) : undefined;
    } else if (node.type === 'short_var_declaration') {
      const left = named(field(node, 'left') ?? node);
      const index = left.findIndex((child) => child.text === name);
      if (index >= 0) found = valueType(named(field(node, 'right') ?? node)[index]);
    }
    return !found;
  }, true);
  return found;

  function valueType(value: Node | undefined): string | undefined {
    if (!value) return undefined;
    let current = unwrap(value);
    if (current.type === 'unary_expression') current = unwrap(field(current, 'operand') ?? current);
    if (current.type === 'composite_literal') return typeName(field(current, 'type')?.text ?? '');
    if (current.type === 'call_expression' && field(current, 'function')?.text === 'new') return typeName(named(field(current, 'arguments') ?? current)[0]?.text ?? '');
    return undefined;
  }
}

/** Fields the handler sets itself after binding: `u.Role = "member"`. */
function resetFields(fn: Node, name: string): Set<string> {
  const out = new Set<string>();
  walk(fn, (node) => {
    if (node.type !== 'assignment_statement') return true;
    for (const target of named(field(node, 'left') ?? node)) {
      if (target.type === 'selector_expression' && field(target, 'operand')?.text === name) out.add(field(target, 'field')?.text ?? '');
    }
    return true;
  }, true);
  return out;
}

/** Project functions and methods by name whose parameter at a position is written with gorm. */
function persistingFunctions(sources: readonly SourceFile[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    const imports = importsOf(source.tree.rootNode);
    if (![...imports.values()].some((path) => GORM.test(path))) continue;
    for (const fn of named(source.tree.rootNode)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const name = field(fn, 'name')?.text;
      const params = parameterNames(fn).map((param) => param.name);
      if (!name) continue;
      walk(fn, (node) => {
        if (node.type !== 'call_expression') return true;
        const callee = field(node, 'function');
        if (callee?.type !== 'selector_expression' || !PERSIST.has(field(callee, 'field')?.text ?? '')) return true;
        const arg = callArgs(node)[0];
        const target = arg ? unwrap(arg) : undefined;
        const inner = target?.type === 'unary_expression' ? field(target, 'operand') : target;
        const index = inner?.type === 'identifier' ? params.indexOf(inner.text) : -1;
        if (index >= 0) {
          const positions = out.get(name) ?? new Set<number>();
          positions.add(index);
          out.set(name, positions);
        }
        return true;
      });
    }
  }
  return out;
}

/**
 * A request body bound or decoded straight into a struct (`c.ShouldBindJSON(&user)`,
 * `json.NewDecoder(r.Body).Decode(&user)`, `c.BodyParser(&user)`) that is then written with gorm
 * (`db.Create(&user)`, `db.Save(&user)`, `db.Model(&u).Updates(&user)`), directly or through one
 * project function that does it (`store.CreateUser(&user)`), while the struct has privileged fields
 * the handler does not set itself. A request struct copied field by field into the model is not.
 */
export function goMassAssignments(sources: readonly SourceFile[]): GoMassAssignment[] {
  const goSources = sources.filter((source) => source.language === 'go');
  if (goSources.length === 0) return [];
  const types = structs(goSources);
  const persisting = persistingFunctions(goSources);
  const gormFiles = new Set(goSources.filter((source) => [...importsOf(source.tree.rootNode).values()].some((path) => GORM.test(path))).map((source) => source.file));
  /** Candidate writes by call id (the first one recorded for a call), looked up per hit. */
  const pending = new Map<number, { call: Node; arg: Node }>();
  const match = (call: GoCall, taint: GoFunctionTaint): Node[] | undefined => {
    if (!call.method || call.callee !== call.written) return undefined;
    let positions: number[] = [];
    if (PERSIST.has(call.method) && gormFiles.has(sourceOf(call.node)?.file ?? '')) positions = [0];
    else positions = [...(persisting.get(call.method) ?? [])];
    for (const index of positions) {
      const arg = call.args[index];
      const target = arg ? unwrap(arg) : undefined;
      const inner = target?.type === 'unary_expression' ? field(target, 'operand') : target;
      // The bound variable itself, not a model built from some of its fields.
      if (inner?.type !== 'identifier' || taint.taintOf(inner)?.whole !== true) continue;
      if (!pending.has(call.node.id)) pending.set(call.node.id, { call: call.node, arg: inner });
      return [inner];
    }
    return undefined;
  };
  const byTree = new Map(goSources.map((source) => [source.tree, source]));
  const sourceOf = (node: Node): SourceFile | undefined => byTree.get(node.tree);
  const out: GoMassAssignment[] = [];
  for (const hit of goTaintedSinks(goSources, match)) {
    const entry = pending.get(hit.call.id);
    if (!entry) continue;
    let fn: Node | null = hit.call;
    while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration') fn = parentOf(fn);
    if (!fn) continue;
    const typeName = declaredType(fn, entry.arg.text);
    const info = typeName ? types.get(typeName) : undefined;
    if (!info) continue;
    const reset = resetFields(fn, entry.arg.text);
    const privileged = info.bound.filter((name) => PRIVILEGED.test(name.toLowerCase().replace(/_/g, '')) && !reset.has(name));
    if (privileged.length === 0) continue;
    out.push({ source: hit.source, call: hit.call, written: hit.written, body: hit.origin, model: info.name, fields: privileged });
  }
  return out;
}
