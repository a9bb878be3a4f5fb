import type { Node } from 'web-tree-sitter';
import { PRIVILEGED } from '../../../analysis/code-authz.js';
import { callArguments, callName, field, kids, literalString, arrayEntries, unwrap } from '../php/ast.js';
import { PhpProject, phpProjectOf, type PhpClass, type PhpFile } from '../php/project.js';
import { enclosingFunction } from '../php/requests.js';
import { phpCalls } from '../php/sinks.js';
import type { SourceFile } from '../../../engine/context.js';
import type { PhpMassAssignment, PhpMassAssignmentProvider } from '../plugin.js';

const STATIC_SINKS = new Set(['create', 'forceCreate', 'firstOrCreate', 'updateOrCreate', 'make', 'insert']);
const MEMBER_SINKS = new Set(['update', 'fill', 'forceFill', 'create', 'forceCreate', 'updateOrCreate', 'firstOrCreate']);
/** Fill methods that ignore `$fillable`/`$guarded`. */
const FORCED = new Set(['forceCreate', 'forceFill']);

/** `$request->all()`, `request()->all()`, `$request->input()`, `$request->post()`, `$request->json()->all()`, `Input::all()`, `$request->except(...)`. */
function isWholeBody(node: Node): boolean {
  const target = unwrap(node);
  if (target.type === 'scoped_call_expression') return field(target, 'scope')?.text === 'Input' && callName(target) === 'all';
  if (target.type !== 'member_call_expression') return false;
  const name = callName(target) ?? '';
  const args = callArguments(target);
  const object = unwrap(field(target, 'object') ?? target);
  const isRequest = (object.type === 'variable_name' && /^\$(request|req|r)$/i.test(object.text)) || (object.type === 'function_call_expression' && field(object, 'function')?.text === 'request');
  if (isRequest && (name === 'all' || name === 'except' || ((name === 'input' || name === 'post') && args.length === 0))) return true;
  // $request->json()->all()
  if (name === 'all' && object.type === 'member_call_expression' && callName(object) === 'json') return isWholeBody(object) || /^\$request\b|^request\(\)/.test(object.text);
  return false;
}

/** The model class written to: `Invoice::create`, `$invoice->update` (typed parameter), `new Invoice(...)`. */
function modelOf(project: PhpProject, file: PhpFile, call: Node): PhpClass | undefined {
  if (call.type === 'scoped_call_expression' || call.type === 'object_creation_expression') {
    const scope = call.type === 'scoped_call_expression' ? field(call, 'scope') : kids(call).find((child) => child.type === 'name' || child.type === 'qualified_name');
    return scope ? project.classOf(project.resolveName(file, scope.text)) : undefined;
  }
  const object = unwrap(field(call, 'object') ?? call);
  if (object.type !== 'variable_name') return undefined;
  const fn = enclosingFunction(call);
  const list = fn ? field(fn, 'parameters') : undefined;
  for (const parameter of list ? kids(list) : []) {
    if (field(parameter, 'name')?.text !== object.text) continue;
    const type = field(parameter, 'type')?.text;
    return type ? project.classOf(project.resolveName(file, type.replace(/^\?/, ''))) : undefined;
  }
  return undefined;
}

function strings(node: Node | undefined): string[] | undefined {
  const entries = arrayEntries(node);
  return entries?.flatMap((entry) => {
    const value = literalString(entry.value);
    return value === undefined ? [] : [value];
  });
}

/** What a model lets a mass assignment write: every column (`$guarded = []`), or its `$fillable` privileged fields. */
function exposed(model: PhpClass, project: PhpProject, forced: boolean): string | undefined {
  for (const cls of project.ancestry(model).chain) {
    const guarded = cls.properties.get('guarded');
    const fillable = cls.properties.get('fillable');
    if (forced) return 'any column of the model (force fill ignores `$fillable`)';
    if (fillable) {
      const privileged = (strings(fillable) ?? []).filter((name) => PRIVILEGED.test(name));
      return privileged.length > 0 ? privileged.map((name) => `\`${name}\``).join(', ') : undefined;
    }
    if (guarded) return (strings(guarded) ?? ['*']).length === 0 ? 'any column of the model (`$guarded = []`)' : undefined;
  }
  return undefined;
}

/** Eloquent mass assignment of the whole request into a model that lets privileged or all columns through. */
function massAssignments(sources: readonly SourceFile[]): PhpMassAssignment[] {
  if (!sources.some((source) => source.language === 'php')) return [];
  const project = phpProjectOf(sources);
  const out: PhpMassAssignment[] = [];
  for (const file of project.files.values()) {
    // The file's calls and `new`s, listed once for every PHP check (a `new` of no written class has no model).
    for (const { node } of phpCalls(file.source.tree.rootNode)) {
      const isStatic = node.type === 'scoped_call_expression' && STATIC_SINKS.has(callName(node) ?? '');
      const isMember = node.type === 'member_call_expression' && MEMBER_SINKS.has(callName(node) ?? '');
      const isNew = node.type === 'object_creation_expression';
      if (!isStatic && !isMember && !isNew) continue;
      const args = isNew ? kids(kids(node).find((child) => child.type === 'arguments') ?? node).map((arg) => kids(arg).pop()).filter((n): n is Node => n !== undefined) : callArguments(node).map((arg) => arg.value);
      const body = args.find(isWholeBody);
      if (!body) continue;
      const model = modelOf(project, file, node);
      if (!model) continue;
      const fields = exposed(model, project, FORCED.has(callName(node) ?? ''));
      if (fields === undefined) continue;
      out.push({ source: file.source, call: node, body: body.text, model: model.name, fields });
    }
  }
  return out;
}

/**
 * Eloquent's mass assignment: `Model::create($request->all())`, `$model->update(...)` / `fill` / `forceFill`,
 * `new Model($request->all())`, into a model whose `$fillable` lists privileged columns or whose `$guarded` is empty.
 */
export const laravelMassAssignment: PhpMassAssignmentProvider = { writes: massAssignments };
