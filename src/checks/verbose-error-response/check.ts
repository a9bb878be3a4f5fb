import { enclosingFunction as phpEnclosingFunction } from '../../collectors/code/php/requests.js';
import { isAdminEndpoint } from '../../analysis/code-authz.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { callsWithin, factsOf, qualify } from '../../analysis/code.js';
import { endpointAt, endpointsIn } from '../../analysis/endpoints.js';
import { endpointAuthz } from '../../analysis/code-authz.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import { siteOf } from '../../analysis/code-input.js';
import { phpErrorLeaks } from './php.js';
import defineCheck from '../define-check.js';
import { goErrorLeaks } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import { csharpErrorLeaks } from './csharp.js';
import { javaErrorLeaks } from './java.js';
import { errorDetailsProviders } from '../../collectors/code/plugins.js';
import { kotlinErrorLeaks } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { descendantsOf, parentOf } from '../../parsing/tree-index.js';

type Leak = 'stack' | 'message' | 'db';

interface ErrorScope {
  name: string;
  scope: Node;
  /** Catches everything (error middleware, `except Exception`), so any message can be an internal one. */
  broad: boolean;
}

const ERROR_NAME = /^(e|err|error|ex|exc|exception|cause)$/;
const BROAD_PY = /^(Exception|BaseException|\w*DatabaseError|\w*DBAPIError|SQLAlchemyError|OperationalError|IntegrityError|ProgrammingError|psycopg2?\.\w*Error|\w*\.(DatabaseError|Error))$/;
const PY_RESPONSE = /(^|\.)(jsonify|JSONResponse|PlainTextResponse|HTMLResponse|Response|HttpResponse|JsonResponse|HttpResponseServerError|make_response|HTTPException|abort|APIException|ValidationError)$/;
const JS_RESPONSE_METHODS = /^(send|json|end|write|jsonp|render)$/;

function paramNames(fn: Node): string[] {
  const list = fn.childForFieldName('parameters');
  return (list?.namedChildren ?? []).map((param) => {
    if (!param) return '';
    const name = param.childForFieldName('pattern') ?? param.childForFieldName('name') ?? (param.type === 'identifier' ? param : param.namedChildren.find((child) => child?.type === 'identifier'));
    return name?.text ?? '';
  });
}

function jsScopes(root: Node): ErrorScope[] {
  const out: ErrorScope[] = [];
  for (const clause of descendantsOf(root, ['catch_clause'])) {
    const param = clause.childForFieldName('parameter');
    const body = clause.childForFieldName('body');
    if (param?.type === 'identifier' && body) out.push({ name: param.text, scope: body, broad: false });
  }
  for (const fn of descendantsOf(root, ['arrow_function', 'function_expression', 'function_declaration', 'function'])) {
    const names = paramNames(fn);
    const first = names[0] ?? '';
    const body = fn.childForFieldName('body');
    if (!body || !ERROR_NAME.test(first)) continue;
    const call = parentOf(parentOf(fn));
    const callee = call?.type === 'call_expression' ? (call.childForFieldName('function')?.text ?? '') : '';
    if (names.length === 4 || /setErrorHandler$|\.on$/.test(callee)) out.push({ name: first, scope: body, broad: true });
    else if (/\.catch$/.test(callee)) out.push({ name: first, scope: body, broad: false });
  }
  return out;
}

/** The first `count` lines of a node's text, read without materialising the whole text (a decorated class can be long). */
function headLines(source: SourceFile, node: Node, count: number): string {
  let end = node.startIndex - 1;
  for (let line = 0; line < count; line++) {
    end = source.text.indexOf('\n', end + 1);
    if (end < 0 || end >= node.endIndex) return source.text.slice(node.startIndex, node.endIndex);
  }
  return source.text.slice(node.startIndex, end);
}

function pyScopes(source: SourceFile): ErrorScope[] {
  const out: ErrorScope[] = [];
  const root = source.tree.rootNode;
  // `except` clauses and error-handler decorators are written with their keyword: a module without it has neither (no walk for them).
  for (const clause of source.text.includes('except') ? descendantsOf(root, ['except_clause']) : []) {
    const asPattern = clause.namedChildren.find((child) => child?.type === 'as_pattern');
    const alias = asPattern?.childForFieldName('alias')?.text ?? asPattern?.namedChildren.at(-1)?.text;
    const type = asPattern?.namedChildren[0]?.text ?? clause.namedChildren[0]?.text ?? '';
    const body = clause.namedChildren.find((child) => child?.type === 'block');
    if (!body) continue;
    const types = type.replace(/[()\s]/g, '').split(',');
    out.push({ name: alias ?? '', scope: body, broad: asPattern === undefined || types.some((name) => BROAD_PY.test(name)) });
  }
  for (const fn of /errorhandler|exception_handler/.test(source.text) ? descendantsOf(root, ['decorated_definition']) : []) {
    if (!/\.(errorhandler|exception_handler|app_errorhandler)\(|@(api_view_)?exception_handler\b/.test(headLines(source, fn, 3))) continue;
    const def = fn.childForFieldName('definition');
    const name = def ? paramNames(def).find((param) => ERROR_NAME.test(param)) : undefined;
    const body = def?.childForFieldName('body');
    if (name && body) out.push({ name, scope: body, broad: true });
  }
  return out;
}

function leakIn(source: SourceFile, node: Node, name: string): { leak: Leak; node: Node } | undefined {
  const py = isPython(source);
  const imports = factsOf(source).imports;
  const stack: Node[] = [node];
  let found: { leak: Leak; node: Node } | undefined;
  const rank: Record<Leak, number> = { stack: 3, db: 2, message: 1 };
  const keep = (leak: Leak, at: Node): void => {
    if (!found || rank[leak] > rank[found.leak]) found = { leak, node: at };
  };
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current) continue;
    if (current.type === 'member_expression' || current.type === 'attribute') {
      const object = current.childForFieldName('object')?.text;
      const property = current.childForFieldName(py ? 'attribute' : 'property')?.text ?? '';
      if (object === name && name !== '') {
        if (property === 'stack' || property === '__traceback__') keep('stack', current);
        else if (/^(sqlMessage|sql|sqlState|detail|orig|statement|query|errno|code)$/.test(property) && !/^code$/.test(property)) keep('db', current);
        else if (/^(message|args|msg)$/.test(property)) keep('message', current);
      }
    } else if (current.type === 'call' || current.type === 'call_expression') {
      const fn = current.childForFieldName('function');
      const callee = qualify(fn, imports) ?? fn?.text ?? '';
      const args = current.childForFieldName('arguments')?.namedChildren ?? [];
      const first = args[0]?.text;
      if (/^traceback\.(format_exc|format_exception|format_tb|format_stack)$/.test(callee) || /^(util|node:util)\.inspect$/.test(callee) && first === name) keep('stack', current);
      else if (/^(str|repr|String)$/.test(callee) && first === name && name !== '') keep('message', current);
      else if (fn?.type === 'member_expression' && fn.childForFieldName('object')?.text === name && fn.childForFieldName('property')?.text === 'toString') keep('message', current);
    } else if ((current.type === 'template_substitution' || current.type === 'interpolation') && current.namedChildren[0]?.text === name && name !== '') {
      keep('message', current);
    }
    for (const child of current.namedChildren) if (child) stack.push(child);
  }
  return found;
}

/** A condition that holds only in development: debug flags and non-production environments. */
const DEBUG_FLAG = /(?:^|[.\s'"[(!])(?:DEBUG|debug|is_?[Dd]ebug|isDev(?:elopment)?|IS_DEV|__DEV__|dev(?:Mode|elopmentMode)?)(?:['"\]]*)\s*(?:\)|$|is True|== ?True|=== ?true|== ?true)/;
const DEV_ENVIRONMENT = /['"](?:dev|development|local)['"]/;
const PRODUCTION = /['"](?:prod|production)['"]/;

/** Which branch of `condition` runs only outside production: `then`, `else`, or neither. */
function developmentBranch(condition: string): 'then' | 'else' | undefined {
  const text = condition.trim().replace(/^\((.*)\)$/s, '$1').trim();
  const negated = /^(?:not\s+|!\s*)/.test(text);
  const bare = text.replace(/^(?:not\s+|!\s*)/, '').trim();
  if (/&&|\|\||\band\b|\bor\b/.test(bare)) return undefined;
  let development: boolean | undefined;
  if (DEV_ENVIRONMENT.test(bare) && /===?|\bis\b/.test(bare) && !/!==?|\bis not\b/.test(bare)) development = true;
  else if (PRODUCTION.test(bare) && /!==?|\bis not\b/.test(bare)) development = true;
  else if (PRODUCTION.test(bare) && /===?|\bis\b/.test(bare)) development = false;
  else if (DEBUG_FLAG.test(` ${bare}`) || /^(?:[\w.]+\.)?(?:debug|DEBUG)$/.test(bare) || /\[['"]DEBUG['"]\]/.test(bare)) development = true;
  if (development === undefined) return undefined;
  return development !== negated ? 'then' : 'else';
}

/**
 * A leak only a development build sends (`if current_app.config['DEBUG']:` … `else:` a generic
 * body; `env === 'development' ? err.stack : undefined`) is not a production weakness.
 */
function developmentOnly(node: Node, scope: Node): boolean {
  let child: Node = node;
  for (let parent = parentOf(node); parent && child.id !== scope.id; child = parent, parent = parentOf(parent)) {
    let condition: Node | null = null;
    let branch: 'then' | 'else' | undefined;
    if (parent.type === 'if_statement') {
      condition = parent.childForFieldName('condition');
      const consequence = parent.childForFieldName('consequence');
      branch = consequence?.id === child.id ? 'then' : condition?.id === child.id ? undefined : 'else';
    } else if (parent.type === 'ternary_expression' || parent.type === 'conditional_expression') {
      // JS `c ? a : b` has fields; Python `a if c else b` puts the condition second.
      condition = parent.childForFieldName('condition') ?? parent.namedChildren[1] ?? null;
      const consequence = parent.childForFieldName('consequence') ?? parent.namedChildren[0];
      branch = consequence?.id === child.id ? 'then' : condition?.id === child.id ? undefined : 'else';
    } else if (parent.type === 'elif_clause') {
      condition = parent.childForFieldName('condition');
      branch = parent.childForFieldName('consequence')?.id === child.id ? 'then' : undefined;
    }
    if (condition && branch !== undefined && developmentBranch(condition.text) === branch) return true;
    if (returnsEarlyInProduction(child)) return true;
  }
  return false;
}

/** `if not app.debug: return generic` before the statement: what follows runs only in development. */
function returnsEarlyInProduction(statement: Node): boolean {
  for (let previous = statement.previousNamedSibling; previous; previous = previous.previousNamedSibling) {
    if (previous.type !== 'if_statement' || previous.childForFieldName('alternative')) continue;
    const condition = previous.childForFieldName('condition');
    const consequence = previous.childForFieldName('consequence');
    const last = consequence?.type === 'return_statement' ? consequence : consequence?.namedChildren.at(-1);
    if (!condition || (last?.type !== 'return_statement' && last?.type !== 'raise_statement' && last?.type !== 'throw_statement')) continue;
    if (developmentBranch(condition.text) === 'else') return true;
  }
  return false;
}

/** Inside a handler that only administrators reach (a role check gates it): the details go to an operator. */
function adminOnly(ctx: CheckContext, source: SourceFile, node: Node): boolean {
  const endpoint = endpointAt(ctx, source.file, node.startPosition.row + 1);
  return endpoint !== undefined && endpoint.auth.state === 'protected' && endpointAuthz(ctx, endpoint)?.roleCheck !== undefined;
}

/** Response-producing expressions inside a scope: the argument nodes to inspect. */
function responses(source: SourceFile, ctx: CheckContext, scope: ErrorScope): { node: Node; status500: boolean }[] {
  const out: { node: Node; status500: boolean }[] = [];
  const py = isPython(source);
  for (const call of callsWithin(source, scope.scope)) {
    const text = call.node.text;
    const status500 = /\b(status|code|status_code|statusCode)\s*[(=:]\s*5\d\d\b|\(\s*5\d\d\s*[,)]|HTTP_500|InternalServerError/.test(text) || /,\s*5\d\d\s*$/.test(parentOf(call.node)?.text ?? '');
    if (py) {
      if (PY_RESPONSE.test(call.callee)) out.push({ node: call.node, status500 });
    } else {
      const fn = call.node.childForFieldName('function');
      const method = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : '';
      const receiver = fn?.childForFieldName('object')?.text ?? '';
      if (JS_RESPONSE_METHODS.test(method) && /^(res|response|reply|ctx\.res)\b/.test(receiver)) out.push({ node: call.node, status500 });
      else if (/^(NextResponse\.json|Response\.json)$/.test(call.written) || (call.isNew && /^(Response|NextResponse|InternalServerErrorException|HttpException)$/.test(call.written)))
        out.push({ node: call.node, status500: status500 || /InternalServerError/.test(call.written) });
    }
  }
  const statementTypes = py ? ['return_statement'] : ['assignment_expression'];
  for (const statement of scope.scope.descendantsOfType(statementTypes)) {
    if (!statement) continue;
    if (py) {
      const line = statement.startPosition.row + 1;
      if (scope.broad || endpointAt(ctx, source.file, line)) out.push({ node: statement, status500: /,\s*5\d\d\s*$/.test(statement.text) });
    } else if (/^ctx\.body$/.test(statement.childForFieldName('left')?.text ?? '')) {
      out.push({ node: statement, status500: /ctx\.status\s*=\s*5\d\d/.test(scope.scope.text) });
    }
  }
  return out;
}

export default defineCheck({
  id: 'verbose-error-response',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Internal error details returned to the client',
  owasp: 'API8:2023',
  cwe: ['CWE-209'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Stack traces, exception messages and database errors tell an attacker which frameworks, file paths, table and column names and query shapes the service uses, and confirm when an injection attempt reached the database.',
  remediation:
    'Log the exception server-side with a correlation id and return a generic body: Express `app.use((err, req, res, next) => { const id = randomUUID(); logger.error({ err, id }); res.status(500).json({ error: "internal_error", id }); })`; FastAPI `@app.exception_handler(Exception)` returning `JSONResponse({"detail": "Internal error", "id": id}, status_code=500)`; Flask `@app.errorhandler(Exception)` likewise; Go `log.Printf("…: %v", err); http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)` or gin `c.AbortWithError(500, err)` with a generic body; Spring `@ExceptionHandler(Exception.class)` returning a fixed message with the id (`ProblemDetail.forStatusAndDetail(INTERNAL_SERVER_ERROR, "Internal error")`) and `server.error.include-message=never` (the default); ASP.NET Core `builder.Services.AddProblemDetails()` with `app.UseExceptionHandler()` (a generic 500 problem document) and `ex.Message` only for your own client-safe exception types; Laravel: let the exception handler render a generic 500 (`APP_DEBUG=false`) and log `$e` with `report($e)` instead of `response()->json([\'error\' => $e->getMessage()], 500)`, Symfony likewise with a `kernel.exception` listener returning a fixed body; keep `str(exc)` only for exceptions you raise with client-safe messages.',
  messages: {
    stack: '`{{expression}}` sends the stack trace of `{{name}}` to the client.',
    db: '`{{expression}}` sends database error details of `{{name}}` to the client.',
    message: '`{{expression}}` sends the message of an unexpected exception (`{{name}}`) to the client.',
    // The frameworks' error-response settings (src/collectors/code/<framework>/error-details.ts).
    ...(Object.assign({}, ...errorDetailsProviders().map((provider) => provider.messages)) as Record<string, string>),
  } as Record<string, string>,
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const leak of csharpErrorLeaks(source)) report({ messageId: leak.leak, data: { expression: leak.expression, name: leak.name }, ...siteOf(ctx, source, leak.node) });
      for (const leak of phpErrorLeaks(source)) {
        const site = siteOf(ctx, source, leak.node, lineSnippet(source, leak.node));
        // An administrator's diagnostic (`/admin/settings/mail/test` answering the SMTP error) is meant to show the cause.
        const method = phpEnclosingFunction(leak.node);
        const line = method ? method.startPosition.row + 1 : -1;
        if (endpointsIn(ctx, source.file).some((endpoint) => endpoint.handler?.line === line && isAdminEndpoint(endpoint))) continue;
        report({ messageId: leak.leak, data: { expression: leak.expression, name: leak.name }, ...site });
      }
    }
    for (const provider of errorDetailsProviders()) {
      for (const setting of provider.settings?.(ctx) ?? []) {
        const where = 'location' in setting ? { location: setting.location, evidence: { snippet: setting.snippet } } : siteOf(ctx, setting.source, setting.node, setting.snippet);
        report({ messageId: setting.messageId, ...(setting.data ? { data: setting.data } : {}), ...where });
      }
    }
    for (const source of ctx.sources) {
      for (const leak of [...javaErrorLeaks(source), ...kotlinErrorLeaks(source)]) {
        report({ messageId: leak.leak, data: { expression: leak.expression, name: leak.name }, ...jvmAt(ctx, source, leak.node, leak.node.text.split('\n')[0]) });
      }
    }
    for (const source of ctx.sources) {
      const scopes = isPython(source) ? pyScopes(source) : jsScopes(source.tree.rootNode);
      const seen = new Set<number>();
      for (const scope of scopes) {
        for (const response of responses(source, ctx, scope)) {
          const leak = leakIn(source, response.node, scope.name);
          if (!leak || seen.has(leak.node.id)) continue;
          if (leak.leak === 'message' && !scope.broad && !response.status500) continue;
          if (developmentOnly(leak.node, scope.scope)) continue;
          if (adminOnly(ctx, source, leak.node)) continue;
          seen.add(leak.node.id);
          const name = scope.name === '' ? 'the exception' : scope.name;
          report({ messageId: leak.leak, data: { expression: leak.node.text.replace(/\s+/g, ' ').slice(0, 80), name }, ...siteOf(ctx, source, leak.node) });
        }
      }
    }
    for (const hit of goErrorLeaks(ctx.sources)) {
      if (adminOnly(ctx, hit.source, hit.node)) continue;
      // Error text in 5xx answers is a habit of a Go code base, not of one handler: one finding, every place listed.
      report({ messageId: 'message', data: { expression: hit.node.text.replace(/\s+/g, ' ').slice(0, 80), name: hit.name }, ...goSite(ctx, hit.source, hit.node), rootCause: 'go error text in 5xx answers' });
    }
  },
});
