import type { Node } from 'web-tree-sitter';
import { at, isJs } from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf, snippetOf } from '../../analysis/code.js';
import { dataAccessProviders } from '../../collectors/code/plugins.js';
import type { DataAccessProvider } from '../../collectors/code/plugin.js';
import defineCheck from '../define-check.js';

/** The data-access libraries whose query filters drop `undefined` conditions (Prisma, TypeORM: their `dataAccess` sections). */
function filters(): NonNullable<DataAccessProvider['undefinedDroppingFilter']>[] {
  return dataAccessProviders().flatMap((provider) => (provider.undefinedDroppingFilter ? [provider.undefinedDroppingFilter] : []));
}

/** Where a request's caller lives when auth middleware or a session helper put it there. */
const REQUEST_CALLER = /^(?:req|request|ctx|ctx\.state|event\.locals|locals|context)\??\.(?:user|session|auth)\b/;
const SESSION_SOURCE = /\b(getServerSession|getSession|auth|getAuth|currentUser|getCurrentUser|getUser|getServerAuthSession|getKindeServerSession|validateRequest|getToken)\s*\(/;
const CALLER_ROOT = /^(session|user|currentUser|viewer|me|auth)$/;
const EXITS = /\b(return|throw)\b|\b(redirect|notFound|unauthorized|forbidden)\s*\(/;

/** `session?.user?.id`, `req.user?.id`, or a name bound from one in the same function. */
function optionalCaller(value: Node, fn: Node | undefined): { root: string; text: string } | undefined {
  const expression = value.type === 'identifier' && fn ? boundValue(value.text, fn, value) : value;
  if (expression?.type !== 'member_expression' || !expression.text.includes('?.')) return undefined;
  const text = expression.text;
  const root = /^[\w$]+/.exec(text)?.[0] ?? '';
  if (REQUEST_CALLER.test(text)) return { root: text.replace(/\?\..*$/, ''), text: value.text };
  const binding = fn ? boundValue(root, fn, value) : undefined;
  if ((binding && SESSION_SOURCE.test(binding.text)) || (!binding && CALLER_ROOT.test(root))) return { root, text: value.text };
  return undefined;
}

function boundValue(name: string, fn: Node, before: Node): Node | undefined {
  for (const declarator of fn.descendantsOfType('variable_declarator')) {
    if (!declarator || declarator.startIndex > before.startIndex) continue;
    if (declarator.childForFieldName('name')?.text === name) return declarator.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** Pairs of the filter, nested relation filters included, whose value may be a missing caller id. */
function weakPairs(filter: Node, fn: Node | undefined, depth = 0): { pair: Node; key: string; value: { root: string; text: string } }[] {
  const out: { pair: Node; key: string; value: { root: string; text: string } }[] = [];
  for (const child of filter.namedChildren) {
    if (child?.type !== 'pair') continue;
    const key = child.childForFieldName('key')?.text ?? '';
    const value = child.childForFieldName('value');
    if (!value) continue;
    if (value.type === 'object' && depth < 2) {
      for (const inner of weakPairs(value, fn, depth + 1)) out.push({ ...inner, key: `${key}.${inner.key}` });
      continue;
    }
    const found = optionalCaller(value, fn);
    if (found) out.push({ pair: child, key, value: found });
  }
  return out;
}

/** An earlier `if (!session) return …`, or an enclosing `if (session?.user) { … }`. */
function guarded(root: string, names: readonly string[], call: Node, fn: Node | undefined): boolean {
  if (!fn) return false;
  const mentions = (text: string): boolean => [root, ...names].some((name) => name !== '' && text.includes(name));
  for (const statement of fn.descendantsOfType('if_statement')) {
    if (!statement) continue;
    const condition = statement.childForFieldName('condition')?.text ?? '';
    const consequence = statement.childForFieldName('consequence');
    if (!mentions(condition) || !consequence) continue;
    if (statement.endIndex <= call.startIndex && /!|==\s*null|===\s*(undefined|null)/.test(condition) && EXITS.test(consequence.text)) return true;
    if (consequence.startIndex <= call.startIndex && consequence.endIndex >= call.endIndex && !/^\(\s*!/.test(condition)) return true;
  }
  return false;
}

export default defineCheck({
  id: 'ownership-filter-allows-missing-user',
  title: 'Ownership filter turned off by a missing caller id',
  owasp: 'API1:2023',
  cwe: ['CWE-639'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  experimental: true,
  rationale:
    'The query scopes records to the caller with an optional-chained id such as `session?.user?.id`. When there is no session the value is `undefined`, and Prisma and TypeORM drop `undefined` conditions instead of rejecting them, so the ownership filter disappears and the query matches any record.',
  remediation:
    'Reject the request before querying when there is no caller (`const session = await getServerSession(authOptions); if (!session?.user) return new Response(null, { status: 401 })`), then use the non-optional id (`where: { id, ownerId: session.user.id }`). With Prisma 5.20+, enable `strictUndefinedChecks` so an `undefined` filter throws instead of vanishing.',
  messages: {
    dropped:
      '`{{call}}` scopes {{orm}} records with `{{key}}: {{value}}`, and nothing stops the request first when there is no caller: an `undefined` id removes the condition and the query matches every record.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (!isJs(source)) continue;
      for (const call of factsOf(source).calls) {
        const found = filters().reduce<{ library: string; filter: Node } | undefined>((first, filterOf) => first ?? filterOf(ctx, call), undefined);
        if (!found) continue;
        const { library: orm, filter } = found;
        const fn = enclosingFunction(call.node);
        for (const { pair, key, value } of weakPairs(filter, fn)) {
          const names = [value.text];
          if (guarded(value.root, names, call.node, fn)) continue;
          const located = at(ctx, source, pair);
          // Auth middleware that rejects anonymous requests sets `req.user` on every request it lets through.
          const endpoint = located.endpointId ? ctx.endpointById.get(located.endpointId) : undefined;
          if (REQUEST_CALLER.test(value.text) && endpoint?.auth.state === 'protected') continue;
          report({
            messageId: 'dropped',
            data: { call: `${call.written}(…)`, orm, key, value: snippetOf(pair.childForFieldName('value') ?? pair, 60) },
            ...located,
          });
        }
      }
    }
  },
});
