import type { Node } from 'web-tree-sitter';
import { csProjectOf, enclosingFunction, isCsTestFile, isStringBuilder, handlerStarts, localType, localValue, propertyTypes, requestOrigin, serviceTypes, type FlowOptions, type Origin } from '../../collectors/code/csharp/flow.js';
import { field, invocationParts, kids, typeName, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { csharpSqlProviders } from '../../collectors/code/plugins.js';

let libraries: { raw: Set<string>; formattable: Set<string> } | undefined;

/** The data-access libraries' raw SQL methods (the plugins' `csharpSql`: EF Core's): run as written, or parameterised when given an interpolated string. */
function sqlLibraries(): { raw: Set<string>; formattable: Set<string> } {
  libraries ??= {
    raw: new Set(csharpSqlProviders().flatMap((provider) => provider.raw)),
    formattable: new Set(csharpSqlProviders().flatMap((provider) => provider.formattable ?? [])),
  };
  return libraries;
}
/** Dapper's extension methods on IDbConnection: the first argument is the SQL. */
const DAPPER = /^(?:Query|QueryFirst|QueryFirstOrDefault|QuerySingle|QuerySingleOrDefault|QueryMultiple|Execute|ExecuteScalar|ExecuteReader)(?:Async)?$/;
const ADO_COMMAND = /(?:^|\.)(?:Sql|Npgsql|MySql|Sqlite|SQLite|Oracle|OleDb|Odbc|DB2|Fb)Command$/;

export interface CsSqlHit {
  source: SourceFile;
  node: Node;
  origin: string;
  written: string;
  /** The method the request data was passed to, and the statement inside it. */
  via?: { wrapper: string; sink: string; file: string; line: number };
}

interface Sink {
  node: Node;
  sql: Node;
  written: string;
  formattable: boolean;
}

function sinksIn(source: SourceFile): Sink[] {
  const dapper = /^\s*using\s+Dapper\s*;/m.test(source.text);
  const { raw, formattable } = sqlLibraries();
  const sinks: Sink[] = [];
  walk(source.tree.rootNode, (node) => {
    const parts = invocationParts(node);
    if (parts) {
      const sql = parts.args[0];
      if (!sql) return true;
      if (raw.has(parts.name) || formattable.has(parts.name) || (dapper && DAPPER.test(parts.name) && parts.receiver)) {
        sinks.push({ node, sql, written: `${parts.name}(…)`, formattable: formattable.has(parts.name) });
      }
      return true;
    }
    if (node.type === 'object_creation_expression' && ADO_COMMAND.test(field(node, 'type')?.text ?? '')) {
      const args = kids(field(node, 'arguments') ?? node).filter((child) => child.type === 'argument');
      const sql = args[0] ? kids(args[0]).pop() : undefined;
      if (sql) sinks.push({ node, sql, written: `new ${typeName(field(node, 'type')?.text ?? '')}(…)`, formattable: false });
      return true;
    }
    if (node.type === 'assignment_expression') {
      const left = field(node, 'left');
      const name = left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text;
      const right = field(node, 'right');
      if (name === 'CommandText' && right) sinks.push({ node, sql: right, written: `${left?.text ?? 'CommandText'} = …`, formattable: false });
    }
    return true;
  });
  return sinks;
}

/** A string put together from parts: interpolation, `+`, `string.Format`/`Concat`/`Join`, `+=`. */
function isBuilt(node: Node): boolean {
  if (node.type === 'parenthesized_expression') return kids(node).some(isBuilt);
  if (node.type === 'interpolated_string_expression') return kids(node).some((part) => part.type === 'interpolation');
  if (node.type === 'binary_expression') return node.children.some((child) => child?.type === '+');
  if (node.type === 'assignment_expression') return kids(node).some((part) => part.type === 'assignment_operator' && part.text === '+=');
  const parts = invocationParts(node);
  if (parts?.name === 'ToString' && parts.receiver?.type === 'identifier') {
    // `sql.ToString()` of a StringBuilder the statement was appended to.
    const builder = localValue(parts.receiver.text, parts.receiver);
    return builder !== undefined && isStringBuilder(builder);
  }
  return parts !== undefined && /^(?:Format|Concat|Join)$/.test(parts.name) && /^(?:string|String)$/.test(parts.receiver?.text ?? '');
}

/** The SQL text as built: the argument itself, or (one or two hops) the local it was assembled in. */
function builtValue(sink: Sink): Node | undefined {
  let value: Node | undefined = sink.sql;
  for (let hop = 0; hop < 3 && value?.type === 'identifier'; hop += 1) {
    // `FormattableString sql = $"…"` keeps its parameters through the variable.
    if (sink.formattable && /FormattableString$/.test(localType(value.text, value) ?? '')) return undefined;
    value = localValue(value.text, value);
  }
  if (!value || !isBuilt(value)) return undefined;
  // An interpolated string written in the call of a FormattableString API is parameterised.
  if (sink.formattable && value === sink.sql && value.type === 'interpolated_string_expression') return undefined;
  return value;
}

function methodName(fn: Node): string {
  return field(fn, 'name')?.text ?? '';
}

/** SQL statements built from request data in ASP.NET Core code: the data-access libraries' raw SQL (the plugins' `csharpSql`: EF Core's), ADO.NET commands, Dapper. */
export function csharpSqlInjections(sources: readonly SourceFile[], handlers: readonly Location[]): CsSqlHit[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  if (csharp.length === 0) return [];
  const project = csProjectOf(sources);
  const isService = serviceTypes(project);
  const propertyType = propertyTypes(project);
  const hits: CsSqlHit[] = [];
  /** Methods whose parameter reaches a statement: name → parameter index → the statement. */
  const wrappers = new Map<string, { index: number; sink: Sink; source: SourceFile; origin: Origin }[]>();
  for (const source of csharp) {
    const options: FlowOptions = { handlers: handlerStarts(handlers, source.file), isService, propertyType, parameters: true };
    for (const sink of sinksIn(source)) {
      const built = builtValue(sink);
      if (!built) continue;
      const origin = requestOrigin(built, options);
      if (!origin) continue;
      if (origin.parameter) {
        const name = methodName(origin.parameter.fn);
        const list = wrappers.get(name) ?? [];
        list.push({ index: origin.parameter.index, sink, source, origin });
        wrappers.set(name, list);
        continue;
      }
      hits.push({ source, node: sink.node, origin: origin.text, written: sink.written });
    }
  }
  if (wrappers.size === 0) return hits;
  for (const source of csharp) {
    const options: FlowOptions = { handlers: handlerStarts(handlers, source.file), isService, propertyType };
    if (options.handlers.size === 0) continue;
    walk(source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      const targets = parts ? wrappers.get(parts.name) : undefined;
      if (!parts || !targets) return true;
      for (const target of targets) {
        // Same arity as the method that builds the statement (optional parameters aside).
        const declared = kids(field(target.origin.parameter?.fn ?? node, 'parameters') ?? node).filter((child) => child.type === 'parameter').length;
        if (parts.args.length > declared || target.index >= parts.args.length) continue;
        const origin = requestOrigin(parts.args[target.index], options);
        if (!origin || origin.parameter || !enclosingFunction(node)) continue;
        const at = target.sink.node.startPosition.row + 1;
        hits.push({ source, node, origin: origin.text, written: `${parts.name}(…)`, via: { wrapper: parts.name, sink: target.sink.written, file: target.source.file, line: at } });
        break;
      }
      return true;
    });
  }
  return hits;
}
