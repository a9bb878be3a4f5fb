/**
 * fast-check arbitraries, one per input family. Each builds a `FuzzCase` from real inputs (the
 * fixtures in `corpus.ts`) mutated line- and character-wise, hostile fragments of the input's own
 * language, and planted secrets in the places real repositories put them.
 */
import fc from 'fast-check';
import type { FuzzCase, FuzzFile, FuzzLink, Stage } from './case.js';
import { corpus, type Project } from './corpus.js';

/** How hard the generators push: the fixed-seed suite in `npm test` stays small and quick. */
export interface Profile {
  /** Upper bound of a repeated fragment (nesting, duplicated lines). */
  maxRepeat: number;
  /** Mutations per input. */
  maxOps: number;
}

export const FUZZ_PROFILE: Profile = { maxRepeat: 3000, maxOps: 8 };
export const TEST_PROFILE: Profile = { maxRepeat: 40, maxOps: 4 };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('');
const HEX = '0123456789abcdef'.split('');
const B64URL = [...ALNUM, '_', '-'];

function chars(alphabet: readonly string[], length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length });
}

/** Random-looking: a digit and a letter are always there, as in real keys. */
function random(length: number): fc.Arbitrary<string> {
  return chars(ALNUM, length - 2).map((body) => `${body}7q`);
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Keys in well-known formats: recognisable wherever they appear. */
export const formatSecret: fc.Arbitrary<string> = fc.oneof(
  random(24).map((body) => `sk_live_${body}`),
  random(24).map((body) => `sk_test_${body}`),
  random(36).map((body) => `ghp_${body}`),
  fc.tuple(random(22), random(59)).map(([a, b]) => `github_pat_${a}_${b}`),
  fc.tuple(chars('0123456789'.split(''), 12), random(24)).map(([a, b]) => `xoxb-${a}-${b}`),
  chars(UPPER_DIGITS, 16).map((body) => `AKIA${body}`),
  chars(B64URL, 33).map((body) => `AIza${body}Q7`),
  random(20).map((body) => `glpat-${body}`),
  fc.tuple(random(20), random(30), chars(B64URL, 43)).map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
);

/** Values that are secrets only by where they sit: a URL password, a JWT key, a query key. */
const rawSecret = random(20);
const password = random(14);
const hexKey = chars(HEX, 30).map((body) => `${body}a7`);
const pemBody = chars([...ALNUM, '+', '/'], 64).map((body) => `MIIEv${body}`);

interface Planted {
  files: FuzzFile[];
  secrets: string[];
}

function jsCarrier(format: string, raw: string, pw: string, hex: string, pem: string, lines: readonly number[]): Planted {
  const candidates = [
    `app.get('/hooks/${format}/events', (req, res) => res.json({ ok: true }));`,
    `app.get('/token', (req, res) => res.json({ t: jwt.sign({ sub: req.query.user }, '${raw}') }));`,
    `app.get('/me', (req, res) => res.json(jwt.verify(req.headers.authorization, '${raw}')));`,
    `app.get('/proxy', async (req, res) => res.json((await axios.get('https://api.example.com/v1/items?api_key=${hex}&q=' + req.query.q)).data));`,
    `app.get('/internal', async (req, res) => res.json((await axios.get('http://svc:${pw}@internal.example.com/x?u=' + req.query.u)).data));`,
    `const stripe = require('stripe')('${format}');`,
    `// rotated in March: ${format}`,
    `const PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\\n${pem}\\n-----END PRIVATE KEY-----";`,
    `app.post('/login', (req, res) => { if (req.body.password === '${raw}') res.json({ token: jwt.sign({ u: 1 }, PRIVATE_KEY, { algorithm: 'none' }) }); });`,
  ];
  const body = lines.map((index) => candidates[index % candidates.length] ?? '');
  const secrets = new Set<string>();
  for (const line of body) for (const value of [format, raw, pw, hex, pem]) if (line.includes(value)) secrets.add(value);
  const text = [
    "const express = require('express');",
    "const jwt = require('jsonwebtoken');",
    "const axios = require('axios');",
    'const app = express();',
    ...body,
    'module.exports = app;',
    '',
  ].join('\n');
  return {
    files: [
      { path: 'package.json', content: JSON.stringify({ name: 'svc', dependencies: { express: '^4.19.2', jsonwebtoken: '^9.0.2', axios: '^1.7.0' } }) },
      { path: 'src/app.js', content: text },
    ],
    secrets: [...secrets],
  };
}

function pyCarrier(format: string, raw: string, pw: string, hex: string, lines: readonly number[]): Planted {
  const candidates = [
    `@app.route("/hooks/${format}")\ndef hook():\n    return "ok"`,
    `@app.route("/decode")\ndef decode():\n    return jwt.decode(request.args["t"], "${raw}", algorithms=["HS256"])`,
    `@app.route("/fetch")\ndef fetch():\n    return requests.get("https://api.example.com/items?token=${hex}&u=" + request.args["u"]).text`,
    `@app.route("/internal")\ndef internal():\n    return requests.get("http://admin:${pw}@internal.example.com/x?u=" + request.args["u"], timeout=5).text`,
    `@app.route("/sign", methods=["POST"])\ndef sign():\n    return jwt.encode({"sub": request.json["u"]}, "${raw}")`,
    `stripe.api_key = "${format}"`,
    `# old key: ${format}`,
  ];
  const body = lines.map((index) => candidates[index % candidates.length] ?? '');
  const secrets = new Set<string>();
  for (const line of body) for (const value of [format, raw, pw, hex]) if (line.includes(value)) secrets.add(value);
  const text = ['import jwt', 'import requests', 'import stripe', 'from flask import Flask, request', '', 'app = Flask(__name__)', '', ...body.flatMap((block) => [block, '']), ''].join('\n');
  return {
    files: [
      { path: 'requirements.txt', content: 'flask==3.0.3\npyjwt==2.8.0\nrequests==2.32.3\nstripe==9.0.0\n' },
      { path: 'app/main.py', content: text },
    ],
    secrets: [...secrets],
  };
}

function specCarrier(format: string, pw: string, lines: readonly number[]): Planted {
  const pick = (index: number): boolean => lines.some((line) => line % 6 === index);
  const secrets = new Set<string>();
  const use = (value: string): string => {
    secrets.add(value);
    return value;
  };
  const servers = pick(0) ? `servers:\n  - url: https://deploy:${use(pw)}@api.example.com/v1\n` : 'servers:\n  - url: https://api.example.com/v1\n';
  const hookPath = pick(1) ? `/hooks/${use(format)}/events` : '/hooks/events';
  const summary = pick(2) ? `Receives events signed with ${use(format)}` : 'Receives events';
  const ref = pick(3) ? `https://bot:${use(pw)}@schemas.example.com/item.yaml#/Item` : '#/components/schemas/Item';
  const example = pick(4) ? `\n                example: ${use(format)}` : '';
  const operationId = pick(5) && /^\w+$/.test(format) ? use(format) : 'listItems';
  const text = `openapi: 3.0.3
info:
  title: Payments
  version: 1.0.0
${servers}paths:
  ${hookPath}:
    post:
      summary: ${summary}
      responses:
        '200':
          description: ok
  /items:
    get:
      operationId: ${operationId}
      parameters:
        - name: api_key
          in: query
          schema:
            type: string${example}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '${ref}'
components:
  schemas:
    Item:
      type: object
`;
  return { files: [{ path: 'api/openapi.yaml', content: text }], secrets: [...secrets] };
}

function graphqlCarrier(format: string, variant: number): Planted {
  const token = format.replace(/[^A-Za-z0-9_]/g, '_');
  const texts = [
    `type Query {\n  me: String\n}\n${format}\n`,
    `type Query {\n  me: String\n  ${token}(: Int\n}\n`,
    `type Query {\n  me: String @deprecated(reason: "use ${format}")\n}\n}\n`,
    `schema { query: ${token} }\n`,
  ];
  // A key that is not a GraphQL name (`-`, `.`) goes where any text may: after the schema.
  const text = (token === format ? texts[variant % texts.length] : texts[0]) ?? '';
  return { files: [{ path: 'schema/schema.graphql', content: text }], secrets: [format] };
}

function fileNameCarrier(format: string): Planted {
  const name = format;
  return {
    files: [{ path: `src/${name}.js`, content: "const express = require('express');\nconst app = express();\napp.get('/status', (req, res) => res.json({ ok: true }));\nmodule.exports = app;\n" }],
    secrets: [name],
  };
}

const planted: fc.Arbitrary<Planted> = fc
  .record({
    format: formatSecret,
    raw: rawSecret,
    pw: password,
    hex: hexKey,
    pem: pemBody,
    lines: fc.array(fc.nat(40), { minLength: 1, maxLength: 6 }),
    carriers: fc.subarray(['js', 'py', 'spec', 'graphql', 'file'] as const, { minLength: 1 }),
  })
  .map(({ format, raw, pw, hex, pem, lines, carriers }) => {
    const parts: Planted[] = carriers.map((carrier) => {
      switch (carrier) {
        case 'js':
          return jsCarrier(format, raw, pw, hex, pem, lines);
        case 'py':
          return pyCarrier(format, raw, pw, hex, lines);
        case 'spec':
          return specCarrier(format, pw, lines);
        case 'graphql':
          return graphqlCarrier(format, lines[0] ?? 0);
        case 'file':
          // A JWT's dots become hyphens in an id's slug, where it is no longer a JWT; no file is named after one.
          return format.startsWith('eyJ') ? fileNameCarrier(`sk_live_${raw}`) : fileNameCarrier(format);
      }
    });
    return { files: parts.flatMap((part) => part.files), secrets: [...new Set(parts.flatMap((part) => part.secrets))] };
  });

// ---------------------------------------------------------------------------------------------
// Mutation

interface Op {
  kind: 'delete' | 'duplicate' | 'insert' | 'char' | 'truncate' | 'repeat' | 'swap' | 'indent';
  at: number;
  to: number;
  count: number;
  text: string;
}

const STRANGE_CHARS = ['\u0000', '\t', '\r', '\u001b', '\u00a0', '\u2028', '\ufeff', '\ud800', '"', "'", '`', '\\', '{', '}', '[', ']', '(', ')', ':', '#', '&', '*', '!', '|', '>', '%', '@', '$', '😀', 'é'];

function opArb(fragments: readonly string[], profile: Profile): fc.Arbitrary<Op> {
  return fc.record({
    kind: fc.constantFrom('delete', 'duplicate', 'insert', 'insert', 'char', 'truncate', 'repeat', 'swap', 'indent'),
    at: fc.nat(),
    to: fc.nat(),
    count: fc.oneof({ weight: 19, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: profile.maxRepeat }) }),
    text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fragments) }, { weight: 1, arbitrary: fc.constantFrom(...STRANGE_CHARS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  });
}

export function mutate(text: string, ops: readonly Op[]): string {
  let lines = text.split('\n');
  for (const op of ops) {
    const at = op.at % (lines.length + 1);
    switch (op.kind) {
      case 'delete':
        lines.splice(at, Math.min(op.count, 5));
        break;
      case 'duplicate':
        lines.splice(at, 0, ...lines.slice(at, at + Math.min(op.count, 5)));
        break;
      case 'insert':
        lines.splice(at, 0, op.text);
        break;
      case 'char': {
        const joined = lines.join('\n');
        const offset = joined.length === 0 ? 0 : op.to % joined.length;
        lines = `${joined.slice(0, offset)}${op.text}${joined.slice(offset + (op.count % 3))}`.split('\n');
        break;
      }
      case 'truncate': {
        const joined = lines.join('\n');
        lines = joined.slice(0, joined.length === 0 ? 0 : op.to % joined.length).split('\n');
        break;
      }
      case 'repeat':
        // Nesting and long runs: the inputs whose cost used to grow faster than their size.
        lines.splice(at, 0, op.text.repeat(op.count));
        break;
      case 'swap': {
        const other = op.to % Math.max(1, lines.length);
        const a = lines[at];
        const b = lines[other];
        if (a !== undefined && b !== undefined) {
          lines[at] = b;
          lines[other] = a;
        }
        break;
      }
      case 'indent':
        if (lines[at] !== undefined) lines[at] = `${' '.repeat(op.count % 9)}${lines[at] ?? ''}`;
        break;
    }
  }
  return lines.join('\n');
}

function mutated(base: fc.Arbitrary<string>, fragments: readonly string[], profile: Profile): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(opArb(fragments, profile), { minLength: 1, maxLength: profile.maxOps })).map(([text, ops]) => mutate(text, ops));
}

const YAML_FRAGMENTS = [
  'x: &a [1, 2, 3]',
  'y: [*a, *a, *a, *a]',
  '<<: *a',
  '---',
  '...',
  '? [a, b]\n: c',
  'k: !!binary AAAA',
  'f: !!js/function "function () {}"',
  "      $ref: '#/components/schemas/Missing'",
  "      $ref: '../outside.yaml#/X'",
  "      $ref: 'https://u:p4ssw0rd9@schemas.example.com/x.yaml'",
  '      $ref: 42',
  'openapi: 3.1.0',
  "swagger: '2.0'",
  'paths: ~',
  'paths: []',
  '__proto__: { polluted: true }',
  'constructor: 1',
  '  /toString:\n    get: {}',
  '  /users/{id}:\n    get:\n      responses: {}',
  '  /a/{b}/{b}:\n    delete: {}',
  '- [',
  '{',
  '"unterminated',
  'a: {b: {c: {d: {e: {f: {}}}}}}',
  '      security: [{}]',
  '      x-internal: true',
  'servers: [{ url: "http://{host}:{port}", variables: { host: { default: "localhost" } } }]',
  '# apisec-ignore zombie-endpoint, operation-past-sunset: kept until 2026',
  'x: "# apisec-ignore zombie-endpoint: in a string"',
  '# apisec-ignore',
];

const GRAPHQL_FRAGMENTS = [
  'type X { a: X b: [X!]! }',
  'extend type Query { b: Int }',
  '"""a description"""',
  'directive @d(a: Int) on FIELD_DEFINITION',
  'schema { query: Query mutation: Mutation }',
  'type Mutation { deleteUser(id: ID!): Boolean }',
  'union U = A | B',
  'input I { x: I! }',
  'type Query { toString: String constructor: Int hasOwnProperty: Int }',
  'interface Node { id: ID! }',
  'type A implements Node & Node { id: ID! }',
  '{',
  '}',
  '(',
  '@',
  '"',
  'scalar DateTime',
  'enum E { A B A }',
];

const PROTO_FRAGMENTS = [
  'syntax = "proto3";',
  'package a.b.c;',
  'service S { rpc R (M) returns (M) { option (google.api.http) = { get: "/v1/{id}" }; } }',
  'message M { M m = 1; repeated string s = 2; }',
  'import "google/api/annotations.proto";',
  'import "../../etc/passwd";',
  'option java_package = "x";',
  'oneof o {',
  '}',
  '{',
  'map<string, M> m = 3;',
  'enum E { A = 0; A = 1; }',
  'reserved 1 to max;',
  'rpc Stream (stream M) returns (stream M);',
  'message toString { int32 constructor = 1; }',
];

const PYTHON_FRAGMENTS = [
  '@app.route("/x/<int:id>", methods=["GET", "DELETE"])',
  '@app.get("/items/{item_id}")',
  '@router.post("/{id}", dependencies=[Depends(auth)])',
  'def toString():\n    pass',
  'def constructor(request):\n    return request.args["x"]',
  '    return jsonify(User.query.get(id).to_dict())',
  'app = Flask(__name__)',
  'app = FastAPI()',
  'router = APIRouter(prefix="/v1")',
  'app.include_router(router, prefix="/api")',
  '((((',
  '"""',
  'lambda: (',
  '\tdef mixed():',
  'class Meta:\n    fields = "__all__"',
  'jwt.decode(t, options={"verify_signature": False})',
  'from flask import *',
  'os.system(request.args["c"])',
  'if True:',
  '    ',
  'urlpatterns = [path("x/<int:pk>/", View.as_view())]',
  '# apisec-ignore sql-injection: reviewed',
  '    x = "apisec-ignore sql-injection: a string"  # apisec-ignore :',
];

const JS_FRAGMENTS = [
  "app.get('/x/:id', (req, res) => res.send(db.find(req.params.id)));",
  "router.delete('/:id', handler);",
  "app.use('/api', router);",
  'app.use(auth);',
  'function toString() { return 1; }',
  'const constructor = require("express");',
  'const hasOwnProperty = {};',
  'module.exports = app;',
  'export default router;',
  '{',
  '})',
  '/*',
  '`',
  '(',
  "jwt.verify(t, k, { algorithms: ['none'] });",
  '__proto__: null,',
  'const x = <div>{a}</div>;',
  "@Get(':id')",
  "@Controller('users')\nexport class UsersController { @Get() all() {} }",
  'fastify.register(plugin, { prefix: "/v2" });',
  'app.route("/r").get(h).post(h);',
  'new Hono().get("/h", (c) => c.json({}));',
  '// apisec-ignore cors-origin-reflected: reviewed',
  '/* apisec-ignore sql-injection,, : */',
];

const GITIGNORE_FRAGMENTS = ['*', '**', '**/', '!', '/', '\\', '[', ']', '[a-z]', '?', '#', ' ', 'node_modules', 'src', '*.js', '*.yaml', '!*.py', 'api/', '.git', '..', '.', '\\!x', '**/*', 'a/**/b', '{a,b}'];

// ---------------------------------------------------------------------------------------------
// Families

function oneOfTexts(texts: readonly string[]): fc.Arbitrary<string> {
  return texts.length > 0 ? fc.constantFrom(...texts) : fc.constant('');
}

function stageOrAudit(stage: Stage, auditWeight: number): fc.Arbitrary<Stage> {
  return fc.oneof({ weight: 10 - auditWeight, arbitrary: fc.constant(stage) }, { weight: auditWeight, arbitrary: fc.constant<Stage>('audit') });
}

function specYaml(profile: Profile): fc.Arbitrary<FuzzCase> {
  return fc.record({ text: mutated(oneOfTexts(corpus().yamlSpecs), YAML_FRAGMENTS, profile), stage: stageOrAudit('spec', 3) }).map(({ text, stage }) => ({
    family: 'spec-yaml',
    stage,
    files: [{ path: 'api/openapi.yaml', content: text }],
    name: 'fuzz',
    secrets: [],
  }));
}

/** JSON specs: a random JSON value put somewhere in a real spec, then text-level mutations. */
function specJson(profile: Profile): fc.Arbitrary<FuzzCase> {
  const structural = fc.tuple(oneOfTexts(corpus().jsonSpecs), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 })), { maxLength: 4 })).map(([text, inserts]) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return text;
    }
    for (const [at, key, inserted] of inserts) {
      const objects: Record<string, unknown>[] = [];
      const stack: unknown[] = [value];
      while (stack.length > 0 && objects.length < 500) {
        const item = stack.pop();
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
          objects.push(item as Record<string, unknown>);
          stack.push(...Object.values(item as Record<string, unknown>));
        }
      }
      const target = objects[at % Math.max(1, objects.length)];
      if (target) target[key === '' ? '$ref' : key] = inserted;
    }
    return JSON.stringify(value, null, 1);
  });
  return fc.record({ text: mutated(structural, ['"$ref": "#/paths"', '"$ref": "#"', '{"a":', ']', '"\\ud800"', '1e999999', '-0', '"__proto__": {}'], profile), stage: stageOrAudit('spec', 3) }).map(({ text, stage }) => ({
    family: 'spec-json',
    stage,
    files: [{ path: 'api/openapi.json', content: text }],
    name: 'fuzz',
    secrets: [],
  }));
}

/** `$ref` graphs: chains, cycles, self-references, refs to siblings, to parents, to nowhere. */
function refs(profile: Profile): fc.Arbitrary<FuzzCase> {
  const target = fc.oneof(
    fc.nat(60).map((index) => `#/components/schemas/S${index}`),
    fc.constantFrom('#', '#/', '#/components', '#/paths', '#/components/schemas', 'other.yaml', 'other.yaml#/Thing', './other.yaml#/components/schemas/S0', '../escape.yaml', '/etc/passwd', 'https://example.com/s.yaml', '#/components/schemas/S0/properties/a', '#/components/schemas/~1x', '%23/x'),
  );
  const schema = fc.oneof(
    target.map((ref) => ({ $ref: ref })),
    fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.constantFrom('a', 'b', 'id', 'password'), target.map((ref) => ({ $ref: ref })), { maxKeys: 3 }) }),
    fc.record({ allOf: fc.array(target.map((ref) => ({ $ref: ref })), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('array'), items: target.map((ref) => ({ $ref: ref })) }),
  );
  return fc
    .record({
      schemas: fc.array(schema, { minLength: 1, maxLength: 40 }),
      // Mostly short chains; now and then one of tens of thousands of links.
      chain: fc.oneof({ weight: 29, arbitrary: fc.nat(300) }, { weight: 1, arbitrary: fc.nat(profile.maxRepeat * 10) }),
      other: fc.boolean(),
      asJson: fc.boolean(),
      stage: stageOrAudit('spec', 5),
    })
    .map(({ schemas, chain, other, asJson, stage }) => {
      const components: Record<string, unknown> = Object.fromEntries(schemas.map((value, index) => [`S${index}`, value]));
      // A long chain of refs: each link points at the next, the last at the first.
      for (let index = 0; index < chain; index += 1) components[`C${index}`] = { $ref: `#/components/schemas/C${(index + 1) % chain}` };
      const spec = {
        openapi: '3.0.3',
        info: { title: 'Refs', version: '1.0.0' },
        paths: {
          '/things/{id}': {
            get: {
              parameters: [{ name: 'id', in: 'path', required: true, schema: { $ref: '#/components/schemas/S0' } }],
              responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: chain > 0 ? '#/components/schemas/C0' : '#/components/schemas/S0' } } } } },
            },
            post: { requestBody: { content: { 'application/json': { schema: { $ref: `#/components/schemas/S${schemas.length - 1}` } } } }, responses: { '201': { $ref: '#/components/responses/Missing' } } },
          },
        },
        components: { schemas: components },
      };
      const files: FuzzFile[] = [{ path: asJson ? 'api/openapi.json' : 'api/openapi.yaml', content: JSON.stringify(spec, null, asJson ? 1 : 2) }];
      if (other) files.push({ path: 'api/other.yaml', content: 'Thing:\n  $ref: "./openapi.yaml#/components/schemas/S0"\ncomponents:\n  schemas:\n    S0:\n      $ref: "other.yaml#/Thing"\n' });
      return { family: 'ref', stage, files, name: 'fuzz', secrets: [] };
    });
}

function graphql(profile: Profile): fc.Arbitrary<FuzzCase> {
  const generated = fc
    .array(fc.tuple(fc.constantFrom('Query', 'Mutation', 'User', 'Order', 'Node'), fc.array(fc.tuple(fc.constantFrom('id', 'user', 'orders', 'deleteUser', 'toString', '__proto__x', 'node'), fc.constantFrom('ID!', 'User', '[Order!]!', 'String', 'Node', 'Int')), { maxLength: 6 })), { minLength: 1, maxLength: 8 })
    .map((types) => types.map(([name, fields]) => `type ${name} {\n${fields.map(([field, type]) => `  ${field}(id: ID): ${type}`).join('\n')}\n}`).join('\n\n'));
  const base = fc.oneof(oneOfTexts(corpus().graphql), generated);
  return fc.record({ text: mutated(base, GRAPHQL_FRAGMENTS, profile), stage: stageOrAudit('graphql', 3) }).map(({ text, stage }) => ({
    family: 'graphql',
    stage,
    files: [{ path: 'schema/schema.graphql', content: text }],
    name: 'fuzz',
    secrets: [],
  }));
}

function proto(profile: Profile): fc.Arbitrary<FuzzCase> {
  return fc.record({ text: mutated(oneOfTexts(corpus().protos), PROTO_FRAGMENTS, profile), stage: stageOrAudit('proto', 3) }).map(({ text, stage }) => ({
    family: 'proto',
    stage,
    files: [{ path: 'proto/service.proto', content: text }],
    name: 'fuzz',
    secrets: [],
  }));
}

/** A collector fixture project with one to three of its files mutated, or a check fixture beside a manifest. */
function sourceProject(family: string, projects: readonly Project[], singles: readonly string[], fragments: readonly string[], extension: string, manifest: FuzzFile, profile: Profile): fc.Arbitrary<FuzzCase> {
  const fromProject = fc.tuple(fc.constantFrom(...projects), fc.array(fc.tuple(fc.nat(), fc.array(opArb(fragments, profile), { minLength: 1, maxLength: profile.maxOps })), { minLength: 1, maxLength: 3 })).map(([project, edits]) => {
    const files = project.files.map((file) => ({ ...file }));
    const sources = files.filter((file) => file.path.endsWith(extension) || (extension === '.js' && /\.(ts|tsx|jsx|mjs)$/.test(file.path)));
    for (const [which, ops] of edits) {
      const file = sources[which % Math.max(1, sources.length)];
      if (file) file.content = mutate(file.content, ops);
    }
    return files;
  });
  const fromSingle = mutated(oneOfTexts(singles), fragments, profile).map((text) => [manifest, { path: `src/app${extension}`, content: text }]);
  return fc.tuple(fc.oneof({ weight: 3, arbitrary: fromProject }, { weight: 1, arbitrary: fromSingle }), fc.boolean()).map(([files, includeTests]) => ({
    family,
    stage: 'audit' as const,
    files,
    name: 'fuzz',
    secrets: [],
    ...(includeTests ? { flags: ['--include-tests'] } : {}),
  }));
}

function python(profile: Profile): fc.Arbitrary<FuzzCase> {
  const manifest = { path: 'requirements.txt', content: 'fastapi==0.115.0\nflask==3.0.3\ndjango==5.0\ndjangorestframework==3.15\npyjwt==2.8.0\nrequests==2.32.3\n' };
  return sourceProject('python', corpus().pythonProjects, corpus().pythonFiles, PYTHON_FRAGMENTS, '.py', manifest, profile);
}

function javascript(profile: Profile): fc.Arbitrary<FuzzCase> {
  const manifest = { path: 'package.json', content: JSON.stringify({ name: 'svc', dependencies: { express: '^4.19.2', fastify: '^4.28.0', koa: '^2.15.0', '@koa/router': '^12.0.0', hono: '^4.5.0', '@nestjs/core': '^10.4.0', '@nestjs/common': '^10.4.0', jsonwebtoken: '^9.0.2' } }) };
  return sourceProject('js', corpus().jsProjects, corpus().jsFiles, JS_FRAGMENTS, '.js', manifest, profile);
}

function gitignore(profile: Profile): fc.Arbitrary<FuzzCase> {
  const line = fc.array(fc.constantFrom(...GITIGNORE_FRAGMENTS), { minLength: 1, maxLength: Math.min(12, profile.maxOps * 3) }).map((parts) => parts.join(''));
  const files = fc.array(fc.tuple(fc.constantFrom('src', 'api', 'node_modules', 'a/b', 'vendor', '.hidden', 'x y', '[a]', '!x'), fc.constantFrom('app.js', 'main.py', 'openapi.yaml', 'schema.graphql', '*.js', 'a\\b.py')), { maxLength: 8 });
  return fc.record({ lines: fc.array(line, { maxLength: 12 }), nested: fc.array(line, { maxLength: 4 }), files }).map(({ lines, nested, files: entries }) => ({
    family: 'gitignore',
    stage: 'discover' as const,
    files: [
      { path: '.gitignore', content: `${lines.join('\n')}\n` },
      { path: 'src/.gitignore', content: `${nested.join('\n')}\n` },
      ...entries.map(([dir, file]) => ({ path: `${dir}/${file}`, content: 'x = 1\n' })),
    ],
    name: 'fuzz',
    secrets: [],
  }));
}

function config(profile: Profile): fc.Arbitrary<FuzzCase> {
  const key = fc.constantFrom('publicEndpoints', 'apiTypes', 'disabledChecks', 'include', 'exclude', '__proto__', 'constructor', 'toString', 'unknownKey', '');
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.constantFrom('GET /health', '/docs/*', '*', '**', 'POST', '/a/{b}', 'unauthenticated-endpoint', 'no-such-check')), fc.dictionary(fc.constantFrom('openapi/partner.yaml', 'api', '__proto__', 'toString'), fc.constantFrom('partner', 'internal', 'external', 'bogus', '')));
  const structured = fc.dictionary(key, value, { maxKeys: 5 });
  const yamlText = structured.map((document) => JSON.stringify(document, null, 2));
  const hostile = mutated(yamlText, ['a: &a [*a]', 'x: &x [1,2]\ny: [*x,*x,*x,*x]', '---', '!!js/regexp /x/', '? [a]\n: b', '{', 'publicEndpoints: *nope', '['.repeat(40), '\t- x'], profile);
  return fc.record({ text: fc.oneof(yamlText, hostile), name: fc.constantFrom('apisec.config.yaml', '.apisec.yaml', 'apisec.config.json') }).map(({ text, name }) => ({
    family: 'config',
    stage: 'config' as const,
    files: [{ path: name, content: text }],
    name: 'fuzz',
    secrets: [],
  }));
}

function names(): fc.Arbitrary<FuzzCase> {
  const name = fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.constantFrom('.', '..', '/', '\\', 'a', '-', '_', 'C:', '%2e', '\u0000', '\u001b[31m', '\u202e', '~', ' ', 'é', 'NUL', 'con', '.metapowers'), { maxLength: 8 }).map((parts) => parts.join('')),
  );
  return name.map((value) => ({ family: 'name', stage: 'name' as const, files: [], name: value, secrets: [] }));
}

/** The output folder, or one of its parts, is a link somewhere else. */
function outputPaths(): fc.Arbitrary<FuzzCase> {
  const link = fc.constantFrom<FuzzLink[]>(
    [{ path: '.metapowers', target: 'outside' }],
    [{ path: '.metapowers/security', target: 'outside' }],
    [{ path: '.metapowers/security/NAME', target: 'outside' }],
    [{ path: '.metapowers/security/NAME/skip-log.md', target: 'outside/bashrc' }],
    [{ path: '.metapowers/security/NAME/02-protect.md', target: 'outside/bashrc' }],
    [{ path: '.metapowers/security/NAME/02-protect.json', target: 'outside/bashrc' }],
    [],
  );
  const name = fc.oneof(fc.constantFrom('svc', 'payments-service', 'a.b_c-d', 'x'), fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/).filter((value) => !value.includes('..')));
  return fc.record({ links: link, name, extraCwd: fc.boolean() }).map(({ links, name: value, extraCwd }) => ({
    family: 'output-paths',
    stage: 'audit' as const,
    auditCwd: true,
    files: [{ path: 'openapi.yaml', content: 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /x:\n    get:\n      responses: { "200": { description: ok } }\n' }, ...(extraCwd ? [{ path: 'src/app.js', content: "const express = require('express');\nconst app = express();\napp.get('/y', (req, res) => res.send('y'));\n" }, { path: 'package.json', content: '{"dependencies":{"express":"4"}}' }] : [])],
    links: links.map((entry) => ({ ...entry, path: entry.path.replace('NAME', value) })),
    name: value,
    secrets: [],
  }));
}

function masking(): fc.Arbitrary<FuzzCase> {
  return planted.map(({ files, secrets }) => ({ family: 'masking', stage: 'audit' as const, files, name: 'fuzz', secrets }));
}

const CONTROL_STRINGS = ['\u001b[2J', '\u001b]0;pwned\u0007', '\u001b[31mred', '\r', '\u0008\u0008', '\u009b31m', '\u0000', '\u007f', '\u000b'];

/** Control characters (and secrets) in every field a report shows, through the renderers and through the whole audit. */
function rendering(): fc.Arbitrary<FuzzCase> {
  const evil = fc.tuple(fc.constantFrom(...CONTROL_STRINGS), fc.string({ maxLength: 6 })).map(([control, text]) => `${text}${control}${text}`);
  const inRenderer = fc.tuple(fc.array(fc.oneof(evil, formatSecret), { minLength: 11, maxLength: 11 })).map(([strings]) => ({
    family: 'rendering',
    stage: 'render' as const,
    files: [],
    name: 'fuzz',
    strings,
    secrets: strings.filter((value) => /^(sk_|ghp_|github_pat_|xox|AKIA|AIza|glpat-|eyJ)/.test(value)),
  }));
  const inAudit = fc.record({ control: fc.constantFrom(...CONTROL_STRINGS.filter((value) => !value.includes('\u0000'))), where: fc.constantFrom('file', 'title', 'summary', 'path', 'server') }).map(({ control, where }) => {
    const safe = control.replace(/"/g, '');
    const yamlEscaped = JSON.stringify(safe).slice(1, -1);
    const spec = `openapi: 3.0.3
info:
  title: "${where === 'title' ? `Pay${yamlEscaped}ments` : 'Payments'}"
  version: 1.0.0
servers:
  - url: "${where === 'server' ? `https://api${yamlEscaped}.example.com` : 'https://api.example.com'}"
paths:
  "/items${where === 'path' ? yamlEscaped : ''}":
    get:
      summary: "${where === 'summary' ? `List${yamlEscaped}` : 'List'}"
      responses:
        '200':
          description: ok
`;
    const fileName = where === 'file' ? `api/open${safe.replace(/\//g, '_')}api.yaml` : 'api/openapi.yaml';
    return { family: 'rendering', stage: 'audit' as const, files: [{ path: fileName, content: spec }], name: 'fuzz', secrets: [] };
  });
  return fc.oneof(inRenderer, inAudit);
}

export interface Family {
  name: string;
  /** Share of the cases of a run. */
  weight: number;
  arbitrary: (profile: Profile) => fc.Arbitrary<FuzzCase>;
}

export const FAMILIES: readonly Family[] = [
  { name: 'spec-yaml', weight: 12, arbitrary: specYaml },
  { name: 'spec-json', weight: 10, arbitrary: specJson },
  { name: 'ref', weight: 8, arbitrary: refs },
  { name: 'graphql', weight: 8, arbitrary: graphql },
  { name: 'proto', weight: 6, arbitrary: proto },
  { name: 'python', weight: 8, arbitrary: python },
  { name: 'js', weight: 8, arbitrary: javascript },
  { name: 'gitignore', weight: 6, arbitrary: gitignore },
  { name: 'config', weight: 8, arbitrary: config },
  { name: 'name', weight: 8, arbitrary: () => names() },
  { name: 'output-paths', weight: 3, arbitrary: () => outputPaths() },
  { name: 'masking', weight: 8, arbitrary: () => masking() },
  { name: 'rendering', weight: 7, arbitrary: () => rendering() },
];
