import type { Node } from 'web-tree-sitter';
import { at, isPython, lastName } from '../../analysis/code-auth.js';
import { enclosingFunction, literalValue, nodesOfType } from '../../analysis/code.js';
import { parentOf } from '../../parsing/tree-index.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const SECRET = /(api_?key|apikey|secret|signature|^sig$|_sig$|password|passwd|hmac|token|^digest$|_digest$|expected_?mac|^mac$)$/;
// A confirmation field or a password change compares two user inputs, not a stored secret.
const NOT_SECRET = /^(confirm|confirmation|repeat|retype|new|old)_|_(confirm|confirmation|repeat)$/;
const EQUALITY_JS = new Set(['==', '===', '!=', '!==']);
const EQUALITY_PY = new Set(['==', '!=']);

function normalise(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]/g, '_').toLowerCase();
}

function isSecretName(name: string): boolean {
  const normal = normalise(name);
  return SECRET.test(normal) && !NOT_SECRET.test(normal);
}

function isTrivial(node: Node): boolean {
  if (literalValue(node) !== undefined) return true;
  if (/^(undefined|None|null|NaN)$/.test(node.text)) return true;
  if (node.type === 'unary_expression' && node.text.startsWith('typeof')) return true;
  if (/\.(length|size|type|kind|name)$/.test(node.text) || /^len\(/.test(node.text)) return true;
  return node.type === 'string' || node.type === 'template_string';
}

function operands(source: SourceFile, node: Node): { left: Node; right: Node; operator: string } | undefined {
  if (isPython(source)) {
    const children = node.namedChildren.filter((child): child is Node => child !== null);
    const operators = node.children.filter((child) => child !== null && !child.isNamed).map((child) => child?.text ?? '');
    if (children.length !== 2 || operators.length !== 1) return undefined;
    const [left, right] = children;
    const operator = operators[0] ?? '';
    return left && right && EQUALITY_PY.has(operator) ? { left, right, operator } : undefined;
  }
  const operator = node.childForFieldName('operator')?.text ?? '';
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  return left && right && EQUALITY_JS.has(operator) ? { left, right, operator } : undefined;
}

const REQUEST_DATA = /\b(req|request|ctx\.request|event)\b|\b(headers|cookies|body|query|params|META|args|form)\b|\bheader\(|\.get\(\s*['"]x-/i;
const TEST_CALLS = new Set(['it', 'test', 'describe', 'expect', 'assert', 'assertEqual', 'assertTrue']);

/** Inside a test: an `assert`, a `test_*` function, a JS `it(…)` / `test(…)` / `expect(…)` callback. */
function inTest(node: Node): boolean {
  for (let current: Node | null = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'assert_statement') return true;
    if (current.type === 'function_definition' || current.type === 'function_declaration') {
      const name = current.childForFieldName('name')?.text ?? '';
      if (/^test_|_test$|^test[A-Z]/.test(name)) return true;
    }
    if (current.type === 'call_expression') {
      const callee = current.childForFieldName('function')?.text.split('.')[0] ?? '';
      if (TEST_CALLS.has(callee)) return true;
    }
  }
  return false;
}

function parameterNames(fn: Node): Set<string> {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const names = new Set<string>();
  if (!params) return names;
  if (params.type === 'identifier') names.add(params.text);
  for (const param of params.namedChildren) {
    if (!param) continue;
    if (param.type === 'identifier') {
      names.add(param.text);
      continue;
    }
    // `x: str = Header()`, `req: Request`, `token = None`: the name is the first identifier.
    const name = param.childForFieldName('name') ?? param.childForFieldName('pattern') ?? param.namedChildren.find((child) => child?.type === 'identifier');
    if (name?.type === 'identifier') names.add(name.text);
  }
  return names;
}

/**
 * The value arrives with the request: read from request data, a parameter of the function (the
 * caller passes it in: a handler's, a middleware's, a dependency's), or a local assigned from either.
 */
function fromRequest(operand: Node, fn: Node, params: Set<string>, depth = 0): boolean {
  if (REQUEST_DATA.test(operand.text)) return true;
  const root = operand.text.split(/[.[(]/)[0]?.trim() ?? '';
  if (params.has(root)) return true;
  if (depth > 1 || !/^[A-Za-z_]\w*$/.test(root)) return false;
  const assignment = new RegExp(`(?:^|[\\s;({,])(?:const|let|var)?\\s*${root}\\s*(?::[^=]+)?=(?!=)\\s*([^\\n;]+)`, 'm').exec(fn.text);
  const value = assignment?.[1];
  if (value === undefined) return false;
  if (REQUEST_DATA.test(value)) return true;
  return [...params].some((param) => /^[A-Za-z_]\w*$/.test(param) && new RegExp(`\\b${param}\\b`).test(value));
}

export default defineCheck({
  id: 'secret-compared-non-constant-time',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Secret compared in non-constant time',
  owasp: 'API2:2023',
  cwe: ['CWE-208'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    '`==` stops at the first differing byte, so the response time tells an attacker how much of a guessed API key, token or HMAC signature is right; with enough requests the secret is recovered byte by byte.',
  remediation:
    'Compare secrets with a constant-time function: Python `hmac.compare_digest(provided, expected)` (Django `constant_time_compare`); Node `crypto.timingSafeEqual(Buffer.from(provided), Buffer.from(expected))` after checking the lengths match. Better still, store API keys hashed and compare the hashes.',
  messages: {
    compared: '`{{expression}}` compares a secret with `{{operator}}`, which leaks timing.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const types = isPython(source) ? ['comparison_operator'] : ['binary_expression'];
      for (const node of nodesOfType(source, types)) {
        const parts = operands(source, node);
        if (!parts) continue;
        const { left, right, operator } = parts;
        if (isTrivial(left) || isTrivial(right)) continue;
        const names = [normalise(lastName(left)), normalise(lastName(right))];
        if (names.some((name) => NOT_SECRET.test(name))) continue;
        if (!isSecretName(lastName(left)) && !isSecretName(lastName(right))) continue;
        // Only where a request can time it: inside a function (handler, middleware, dependency or
        // a helper they call with request data), one side arriving with the request, never a test.
        const fn = enclosingFunction(node);
        if (!fn || inTest(node)) continue;
        const params = parameterNames(fn);
        if (!fromRequest(left, fn, params) && !fromRequest(right, fn, params)) continue;
        const expression = node.text.replace(/\s+/g, ' ');
        report({
          messageId: 'compared',
          data: { expression: expression.length > 90 ? `${expression.slice(0, 89)}…` : expression, operator },
          ...at(ctx, source, node),
        });
      }
    }
  },
});
