import type { Node } from 'web-tree-sitter';
import { at, functionName, isInside, isPython, jwtCalls } from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf, nodesOfType, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { descendantsOf, parentOf } from '../../parsing/tree-index.js';
import { requestSourceProviders } from '../../collectors/code/plugins.js';

// Names that only ever mean a credential.
const STRONG = /^(access[_-]?token|accesstoken|api[_-]?key|apikey|x-api-key|auth[_-]?token|authtoken|jwt|id[_-]?token|bearer|session[_-]?token|client[_-]?secret)$/i;
// Names that are credentials only when used as one (`token` is also an email-confirmation or invite link).
const WEAK = /^(token|key|auth)$/i;
const ONE_TIME_LINK = /reset|email|confirm|invit|unsubscrib|activat|magic|download|share|verify_?account|verifyaccount/i;
/** The query mapping of a JS request whatever the framework (Express-style `req`, a serverless `event`); the frameworks' own in their `request.query` sections. */
const JS_QUERIES = [String.raw`(req|request|context\.req|event)\.(query|queryStringParameters)`];

interface QueryTables {
  js: RegExp;
  python: RegExp;
  /** Callables that declare a credential read from the query string. */
  credentials: ReadonlySet<string>;
}

let queryTables: QueryTables | undefined;

function queryShapes(): QueryTables {
  if (!queryTables) {
    const sections = requestSourceProviders().flatMap((provider) => (provider.query ? [{ family: provider.family, ...provider.query }] : []));
    const queries = (family: 'js' | 'python', generic: readonly string[]): RegExp => {
      const all = [...generic, ...sections.flatMap((section) => (section.family === family ? (section.queries ?? []) : []))];
      return new RegExp(`^(${all.length > 0 ? all.join('|') : '(?!)'})$`);
    };
    queryTables = { js: queries('js', JS_QUERIES), python: queries('python', []), credentials: new Set(sections.flatMap((section) => section.credentials ?? [])) };
  }
  return queryTables;
}

function usedAsCredential(source: SourceFile, node: Node): boolean {
  const fn = enclosingFunction(node);
  const scope = fn ?? source.tree.rootNode;
  if (ONE_TIME_LINK.test(functionName(node))) return false;
  if (/getToken|jwtFromRequest|fromExtractors/.test(functionName(node)) || /\b(getToken|jwtFromRequest)\b/.test(parentOf(fn)?.text.slice(0, 40) ?? '')) return true;
  if (/authorization|x-api-key|bearer|HTTP_AUTHORIZATION/i.test(scope.text)) return true;
  // Flows into a JWT verify/decode, directly or through a variable.
  let holder: Node | null = parentOf(node);
  while (holder && holder.type !== 'variable_declarator' && holder.type !== 'assignment' && holder.type !== 'arguments' && holder.type !== 'argument_list') holder = parentOf(holder);
  const names = new Set<string>(node.type === 'shorthand_property_identifier_pattern' ? [node.text] : []);
  if (holder && (holder.type === 'variable_declarator' || holder.type === 'assignment')) {
    const left = holder.childForFieldName(holder.type === 'assignment' ? 'left' : 'name');
    if (left?.type === 'identifier') names.add(left.text);
  }
  return jwtCalls(source).some(
    (jwt) =>
      jwt.kind !== 'sign' &&
      isInside(jwt.call.node, scope) &&
      jwt.call.args.some((arg) => isInside(node, arg) || (arg.type === 'identifier' && names.has(arg.text))),
  );
}

interface Hit {
  node: Node;
  snippet?: string;
  name: string;
  expression: string;
}

function jsHits(source: SourceFile): Hit[] {
  const hits: Hit[] = [];
  const root = source.tree.rootNode;
  for (const node of descendantsOf(root, ['member_expression', 'subscript_expression'])) {
    const object = node.childForFieldName('object')?.text ?? '';
    if (!queryShapes().js.test(object)) continue;
    const name = node.type === 'member_expression' ? (node.childForFieldName('property')?.text ?? '') : (stringValue(node.childForFieldName('index')) ?? '');
    hits.push({ node, name, expression: node.text });
  }
  for (const node of descendantsOf(root, ['variable_declarator'])) {
    const pattern = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (pattern?.type !== 'object_pattern' || !value || !queryShapes().js.test(value.text)) continue;
    for (const part of pattern.namedChildren) {
      const name = part?.type === 'pair_pattern' ? part.childForFieldName('key')?.text : part?.type === 'shorthand_property_identifier_pattern' ? part.text : part?.type === 'object_assignment_pattern' ? part.namedChildren[0]?.text : undefined;
      if (part && name) hits.push({ node: part, name, expression: `${value.text}.${name}`, snippet: node.text });
    }
  }
  for (const call of factsOf(source).calls) {
    if (/searchParams\.get$|query\.get$/.test(call.written)) {
      const name = stringValue(call.args[0]);
      if (name) hits.push({ node: call.node, name, expression: call.node.text });
    }
  }
  return hits;
}

function pyHits(source: SourceFile): Hit[] {
  const hits: Hit[] = [];
  // Both spellings read `request.<args|GET|…>` as written: a file without `request.` has neither.
  if (!source.text.includes('request.')) return hits;
  for (const call of factsOf(source).calls) {
    if (!call.written.endsWith('get')) continue;
    const fn = call.node.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get' && queryShapes().python.test(fn.childForFieldName('object')?.text ?? '')) {
      const name = stringValue(call.args[0]);
      if (name) hits.push({ node: call.node, name, expression: call.node.text });
    }
  }
  for (const node of nodesOfType(source, 'subscript')) {
    if (!queryShapes().python.test(node.childForFieldName('value')?.text ?? '')) continue;
    const name = stringValue(node.childForFieldName('subscript'));
    if (name) hits.push({ node, name, expression: node.text });
  }
  return hits;
}

export default defineCheck({
  id: 'token-accepted-from-url',
  title: 'Credential accepted from the URL',
  owasp: 'API2:2023',
  cwe: ['CWE-598'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Query strings end up in access logs, proxy and CDN logs, browser history and `Referer` headers, so a token or API key read from the URL leaks to everyone who can read those.',
  remediation:
    'Accept credentials only in the `Authorization` header (or an httpOnly cookie): FastAPI `APIKeyHeader(name="X-API-Key")` or `OAuth2PasswordBearer`; passport-jwt `ExtractJwt.fromAuthHeaderAsBearerToken()`; express-jwt without a `getToken` that reads `req.query`; Flask `request.headers.get("Authorization")`.',
  messages: {
    query: '`{{expression}}` reads the `{{name}}` credential from the query string.',
    extractor: '`{{call}}` makes the strategy accept the token from the query string.',
    apiKeyQuery: '`{{call}}` declares an API key passed in the query string.',
    getToken: 'The express-jwt `getToken` option reads the token from `req.query`.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const reported: Node[] = [];
      const hits = isPython(source) ? pyHits(source) : jsHits(source);
      for (const call of factsOf(source).calls) {
        if (/^passport-jwt\.ExtractJwt\.fromUrlQueryParameter$/.test(call.callee)) {
          report({ messageId: 'extractor', data: { call: call.written }, ...at(ctx, source, call.node) });
        } else if (queryShapes().credentials.has(call.callee)) {
          report({ messageId: 'apiKeyQuery', data: { call: call.written }, ...at(ctx, source, call.node) });
        }
      }
      if (!isPython(source)) {
        for (const pair of nodesOfType(source, 'pair')) {
          const value = pair.childForFieldName('value');
          if (pair.childForFieldName('key')?.text !== 'getToken' || !value || !/\.query\b/.test(value.text)) continue;
          report({ messageId: 'getToken', ...at(ctx, source, pair) });
          reported.push(value);
        }
      }
      for (const hit of hits) {
        if (reported.some((node) => isInside(hit.node, node))) continue;
        const credential = STRONG.test(hit.name) || (WEAK.test(hit.name) && usedAsCredential(source, hit.node));
        if (!credential) continue;
        const where = hit.snippet === undefined ? at(ctx, source, hit.node) : at(ctx, source, hit.node, hit.snippet);
        report({ messageId: 'query', data: { expression: hit.expression.replace(/\s+/g, ' ').slice(0, 80), name: hit.name }, ...where });
      }
    }
  },
});

