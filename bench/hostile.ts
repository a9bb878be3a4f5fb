/**
 * Generators for inputs whose analysis cost used to grow faster than the input (issues 11 and 12):
 * minified bundles, huge Flask apps, deep nesting, YAML alias bombs, long `$ref` chains, deep
 * schemas, large GraphQL and `.proto` files, huge specs, hostile `.gitignore` lines. Deterministic.
 *
 *   npx tsx bench/hostile.ts                 audits each input (one process each) and prints a table
 *   npx tsx bench/hostile.ts --only flask    only the inputs whose name contains "flask"
 *   npx tsx bench/hostile.ts --write DIR     writes the inputs under DIR (one folder each)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * One line of minified JavaScript of about `bytes` bytes, shaped like a webpack bundle: a runtime
 * wrapping an array of module functions full of short identifiers, nested closures, object literals,
 * member chains, comma sequences, ternaries, promise chains, `fetch`/storage/JSON calls.
 */
export function minifiedJs(bytes: number, seed = 1): string {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const letter = (): string => LETTERS.charAt(Math.floor(random() * LETTERS.length));
  const id = (): string => letter() + (random() < 0.3 ? letter() : '');
  const str = (): string => JSON.stringify(pick(['token', 'user', 'id', 'data', 'items', 'error', 'click', 'value', 'name', '/api/v1/items', 'Content-Type']));
  const expr = (depth: number): string => {
    const r = random();
    if (depth > 3 || r < 0.2) return pick([id(), str(), String(Math.floor(random() * 100)), '!0', '!1', 'null', 'void 0', 'this']);
    if (r < 0.35) return `${id()}.${id()}(${expr(depth + 1)},${expr(depth + 1)})`;
    if (r < 0.45) return `${expr(depth + 1)}?${expr(depth + 1)}:${expr(depth + 1)}`;
    if (r < 0.55) return `{${id()}:${expr(depth + 1)},${id()}:${expr(depth + 1)}}`;
    if (r < 0.62) return `function(${id()},${id()}){${statements(depth + 1, 3)}}`;
    if (r < 0.68) return `(${id()})=>${expr(depth + 1)}`;
    if (r < 0.74) return `${id()}[${expr(depth + 1)}]`;
    if (r < 0.8) return `[${expr(depth + 1)},${expr(depth + 1)}]`;
    if (r < 0.85) return `${expr(depth + 1)}+${expr(depth + 1)}`;
    if (r < 0.9) return `new ${id()}(${expr(depth + 1)})`;
    return `${id()}.${id()}.${id()}`;
  };
  const statement = (depth: number): string => {
    const r = random();
    if (r < 0.25) return `var ${id()}=${expr(depth)},${id()}=${expr(depth)};`;
    if (r < 0.4) return `if(${expr(depth)}){${statements(depth + 1, 2)}}else ${id()}=${expr(depth)};`;
    if (r < 0.5) return `for(var ${id()}=0;${id()}<${id()}.length;${id()}++)${id()}.push(${expr(depth)});`;
    if (r < 0.6) return `function ${id()}(${id()},${id()}){${statements(depth + 1, 3)}return ${expr(depth)}}`;
    if (r < 0.66) return `${id()}.prototype.${id()}=function(${id()}){return this.${id()}(${expr(depth)})};`;
    if (r < 0.72) return `fetch(${str()}+${id()},{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(${id()})}).then(function(${id()}){return ${id()}.json()});`;
    if (r < 0.76) return `localStorage.setItem(${str()},${id()}.${id()});`;
    if (r < 0.8) return `try{${statements(depth + 1, 2)}}catch(${id()}){${id()}(${id()})}`;
    if (r < 0.86) return `return ${expr(depth)},${expr(depth)};`;
    return `${id()}(${expr(depth)});`;
  };
  function statements(depth: number, count: number): string {
    let out = '';
    for (let index = 0; index < count; index++) out += statement(depth);
    return out;
  }
  const head = '!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e,n.c=t,n(n.s=0)}([';
  const parts: string[] = [];
  let size = head.length + 3;
  while (size < bytes) {
    const module = `function(e,t,n){"use strict";${statements(0, 6)}e.exports=${expr(1)}}`;
    parts.push(module);
    size += module.length + 1;
  }
  return `${head}${parts.join(',')}]);`;
}

/** A Flask app with `routes` routes in one file, each handler a few lines long. */
export function flaskApp(routes: number): string {
  const lines = ['from flask import Flask, jsonify, request', 'from flask_login import login_required', '', 'app = Flask(__name__)', ''];
  for (let index = 0; index < routes; index++) {
    const method = index % 3 === 0 ? "methods=['POST']" : "methods=['GET']";
    if (index % 4 === 0) lines.push('', `@app.route('/items${index}/<int:item_id>', ${method})`, '@login_required');
    else lines.push('', `@app.route('/items${index}/<int:item_id>', ${method})`);
    lines.push(`def item_${index}(item_id):`, `    data = request.get_json(silent=True) or {}`, `    return jsonify(id=item_id, name=data.get('name'), n=${index})`, '');
  }
  return `${lines.join('\n')}\n`;
}

/** `count` functions each nested in the previous one. */
export function nestedFunctions(count: number, language: 'javascript' | 'python' = 'javascript'): string {
  if (language === 'python') {
    let out = '';
    for (let index = 0; index < count; index++) out += `${' '.repeat(index)}def f${index}(x):\n${' '.repeat(index + 1)}y${index} = x\n`;
    return out;
  }
  return `${Array.from({ length: count }, (_, index) => `function f${index}(a){var v${index}=a;`).join('\n')}\n${'}'.repeat(count)}\n`;
}

/** A file of `count` unbalanced `(`. */
export function unbalancedParens(count: number): string {
  return `const x = ${'('.repeat(count)}1;\n`;
}

/** An expression nested `depth` deep (`f(f(f(…)))` and `[[[…]]]`). */
export function deepNesting(depth: number, language: 'javascript' | 'python' = 'javascript'): string {
  const call = `${'f('.repeat(depth)}1${')'.repeat(depth)}`;
  const list = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  return language === 'python' ? `x = ${call}\ny = ${list}\n` : `const x = ${call};\nconst y = ${list};\n`;
}

/** The "billion laughs" YAML: `levels` anchors each aliasing the previous one `fanout` times, used as a schema. */
export function yamlAliasBomb(levels = 9, fanout = 9): string {
  const lines = ['openapi: 3.0.3', 'info: {title: bomb, version: "1"}', 'paths:', '  /a:', '    get:', '      responses:', "        '200':", '          description: ok', '          content:', '            application/json:', '              schema: {$ref: "#/components/schemas/L' + String(levels) + '"}', 'components:', '  schemas:'];
  lines.push('    L0: &l0 {type: string, maxLength: 10}');
  for (let level = 1; level <= levels; level++) {
    const props = Array.from({ length: fanout }, (_, index) => `p${index}: *l${level - 1}`).join(', ');
    lines.push(`    L${level}: &l${level} {type: object, additionalProperties: false, properties: {${props}}}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An OpenAPI document whose one schema is the head of a chain of `links` `$ref`s. */
export function refChain(links: number, cyclic = false): string {
  const schemas: Record<string, unknown> = {};
  for (let index = 0; index < links; index++) schemas[`S${index}`] = { $ref: `#/components/schemas/S${index + 1}` };
  schemas[`S${links}`] = cyclic ? { $ref: '#/components/schemas/S0' } : { type: 'string', maxLength: 10 };
  return JSON.stringify(specWith({ $ref: '#/components/schemas/S0' }, schemas));
}

/** An OpenAPI document whose response schema nests `depth` objects. */
export function deepSchema(depth: number): string {
  // Built as text: JSON.stringify itself overflows the stack on 20k levels.
  const open = Array.from({ length: depth }, (_, index) => `{"type":"object","additionalProperties":false,"properties":{"p~1${index % 10}":`).join('');
  const schema = `${open}{"type":"string","maxLength":10}${'}}'.repeat(depth)}`;
  return JSON.stringify(specWith('SCHEMA', {})).replace('"SCHEMA"', schema);
}

function specWith(schema: unknown, schemas: Record<string, unknown>): unknown {
  return {
    openapi: '3.0.3',
    info: { title: 'generated', version: '1' },
    paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } } },
    components: { schemas },
  };
}

/** An OpenAPI document with `count` paths, each with two operations and a parameter. */
export function hugeSpec(count: number): string {
  const paths: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) {
    paths[`/r${index}/{id}`] = {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { operationId: `get${index}`, summary: `Get ${index}`, responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } },
      delete: { operationId: `delete${index}`, responses: { '204': { description: 'gone' } } },
    };
  }
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'huge', version: '1' },
    paths,
    components: { schemas: { Item: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string', maxLength: 50 } } } } },
  });
}

/** A GraphQL SDL with `types` object types of `fields` fields each. */
export function graphqlSdl(types: number, fields = 20): string {
  const out = ['type Query {', ...Array.from({ length: types }, (_, index) => `  t${index}(id: ID!): T${index}`), '}'];
  for (let index = 0; index < types; index++) {
    out.push(`type T${index} {`, ...Array.from({ length: fields }, (_, field) => `  f${field}(first: Int): String`), '}');
  }
  return `${out.join('\n')}\n`;
}

/** A `.proto` file with `services` services of `rpcs` rpcs each. */
export function protoFile(services: number, rpcs = 20): string {
  const out = ['syntax = "proto3";', 'package bench.v1;', 'message Req { string id = 1; }', 'message Res { string id = 1; }'];
  for (let index = 0; index < services; index++) {
    out.push(`service S${index} {`, ...Array.from({ length: rpcs }, (_, rpc) => `  rpc M${rpc}(Req) returns (Res);`), '}');
  }
  return `${out.join('\n')}\n`;
}

/** A `.gitignore` line of `count` repeated `**\/` followed by a name that never matches. */
export function gitignoreStars(count: number): string {
  return `${'**/'.repeat(count)}x\n`;
}

interface Input {
  name: string;
  files: () => Record<string, string>;
}

const SMALL_APP = "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.json({ ok: true }));\nmodule.exports = app;\n";

export function hostileInputs(): Input[] {
  return [
    ...[10_000, 100_000, 165_000, 1_000_000, 5_000_000].map((bytes) => ({
      name: `minified-js-${bytes / 1000}KB`,
      // `include` turns the default skipping of minified files off: the analysis itself is measured.
      files: () => ({ 'package.json': '{"dependencies":{"express":"4"}}', 'apisec.config.yaml': 'include:\n  - public/bundle.js\n', 'public/bundle.js': minifiedJs(bytes) }),
    })),
    { name: 'flask-5000-routes', files: () => ({ 'requirements.txt': 'flask\nflask-login\n', 'app.py': flaskApp(5000) }) },
    { name: 'nested-functions-20k-js', files: () => ({ 'package.json': '{"dependencies":{"express":"4"}}', 'deep.js': nestedFunctions(20_000) }) },
    { name: 'unbalanced-parens-100k', files: () => ({ 'package.json': '{"dependencies":{"express":"4"}}', 'parens.js': unbalancedParens(100_000) }) },
    { name: 'nesting-10k-deep-js', files: () => ({ 'package.json': '{"dependencies":{"express":"4"}}', 'deep.js': deepNesting(10_000) }) },
    { name: 'nesting-10k-deep-py', files: () => ({ 'requirements.txt': 'flask\n', 'deep.py': deepNesting(10_000, 'python') }) },
    { name: 'yaml-alias-bomb', files: () => ({ 'openapi.yaml': yamlAliasBomb() }) },
    { name: 'ref-chain-30k', files: () => ({ 'openapi.json': refChain(30_000) }) },
    { name: 'ref-chain-100k-cyclic', files: () => ({ 'openapi.json': refChain(100_000, true) }) },
    { name: 'schema-20k-deep', files: () => ({ 'openapi.json': deepSchema(20_000) }) },
    { name: 'graphql-5000-types', files: () => ({ 'schema.graphql': graphqlSdl(5000) }) },
    { name: 'proto-2000-services', files: () => ({ 'api.proto': protoFile(2000) }) },
    { name: 'spec-171k-paths', files: () => ({ 'openapi.json': hugeSpec(171_000) }) },
    { name: 'gitignore-stars', files: () => ({ '.gitignore': gitignoreStars(5000), 'app.js': SMALL_APP, 'package.json': '{"dependencies":{"express":"4"}}' }) },
  ];
}

export function writeInput(root: string, input: Input): { dir: string; bytes: number } {
  const dir = path.join(root, input.name);
  let bytes = 0;
  for (const [relative, text] of Object.entries(input.files())) {
    bytes += Buffer.byteLength(text);
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return { dir, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const only = flag('--only');
  const target = flag('--write');
  const timeoutS = Number(flag('--timeout') ?? 300);
  const inputs = hostileInputs().filter((input) => !only || input.name.includes(only));
  if (target) {
    for (const input of inputs) console.log(writeInput(target, input).dir);
  } else {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-hostile-'));
    const repo = path.resolve(import.meta.dirname, '..');
    console.log('| input | size | wall | peak RSS | endpoints | diagnostics |\n|---|---|---|---|---|---|');
    try {
      for (const input of inputs) {
        const { dir, bytes } = writeInput(scratch, input);
        const started = performance.now();
        const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/audit-one.ts', dir], { cwd: repo, encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 26 });
        const wall = (performance.now() - started) / 1000;
        const line = run.stdout.trim().split('\n').pop() ?? '';
        let cells = [run.error ? `over ${timeoutS} s` : `failed (${run.status}): ${run.stderr.split('\n').find((l) => l.includes('Error')) ?? ''}`, '—', '—', '—'];
        if (run.status === 0 && line.startsWith('{')) {
          const result = JSON.parse(line) as { maxRssMb: number; endpoints: number; diagnostics: number };
          cells = [`${wall.toFixed(1)} s`, `${result.maxRssMb} MB`, String(result.endpoints), String(result.diagnostics)];
        }
        console.log(`| ${input.name} | ${(bytes / 1000).toFixed(0)} KB | ${cells.join(' | ')} |`);
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
