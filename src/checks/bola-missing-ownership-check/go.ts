import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, goStructs, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goTaintedSinks, type GoCall, type GoFunctionTaint } from '../../analysis/go-taint.js';
import { innermostOfType } from '../../parsing/tree-index.js';

/** Struct fields that name the record's owner. */
const OWNER_FIELD = /^(User|Owner|Tenant|Account|Org|Organization|Author|Creator|Customer|Merchant|Team|Workspace)(ID|Id)$|^CreatedBy$/;
/** The same as columns in a query or a gorm condition. */
const OWNER_COLUMN = /\b(user|owner|tenant|account|org|organization|author|creator|customer|merchant|team|workspace)_?id\b|\bcreated_by\b/i;
const GORM = /^(gorm\.io\/gorm|github\.com\/jinzhu\/gorm)$/;
const SQLX = /^(github\.com\/jmoiron\/sqlx|database\/sql)$/;
const GORM_LOOKUPS = new Set(['First', 'Take', 'Last', 'Find', 'Delete']);
/** Calls that only answer with the record or log it: not a policy decision on it. */
const DECLARATIONS = ['function_declaration', 'method_declaration'];
const NOT_A_CHECK = /^(JSON|String|XML|YAML|Render|IndentedJSON|PureJSON|Encode|Marshal|MarshalIndent|Printf|Println|Print|Sprintf|Errorf|Infof|Debugf|Error|Warnf|SendString|Send|Status|Write|Save|Updates|Update|Delete|Create|First|Take|Find|Model|Where)$/;

export interface GoObjectAccess {
  source: SourceFile;
  call: Node;
  written: string;
  model: string;
  id: string;
  write: boolean;
}

function ownerFields(sources: readonly SourceFile[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const struct of goStructs(sources)) {
    const owned = struct.fields.some((declared) => OWNER_FIELD.test(declared.name));
    out.set(struct.name, (out.get(struct.name) ?? false) || owned);
  }
  return out;
}

/** `&order` → `Order` when `order` is declared `var order Order` / `order := Order{}` / `new(Order)`; `&Order{}` → `Order`. */
function modelOf(fn: Node, arg: Node | undefined): { model: string; variable?: string } | undefined {
  if (!arg) return undefined;
  let current = unwrap(arg);
  if (current.type === 'unary_expression') current = unwrap(field(current, 'operand') ?? current);
  const typeName = (text: string): string | undefined => /^(?:\[\])?\*?(?:\w+\.)?([A-Z]\w*)$/.exec(text.trim())?.[1];
  if (current.type === 'composite_literal') {
    const model = typeName(field(current, 'type')?.text ?? '');
    return model ? { model } : undefined;
  }
  if (current.type !== 'identifier') return undefined;
  const name = current.text;
  let model: string | undefined;
  walk(fn, (node) => {
    if (model) return false;
    if (node.type === 'var_spec' && fields(node, 'name').some((child) => child.text === name)) {
      const type = field(node, 'type');
      const value = named(field(node, 'value') ?? node)[0];
      model = type ? typeName(type.text) : value ? valueType(value) : undefined;
    } else if (node.type === 'short_var_declaration') {
      const left = named(field(node, 'left') ?? node);
      const index = left.findIndex((child) => child.text === name);
      if (index >= 0) model = valueType(named(field(node, 'right') ?? node)[index]);
    }
    return !model;
  }, true);
  return model ? { model, variable: name } : undefined;

  function valueType(value: Node | undefined): string | undefined {
    if (!value) return undefined;
    let inner = unwrap(value);
    if (inner.type === 'unary_expression') inner = unwrap(field(inner, 'operand') ?? inner);
    if (inner.type === 'composite_literal') return typeName(field(inner, 'type')?.text ?? '');
    if (inner.type === 'call_expression' && field(inner, 'function')?.text === 'new') return typeName(named(field(inner, 'arguments') ?? inner)[0]?.text ?? '');
    return undefined;
  }
}

/** The calls of a gorm chain, outermost first: `db.Where(…).First(&o)` → First, Where. */
function chainCalls(call: Node): Node[] {
  const out: Node[] = [];
  let current: Node | undefined = call;
  while (current?.type === 'call_expression') {
    out.push(current);
    const fn = field(current, 'function');
    current = fn?.type === 'selector_expression' ? unwrap(field(fn, 'operand') ?? fn) : undefined;
  }
  return out;
}

/** The handler compares an owner field, or hands the loaded record to a policy function. */
function ownershipChecked(fn: Node, variable: string | undefined): boolean {
  let checked = false;
  walk(fn, (node) => {
    if (checked) return false;
    if (node.type === 'binary_expression' && /^(==|!=)$/.test(field(node, 'operator')?.text ?? '')) {
      for (const side of [field(node, 'left'), field(node, 'right')]) {
        const inner = side ? unwrap(side) : undefined;
        if (inner?.type === 'selector_expression' && OWNER_FIELD.test(field(inner, 'field')?.text ?? '')) checked = true;
      }
    }
    if (variable && node.type === 'call_expression') {
      const callee = field(node, 'function');
      const name = callee?.type === 'selector_expression' ? (field(callee, 'field')?.text ?? '') : (callee?.text ?? '');
      if (!NOT_A_CHECK.test(name) && callArgs(node).some((arg) => arg.type === 'identifier' && arg.text === variable)) checked = true;
    }
    return !checked;
  }, true);
  return checked;
}

/**
 * A gorm lookup or delete (`db.First(&order, c.Param("id"))`, `db.Where("id = ?", id).First(&o)`,
 * `db.Delete(&Order{}, id)`) or a sqlx `Get`/`Select` into a struct, by an id from the request, of
 * a model that has an owner field (`UserID`, `TenantID`…), with no owner condition in the query and
 * no comparison of the owner field (or policy call on the record) in the handler.
 */
export function goObjectAccesses(sources: readonly SourceFile[]): GoObjectAccess[] {
  const goSources = sources.filter((source) => source.language === 'go');
  if (goSources.length === 0) return [];
  const owned = ownerFields(goSources);
  const kinds = new Map(goSources.map((source) => {
    const paths = [...importsOf(source.tree.rootNode).values()];
    return [source.tree, { gorm: paths.some((path) => GORM.test(path)), sqlx: paths.some((path) => SQLX.test(path)) }];
  }));
  const found = new Map<number, { model: string; variable?: string | undefined; write: boolean; fn: Node }>();
  const match = (call: GoCall, taint: GoFunctionTaint): Node[] | undefined => {
    const kind = kinds.get(call.node.tree);
    if (!kind || !call.method || call.callee !== call.written) return undefined;
    let ids: Node[] = [];
    let dest: Node | undefined;
    let conditions = '';
    if (kind.gorm && GORM_LOOKUPS.has(call.method)) {
      const chain = chainCalls(call.node);
      dest = call.args[0];
      ids = call.args.slice(1);
      for (const link of chain.slice(1)) {
        const name = field(field(link, 'function') ?? link, 'field')?.text ?? '';
        if (/^(Where|Joins|Scopes|Model|Table)$/.test(name)) {
          conditions += ` ${link.text}`;
          if (name === 'Where') ids.push(...callArgs(link).slice(1), ...callArgs(link).slice(0, 1).filter((arg) => stringLiteral(arg) === undefined));
        }
      }
      // A struct condition `db.Where(&Order{UserID: uid})` or map condition names its own columns.
      conditions += ids.map((arg) => arg.text).join(' ');
    } else if (kind.sqlx && /^(Get|Select|GetContext|SelectContext)$/.test(call.method)) {
      const offset = call.method.endsWith('Context') ? 1 : 0;
      dest = call.args[offset];
      const query = call.args[offset + 1] ? stringLiteral(call.args[offset + 1] as Node) : undefined;
      const where = query === undefined ? -1 : query.search(/\bwhere\b/i);
      if (query === undefined || where < 0) return undefined;
      // The selected columns do not scope anything: only the conditions do.
      conditions = query.slice(where);
      ids = call.args.slice(offset + 2);
    } else {
      return undefined;
    }
    if (OWNER_COLUMN.test(conditions) || /\b(UserID|OwnerID|TenantID|AccountID|OrgID)\b/.test(conditions)) return undefined;
    // The declaration around the call, looked up only for a lookup that may be reported (most calls are none).
    const fn = innermostOfType(call.node, DECLARATIONS);
    if (!fn) return undefined;
    const target = modelOf(fn, dest);
    if (!target || owned.get(target.model) !== true) return undefined;
    const tainted = ids.filter((arg) => taint.taintOf(arg) !== undefined);
    if (tainted.length === 0 || ownershipChecked(fn, target.variable)) return undefined;
    found.set(call.node.id, { ...target, write: call.method === 'Delete', fn });
    return tainted;
  };
  const out: GoObjectAccess[] = [];
  for (const hit of goTaintedSinks(goSources, match, { ids: true })) {
    const access = found.get(hit.call.id);
    if (access) out.push({ source: hit.source, call: hit.call, written: hit.written, model: access.model, id: hit.origin, write: access.write });
  }
  return out;
}
