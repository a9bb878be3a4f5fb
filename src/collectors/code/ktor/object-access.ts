/**
 * Ktor's unchecked object loads, for bola-missing-ownership-check (the plugin's `objectAccess`): a route with
 * a path parameter whose lambda reads it (`val id = call.parameters["id"]`, `call.parameters.getOrFail("id")`)
 * and hands it to a load by id, followed by the Kotlin loads analysis (jvm/kotlin-loads.ts: repositories,
 * Exposed DAO and DSL queries). A lambda that reads the caller (`call.principal<…>()`, `call.authentication`)
 * decides itself.
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext } from '../../../engine/context.js';
import type { HandlerObjectAccess, KotlinLoads, ObjectAccessProvider } from '../plugin.js';
import { descendants, firstOfType } from '../jvm/ast.js';
import { KotlinLoadScanner } from '../jvm/kotlin-loads.js';
import { sharedAnalysis } from '../jvm/taint.js';

/** The names holding the path id in a route lambda: `val id = call.parameters["id"]…`. */
function routeIds(lambda: Node): Set<string> {
  const out = new Set<string>();
  for (const property of descendants(lambda, new Set(['property_declaration']))) {
    const name = firstOfType(firstOfType(property, 'variable_declaration'), 'simple_identifier')?.text;
    if (name && /\bcall\.parameters\s*\[|\bcall\.parameters\.getOrFail\s*\(/.test(property.text)) out.add(name);
  }
  return out;
}

function ktorObjectAccesses(ctx: CheckContext): HandlerObjectAccess[] {
  const { sources, infra } = ctx;
  const endpoints = ctx.inventory.endpoints;
  if (!sources.some((source) => source.language === 'kotlin' && /call\.parameters/.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const scanner = new KotlinLoadScanner(program, sources);
  // Route lambdas (each file's lambdas listed once, not per route), by line and column: the first
  // listed lambda starting there, and the first on each line for a handler recorded without a column.
  const lambdas = new Map<string, { at: Map<string, Node>; onLine: Map<number, Node> }>();
  const lambdasOf = (file: (typeof program.files)[number]): { at: Map<string, Node>; onLine: Map<number, Node> } => {
    let index = lambdas.get(file.source.file);
    if (!index) {
      index = { at: new Map(), onLine: new Map() };
      for (const node of descendants(file.source.tree.rootNode, new Set(['lambda_literal']))) {
        const { row, column } = node.startPosition;
        if (!index.at.has(`${row + 1}:${column + 1}`)) index.at.set(`${row + 1}:${column + 1}`, node);
        if (!index.onLine.has(row + 1)) index.onLine.set(row + 1, node);
      }
      lambdas.set(file.source.file, index);
    }
    return index;
  };
  const filesByName = new Map(program.files.map((file) => [file.source.file, file] as const));
  for (const endpoint of endpoints) {
    if (!endpoint.handler || !endpoint.sources.some((source) => source.via === 'ktor') || !endpoint.parameters.some((param) => param.in === 'path')) continue;
    const file = filesByName.get(endpoint.handler.file);
    if (!file) continue;
    const index = lambdasOf(file);
    const lambda = endpoint.handler.column === undefined ? index.onLine.get(endpoint.handler.line) : index.at.get(`${endpoint.handler.line}:${endpoint.handler.column}`);
    if (!lambda) continue;
    const ids = routeIds(lambda);
    if (ids.size === 0) continue;
    const fn = [...file.functions, ...file.classes.flatMap((cls) => cls.methods)].find((candidate) => candidate.node.startIndex <= lambda.startIndex && lambda.endIndex <= candidate.node.endIndex);
    scanner.scan(lambda, ids, fn, endpoint, 0);
  }
  return scanner.out;
}

/** What Ktor tells the Kotlin loads analysis: how a route reads the caller. */
const ktorKotlinLoads: KotlinLoads = {
  identity: ['\\bcall\\.(principal|authentication)\\b', '\\bprincipal\\s*<'],
};

export const ktorObjectAccess: ObjectAccessProvider = {
  languages: ['kotlin'],
  handlerAccesses: ktorObjectAccesses,
  kotlinLoads: ktorKotlinLoads,
};
