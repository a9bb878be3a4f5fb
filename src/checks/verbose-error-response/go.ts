import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goRequestParams, qualifiedCallee } from '../../analysis/go-taint.js';
import { descendantsOf, parentOf } from '../../parsing/tree-index.js';
import { goRequestProviders } from '../../collectors/code/plugins.js';

export interface GoErrorLeak {
  source: SourceFile;
  /** The expression that puts the error text in the body (`err.Error()`). */
  node: Node;
  name: string;
}

const SERVER_ERROR = /^(?:(?:\w+\.)?Status(?:InternalServerError|BadGateway|ServiceUnavailable|GatewayTimeout)|5\d\d)$/;

let known: { writers: ReadonlySet<string>; errors: ReadonlySet<string>; statusBody: ReadonlyMap<string, ReadonlySet<string>>; anyStatusBody: ReadonlySet<string> } | undefined;

/** The Go frameworks' response writers (`c.JSON(status, body)`), error constructors and `c.Status(code).JSON(body)` methods, from their `goRequest` sections. */
function frameworkWriters(): NonNullable<typeof known> {
  if (!known) {
    const providers = goRequestProviders();
    known = {
      writers: new Set(providers.flatMap(({ provider }) => provider.writers ?? [])),
      errors: new Set(providers.flatMap(({ provider }) => provider.errors ?? [])),
      statusBody: new Map(providers.flatMap(({ id, provider }) => (provider.statusBody ? [[id, new Set(provider.statusBody)] as const] : []))),
      anyStatusBody: new Set(providers.flatMap(({ provider }) => provider.statusBody ?? [])),
    };
  }
  return known;
}

const CALL_TYPES = ['call_expression'];

/** Names checked with `if err != nil` around the node: Go's error variables. */
function checkedErrors(node: Node): Set<string> {
  const out = new Set<string>();
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'function_declaration' || current.type === 'method_declaration' || current.type === 'func_literal') break;
    if (current.type !== 'if_statement') continue;
    const condition = field(current, 'condition');
    if (!condition) continue;
    for (const match of condition.text.matchAll(/\b([A-Za-z_]\w*)\s*!=\s*nil\b/g)) if (match[1]) out.add(match[1]);
  }
  return out;
}

/** `err.Error()`, or `err` formatted by `fmt.Sprintf("…%v", err)` / `fmt.Sprint(err)` inside `if err != nil`. */
function leakIn(body: Node[], errors: ReadonlySet<string>): { node: Node; name: string } | undefined {
  let found: { node: Node; name: string } | undefined;
  for (const part of body) {
    walk(part, (node) => {
      if (found) return false;
      if (node.type !== 'call_expression') return true;
      const fn = field(node, 'function');
      if (fn?.type === 'selector_expression' && field(fn, 'field')?.text === 'Error' && callArgs(node).length === 0) {
        const operand = unwrap(field(fn, 'operand') ?? fn);
        if (operand.type === 'identifier' || operand.type === 'selector_expression') found = { node, name: operand.text };
        return !found;
      }
      if (fn?.type === 'selector_expression' && /^fmt\.(Sprintf|Sprint|Sprintln|Errorf)$/.test(fn.text)) {
        const args = callArgs(node);
        const format = args[0] ? stringLiteral(args[0]) : undefined;
        const values = format === undefined ? args : args.slice(1);
        const leaked = values.find((arg) => arg.type === 'identifier' && errors.has(arg.text));
        if (leaked) found = { node, name: leaked.text };
        return !found;
      }
      return true;
    });
    if (found) return found;
  }
  return found;
}

/**
 * The text of an unexpected error sent in a 5xx answer: `http.Error(w, err.Error(), 500)`, gin/echo
 * `c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})`, `echo.NewHTTPError(500,
 * err.Error())`, fiber `c.Status(500).JSON(fiber.Map{"error": err.Error()})` / `fiber.NewError(500,
 * err.Error())`. gin's `c.AbortWithError(500, err)` (not written to the body), an error returned to
 * echo's or fiber's default handler, and 4xx answers are not reported.
 */
export function goErrorLeaks(sources: readonly SourceFile[]): GoErrorLeak[] {
  const out: GoErrorLeak[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go') || !source.text.includes('Error()') && !source.text.includes('fmt.')) continue;
    const root = source.tree.rootNode;
    const imports = importsOf(root);
    for (const fn of named(root)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const params = goRequestParams(fn, imports);
      // Every call of the function, closures included, in document order: read from the tree's list of calls, not a walk.
      for (const node of descendantsOf(fn, CALL_TYPES)) {
        const callee = field(node, 'function');
        const args = callArgs(node);
        const qualified = qualifiedCallee(imports, callee);
        let status: Node | undefined;
        let body: Node[] = [];
        if (qualified === 'net/http.Error') {
          status = args[2];
          body = args.slice(1, 2);
        } else if (qualified && frameworkWriters().errors.has(qualified)) {
          status = args[0];
          body = args.slice(1);
        } else if (callee?.type === 'selector_expression') {
          const method = field(callee, 'field')?.text ?? '';
          const receiver = unwrap(field(callee, 'operand') ?? callee);
          if (receiver.type === 'identifier' && params.has(receiver.text) && frameworkWriters().writers.has(method)) {
            status = args[0];
            body = args.slice(1);
          } else if (frameworkWriters().anyStatusBody.has(method) && receiver.type === 'call_expression') {
            const inner = field(receiver, 'function');
            const base = inner?.type === 'selector_expression' ? unwrap(field(inner, 'operand') ?? inner) : undefined;
            const framework = base?.type === 'identifier' ? params.get(base.text) : undefined;
            if (field(inner ?? receiver, 'field')?.text === 'Status' && framework !== undefined && frameworkWriters().statusBody.get(framework)?.has(method) === true) {
              status = callArgs(receiver)[0];
              body = args;
            }
          }
        }
        if (!status || !SERVER_ERROR.test(unwrap(status).text)) continue;
        const leak = leakIn(body, checkedErrors(node));
        if (leak) out.push({ source, ...leak });
      }
    }
  }
  return out;
}
